-- +goose Up
-- A company's reusable form questions (docs/decisions.md#data-fields).
-- The id is a number, as meetergo's are: one sequence for the whole
-- installation. options and settings are JSON text: the choices, and every
-- other key a client sent, kept verbatim.
CREATE TABLE data_fields (
-- +meetd sqlite
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
-- +meetd postgres
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
-- +meetd end
    company_id  TEXT NOT NULL REFERENCES companies (id),
    label       TEXT NOT NULL,
    name        TEXT NOT NULL,
    field_type  TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    hidden      BOOLEAN NOT NULL DEFAULT FALSE,
    options     TEXT NOT NULL DEFAULT '[]',
    min_value   DOUBLE PRECISION,
    max_value   DOUBLE PRECISION,
    settings    TEXT NOT NULL DEFAULT '{}',
-- +meetd sqlite
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
-- +meetd postgres
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
-- +meetd end
);
CREATE UNIQUE INDEX data_fields_company_name ON data_fields (company_id, name);

-- +goose Down
DROP TABLE data_fields;
