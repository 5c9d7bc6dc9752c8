-- +goose Up
-- How many contacts each account owner of a company has, kept by every
-- write that adds, removes or moves a contact: GET /crm answers its
-- total without counting a company's contacts (docs/decisions.md#contacts).
CREATE TABLE contact_counts (
    company_id TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (company_id, owner_id)
);
INSERT INTO contact_counts (company_id, owner_id, n)
SELECT company_id, account_owner_id, COUNT(*) FROM contacts GROUP BY company_id, account_owner_id;

-- searchTerm is a substring of search_key. On SQLite an FTS5 trigram
-- index over it (kept by triggers) answers a term of three characters or
-- more without reading every contact. On PostgreSQL the same needs the
-- pg_trgm extension: when the database has it, a trigram GIN index is
-- made; without it a search reads the company's search keys
-- (docs/decisions.md#contacts).
-- +meetd sqlite
CREATE VIRTUAL TABLE contacts_search USING fts5(search_key, content='contacts', content_rowid='rowid', tokenize='trigram');
INSERT INTO contacts_search (rowid, search_key) SELECT rowid, search_key FROM contacts;
-- +goose StatementBegin
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_search (rowid, search_key) VALUES (new.rowid, new.search_key);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_search (contacts_search, rowid, search_key) VALUES ('delete', old.rowid, old.search_key);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_key ON contacts BEGIN
    INSERT INTO contacts_search (contacts_search, rowid, search_key) VALUES ('delete', old.rowid, old.search_key);
    INSERT INTO contacts_search (rowid, search_key) VALUES (new.rowid, new.search_key);
END;
-- +goose StatementEnd
-- +meetd postgres
-- +goose StatementBegin
DO $$
DECLARE ns text;
BEGIN
    SELECT extnamespace::regnamespace::text INTO ns FROM pg_extension WHERE extname = 'pg_trgm';
    IF ns IS NOT NULL THEN
        EXECUTE 'CREATE INDEX contacts_search_trgm ON contacts USING gin (search_key ' || quote_ident(ns) || '.gin_trgm_ops)';
    END IF;
END $$;
-- +goose StatementEnd
-- +meetd end

-- +goose Down
-- +meetd sqlite
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
DROP TRIGGER contacts_search_insert;
DROP TABLE contacts_search;
-- +meetd postgres
DROP INDEX IF EXISTS contacts_search_trgm;
-- +meetd end
DROP TABLE contact_counts;
