-- +goose Up
-- Dashboard sessions (scs). token is the SHA-256 of the cookie value, so a
-- read of this table yields no live session; expiry is Unix milliseconds.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
