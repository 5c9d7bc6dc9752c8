-- +goose Up
-- The outbox becomes a queue the mail worker drains
-- (docs/decisions.md#e-mail): every message is written in the transaction
-- that causes it, claimed with a lease by one worker at a time, retried
-- with backoff and marked sent once the SMTP server accepts it. Messages
-- other than quick mail are composed when sent, from data (their facts,
-- no secrets) and calendar (the invitation as it stood when queued).
-- token is a double opt-in message's confirmation token, kept only until
-- the message is sent or given up.
ALTER TABLE outbox_messages ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_messages ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
ALTER TABLE outbox_messages ADD COLUMN calendar TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_messages ADD COLUMN token TEXT;
ALTER TABLE outbox_messages ADD COLUMN provisional_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_messages ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
-- +meetd sqlite
ALTER TABLE outbox_messages ADD COLUMN send_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN first_attempt_at INTEGER;
ALTER TABLE outbox_messages ADD COLUMN leased_until INTEGER;
ALTER TABLE outbox_messages ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox_messages ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
-- +meetd postgres
ALTER TABLE outbox_messages ADD COLUMN send_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN first_attempt_at BIGINT;
ALTER TABLE outbox_messages ADD COLUMN leased_until BIGINT;
ALTER TABLE outbox_messages ADD COLUMN sent_at BIGINT;
ALTER TABLE outbox_messages ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
-- +meetd end

-- Quick mails queued before meetd sent mail go out now.
UPDATE outbox_messages SET status = 'pending', send_at = created_at, next_attempt_at = created_at,
    message_id = id || '@meetd', updated_at = created_at;

DROP INDEX outbox_messages_status;
-- The worker's claim: due pending messages in order.
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);
-- The dashboard's list, and re-timing an appointment's reminders.
CREATE INDEX outbox_messages_company ON outbox_messages (company_id, created_at);
CREATE INDEX outbox_messages_appointment ON outbox_messages (appointment_id, kind);
-- A replaced confirmation token reaches the booking's pending message.
CREATE INDEX outbox_messages_provisional ON outbox_messages (provisional_id);

-- +goose Down
DROP INDEX outbox_messages_provisional;
DROP INDEX outbox_messages_appointment;
DROP INDEX outbox_messages_company;
DROP INDEX outbox_messages_due;
CREATE INDEX outbox_messages_status ON outbox_messages (status, created_at);
UPDATE outbox_messages SET status = 'queued' WHERE status = 'pending';
ALTER TABLE outbox_messages DROP COLUMN updated_at;
ALTER TABLE outbox_messages DROP COLUMN sent_at;
ALTER TABLE outbox_messages DROP COLUMN leased_until;
ALTER TABLE outbox_messages DROP COLUMN first_attempt_at;
ALTER TABLE outbox_messages DROP COLUMN next_attempt_at;
ALTER TABLE outbox_messages DROP COLUMN send_at;
ALTER TABLE outbox_messages DROP COLUMN message_id;
ALTER TABLE outbox_messages DROP COLUMN last_error;
ALTER TABLE outbox_messages DROP COLUMN attempts;
ALTER TABLE outbox_messages DROP COLUMN provisional_id;
ALTER TABLE outbox_messages DROP COLUMN token;
ALTER TABLE outbox_messages DROP COLUMN calendar;
ALTER TABLE outbox_messages DROP COLUMN data;
ALTER TABLE outbox_messages DROP COLUMN language;
