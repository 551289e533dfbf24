-- Accounts, roles, sessions, API tokens, sign-in attempts and the audit log
-- (issue 3). Keep in step with ../sqlite/0002_accounts.sql.

CREATE TABLE accounts (
    id                   UUID PRIMARY KEY NOT NULL,
    institution_id       UUID REFERENCES institutions (id),
    person_id            UUID,
    username             TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    credentials_changed_at TIMESTAMPTZ NOT NULL,
    credentials_version  BIGINT NOT NULL DEFAULT 0,
    created_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id),
    FOREIGN KEY (institution_id, person_id) REFERENCES people (institution_id, id)
);

CREATE TABLE role_grants (
    id              UUID PRIMARY KEY NOT NULL,
    account_id      UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    institution_id  UUID REFERENCES institutions (id),
    role            TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'facilitator', 'unit_leader', 'evaluator', 'institution_admin', 'system_operator')),
    department_id   UUID,
    division_id     UUID,
    created_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (institution_id, department_id) REFERENCES departments (institution_id, id),
    FOREIGN KEY (institution_id, division_id) REFERENCES divisions (institution_id, id)
);
CREATE INDEX role_grants_account ON role_grants (account_id);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY NOT NULL,
    account_id      UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    credentials_version BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_tokens (
    id              UUID PRIMARY KEY NOT NULL,
    account_id      UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE sign_in_attempts (
    id              UUID PRIMARY KEY NOT NULL,
    key             TEXT NOT NULL,
    succeeded       BOOLEAN NOT NULL,
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts (key, at);

CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    institution_id  UUID,
    actor_account_id UUID,
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

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
