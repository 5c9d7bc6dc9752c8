-- +goose Up
-- A reservation of an Idempotency-Key belongs to the request that made it:
-- only that request may complete or release it.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT NOT NULL DEFAULT '';
-- A booking remembers the key that made it, in its own transaction, so a
-- retry after a crash between the booking and its stored answer finds it.
-- Keys live 24 hours, so the column is not unique: a key may be reused later.
ALTER TABLE appointments ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
CREATE INDEX appointments_idempotency ON appointments (credential_id, idempotency_key, created_at) WHERE idempotency_key <> '';

-- +goose Down
DROP INDEX appointments_idempotency;
ALTER TABLE appointments DROP COLUMN idempotency_key;
ALTER TABLE idempotency_keys DROP COLUMN owner;
