-- Institutions (tenants), their units, and the faculty in them (M1).
-- Every institution-owned table carries institution_id, and references
-- between owned rows include it, so a row can never point into another
-- institution. Foreign keys between people are deferred so a roster can
-- name a supervisor that appears later in the same transaction.
-- Keep in step with ../postgres/0001_foundation.sql (the parity test checks).

CREATE TABLE institutions (
    id          BLOB PRIMARY KEY NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE departments (
    id              BLOB PRIMARY KEY NOT NULL,
    institution_id  BLOB NOT NULL REFERENCES institutions (id),
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (institution_id, name),
    UNIQUE (institution_id, id)
);

CREATE TABLE divisions (
    id              BLOB PRIMARY KEY NOT NULL,
    institution_id  BLOB NOT NULL REFERENCES institutions (id),
    department_id   BLOB NOT NULL,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (department_id, name),
    UNIQUE (institution_id, id),
    FOREIGN KEY (institution_id, department_id) REFERENCES departments (institution_id, id)
);

CREATE TABLE people (
    id                      BLOB PRIMARY KEY NOT NULL,
    institution_id          BLOB NOT NULL REFERENCES institutions (id),
    employee_id             TEXT NOT NULL,
    given_name              TEXT NOT NULL,
    family_name             TEXT NOT NULL,
    email                   TEXT NOT NULL,
    department_id           BLOB NOT NULL,
    division_id             BLOB NOT NULL,
    rank                    TEXT NOT NULL CHECK (rank IN ('lecturer', 'assistant_professor', 'associate_professor', 'professor')),
    stream                  TEXT NOT NULL CHECK (stream IN ('teacher', 'educator', 'investigator', 'scientist', 'administrator')),
    gender                  TEXT NOT NULL,
    appointment_date        TEXT NOT NULL,
    research_interests      TEXT NOT NULL,
    clinical_interests      TEXT NOT NULL,
    education_interests     TEXT NOT NULL,
    personal_values         TEXT NOT NULL,
    working_style           TEXT NOT NULL,
    mentoring_years         INTEGER NOT NULL CHECK (mentoring_years >= 0),
    past_mentees            INTEGER NOT NULL CHECK (past_mentees >= 0),
    location                TEXT,
    contact_channels        TEXT NOT NULL,
    supervisor_id           BLOB,
    resource_controller_id  BLOB,
    leadership              TEXT NOT NULL CHECK (leadership IN ('none', 'division_director', 'department_chair')),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    UNIQUE (institution_id, employee_id),
    UNIQUE (institution_id, email),
    UNIQUE (institution_id, id),
    FOREIGN KEY (institution_id, department_id) REFERENCES departments (institution_id, id),
    FOREIGN KEY (institution_id, division_id) REFERENCES divisions (institution_id, id),
    FOREIGN KEY (institution_id, supervisor_id) REFERENCES people (institution_id, id)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (institution_id, resource_controller_id) REFERENCES people (institution_id, id)
        DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX people_directory ON people (institution_id, family_name, given_name, id);
CREATE INDEX people_division ON people (division_id);
CREATE INDEX people_supervisor ON people (supervisor_id);
CREATE INDEX people_resource_controller ON people (resource_controller_id);
