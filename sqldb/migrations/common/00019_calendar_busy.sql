-- +goose Up
-- The busy times of hosts' external calendars, cached by the background
-- fetcher so that slot queries never wait on a calendar server
-- (meetd.CalendarBusyStore). One row per piece of at most
-- meetd.CalendarBusyPiece, so a window's read is one bounded index range:
-- start_at from the window's start less one piece to the window's end.
-- connection_id is the connection's id; the table does not reference the
-- connections table, which a cache must not hold up.
CREATE TABLE calendar_busy (
    company_id    TEXT NOT NULL REFERENCES companies (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    connection_id TEXT NOT NULL,
-- +meetd sqlite
    start_at      INTEGER NOT NULL,
    end_at        INTEGER NOT NULL
-- +meetd postgres
    start_at      BIGINT NOT NULL,
    end_at        BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX calendar_busy_host ON calendar_busy (company_id, user_id, start_at, end_at);
CREATE INDEX calendar_busy_connection ON calendar_busy (company_id, connection_id, start_at);

-- +goose Down
DROP TABLE calendar_busy;
