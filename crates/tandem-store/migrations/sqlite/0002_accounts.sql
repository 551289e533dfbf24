-- Accounts, roles, sessions, API tokens, sign-in attempts and the audit log
-- (issue 3). Keep in step with ../postgres/0002_accounts.sql.

-- An account signs in. It belongs to one institution and usually to one
-- person there; a system operator's account belongs to no institution.
CREATE TABLE accounts (
    id                   BLOB PRIMARY KEY NOT NULL,
    institution_id       BLOB REFERENCES institutions (id),
    person_id            BLOB,
    username             TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    disabled             INTEGER NOT NULL DEFAULT 0,
    credentials_changed_at TEXT NOT NULL,
    -- Bumped by a password change, reset or disable; a session made under
    -- an older value no longer works.
    credentials_version  INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    UNIQUE (person_id),
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id)
);

-- A role held by an account, optionally limited to a department or division.
CREATE TABLE role_grants (
    id              BLOB PRIMARY KEY NOT NULL,
    account_id      BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    institution_id  BLOB REFERENCES institutions (id),
    role            TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'facilitator', 'unit_leader', 'evaluator', 'institution_admin', 'system_operator')),
    department_id   BLOB,
    division_id     BLOB,
    created_at      TEXT NOT NULL,
    FOREIGN KEY (institution_id, department_id) REFERENCES departments (institution_id, id),
    FOREIGN KEY (institution_id, division_id) REFERENCES divisions (institution_id, id)
);
CREATE INDEX role_grants_account ON role_grants (account_id);

-- Sessions live in the database so any instance can serve any request.
-- Only a hash of the token is stored.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY NOT NULL,
    account_id      BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    credentials_version INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    ended_at        TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Personal API tokens: shown once, stored hashed, revocable.
CREATE TABLE api_tokens (
    id              BLOB PRIMARY KEY NOT NULL,
    account_id      BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Sign-in attempts, counted across instances for rate limits. `key` is
-- 'address:<ip>' or 'account:<username>'.
CREATE TABLE sign_in_attempts (
    id              BLOB PRIMARY KEY NOT NULL,
    key             TEXT NOT NULL,
    succeeded       INTEGER NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts (key, at);

-- The audit log: append-only and hash-chained. Each row's hash covers its
-- fields and the previous row's hash, so editing or deleting a row breaks
-- the chain (`tandem admin verify-audit`).
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY NOT NULL,
    at              TEXT NOT NULL,
    institution_id  BLOB,
    actor_account_id BLOB,
    action          TEXT NOT NULL,
    resource        TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    detail          TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_institution ON audit_log (institution_id, seq);

-- The end of the chain. Appending updates this row first, which serialises
-- appends across connections and instances, and lets verification notice
-- rows removed from the end.
CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
