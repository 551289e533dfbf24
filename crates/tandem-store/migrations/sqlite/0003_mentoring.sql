-- Finding a mentor (issue 5): program settings, each person's mentoring
-- preferences, requests, pairs, do-not-match wishes, feedback about
-- mentors and notifications. Keep in step with ../postgres/0003_mentoring.sql.

-- One mentoring program per institution; its rules for matching.
CREATE TABLE program_settings (
    institution_id      BLOB PRIMARY KEY NOT NULL REFERENCES institutions (id),
    -- The score's factor weights, as JSON.
    weights             TEXT NOT NULL,
    -- Leadership codes whose holders may not mentor, ';'-separated.
    barred_leadership   TEXT NOT NULL,
    request_expiry_days INTEGER NOT NULL CHECK (request_expiry_days BETWEEN 1 AND 90),
    reminder_days       INTEGER NOT NULL CHECK (reminder_days BETWEEN 0 AND 89),
    updated_at          TEXT NOT NULL
);

-- What a person says about mentoring. Edited by the person; a roster
-- import never touches it.
CREATE TABLE mentoring_profiles (
    person_id           BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    looking_for         TEXT NOT NULL DEFAULT '',
    personal_interests  TEXT NOT NULL DEFAULT '',
    mentor_capacity     INTEGER NOT NULL DEFAULT 0 CHECK (mentor_capacity BETWEEN 0 AND 10),
    mentor_training     INTEGER NOT NULL DEFAULT 0,
    reference_opt_in    INTEGER NOT NULL DEFAULT 0,
    looking_since       TEXT,
    updated_at          TEXT NOT NULL,
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id)
);
CREATE INDEX mentoring_profiles_mentors ON mentoring_profiles (institution_id, mentor_capacity);

-- "Do not match me with this person again": a hard exclusion both ways.
CREATE TABLE do_not_match (
    institution_id      BLOB NOT NULL,
    person_id           BLOB NOT NULL,
    other_id            BLOB NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (person_id, other_id),
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id),
    FOREIGN KEY (institution_id, other_id) REFERENCES people (institution_id, id)
);
CREATE INDEX do_not_match_other ON do_not_match (other_id);

-- A mentee's request to a mentor. decline_reason is the mentor's own
-- note: it is never shown to the mentee or anyone else.
CREATE TABLE mentor_requests (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    mentee_id           BLOB NOT NULL,
    mentor_id           BLOB NOT NULL,
    message             TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn', 'expired')),
    decline_reason      TEXT,
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    -- When the mentor is reminded, if still unanswered.
    remind_at           TEXT NOT NULL,
    reminded_at         TEXT,
    decided_at          TEXT,
    CHECK (mentee_id <> mentor_id),
    FOREIGN KEY (institution_id, mentee_id) REFERENCES people (institution_id, id),
    FOREIGN KEY (institution_id, mentor_id) REFERENCES people (institution_id, id)
);
CREATE INDEX mentor_requests_mentee ON mentor_requests (mentee_id, status);
CREATE INDEX mentor_requests_mentor ON mentor_requests (mentor_id, status);
CREATE INDEX mentor_requests_expiry ON mentor_requests (status, expires_at);
CREATE INDEX mentor_requests_reminder ON mentor_requests (status, remind_at);
CREATE UNIQUE INDEX mentor_requests_one_pending ON mentor_requests (mentee_id, mentor_id)
    WHERE status = 'pending';

-- A mentoring pair, from an accepted request or a published round.
CREATE TABLE mentorships (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    mentee_id           BLOB NOT NULL,
    mentor_id           BLOB NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
    origin              TEXT NOT NULL CHECK (origin IN ('request', 'round')),
    request_id          BLOB REFERENCES mentor_requests (id),
    status              TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'declined', 'ended')),
    proposed_at         TEXT NOT NULL,
    started_at          TEXT,
    ended_at            TEXT,
    CHECK (mentee_id <> mentor_id),
    FOREIGN KEY (institution_id, mentee_id) REFERENCES people (institution_id, id),
    FOREIGN KEY (institution_id, mentor_id) REFERENCES people (institution_id, id)
);
CREATE INDEX mentorships_mentee ON mentorships (mentee_id, status);
CREATE INDEX mentorships_mentor ON mentorships (mentor_id, status);
CREATE UNIQUE INDEX mentorships_one_open ON mentorships (mentee_id, mentor_id)
    WHERE status IN ('proposed', 'active');

-- A mentee's answers about a mentor they have or had. Shown only as
-- aggregates over at least five mentees; no free text.
CREATE TABLE mentor_feedback (
    institution_id      BLOB NOT NULL,
    mentor_id           BLOB NOT NULL,
    mentee_id           BLOB NOT NULL,
    would_recommend     INTEGER NOT NULL,
    available           INTEGER NOT NULL CHECK (available BETWEEN 1 AND 5),
    helpful             INTEGER NOT NULL CHECK (helpful BETWEEN 1 AND 5),
    respectful          INTEGER NOT NULL CHECK (respectful BETWEEN 1 AND 5),
    answered_at         TEXT NOT NULL,
    PRIMARY KEY (mentor_id, mentee_id),
    FOREIGN KEY (institution_id, mentee_id) REFERENCES people (institution_id, id),
    FOREIGN KEY (institution_id, mentor_id) REFERENCES people (institution_id, id)
);

-- Messages for a person inside Tandem (request reminders, answers).
CREATE TABLE notifications (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    person_id           BLOB NOT NULL,
    body                TEXT NOT NULL,
    link                TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    read_at             TEXT,
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id)
);
CREATE INDEX notifications_person ON notifications (person_id, created_at);
