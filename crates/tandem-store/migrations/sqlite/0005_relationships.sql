-- The life of a relationship (issue 6): how it ended, a version for
-- compare-and-set transitions, the private reasons for ending, the
-- agreement with its signed versions, meetings and action items.
-- Keep in step with ../postgres/0005_relationships.sql.

ALTER TABLE mentorships ADD COLUMN ending TEXT
    CHECK (ending IN ('declined', 'completed', 'by_mentee', 'by_mentor', 'by_program'));
ALTER TABLE mentorships ADD COLUMN completion_proposed_by TEXT
    CHECK (completion_proposed_by IN ('mentee', 'mentor'));
-- Bumped by every transition; a write that read an older version loses.
ALTER TABLE mentorships ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE mentorships SET ending = 'declined' WHERE status = 'declined';
UPDATE mentorships SET ending = 'by_program' WHERE status = 'ended';

-- Why one side ended a relationship, if they chose to say. Only its
-- author ever sees the note; the program sees counts per factor over at
-- least five endings, never a row.
CREATE TABLE ending_reasons (
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    side                TEXT NOT NULL CHECK (side IN ('mentee', 'mentor')),
    -- The study's failure factors, ';'-separated codes.
    factors             TEXT NOT NULL,
    note                TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (mentorship_id, side)
);
CREATE INDEX ending_reasons_institution ON ending_reasons (institution_id);

-- A program's starting text for new agreements (JSON terms).
CREATE TABLE agreement_templates (
    institution_id      BLOB PRIMARY KEY NOT NULL REFERENCES institutions (id),
    terms               TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- Every version of a relationship's agreement. A change is a new version
-- that both sign again.
CREATE TABLE agreements (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    version             INTEGER NOT NULL CHECK (version >= 1),
    terms               TEXT NOT NULL,
    written_by          TEXT NOT NULL CHECK (written_by IN ('mentee', 'mentor')),
    created_at          TEXT NOT NULL,
    mentee_signed_at    TEXT,
    mentor_signed_at    TEXT,
    -- When both are asked to revisit it (continue or rematch).
    review_on           TEXT NOT NULL,
    UNIQUE (mentorship_id, version)
);

-- Meetings on the agreed cadence. Agenda, checklist, topic notes and
-- recap are confidential to the two sides.
CREATE TABLE meetings (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    starts_at           TEXT NOT NULL,
    minutes             INTEGER NOT NULL CHECK (minutes BETWEEN 10 AND 480),
    place               TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    is_first            INTEGER NOT NULL,
    agenda              TEXT NOT NULL,
    timelines           TEXT NOT NULL,
    -- JSON: the first meeting's checklist items ticked.
    checklist           TEXT NOT NULL,
    -- JSON: notes per topic (career, administrative, education, personal).
    topics              TEXT NOT NULL,
    recap               TEXT NOT NULL,
    recap_written_at    TEXT,
    recap_confirmed_at  TEXT,
    -- Bumped on every change to the time or status (iCalendar SEQUENCE).
    sequence            INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX meetings_mentorship ON meetings (mentorship_id, starts_at);

-- What someone agreed to do, carried into every agenda until done.
CREATE TABLE action_items (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    meeting_id          BLOB REFERENCES meetings (id),
    description         TEXT NOT NULL,
    owner               TEXT NOT NULL CHECK (owner IN ('mentee', 'mentor')),
    due_on              TEXT,
    done_at             TEXT,
    created_at          TEXT NOT NULL
);
CREATE INDEX action_items_mentorship ON action_items (mentorship_id, done_at);

-- Each person's private calendar feed (iCalendar) of their meetings and
-- review dates. The URL carries a random token; only its hash is kept, and
-- making a new one revokes the old.
CREATE TABLE calendar_feeds (
    person_id           BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    token_hash          TEXT NOT NULL UNIQUE,
    created_at          TEXT NOT NULL,
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id)
);

-- A mentee's development plan: goals at 1, 3, 5 and 10 years by area,
-- shared with their mentors.
CREATE TABLE plan_goals (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    mentee_id           BLOB NOT NULL,
    horizon             TEXT NOT NULL CHECK (horizon IN ('1', '3', '5', '10')),
    area                TEXT NOT NULL CHECK (area IN ('teaching', 'clinical', 'research', 'administration')),
    goal                TEXT NOT NULL,
    progress            INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    FOREIGN KEY (institution_id, mentee_id) REFERENCES people (institution_id, id)
);
CREATE INDEX plan_goals_mentee ON plan_goals (mentee_id);

-- What a mentor provided in one relationship.
CREATE TABLE contributions (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    kind                TEXT NOT NULL CHECK (kind IN ('opportunity', 'introduction', 'advocacy', 'funding')),
    description         TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX contributions_mentorship ON contributions (mentorship_id);

-- Manuscripts and grants a mentee sends their mentor for review.
CREATE TABLE review_requests (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    kind                TEXT NOT NULL CHECK (kind IN ('manuscript', 'grant', 'other')),
    title               TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('requested', 'done', 'withdrawn')),
    short_notice        INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX review_requests_mentorship ON review_requests (mentorship_id, status);
