-- +goose Up
-- Each tag a contact carries, one row per (tag, contact), written in the
-- transaction of every change to the contact's tags: GET /crm's tags
-- filter is a seek in (company_id, tag) and its total an index count,
-- where it matched inside every contact's JSON list before
-- (docs/decisions.md#contacts). A contact's rows go with it.
CREATE TABLE contact_tags (
    company_id TEXT NOT NULL,
    tag        TEXT NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (company_id, tag, contact_id)
);
CREATE INDEX contact_tags_contact ON contact_tags (contact_id);
-- +meetd sqlite
INSERT INTO contact_tags (company_id, tag, contact_id)
SELECT DISTINCT c.company_id, j.value, c.id FROM contacts c, json_each(c.tags) j WHERE j.type = 'text';

-- searchTerm's trigram index answers with MATCH, which reads no contact:
-- the search key is lower-cased in Go, so the index compares characters
-- as they are and a match is exactly a substring.
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
DROP TRIGGER contacts_search_insert;
DROP TABLE contacts_search;
CREATE VIRTUAL TABLE contacts_search USING fts5(search_key, content='contacts', content_rowid='rowid',
    tokenize='trigram case_sensitive 1');
INSERT INTO contacts_search (contacts_search) VALUES ('rebuild');
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
INSERT INTO contact_tags (company_id, tag, contact_id)
SELECT DISTINCT c.company_id, j.value, c.id FROM contacts c, jsonb_array_elements_text(c.tags::jsonb) j;
-- +meetd end

-- +goose Down
-- +meetd sqlite
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
DROP TRIGGER contacts_search_insert;
DROP TABLE contacts_search;
CREATE VIRTUAL TABLE contacts_search USING fts5(search_key, content='contacts', content_rowid='rowid', tokenize='trigram');
INSERT INTO contacts_search (contacts_search) VALUES ('rebuild');
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
-- +meetd end
DROP TABLE contact_tags;
