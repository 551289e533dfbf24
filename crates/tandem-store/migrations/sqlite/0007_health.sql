-- Relationship health (issue 7): check-in instruments a program added,
-- its check-in rhythm, each side's confidential check-ins, the last
-- health status of each relationship (for trends and alerts), and the
-- facilitator's brokering cases with their private logs.
-- Keep in step with ../postgres/0007_health.sql.

-- A validated instrument a program holds a licence for (JSON of
-- tandem_domain::health::Instrument). Tandem's own lives in the code.
-- Never edited: answers refer to it by code.
CREATE TABLE checkin_instruments (
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    code                TEXT NOT NULL,
    definition          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (institution_id, code)
);

-- A program's check-in settings. No row: Tandem's instrument, first
-- after 30 days, then every 90.
CREATE TABLE checkin_settings (
    institution_id      BLOB PRIMARY KEY NOT NULL REFERENCES institutions (id),
    instrument_code     TEXT NOT NULL,
    first_after_days    INTEGER NOT NULL CHECK (first_after_days BETWEEN 7 AND 365),
    every_days          INTEGER NOT NULL CHECK (every_days BETWEEN 14 AND 365),
    updated_at          TEXT NOT NULL
);

-- One side's answers to a check-in. Confidential: the other side never
-- reads them; the facilitator reads the scale answers as evidence, and the
-- comment only while its author consents (share_comment), every read
-- audited; chairs and evaluators see only suppressed aggregates.
CREATE TABLE checkins (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    side                TEXT NOT NULL CHECK (side IN ('mentee', 'mentor')),
    -- The round that was due (or next) when it was answered.
    round               INTEGER NOT NULL CHECK (round >= 1),
    instrument_code     TEXT NOT NULL,
    -- JSON: item code -> scale point; skipped items are absent.
    answers             TEXT NOT NULL,
    comment             TEXT NOT NULL,
    share_comment       INTEGER NOT NULL,
    submitted_at        TEXT NOT NULL
);
CREATE INDEX checkins_mentorship ON checkins (institution_id, mentorship_id, side, submitted_at);

-- The last status the health model gave each relationship. A change is
-- written by compare-and-set on the old status, so a newly at-risk
-- relationship alerts its facilitators once, whichever instance sees it.
CREATE TABLE health_status (
    mentorship_id       BLOB PRIMARY KEY NOT NULL REFERENCES mentorships (id),
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    status              TEXT NOT NULL CHECK (status IN ('thriving', 'watch', 'at_risk')),
    factor              TEXT,
    previous_status     TEXT CHECK (previous_status IN ('thriving', 'watch', 'at_risk')),
    changed_at          TEXT NOT NULL,
    assessed_at         TEXT NOT NULL
);
CREATE INDEX health_status_institution ON health_status (institution_id, status);

-- A brokering case: one side asked the facilitator for help in
-- confidence, or a facilitator opened one from an alert. The request's
-- words reach only facilitators; the other side learns of the case only
-- if the requester agreed (other_may_know).
CREATE TABLE broker_cases (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    mentorship_id       BLOB NOT NULL REFERENCES mentorships (id),
    -- The side who asked; NULL when a facilitator opened it.
    requested_by        TEXT CHECK (requested_by IN ('mentee', 'mentor')),
    request             TEXT NOT NULL,
    other_may_know      INTEGER NOT NULL,
    opened_by           BLOB REFERENCES accounts (id),
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX broker_cases_institution ON broker_cases (institution_id, status);
CREATE INDEX broker_cases_mentorship ON broker_cases (mentorship_id);

-- The facilitator's private log of a case: notes and what was done.
CREATE TABLE broker_case_entries (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    case_id             BLOB NOT NULL REFERENCES broker_cases (id),
    -- Order within the case (several entries may share a time).
    seq                 INTEGER NOT NULL,
    author              BLOB NOT NULL REFERENCES accounts (id),
    kind                TEXT NOT NULL CHECK (kind IN ('opened', 'note', 'contact', 'secondary', 'rematch', 'closed')),
    text                TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX broker_case_entries_case ON broker_case_entries (case_id, seq);
