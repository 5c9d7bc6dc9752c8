-- +goose Up
-- Users' subscription feeds (meetd.CalendarFeedStore): one per user, found
-- by the SHA-256 of its secret token, which is never stored.
CREATE TABLE calendar_feeds (
    user_id    TEXT PRIMARY KEY REFERENCES users (id),
    company_id TEXT NOT NULL REFERENCES companies (id),
-- +meetd sqlite
    token_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL
-- +meetd postgres
    token_hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL
-- +meetd end
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);
CREATE INDEX calendar_feeds_company ON calendar_feeds (company_id);

-- +goose Down
DROP TABLE calendar_feeds;
