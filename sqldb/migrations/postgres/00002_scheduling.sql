-- +goose Up
-- Meeting types keep the fields meetd interprets in columns and everything
-- else a client sent (meetergo accepts many undocumented fields) as JSON, so
-- it round-trips.
ALTER TABLE meeting_types ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE meeting_types ADD COLUMN buffer_before BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meeting_types ADD COLUMN buffer_after BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meeting_types ADD COLUMN allowed_durations TEXT NOT NULL DEFAULT '[]';
ALTER TABLE meeting_types ADD COLUMN double_opt_in TEXT NOT NULL DEFAULT 'disabled';
ALTER TABLE meeting_types ADD COLUMN timeslot_interval BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meeting_types ADD COLUMN booking_minimum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meeting_types ADD COLUMN days_into_future TEXT NOT NULL DEFAULT '{}';
ALTER TABLE meeting_types ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE meeting_types ADD COLUMN spots BIGINT NOT NULL DEFAULT 1;
ALTER TABLE meeting_types ADD COLUMN locations TEXT NOT NULL DEFAULT '[]';
ALTER TABLE meeting_types ADD COLUMN queue_id TEXT NOT NULL DEFAULT '';
ALTER TABLE meeting_types ADD COLUMN extra_info TEXT NOT NULL DEFAULT '{}';
ALTER TABLE meeting_types ADD COLUMN extra_options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE meeting_types ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
CREATE INDEX meeting_types_company ON meeting_types (company_id);

-- Date overrides: available = TRUE opens extra time, FALSE blocks time.
CREATE TABLE availability_exceptions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    availability_id TEXT NOT NULL REFERENCES availabilities (id),
    company_id      TEXT NOT NULL,
    available       BOOLEAN NOT NULL,
    start_at        BIGINT NOT NULL,
    end_at          BIGINT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE INDEX availability_exceptions_availability ON availability_exceptions (availability_id, start_at);

CREATE TABLE queues (
    id                  TEXT PRIMARY KEY,
    company_id          TEXT NOT NULL REFERENCES companies (id),
    meeting_type_id     TEXT NOT NULL REFERENCES meeting_types (id),
    type                TEXT NOT NULL,
    max_lead_threshold  BIGINT NOT NULL DEFAULT 0,
    distribution_period TEXT NOT NULL DEFAULT 'month',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX queues_meeting_type ON queues (meeting_type_id);

CREATE TABLE queue_members (
    queue_id    TEXT NOT NULL REFERENCES queues (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    priority    BIGINT NOT NULL DEFAULT 0,
    capacity    BIGINT NOT NULL DEFAULT 0,
    custom_link TEXT NOT NULL DEFAULT '',
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (queue_id, user_id)
);

CREATE TABLE appointments (
    id               TEXT PRIMARY KEY,
    company_id       TEXT NOT NULL REFERENCES companies (id),
    meeting_type_id  TEXT NOT NULL REFERENCES meeting_types (id),
    main_host_id     TEXT NOT NULL REFERENCES users (id),
    start_at         BIGINT NOT NULL,
    end_at           BIGINT NOT NULL,
    secret           TEXT NOT NULL,
    channel          TEXT NOT NULL DEFAULT '',
    location         TEXT NOT NULL DEFAULT '',
    attendee         TEXT NOT NULL,
    attendee_email   TEXT NOT NULL,
    queue_id         TEXT NOT NULL DEFAULT '',
    selection_reason TEXT NOT NULL DEFAULT '',
    credential_id    TEXT NOT NULL DEFAULT '',
    cancelled        BOOLEAN NOT NULL DEFAULT FALSE,
    cancel_reason    TEXT NOT NULL DEFAULT '',
    cancel_source    TEXT NOT NULL DEFAULT '',
    cancelled_by     TEXT NOT NULL DEFAULT '',
    cancelled_at     BIGINT,
    rescheduled_at   BIGINT,
    reschedule_count BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX appointments_company_start ON appointments (company_id, start_at);
CREATE INDEX appointments_attendee_email ON appointments (company_id, attendee_email);

-- One row per host of an appointment: the overlap check for "no double
-- booking" reads only this table, per host.
CREATE TABLE appointment_hosts (
    appointment_id TEXT NOT NULL REFERENCES appointments (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    start_at       BIGINT NOT NULL,
    end_at         BIGINT NOT NULL,
    cancelled      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (appointment_id, user_id)
);
CREATE INDEX appointment_hosts_busy ON appointment_hosts (user_id, start_at);

CREATE TABLE provisional_bookings (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    meeting_type_id TEXT NOT NULL REFERENCES meeting_types (id),
    host_ids        TEXT NOT NULL,
    queue_id        TEXT NOT NULL DEFAULT '',
    start_at        BIGINT NOT NULL,
    end_at          BIGINT NOT NULL,
    request         TEXT NOT NULL,
    attendee_email  TEXT NOT NULL,
    token_hash      BYTEA NOT NULL,
    status          TEXT NOT NULL,
    appointment_id  TEXT NOT NULL DEFAULT '',
    credential_id   TEXT NOT NULL DEFAULT '',
    expires_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX provisional_bookings_company ON provisional_bookings (company_id, created_at);

-- Bookings made through the API on an api-platform company, for billing.
CREATE TABLE usage_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    credential_id  TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    at             BIGINT NOT NULL
);
CREATE INDEX usage_events_company_at ON usage_events (company_id, at);

-- Responses replayed for a repeated Idempotency-Key (docs/architecture.md#beyond-meetergo).
CREATE TABLE idempotency_keys (
    credential_id TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    route         TEXT NOT NULL,
    request_hash  BYTEA NOT NULL,
    status        BIGINT NOT NULL,
    response      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (credential_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE usage_events;
DROP TABLE provisional_bookings;
DROP TABLE appointment_hosts;
DROP TABLE appointments;
DROP TABLE queue_members;
DROP TABLE queues;
DROP TABLE availability_exceptions;
DROP INDEX meeting_types_company;
ALTER TABLE meeting_types DROP COLUMN extra;
ALTER TABLE meeting_types DROP COLUMN extra_options;
ALTER TABLE meeting_types DROP COLUMN extra_info;
ALTER TABLE meeting_types DROP COLUMN queue_id;
ALTER TABLE meeting_types DROP COLUMN locations;
ALTER TABLE meeting_types DROP COLUMN spots;
ALTER TABLE meeting_types DROP COLUMN enabled;
ALTER TABLE meeting_types DROP COLUMN days_into_future;
ALTER TABLE meeting_types DROP COLUMN booking_minimum;
ALTER TABLE meeting_types DROP COLUMN timeslot_interval;
ALTER TABLE meeting_types DROP COLUMN double_opt_in;
ALTER TABLE meeting_types DROP COLUMN allowed_durations;
ALTER TABLE meeting_types DROP COLUMN buffer_after;
ALTER TABLE meeting_types DROP COLUMN buffer_before;
ALTER TABLE meeting_types DROP COLUMN description;
