-- Facilitator rounds (issue 5): a cohort matched in one go, by optimal
-- assignment or stable matching, previewed, adjusted and published as
-- proposals each side accepts or declines. Each round keeps its inputs,
-- engine version and result so it can be reproduced and audited.
-- Keep in step with ../postgres/0004_rounds.sql.

CREATE TABLE matching_rounds (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL REFERENCES institutions (id),
    name                TEXT NOT NULL,
    method              TEXT NOT NULL CHECK (method IN ('optimal', 'stable')),
    team_size           INTEGER NOT NULL CHECK (team_size BETWEEN 1 AND 3),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    -- JSON: cohort, mentors and their places, weights, rules, locks, forbids.
    inputs              TEXT NOT NULL,
    -- JSON: pairs with scores, reasons and risks; the unmatched with why.
    result              TEXT NOT NULL,
    engine_version      TEXT NOT NULL,
    created_by          BLOB REFERENCES accounts (id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    published_at        TEXT
);
CREATE INDEX matching_rounds_institution ON matching_rounds (institution_id, created_at);

-- A proposal from a round waits for both sides.
ALTER TABLE mentorships ADD COLUMN round_id BLOB REFERENCES matching_rounds (id);
ALTER TABLE mentorships ADD COLUMN mentee_accepted_at TEXT;
ALTER TABLE mentorships ADD COLUMN mentor_accepted_at TEXT;

-- Bumped by every write that changes an institution's people or mentoring
-- profiles (roster imports included, whichever process runs them), so a
-- server may cache what suggestions and rounds read and know when it is
-- stale.
CREATE TABLE pool_versions (
    institution_id      BLOB PRIMARY KEY NOT NULL REFERENCES institutions (id),
    version             INTEGER NOT NULL
);

-- For stable matching: each participant's ranking of their candidates in
-- a round (a JSON list of person ids, best first).
CREATE TABLE round_rankings (
    round_id            BLOB NOT NULL REFERENCES matching_rounds (id),
    person_id           BLOB NOT NULL,
    ranked              TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (round_id, person_id)
);
