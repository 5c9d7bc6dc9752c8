-- +goose Up
-- A host's busy version also moves with its calendar busy times: every
-- insert, update or delete of the host's calendar_busy rows (a refresh, a
-- connection removed) bumps host_busy_versions in its transaction, so a
-- node may keep a host's calendar busy times in memory beside its
-- appointments (sqldb/busycache.go) and still see, from the version, any
-- change another node made.
-- +meetd sqlite
-- +goose StatementBegin
CREATE TRIGGER calendar_busy_versions_insert AFTER INSERT ON calendar_busy BEGIN
    INSERT INTO host_busy_versions (user_id, version) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER calendar_busy_versions_delete AFTER DELETE ON calendar_busy BEGIN
    INSERT INTO host_busy_versions (user_id, version) VALUES (OLD.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER calendar_busy_versions_update AFTER UPDATE ON calendar_busy BEGIN
    INSERT INTO host_busy_versions (user_id, version) VALUES (OLD.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
    INSERT INTO host_busy_versions (user_id, version) VALUES (NEW.user_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +meetd postgres
-- host_busy_versions_bump() (00028) reads only user_id, which
-- calendar_busy has too.
CREATE TRIGGER calendar_busy_versions AFTER INSERT OR DELETE OR UPDATE ON calendar_busy
    FOR EACH ROW EXECUTE FUNCTION host_busy_versions_bump();
-- +meetd end

-- +goose Down
-- +meetd sqlite
DROP TRIGGER calendar_busy_versions_update;
DROP TRIGGER calendar_busy_versions_delete;
DROP TRIGGER calendar_busy_versions_insert;
-- +meetd postgres
DROP TRIGGER calendar_busy_versions ON calendar_busy;
-- +meetd end
