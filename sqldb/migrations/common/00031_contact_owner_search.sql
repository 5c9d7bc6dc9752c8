-- +goose Up
-- A member's own contact list searched for a common term reads every one
-- of the member's search keys. The owner index held no key, so each was
-- read from its row (about 3.6 µs a contact against 0.4 from an index);
-- with the key as its last column the count and the sample of the newest
-- contacts read the index alone, and the list keeps its order.
DROP INDEX contacts_company_owner;
CREATE INDEX contacts_company_owner ON contacts (company_id, account_owner_id, created_at, id, search_key);

-- +goose Down
DROP INDEX contacts_company_owner;
CREATE INDEX contacts_company_owner ON contacts (company_id, account_owner_id, created_at, id);
