-- +goose Up
-- Timestamps are Unix milliseconds (UTC) in both dialects, so every query is
-- the same text on SQLite and PostgreSQL and ordering is plain integer order.
CREATE TABLE companies (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    plan       TEXT NOT NULL,
    seats      BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    id                      TEXT PRIMARY KEY,
    company_id              TEXT NOT NULL REFERENCES companies (id),
    email                   TEXT NOT NULL,
    email_lower             TEXT NOT NULL,
    given_name              TEXT NOT NULL,
    family_name             TEXT NOT NULL,
    timezone                TEXT NOT NULL,
    slug                    TEXT NOT NULL,
    role                    TEXT NOT NULL,
    user_type               TEXT NOT NULL,
    status                  TEXT NOT NULL,
    password_hash           TEXT NOT NULL DEFAULT '',
    default_availability_id TEXT NOT NULL DEFAULT '',
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);
-- Emails and slugs are unique across the platform among users still in a
-- workspace; a removed user frees both.
CREATE UNIQUE INDEX users_email_active ON users (email_lower) WHERE status = 'active';
CREATE UNIQUE INDEX users_slug_active ON users (slug) WHERE status = 'active';
CREATE UNIQUE INDEX users_one_owner ON users (company_id) WHERE role = 'owner';
CREATE INDEX users_company ON users (company_id, created_at);

CREATE TABLE availabilities (
    id         TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    schedule   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX availabilities_user ON availabilities (user_id);

CREATE TABLE meeting_types (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    availability_id TEXT NOT NULL REFERENCES availabilities (id),
    name            TEXT NOT NULL,
    slug            TEXT NOT NULL,
    duration        BIGINT NOT NULL,
    channel         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE UNIQUE INDEX meeting_types_user_slug ON meeting_types (user_id, slug) WHERE deleted_at IS NULL;

CREATE TABLE credentials (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    user_id        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    hash           BYTEA NOT NULL UNIQUE,
    expires_at     BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    last_used_at   BIGINT,
    last_used_ip   TEXT NOT NULL DEFAULT '',
    rolled_from_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credentials_company ON credentials (company_id, kind, created_at);
CREATE INDEX credentials_user ON credentials (user_id, kind, created_at);

-- The change log: every write that a cached principal depends on appends a
-- row, and every node replays rows it has not seen to drop cache entries.
CREATE TABLE changes (
    seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind   TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX changes_at ON changes (at);

CREATE TABLE audit_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id      TEXT NOT NULL,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    credential_id   TEXT NOT NULL,
    credential_kind TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    on_behalf       BOOLEAN NOT NULL,
    ip              TEXT NOT NULL,
    source          TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX audit_log_company ON audit_log (company_id, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE changes;
DROP TABLE credentials;
DROP TABLE meeting_types;
DROP TABLE availabilities;
DROP TABLE users;
DROP TABLE companies;
