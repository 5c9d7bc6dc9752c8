-- +goose Up
-- Routing forms (docs/decisions.md#routing-forms). fields, funnel_steps,
-- qualifiers and settings are JSON text in meetd's stored shape; slug is
-- '' for a form whose page is addressed by its id.
CREATE TABLE routing_forms (
    id             TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    name           TEXT NOT NULL,
    structure_type TEXT NOT NULL,
    slug           TEXT NOT NULL DEFAULT '',
    fields         TEXT NOT NULL DEFAULT '[]',
    funnel_steps   TEXT NOT NULL DEFAULT '[]',
    qualifiers     TEXT NOT NULL DEFAULT '[]',
    settings       TEXT NOT NULL DEFAULT '{}',
-- +meetd sqlite
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
-- +meetd postgres
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX routing_forms_company ON routing_forms (company_id, created_at);
CREATE UNIQUE INDEX routing_forms_slug ON routing_forms (slug) WHERE slug <> '';

-- The people a form was sent to; token_hash is the SHA-256 of the token in
-- their link.
CREATE TABLE form_recipients (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    form_id         TEXT NOT NULL REFERENCES routing_forms (id),
    recipient_name  TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL DEFAULT '',
    contact_id      TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT '',
    delivery_method TEXT NOT NULL,
    submission_id   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
-- +meetd sqlite
    token_hash      BLOB NOT NULL,
    sent_at         INTEGER NOT NULL,
    opened_at       INTEGER,
    completed_at    INTEGER
-- +meetd postgres
    token_hash      BYTEA NOT NULL,
    sent_at         BIGINT NOT NULL,
    opened_at       BIGINT,
    completed_at    BIGINT
-- +meetd end
);
CREATE INDEX form_recipients_form ON form_recipients (form_id, sent_at);
CREATE UNIQUE INDEX form_recipients_token ON form_recipients (token_hash);

-- Filled-in forms: the answers (JSON, keyed by data field name) and the
-- qualifier that routed the visitor (JSON, '{}' for none).
CREATE TABLE form_submissions (
    id           TEXT PRIMARY KEY,
    company_id   TEXT NOT NULL REFERENCES companies (id),
    form_id      TEXT NOT NULL REFERENCES routing_forms (id),
    recipient_id TEXT NOT NULL DEFAULT '',
    answers      TEXT NOT NULL,
    outcome      TEXT NOT NULL DEFAULT '{}',
-- +meetd sqlite
    created_at   INTEGER NOT NULL
-- +meetd postgres
    created_at   BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX form_submissions_form ON form_submissions (form_id, created_at);

-- +goose Down
DROP TABLE form_submissions;
DROP TABLE form_recipients;
DROP TABLE routing_forms;
