-- +goose Up
-- Pruning finds a delivery's event (the foreign key, and the events that
-- have no delivery left) and finished deliveries by age: both were scans.
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (status, updated_at);
-- Claims go subscription by subscription: a subscription's due deliveries,
-- oldest first, and how many of them are in flight. This index covers
-- every lookup the old one on (webhook_id) served.
CREATE INDEX webhook_deliveries_webhook_due ON webhook_deliveries (webhook_id, status, next_attempt_at);
DROP INDEX webhook_deliveries_webhook;
-- leased_until is set while an attempt is in flight (claimed and not yet
-- reported): a subscription has at most two.
-- +meetd sqlite
ALTER TABLE webhook_deliveries ADD COLUMN leased_until INTEGER;
-- +meetd postgres
ALTER TABLE webhook_deliveries ADD COLUMN leased_until BIGINT;
-- +meetd end

-- +goose Down
ALTER TABLE webhook_deliveries DROP COLUMN leased_until;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id);
DROP INDEX webhook_deliveries_webhook_due;
DROP INDEX webhook_deliveries_finished;
DROP INDEX webhook_deliveries_event;
