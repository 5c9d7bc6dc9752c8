package sqldb

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// SeedAppointment is one appointment SeedAppointments writes as it is,
// without the checks of BookAppointment: benchmarks fill a company with
// history this way in seconds.
type SeedAppointment struct {
	CompanyID, MeetingTypeID, QueueID string
	HostIDs                           []string // the first is the main host
	Start, End, Created               time.Time
	Cancelled                         bool
}

// SeedAppointments inserts aps in one transaction with prepared statements.
func (db *DB) SeedAppointments(ctx context.Context, aps []SeedAppointment) error {
	return db.update(ctx, func(t *tx) error {
		ins, err := t.PrepareContext(ctx, t.d.rebind(`INSERT INTO appointments (id, company_id, meeting_type_id,
			main_host_id, start_at, end_at, secret, attendee, attendee_email, queue_id, cancelled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer ins.Close()
		host, err := t.PrepareContext(ctx, t.d.rebind(`INSERT INTO appointment_hosts (appointment_id, user_id, start_at,
			end_at, cancelled, meeting_type_id) VALUES (?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer host.Close()
		att, err := t.PrepareContext(ctx, t.d.rebind(`INSERT INTO appointment_attendees (id, appointment_id, company_id,
			seq, email, search_key, notes, created_at) VALUES (?, ?, ?, 0, 'guest@example.com', 'guest@example.com', '{}', ?)`))
		if err != nil {
			return err
		}
		defer att.Close()
		for _, a := range aps {
			id := meetd.NewID()
			if _, err := ins.ExecContext(ctx, id, a.CompanyID, a.MeetingTypeID, a.HostIDs[0], ms(a.Start), ms(a.End),
				"secret", `{"email":"guest@example.com"}`, "guest@example.com", a.QueueID, a.Cancelled,
				ms(a.Created), ms(a.Created)); err != nil {
				return err
			}
			if _, err := att.ExecContext(ctx, meetd.NewID(), id, a.CompanyID, ms(a.Created)); err != nil {
				return err
			}
			for _, h := range a.HostIDs {
				if _, err := host.ExecContext(ctx, id, h, ms(a.Start), ms(a.End), a.Cancelled, a.MeetingTypeID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Analyze does what a live database's upkeep would have done after a bulk
// load: it refreshes the planner's statistics ("PRAGMA optimize" on
// SQLite) and, on PostgreSQL, vacuums the appointments (autovacuum), which
// lets index-only scans skip the heap.
func (db *DB) Analyze(ctx context.Context) error {
	q := `ANALYZE`
	if db.d.name == "postgres" {
		q = `VACUUM ANALYZE appointments, appointment_hosts`
	}
	_, err := db.write.ExecContext(ctx, q)
	return err
}

// Query is one of the store's hot queries with example arguments.
type Query struct {
	Name string
	SQL  string
	Args []any
}

// HotQueries returns the queries whose cost must not grow with a company's
// appointments, with arguments for a company, its meeting type, hosts and
// queue, and a window.
func HotQueries(company, meetingType string, hosts []string, queue string, from, to time.Time) []Query {
	list := func(name string, f meetd.AppointmentFilter) []Query {
		count, page, args := appointmentListSQL(f)
		return []Query{{name + " count", count, args}, {name + " page", page, append(args, 20, 1000)}}
	}
	provisional := func(name string, f meetd.ProvisionalFilter) []Query {
		count, page, args := provisionalListSQL(f)
		return []Query{{name + " count", count, args}, {name + " page", page, append(args, 20, 1000)}}
	}
	out := []Query{
		{"busy, 1 host", busySQL(1), busyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts[:1], From: from, To: to})},
		{"busy, 10 hosts", busySQL(len(hosts)), busyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to})},
		{"busy versions with calendars, 10 hosts", busyVersionsSQL(len(hosts)) + ` UNION ALL ` + calendarBusySQL(len(hosts)),
			append(append(anySlice(hosts), company), calendarBusyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to})...)},
		{"busy versions, rows and calendars, 10 hosts", busyVersionsSQL(len(hosts)) + ` UNION ALL SELECT b.column2, b.start_at, b.end_at, CAST(NULL AS TEXT) FROM (` +
			busySQL(len(hosts)) + `) b UNION ALL ` + calendarBusySQL(len(hosts)),
			append(append(append(anySlice(hosts), company), busyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to})...),
				calendarBusyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to})...)},
		{"overlap", overlapSQL(1), overlapArgs(hosts[:1], from, from.Add(time.Hour), "")},
		{"queue members", queueMembersSQL, []any{ms(from), queue}},
		{"user by slug", userBySlugSQL, []any{"some-slug"}},
		{"calendar busy, 10 hosts", calendarBusySQL(len(hosts)), calendarBusyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to})},
		{"busy with calendars, 10 hosts", busyWithCalendarsSQL(len(hosts)),
			append(busyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to}),
				calendarBusyArgs(meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to})...)},
		{"routing form page by slug", `SELECT id FROM routing_forms` + formBySlug, []any{"intake"}},
		{"form recipient by token", `SELECT id FROM form_recipients` + recipientByToken, []any{meetd.NewID(), []byte("hash")}},
		{"form recipients of a form", `SELECT id FROM form_recipients WHERE form_id = ? ORDER BY sent_at DESC, id`, []any{meetd.NewID()}},
		{"calendar write-back targets", calendarWriteTargetsSQL, []any{"00000000-0000-4000-8000-000000000000", company, "caldav"}},
		{"calendar write-backs due", calendarWritesDueSQL, []any{ms(from), 8}},
		{"calendar refreshes due", calendarRefreshesDueSQL, []any{ms(from), 4}},
		{"calendar connections of 10 hosts", calendarConnectionsOfUsersSQL(len(hosts)), append([]any{company}, anySlice(hosts)...)},
	}
	out = append(out, list("host's list", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0]})...)
	out = append(out, list("host's cancelled list", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0], Status: "cancelled"})...)
	out = append(out, list("host's list, descending", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0], Descending: true})...)
	out = append(out, list("host's active list in a window", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0],
		From: &from, To: &to, Status: "active"})...)
	out = append(out, list("host's list of a meeting type", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0],
		MeetingTypeID: meetingType})...)
	out = append(out, list("company's list in a window", meetd.AppointmentFilter{CompanyID: company, From: &from, To: &to})...)
	out = append(out, list("company's cancelled list", meetd.AppointmentFilter{CompanyID: company, Status: "cancelled", Descending: true})...)
	out = append(out, list("host's list searched by attendee", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0],
		From: &from, To: &to, Search: "Guest"})...)
	out = append(out, list("company's list searched by attendee", meetd.AppointmentFilter{CompanyID: company,
		From: &from, To: &to, Search: "example"})...)
	out = append(out, list("host's past list", meetd.AppointmentFilter{CompanyID: company, HostID: hosts[0],
		To: &to, Ended: &to, Status: "active", Descending: true})...)
	out = append(out, provisional("provisional list", meetd.ProvisionalFilter{CompanyID: company, HostID: hosts[0]})...)
	out = append(out, provisional("provisional list by status", meetd.ProvisionalFilter{CompanyID: company,
		HostID: hosts[0], Status: meetd.ProvisionalPending})...)
	out = append(out, outboxHotQueries(company)...)
	return out
}

// Plan returns q's plan: on SQLite the lines of EXPLAIN QUERY PLAN, on
// PostgreSQL EXPLAIN (FORMAT JSON) with sequential scans and sorts
// discouraged, so that the plan shows whether an index can serve q
// whatever the table's size.
func (db *DB) Plan(ctx context.Context, q Query) (string, error) {
	if db.d.name == "sqlite" {
		rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q.SQL, q.Args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return "", err
			}
			b.WriteString(detail + "\n")
		}
		return b.String(), rows.Err()
	}
	t, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer t.Rollback()
	if _, err := t.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		return "", err
	}
	if _, err := t.ExecContext(ctx, `SET LOCAL enable_sort = off`); err != nil {
		return "", err
	}
	var plan string
	err = t.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) `+db.d.rebind(q.SQL), q.Args...).Scan(&plan)
	return plan, err
}

// Pool is the write pool (on PostgreSQL the only one), for tests that
// fill it with connections.
func (db *DB) Pool() *sql.DB { return db.write }

// Update runs fn as a write transaction the way every write method does.
func (db *DB) Update(ctx context.Context, fn func(exec func(q string, args ...any) error) error) error {
	return db.update(ctx, func(t *tx) error {
		return fn(func(q string, args ...any) error {
			_, err := t.exec(ctx, q, args...)
			return err
		})
	})
}

// MigrateDownTo undoes the migrations above version, for tests of a
// migration's backfill.
func (db *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := db.migrations(ctx)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// EraseFormPerson runs eraseFormPerson in a transaction of its own.
func (db *DB) EraseFormPerson(ctx context.Context, companyID, email string) error {
	return db.update(ctx, func(t *tx) error { return t.eraseFormPerson(ctx, companyID, email) })
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
