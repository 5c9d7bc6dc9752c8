-- +goose Up
-- The people of an appointment, one row each, so that each has a stable id
-- that the cancel, guest and quick-mail routes can name
-- (docs/decisions.md#attendees-and-guests). The first row of an appointment
-- (seq 0) is the person who booked; guests point at the attendee who
-- brought them (guest_of). A removed attendee keeps its row with
-- removed_at set. appointments.attendee, the JSON of the person who
-- booked, is still written so older binaries can read it; meetd reads
-- this table.
CREATE TABLE appointment_attendees (
    id                TEXT PRIMARY KEY,
    appointment_id    TEXT NOT NULL REFERENCES appointments (id),
    company_id        TEXT NOT NULL REFERENCES companies (id),
    seq               INTEGER NOT NULL,
    email             TEXT NOT NULL,
    -- lower-case e-mail and names, what the list's search matches
    search_key        TEXT NOT NULL DEFAULT '',
    firstname         TEXT NOT NULL DEFAULT '',
    lastname          TEXT NOT NULL DEFAULT '',
    fullname          TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    timezone          TEXT NOT NULL DEFAULT '',
    language          TEXT NOT NULL DEFAULT '',
    receive_reminders BOOLEAN NOT NULL DEFAULT TRUE,
    notes             TEXT NOT NULL DEFAULT '{}',
    guest_of          TEXT REFERENCES appointment_attendees (id),
-- +meetd sqlite
    removed_at        INTEGER,
    created_at        INTEGER NOT NULL
-- +meetd postgres
    removed_at        BIGINT,
    created_at        BIGINT NOT NULL
-- +meetd end
);
CREATE UNIQUE INDEX appointment_attendees_seq ON appointment_attendees (appointment_id, seq);
CREATE INDEX appointment_attendees_company_email ON appointment_attendees (company_id, email);

-- One attendee per existing appointment, from the JSON column, with a
-- random (version 4) id.
-- +meetd sqlite
INSERT INTO appointment_attendees (id, appointment_id, company_id, seq, email, search_key, firstname, lastname, fullname,
    phone, timezone, language, receive_reminders, notes, created_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    id, company_id, 0,
    COALESCE(json_extract(attendee, '$.email'), ''),
    lower(COALESCE(json_extract(attendee, '$.email'), '') || ' ' || COALESCE(json_extract(attendee, '$.fullname'), '') || ' ' ||
        COALESCE(json_extract(attendee, '$.firstname'), '') || ' ' || COALESCE(json_extract(attendee, '$.lastname'), '')),
    COALESCE(json_extract(attendee, '$.firstname'), ''),
    COALESCE(json_extract(attendee, '$.lastname'), ''),
    COALESCE(json_extract(attendee, '$.fullname'), ''),
    COALESCE(json_extract(attendee, '$.phone'), ''),
    COALESCE(json_extract(attendee, '$.timezone'), ''),
    COALESCE(json_extract(attendee, '$.language'), ''),
    COALESCE(json_extract(attendee, '$.receiveReminders'), 0) <> 0,
    COALESCE(json(json_extract(attendee, '$.notes')), '{}'),
    created_at
FROM appointments;
-- +meetd postgres
INSERT INTO appointment_attendees (id, appointment_id, company_id, seq, email, search_key, firstname, lastname, fullname,
    phone, timezone, language, receive_reminders, notes, created_at)
SELECT gen_random_uuid()::text, id, company_id, 0,
    COALESCE(attendee::json->>'email', ''),
    lower(COALESCE(attendee::json->>'email', '') || ' ' || COALESCE(attendee::json->>'fullname', '') || ' ' ||
        COALESCE(attendee::json->>'firstname', '') || ' ' || COALESCE(attendee::json->>'lastname', '')),
    COALESCE(attendee::json->>'firstname', ''),
    COALESCE(attendee::json->>'lastname', ''),
    COALESCE(attendee::json->>'fullname', ''),
    COALESCE(attendee::json->>'phone', ''),
    COALESCE(attendee::json->>'timezone', ''),
    COALESCE(attendee::json->>'language', ''),
    COALESCE((attendee::json->>'receiveReminders')::boolean, FALSE),
    COALESCE(NULLIF((attendee::json->'notes')::text, 'null'), '{}'),
    created_at
FROM appointments;
-- +meetd end

-- Host-side texts of an appointment (PATCH …/notes, …/transcription).
ALTER TABLE appointments ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE appointments ADD COLUMN transcription TEXT;
ALTER TABLE appointments ADD COLUMN summary TEXT;

-- Messages meetd has accepted to send; kept until meetd sends mail
-- (docs/decisions.md#quick-mail).
CREATE TABLE outbox_messages (
    id             TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    kind           TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    attendee_id    TEXT NOT NULL DEFAULT '',
    appointment_id TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
-- +meetd sqlite
    created_at     INTEGER NOT NULL
-- +meetd postgres
    created_at     BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX outbox_messages_status ON outbox_messages (status, created_at);

-- +goose Down
DROP TABLE outbox_messages;
ALTER TABLE appointments DROP COLUMN summary;
ALTER TABLE appointments DROP COLUMN transcription;
ALTER TABLE appointments DROP COLUMN note;
DROP TABLE appointment_attendees;
