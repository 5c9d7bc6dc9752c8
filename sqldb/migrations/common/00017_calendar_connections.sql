-- +goose Up
-- Users' calendar connections (docs/decisions.md#calendar-connections).
-- secret holds the app password or feed URL sealed with AES-GCM under the
-- operator's key, never in clear. next_refresh_at is the refresher's
-- schedule and lease; a refresh that started before a change (updated_at
-- moved) cannot record its stale result; broken_notified makes
-- credential_error fire once per breakage.
CREATE TABLE calendar_connections (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    server_url      TEXT NOT NULL DEFAULT '',
    username        TEXT NOT NULL DEFAULT '',
    calendars       TEXT NOT NULL DEFAULT '[]',
    busy_calendars  TEXT NOT NULL DEFAULT '[]',
    write_calendar  TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending',
    last_error      TEXT NOT NULL DEFAULT '',
    broken_notified BOOLEAN NOT NULL DEFAULT FALSE,
-- +meetd sqlite
    secret          BLOB NOT NULL,
    last_sync_at    INTEGER,
    next_refresh_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
-- +meetd postgres
    secret          BYTEA NOT NULL,
    last_sync_at    BIGINT,
    next_refresh_at BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX calendar_connections_user ON calendar_connections (company_id, user_id, created_at);
CREATE INDEX calendar_connections_due ON calendar_connections (next_refresh_at);

-- +goose Down
DROP TABLE calendar_connections;
