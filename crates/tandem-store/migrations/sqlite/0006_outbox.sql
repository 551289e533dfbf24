-- A durable outbox and job queue (e-mail now; reminders of other kinds
-- later), each person's e-mail preference, and what has been e-mailed.
-- Keep in step with ../postgres/0006_outbox.sql.

-- A unit of work to run outside the request that caused it. Enqueued in
-- the same transaction as that cause; `dedupe_key` makes enqueueing
-- idempotent. Workers claim due jobs with a lease (compare-and-set on
-- `leased_until`), so several instances never run one job at once.
CREATE TABLE jobs (
    id                  BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB REFERENCES institutions (id),
    kind                TEXT NOT NULL,
    dedupe_key          TEXT NOT NULL UNIQUE,
    -- JSON, read by the handler of `kind`.
    payload             TEXT NOT NULL,
    run_at              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    -- Claims so far (a claim counts as an attempt).
    attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts        INTEGER NOT NULL CHECK (max_attempts >= 1),
    leased_until        TEXT,
    lease_owner         TEXT,
    last_error          TEXT,
    created_at          TEXT NOT NULL,
    finished_at         TEXT
);
CREATE INDEX jobs_claim ON jobs (status, run_at);

-- How a person wants their notifications e-mailed. No row: immediately.
CREATE TABLE notification_preferences (
    person_id           BLOB PRIMARY KEY NOT NULL,
    institution_id      BLOB NOT NULL,
    email               TEXT NOT NULL CHECK (email IN ('immediate', 'digest', 'off')),
    updated_at          TEXT NOT NULL,
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id)
);

-- When a notification went out by e-mail (alone or in a digest), so a
-- digest sends each once. A notification written through the outbox
-- carries its caller's key: writing it twice leaves one row.
ALTER TABLE notifications ADD COLUMN emailed_at TEXT;
ALTER TABLE notifications ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (dedupe_key);
CREATE INDEX notifications_unemailed ON notifications (person_id, emailed_at, created_at);
