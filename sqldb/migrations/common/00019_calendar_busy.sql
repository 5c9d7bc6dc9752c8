-- +goose Up
-- The busy times of hosts' external calendars, cached by the background
-- fetcher so that slot queries never wait on a calendar server
-- (meetd.CalendarBusyStore). One row per connection and week: bucket is
-- the week's start (Unix milliseconds, a multiple of seven days) and busy
-- the week's intervals as "start-end" pairs of seconds after it, joined by
-- ";". A slot query then reads a few rows per host on one bounded range of
-- calendar_busy_host, whatever the number of events. connection_id is the
-- connection's id; the table does not reference the connections table,
-- which a cache must not hold up.
CREATE TABLE calendar_busy (
    company_id    TEXT NOT NULL REFERENCES companies (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    connection_id TEXT NOT NULL,
-- +meetd sqlite
    bucket        INTEGER NOT NULL,
-- +meetd postgres
    bucket        BIGINT NOT NULL,
-- +meetd end
    busy          TEXT NOT NULL,
    PRIMARY KEY (company_id, connection_id, bucket)
);
CREATE INDEX calendar_busy_host ON calendar_busy (company_id, user_id, bucket);

-- +goose Down
DROP TABLE calendar_busy;
