-- +goose Up
-- Every list and overlap query seeks an index bounded on both sides, so its
-- cost follows the rows it answers, not the appointments a company has
-- (docs/architecture.md#storage; BENCHMARKS.md, "Growth with appointments").
--
-- A host's rows carry the appointment's meeting type (which never
-- changes), so a host's list filtered by it reads no appointment it skips.
ALTER TABLE appointment_hosts ADD COLUMN meeting_type_id TEXT NOT NULL DEFAULT '';
UPDATE appointment_hosts SET meeting_type_id =
    (SELECT a.meeting_type_id FROM appointments a WHERE a.id = appointment_hosts.appointment_id);
-- Busy time, the overlap check and a host's appointment list: a host's
-- rows by start, in the lists' order (start, id), carrying what the queries
-- test so they never read the table.
CREATE INDEX appointment_hosts_span ON appointment_hosts (user_id, start_at, appointment_id, end_at, cancelled, meeting_type_id);
DROP INDEX appointment_hosts_busy;
-- A window [from, to) is searched from from - 1 day; appointments longer
-- than a day (86400000 ms, sqldb's longMS) are found here instead. The
-- API makes none (a meeting lasts at most 480 minutes): this index stays
-- empty and answers in one seek.
CREATE INDEX appointment_hosts_long ON appointment_hosts (user_id, end_at) WHERE end_at - start_at > 86400000;
-- A company's appointment list, in its order.
CREATE INDEX appointments_company_span ON appointments (company_id, start_at, id, end_at, cancelled);
DROP INDEX appointments_company_start;
CREATE INDEX appointments_company_long ON appointments (company_id, end_at) WHERE end_at - start_at > 86400000;
-- Round robin: a queue member's latest booking and bookings in the period.
CREATE INDEX appointments_queue_host ON appointments (queue_id, main_host_id, cancelled, created_at);
-- Provisional bookings listed by status, newest first.
CREATE INDEX provisional_bookings_status ON provisional_bookings (company_id, status, created_at);

-- +goose Down
DROP INDEX provisional_bookings_status;
DROP INDEX appointments_queue_host;
DROP INDEX appointments_company_long;
CREATE INDEX appointments_company_start ON appointments (company_id, start_at);
DROP INDEX appointments_company_span;
DROP INDEX appointment_hosts_long;
CREATE INDEX appointment_hosts_busy ON appointment_hosts (user_id, start_at);
DROP INDEX appointment_hosts_span;
ALTER TABLE appointment_hosts DROP COLUMN meeting_type_id;
