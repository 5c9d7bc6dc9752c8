-- +goose Up
-- The hosts of each provisional booking, one row each, so the provisional
-- list filtered by host seeks the host's bookings newest first on an index
-- instead of matching host_ids (a JSON array) with LIKE on every row of
-- the company. Kept by a trigger from host_ids, which is written once, at
-- creation (a host_ids that is not an array of strings gives no rows);
-- the rows go with their booking.
CREATE TABLE provisional_booking_hosts (
    provisional_id TEXT NOT NULL REFERENCES provisional_bookings (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL,
-- +meetd sqlite
    created_at     INTEGER NOT NULL
-- +meetd postgres
    created_at     BIGINT NOT NULL
-- +meetd end
);
CREATE INDEX provisional_booking_hosts_user ON provisional_booking_hosts (user_id, created_at, provisional_id);
CREATE INDEX provisional_booking_hosts_booking ON provisional_booking_hosts (provisional_id);
-- +meetd sqlite
INSERT INTO provisional_booking_hosts (provisional_id, user_id, created_at)
SELECT p.id, j.value, p.created_at FROM provisional_bookings p, json_each(p.host_ids) j WHERE j.type = 'text';
-- +goose StatementBegin
CREATE TRIGGER provisional_booking_hosts_insert AFTER INSERT ON provisional_bookings BEGIN
    INSERT INTO provisional_booking_hosts (provisional_id, user_id, created_at)
    SELECT NEW.id, j.value, NEW.created_at FROM json_each(NEW.host_ids) j WHERE j.type = 'text';
END;
-- +goose StatementEnd
-- +meetd postgres
INSERT INTO provisional_booking_hosts (provisional_id, user_id, created_at)
SELECT p.id, j.value, p.created_at FROM provisional_bookings p, jsonb_array_elements_text(CASE WHEN jsonb_typeof(p.host_ids::jsonb) = 'array'
    THEN p.host_ids::jsonb ELSE '[]'::jsonb END) j;
-- +goose StatementBegin
CREATE FUNCTION provisional_booking_hosts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO provisional_booking_hosts (provisional_id, user_id, created_at)
    SELECT NEW.id, j.value, NEW.created_at FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(NEW.host_ids::jsonb) = 'array'
        THEN NEW.host_ids::jsonb ELSE '[]'::jsonb END) j;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER provisional_booking_hosts_insert AFTER INSERT ON provisional_bookings
    FOR EACH ROW EXECUTE FUNCTION provisional_booking_hosts_apply();
-- +meetd end

-- +goose Down
-- +meetd sqlite
DROP TRIGGER provisional_booking_hosts_insert;
-- +meetd postgres
DROP TRIGGER provisional_booking_hosts_insert ON provisional_bookings;
DROP FUNCTION provisional_booking_hosts_apply();
-- +meetd end
DROP TABLE provisional_booking_hosts;
