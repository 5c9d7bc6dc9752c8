-- +goose Up
-- A host's appointment list answers its total without counting: each
-- host's number of appointments, and of those not cancelled, kept by
-- triggers on appointment_hosts so that every writer (booking, cancel,
-- any later one) keeps them right. Counting the host's rows on the index
-- grew with the host's history (BENCHMARKS.md, "Growth with
-- appointments"); this is one seek.
CREATE TABLE appointment_host_counts (
    user_id TEXT PRIMARY KEY,
    total   BIGINT NOT NULL DEFAULT 0,
    active  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO appointment_host_counts (user_id, total, active)
SELECT user_id, COUNT(*), SUM(CASE WHEN cancelled THEN 0 ELSE 1 END) FROM appointment_hosts GROUP BY user_id;
-- +meetd sqlite
-- +goose StatementBegin
CREATE TRIGGER appointment_host_counts_insert AFTER INSERT ON appointment_hosts BEGIN
    INSERT INTO appointment_host_counts (user_id, total, active)
    VALUES (NEW.user_id, 1, CASE WHEN NEW.cancelled THEN 0 ELSE 1 END)
    ON CONFLICT (user_id) DO UPDATE SET total = total + 1, active = active + excluded.active;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER appointment_host_counts_delete AFTER DELETE ON appointment_hosts BEGIN
    UPDATE appointment_host_counts SET total = total - 1, active = active - CASE WHEN OLD.cancelled THEN 0 ELSE 1 END
    WHERE user_id = OLD.user_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER appointment_host_counts_update AFTER UPDATE OF user_id, cancelled ON appointment_hosts BEGIN
    UPDATE appointment_host_counts SET total = total - 1, active = active - CASE WHEN OLD.cancelled THEN 0 ELSE 1 END
    WHERE user_id = OLD.user_id;
    INSERT INTO appointment_host_counts (user_id, total, active)
    VALUES (NEW.user_id, 1, CASE WHEN NEW.cancelled THEN 0 ELSE 1 END)
    ON CONFLICT (user_id) DO UPDATE SET total = total + 1, active = active + excluded.active;
END;
-- +goose StatementEnd
-- +meetd postgres
-- +goose StatementBegin
CREATE FUNCTION appointment_host_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE appointment_host_counts SET total = total - 1, active = active - CASE WHEN OLD.cancelled THEN 0 ELSE 1 END
        WHERE user_id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO appointment_host_counts (user_id, total, active)
        VALUES (NEW.user_id, 1, CASE WHEN NEW.cancelled THEN 0 ELSE 1 END)
        ON CONFLICT (user_id) DO UPDATE SET total = appointment_host_counts.total + 1,
            active = appointment_host_counts.active + EXCLUDED.active;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER appointment_host_counts AFTER INSERT OR DELETE OR UPDATE OF user_id, cancelled ON appointment_hosts
    FOR EACH ROW EXECUTE FUNCTION appointment_host_counts_apply();
-- +meetd end

-- +goose Down
-- +meetd sqlite
DROP TRIGGER appointment_host_counts_update;
DROP TRIGGER appointment_host_counts_delete;
DROP TRIGGER appointment_host_counts_insert;
-- +meetd postgres
DROP TRIGGER appointment_host_counts ON appointment_hosts;
DROP FUNCTION appointment_host_counts_apply();
-- +meetd end
DROP TABLE appointment_host_counts;
