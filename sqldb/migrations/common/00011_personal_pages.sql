-- +goose Up
-- A user's booking page. A user without a row has the default page
-- (meetd.DefaultPersonalPage). meeting_type_order and online_profiles are
-- JSON text: an array of meeting type ids, and the profile keys with
-- customLinks.
CREATE TABLE personal_pages (
    user_id                TEXT PRIMARY KEY REFERENCES users (id),
    company_id             TEXT NOT NULL REFERENCES companies (id),
    use_custom_colors      BOOLEAN NOT NULL DEFAULT FALSE,
    primary_color          TEXT NOT NULL DEFAULT '',
    secondary_color        TEXT NOT NULL DEFAULT '',
    header_image           TEXT NOT NULL DEFAULT '',
    description            TEXT NOT NULL DEFAULT '',
    show_all_meeting_types BOOLEAN NOT NULL DEFAULT TRUE,
    meeting_type_order     TEXT NOT NULL DEFAULT '[]',
    online_profiles        TEXT NOT NULL DEFAULT '{}',
-- +meetd sqlite
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
-- +meetd postgres
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX personal_pages_company ON personal_pages (company_id);

-- +goose Down
DROP TABLE personal_pages;
