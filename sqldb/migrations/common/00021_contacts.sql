-- +goose Up
-- CRM contacts (docs/decisions.md#contacts). An e-mail, when there is one,
-- is unique within the company in any case (email_lower). tags is a JSON
-- array of strings, additional_data a JSON object, address JSON text or ''.
-- search_key is the lower-cased names, e-mail and phone that GET /crm's
-- searchTerm matches; it is lower-cased in Go, so case beyond ASCII
-- matches on both engines.
CREATE TABLE contacts (
    id               TEXT PRIMARY KEY,
    company_id       TEXT NOT NULL REFERENCES companies (id),
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    email_lower      TEXT NOT NULL DEFAULT '',
    phone_number     TEXT NOT NULL DEFAULT '',
    language         TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '[]',
    notes            TEXT NOT NULL DEFAULT '',
    crm_company_id   TEXT NOT NULL DEFAULT '',
    account_owner_id TEXT NOT NULL DEFAULT '',
    additional_data  TEXT NOT NULL DEFAULT '{}',
    address          TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL DEFAULT '',
    employer         TEXT NOT NULL DEFAULT '',
    seniority        TEXT NOT NULL DEFAULT '',
    job_function     TEXT NOT NULL DEFAULT '',
    location         TEXT NOT NULL DEFAULT '',
    no_show_count    INTEGER NOT NULL DEFAULT 0,
    search_key       TEXT NOT NULL DEFAULT '',
-- +meetd sqlite
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
-- +meetd postgres
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
-- +meetd end
);
CREATE UNIQUE INDEX contacts_company_email ON contacts (company_id, email_lower) WHERE email_lower <> '';
-- GET /crm pages in each sort order without sorting the company's
-- contacts, and a member's (an owner's) contacts alone.
CREATE INDEX contacts_company_created ON contacts (company_id, created_at, id);
CREATE INDEX contacts_company_first ON contacts (company_id, first_name, id);
CREATE INDEX contacts_company_last ON contacts (company_id, last_name, id);
CREATE INDEX contacts_company_email_sort ON contacts (company_id, email_lower, id);
CREATE INDEX contacts_company_owner ON contacts (company_id, account_owner_id, created_at, id);
-- searchTerm is a substring match: it reads this narrow index, not the
-- rows, and fetches only the page it answers.
CREATE INDEX contacts_company_search ON contacts (company_id, search_key, created_at, id);

-- The contact an attendee is (set by the booking, in its transaction).
ALTER TABLE appointment_attendees ADD COLUMN contact_id TEXT;
CREATE INDEX appointment_attendees_contact ON appointment_attendees (contact_id) WHERE contact_id IS NOT NULL;

-- Every address that already attended becomes a contact: the names and
-- phone of one of its attendee rows, owned by the main host of one of its
-- appointments, dated by its first and last attendance.
-- +meetd sqlite
INSERT INTO contacts (id, company_id, first_name, last_name, email, email_lower, phone_number, language,
    account_owner_id, search_key, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    g.company_id, g.first_name, g.last_name, g.email, g.email_lower, g.phone, g.language, g.owner,
    lower(g.first_name || ' ' || g.last_name || ' ' || g.email || ' ' || g.phone), g.created_at, g.updated_at
FROM (SELECT x.company_id, lower(x.email) AS email_lower, MAX(x.email) AS email,
        MAX(CASE WHEN x.firstname = '' AND x.lastname = '' THEN x.fullname ELSE x.firstname END) AS first_name,
        MAX(x.lastname) AS last_name, MAX(x.phone) AS phone, MAX(x.language) AS language,
        MAX(a.main_host_id) AS owner, MIN(x.created_at) AS created_at, MAX(x.created_at) AS updated_at
    FROM appointment_attendees x JOIN appointments a ON a.id = x.appointment_id
    WHERE x.email <> '' GROUP BY x.company_id, lower(x.email)) g;
-- +meetd postgres
INSERT INTO contacts (id, company_id, first_name, last_name, email, email_lower, phone_number, language,
    account_owner_id, search_key, created_at, updated_at)
SELECT gen_random_uuid()::text, g.company_id, g.first_name, g.last_name, g.email, g.email_lower, g.phone, g.language,
    g.owner, lower(g.first_name || ' ' || g.last_name || ' ' || g.email || ' ' || g.phone), g.created_at, g.updated_at
FROM (SELECT x.company_id, lower(x.email) AS email_lower, MAX(x.email) AS email,
        MAX(CASE WHEN x.firstname = '' AND x.lastname = '' THEN x.fullname ELSE x.firstname END) AS first_name,
        MAX(x.lastname) AS last_name, MAX(x.phone) AS phone, MAX(x.language) AS language,
        MAX(a.main_host_id) AS owner, MIN(x.created_at) AS created_at, MAX(x.created_at) AS updated_at
    FROM appointment_attendees x JOIN appointments a ON a.id = x.appointment_id
    WHERE x.email <> '' GROUP BY x.company_id, lower(x.email)) g;
-- +meetd end
UPDATE appointment_attendees SET contact_id = (SELECT c.id FROM contacts c
    WHERE c.company_id = appointment_attendees.company_id AND c.email_lower = lower(appointment_attendees.email)
      AND c.email_lower <> '')
WHERE email <> '';

-- +goose Down
DROP INDEX appointment_attendees_contact;
ALTER TABLE appointment_attendees DROP COLUMN contact_id;
DROP TABLE contacts;
