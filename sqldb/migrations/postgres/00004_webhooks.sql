-- +goose Up
-- Webhook subscriptions. secret is the Standard Webhooks signing secret
-- ("whsec_…"): HMAC signing needs the secret itself, so it is stored as-is,
-- shown once at creation and never returned or logged again.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    endpoint    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    event_types TEXT NOT NULL,
    secret      TEXT NOT NULL,
    disabled_at BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX webhooks_company ON webhooks (company_id, created_at);

-- The outbox: an event is written in the transaction that causes it, with
-- its payload rendered then; one delivery per subscription that wanted it.
CREATE TABLE webhook_events (
    id         TEXT PRIMARY KEY,
    company_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES webhook_events (id),
    webhook_id       TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    first_attempt_at BIGINT,
    last_status      BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id);

-- credential_expiring is announced once per credential and threshold.
CREATE TABLE webhook_expiry_notices (
    credential_id TEXT NOT NULL,
    threshold     BIGINT NOT NULL,
    at            BIGINT NOT NULL,
    PRIMARY KEY (credential_id, threshold)
);

-- +goose Down
DROP TABLE webhook_expiry_notices;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhooks;
