-- +goose Up
-- A signed-out (or renewed) session is marked ended rather than deleted, and
-- the row stays until its expiry: a request that loaded the session before
-- the sign-out and saves it afterwards then finds the tombstone and cannot
-- bring the session back (scs saves every loaded session on the way out).
ALTER TABLE sessions ADD COLUMN ended BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE sessions DROP COLUMN ended;
