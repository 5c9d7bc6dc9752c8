-- +goose Up
-- The write-back outbox (docs/decisions.md#calendar-connections): one row
-- per appointment and CalDAV connection, written in the transaction that
-- books, reschedules or cancels. The worker brings the event at path in
-- line with the appointment as it stands, so rows need no order; version
-- grows with each change queued, and done is set only for the version a
-- worker wrote.
CREATE TABLE calendar_writes (
-- +meetd sqlite
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
-- +meetd postgres
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
-- +meetd end
    company_id      TEXT NOT NULL REFERENCES companies (id),
    appointment_id  TEXT NOT NULL,
    connection_id   TEXT NOT NULL REFERENCES calendar_connections (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    path            TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    done            BOOLEAN NOT NULL DEFAULT FALSE,
-- +meetd sqlite
    version         INTEGER NOT NULL DEFAULT 1,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
-- +meetd postgres
    version         BIGINT NOT NULL DEFAULT 1,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
-- +meetd end
);
CREATE UNIQUE INDEX calendar_writes_target ON calendar_writes (appointment_id, connection_id);
CREATE INDEX calendar_writes_due ON calendar_writes (done, next_attempt_at);
CREATE INDEX calendar_writes_connection ON calendar_writes (connection_id);

-- +goose Down
DROP TABLE calendar_writes;
