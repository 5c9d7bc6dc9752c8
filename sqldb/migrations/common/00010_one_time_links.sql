-- +goose Up
-- Single-use booking links (docs/decisions.md#one-time-booking-links). Only
-- the SHA-256 of the token is kept: the token books without a credential.
-- A link works while used_at and replaced_at are NULL and expires_at is ahead.
CREATE TABLE one_time_links (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    meeting_type_id TEXT NOT NULL REFERENCES meeting_types (id),
    created_by      TEXT NOT NULL DEFAULT '',
    appointment_id  TEXT NOT NULL DEFAULT '',
-- +meetd sqlite
    token_hash      BLOB NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    replaced_at     INTEGER,
    created_at      INTEGER NOT NULL
-- +meetd postgres
    token_hash      BYTEA NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT,
    replaced_at     BIGINT,
    created_at      BIGINT NOT NULL
-- +meetd end
);
CREATE UNIQUE INDEX one_time_links_token ON one_time_links (token_hash);
CREATE INDEX one_time_links_meeting_type ON one_time_links (meeting_type_id, created_at);

-- +goose Down
DROP TABLE one_time_links;
