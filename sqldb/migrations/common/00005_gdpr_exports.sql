-- +goose Up
-- Data-subject exports (docs/decisions.md#gdpr-export). data is the rendered JSON document; an
-- export names a person (email) and holds their records, so it is kept 7
-- days and then deleted by housekeeping.
CREATE TABLE gdpr_exports (
    id            TEXT PRIMARY KEY,
    company_id    TEXT NOT NULL REFERENCES companies (id),
    email         TEXT NOT NULL,
    status        TEXT NOT NULL,
    credential_id TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL DEFAULT '',
-- +meetd sqlite
    created_at    INTEGER NOT NULL,
    completed_at  INTEGER
-- +meetd postgres
    created_at    BIGINT NOT NULL,
    completed_at  BIGINT
-- +meetd end
);
CREATE INDEX gdpr_exports_created ON gdpr_exports (created_at);

-- +goose Down
DROP TABLE gdpr_exports;
