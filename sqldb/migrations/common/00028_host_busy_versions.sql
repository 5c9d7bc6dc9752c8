-- +goose Up
-- Each host's busy-time version: bumped by triggers in the transaction
-- of every insert, update or delete of the host's appointment_hosts rows
-- (booking, cancel, reschedule, erasure, any later writer), so that a
-- node may keep a host's busy intervals in memory and know, from one seek
-- per host, whether any node has changed them since (sqldb/busycache.go,
-- BENCHMARKS.md "Busy intervals cached by version"). A host with no row
-- is at version 0; rows are never deleted, so a version never repeats.
CREATE TABLE host_busy_versions (
    user_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
-- +meetd sqlite
-- +goose StatementBegin
CREATE TRIGGER host_busy_versions_insert AFTER INSERT ON appointment_hosts BEGIN
    INSERT INTO host_busy_versions (user_id, version) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER host_busy_versions_delete AFTER DELETE ON appointment_hosts BEGIN
    INSERT INTO host_busy_versions (user_id, version) VALUES (OLD.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER host_busy_versions_update AFTER UPDATE ON appointment_hosts BEGIN
    INSERT INTO host_busy_versions (user_id, version) VALUES (OLD.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO host_busy_versions (user_id, version) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +meetd postgres
-- +goose StatementBegin
CREATE FUNCTION host_busy_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO host_busy_versions (user_id, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = host_busy_versions.version + 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO host_busy_versions (user_id, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = host_busy_versions.version + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER host_busy_versions AFTER INSERT OR DELETE OR UPDATE ON appointment_hosts
    FOR EACH ROW EXECUTE FUNCTION host_busy_versions_bump();
-- +meetd end

-- +goose Down
-- +meetd sqlite
DROP TRIGGER host_busy_versions_update;
DROP TRIGGER host_busy_versions_delete;
DROP TRIGGER host_busy_versions_insert;
-- +meetd postgres
DROP TRIGGER host_busy_versions ON appointment_hosts;
DROP FUNCTION host_busy_versions_bump();
-- +meetd end
DROP TABLE host_busy_versions;
