package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

const appointmentColumns = `id, company_id, meeting_type_id, main_host_id, start_at, end_at, secret, channel, location,
	attendee, queue_id, selection_reason, credential_id, cancelled, cancel_reason, cancel_source, cancelled_by,
	cancelled_at, rescheduled_at, reschedule_count, created_at, updated_at, note, transcription, summary`

func scanAppointment(row interface{ Scan(...any) error }) (meetd.Appointment, error) {
	var ap meetd.Appointment
	var start, end, created, updated int64
	var cancelledAt, rescheduledAt sql.NullInt64
	var attendee string
	var transcription, summary sql.NullString
	if err := row.Scan(&ap.ID, &ap.CompanyID, &ap.MeetingTypeID, &ap.MainHostID, &start, &end, &ap.Secret, &ap.Channel,
		&ap.Location, &attendee, &ap.QueueID, &ap.SelectionReason, &ap.CredentialID, &ap.Cancelled, &ap.CancelReason,
		&ap.CancelSource, &ap.CancelledBy, &cancelledAt, &rescheduledAt, &ap.RescheduleCount, &created, &updated,
		&ap.Note, &transcription, &summary); err != nil {
		return ap, err
	}
	ap.Transcription, ap.Summary = strPtr(transcription), strPtr(summary)
	if err := json.Unmarshal([]byte(attendee), &ap.Attendee); err != nil {
		return ap, fmt.Errorf("appointment %s: stored attendee: %w", ap.ID, err)
	}
	ap.Start, ap.End, ap.CreatedAt, ap.UpdatedAt = fromMS(start), fromMS(end), fromMS(created), fromMS(updated)
	ap.CancelledAt, ap.RescheduledAt = timePtr(cancelledAt), timePtr(rescheduledAt)
	return ap, nil
}

// hostIDs fills in the hosts of aps, main host first.
func hostIDs(ctx context.Context, q func(context.Context, string, ...any) (*sql.Rows, error), aps []meetd.Appointment) error {
	if len(aps) == 0 {
		return nil
	}
	idx := map[string]int{}
	args := make([]any, len(aps))
	for i, ap := range aps {
		idx[ap.ID], args[i] = i, ap.ID
		aps[i].HostIDs = []string{ap.MainHostID}
	}
	rows, err := q(ctx, `SELECT appointment_id, user_id FROM appointment_hosts WHERE appointment_id IN (`+
		placeholders(len(args))+`) ORDER BY appointment_id, user_id`, args...)
	if err != nil {
		return err
	}
	pairs, err := scanAll(rows, func(row interface{ Scan(...any) error }) ([2]string, error) {
		var p [2]string
		return p, row.Scan(&p[0], &p[1])
	})
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if i := idx[p[0]]; aps[i].MainHostID != p[1] {
			aps[i].HostIDs = append(aps[i].HostIDs, p[1])
		}
	}
	return nil
}

// lockHosts serialises bookings per host: on PostgreSQL it locks the hosts'
// user rows until commit; on SQLite the single writer already does. A host
// that is not a user of the company is ENOTFOUND.
func (t *tx) lockHosts(ctx context.Context, companyID string, hostIDs []string) error {
	return t.checkHosts(ctx, companyID, hostIDs, t.d.forUpdate)
}

// checkHosts fails with ENOTFOUND unless every host is a user of the
// company; lock is appended to the query (the dialect's FOR UPDATE, or
// "" to check without locking).
func (t *tx) checkHosts(ctx context.Context, companyID string, hostIDs []string, lock string) error {
	args := []any{companyID}
	want := map[string]bool{}
	for _, id := range hostIDs {
		args = append(args, id)
		want[id] = true
	}
	rows, err := t.query(ctx, `SELECT id FROM users WHERE company_id = ? AND id IN (`+placeholders(len(hostIDs))+`)
		ORDER BY id`+lock, args...)
	if err != nil {
		return err
	}
	found, err := scanAll(rows, scanString)
	if err != nil {
		return err
	}
	if len(found) != len(want) {
		return meetd.Errorf(meetd.ENOTFOUND, "User not found")
	}
	return nil
}

// longMS is how long an appointment may last before it counts as long. A
// search for the appointments overlapping [from, to) seeks starts in
// [from - longMS, to) on an index, bounded on both sides, and finds the
// long ones, which may start earlier, in their own partial index; the
// migration 00009_appointment_indexes.sql repeats the number in the
// indexes' predicate, which the queries must spell the same way.
const longMS = 24 * 60 * 60 * 1000

// isLong is the partial indexes' predicate on alias l.
const isLong = `l.end_at - l.start_at > 86400000`

// floorSQL is a scalar subquery: the earliest start an appointment may have
// that ends after a time t: t - longMS, or earlier when a long appointment
// of table (alias l) that ends after t and matches cond starts earlier.
// Every appointment that overlaps a window starting at t starts at or
// after it, so "start_at >= floor AND start_at < to AND end_at > t" finds
// exactly the overlapping ones on one index range. Its arguments are
// t - longMS, cond's, and t (see floorArgs).
func floorSQL(table, cond string) string {
	return `(SELECT MIN(f.x) FROM (SELECT CAST(? AS BIGINT) AS x UNION ALL SELECT l.start_at FROM ` + table +
		` l WHERE ` + cond + ` AND ` + isLong + ` AND l.end_at > ?) f)`
}

// floorArgs are floorSQL's arguments for time t and cond's arguments.
func floorArgs(t time.Time, cond ...any) []any {
	return append(append([]any{ms(t) - longMS}, cond...), ms(t))
}

// overlapSQL finds an active appointment of n hosts (other than one)
// overlapping a window; its arguments are overlapArgs'.
func overlapSQL(n int) string {
	hosts := placeholders(n)
	return `SELECT 1 FROM appointment_hosts h WHERE h.user_id IN (` + hosts + `)
		AND h.start_at >= ` + floorSQL("appointment_hosts", "l.user_id IN ("+hosts+")") + `
		AND h.start_at < ? AND h.end_at > ? AND h.cancelled = FALSE AND h.appointment_id <> ? LIMIT 1`
}

func overlapArgs(hostIDs []string, start, end time.Time, exceptID string) []any {
	hosts := make([]any, len(hostIDs))
	for i, id := range hostIDs {
		hosts[i] = id
	}
	args := append(append([]any{}, hosts...), floorArgs(start, hosts...)...)
	return append(args, ms(end), ms(start), exceptID)
}

// overlaps reports whether any host has an active appointment (other than
// exceptID) overlapping [start, end).
func (t *tx) overlaps(ctx context.Context, hostIDs []string, start, end time.Time, exceptID string) (bool, error) {
	var one int
	err := t.queryRow(ctx, overlapSQL(len(hostIDs)), overlapArgs(hostIDs, start, end, exceptID)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// BookAppointment implements meetd.Store.
//
// The hosts are locked last. Two bookings of one host wait for each
// other from the host lock to the commit, so everything that does not
// decide whether the slot is free (the appointment and attendee rows, the
// e-mail, the contact, the webhook deliveries) is written first, then the
// hosts are locked, checked for overlaps and inserted, and the
// transaction commits. That stays exact under PostgreSQL's READ
// COMMITTED: the second of two overlapping bookings waits for the first's
// lock, and its overlap check, a statement that starts after the first
// committed, sees it. The hosts' appointment_hosts rows go in after the
// lock because their trigger updates each host's busy version, a row that
// stays locked until commit too.
func (db *DB) BookAppointment(ctx context.Context, a meetd.Actor, n meetd.NewAppointment) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.BookAppointment(%s, %s)", n.CompanyID, n.MeetingTypeID)
	if err := validBooking(n); err != nil {
		return meetd.Appointment{}, err
	}
	var ap meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		// Unlocked: a clean 404 for a host of no company or another,
		// before the rows that name them.
		if err := t.checkHosts(ctx, n.CompanyID, n.HostIDs, ""); err != nil {
			return err
		}
		id := meetd.NewID()
		var err error
		if ap, err = t.insertAppointment(ctx, a, n, id); err != nil {
			return err
		}
		if err := t.announce(ctx, a, meetd.EventBookingCreated, ap, nil); err != nil {
			return err
		}
		if err := t.claimHosts(ctx, a, n, id); err != nil {
			return err
		}
		if err := t.insertHosts(ctx, n, id); err != nil {
			return err
		}
		return t.queueCalendarWrites(ctx, ap, true)
	})
	return ap, err
}

// hostOrder is hosts as a read of their appointment lists them: the main
// host (the first) first, then the others in id order.
func hostOrder(hosts []string) []string {
	rest := slices.Clone(hosts[1:])
	slices.Sort(rest)
	return append([]string{hosts[0]}, rest...)
}

var errAppointmentNotFound = meetd.Errorf(meetd.ENOTFOUND, "Appointment not found")

// appointment reads an appointment and its hosts; an empty companyID reads
// any company's (the attendee's links only). Within a transaction a method
// returns exactly what it committed; lock is appended to the query (the
// dialect's FOR UPDATE within a transaction, or "").
func appointment(ctx context.Context, q querier, companyID, id, lock string) (meetd.Appointment, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Appointment{}, errAppointmentNotFound
	}
	where, args := "id = ?", []any{strings.ToLower(id)}
	if companyID != "" {
		where, args = "company_id = ? AND id = ?", []any{companyID, strings.ToLower(id)}
	}
	ap, err := scanAppointment(q.queryRow(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE `+where+lock, args...))
	if err != nil {
		return ap, notFound(err, "Appointment not found")
	}
	if lock != "" {
		return ap, nil // the caller reads it again once changed
	}
	aps := []meetd.Appointment{ap}
	if err := hostIDs(ctx, q.query, aps); err != nil {
		return ap, err
	}
	err = attendeesOf(ctx, q.query, aps)
	return aps[0], err
}

// validBooking refuses a booking without a host or a positive duration.
func validBooking(n meetd.NewAppointment) error {
	if len(n.HostIDs) == 0 || !n.End.After(n.Start) {
		return meetd.Errorf(meetd.EINVALID, "A booking needs a host and a positive duration")
	}
	return nil
}

// book checks the hosts are free and inserts the appointment; the caller's
// transaction makes the check and the insert one step.
func (t *tx) book(ctx context.Context, a meetd.Actor, n meetd.NewAppointment) (string, error) {
	if err := validBooking(n); err != nil {
		return "", err
	}
	id := meetd.NewID()
	if err := t.claimHosts(ctx, a, n, id); err != nil {
		return "", err
	}
	if _, err := t.insertAppointment(ctx, a, n, id); err != nil {
		return "", err
	}
	return id, t.insertHosts(ctx, n, id)
}

// claimHosts locks n's hosts and checks that appointment id may take the
// slot: its Idempotency-Key is not in flight, no other appointment of the
// hosts overlaps it, and its one-time link (if any) is unused, which it
// then uses up.
func (t *tx) claimHosts(ctx context.Context, a meetd.Actor, n meetd.NewAppointment, id string) error {
	if err := t.lockHosts(ctx, n.CompanyID, n.HostIDs); err != nil {
		return err
	}
	if n.IdempotencyKey != "" {
		var n2 int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM appointments WHERE credential_id = ? AND idempotency_key = ?
			AND created_at > ? AND id <> ?`, n.CredentialID, n.IdempotencyKey, ms(t.now.Add(-meetd.IdempotencyTTL)), id).Scan(&n2); err != nil {
			return err
		}
		if n2 > 0 {
			return errKeyInFlight
		}
	}
	if taken, err := t.overlaps(ctx, n.HostIDs, n.Start.Add(-n.BufferBefore), n.End.Add(n.BufferAfter), id); err != nil {
		return err
	} else if taken {
		return meetd.ErrSlotTaken
	}
	if n.OneTimeLinkID != "" {
		return t.useOneTimeLink(ctx, a, n, id)
	}
	return nil
}

// insertAppointment writes appointment id of n without its hosts: the
// appointment, its attendees, its metered use and the audit entry. It
// returns the appointment as a read of what it wrote answers it, hosts
// included (hostOrder): its columns, defaults and attendee rows are all
// known here, so the booking need not read them back.
func (t *tx) insertAppointment(ctx context.Context, a meetd.Actor, n meetd.NewAppointment, id string) (meetd.Appointment, error) {
	attendee, err := json.Marshal(n.Attendee)
	if err != nil {
		return meetd.Appointment{}, err
	}
	secret := newSecret()
	if _, err := t.exec(ctx, `INSERT INTO appointments (id, company_id, meeting_type_id, main_host_id, start_at, end_at,
		secret, channel, location, attendee, attendee_email, queue_id, selection_reason, credential_id, idempotency_key,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, n.CompanyID, n.MeetingTypeID,
		n.HostIDs[0], ms(n.Start), ms(n.End), secret, n.Channel, n.Location, string(attendee),
		strings.ToLower(n.Attendee.Email), n.QueueID, n.SelectionReason, n.CredentialID, n.IdempotencyKey,
		ms(t.now), ms(t.now)); err != nil {
		return meetd.Appointment{}, err
	}
	attendees, err := t.insertAttendees(ctx, n.CompanyID, id, n.Attendee)
	if err != nil {
		return meetd.Appointment{}, err
	}
	if n.Metered {
		if _, err := t.exec(ctx, `INSERT INTO usage_events (company_id, credential_id, appointment_id, at) VALUES (?, ?, ?, ?)`,
			n.CompanyID, n.CredentialID, id, ms(t.now)); err != nil {
			return meetd.Appointment{}, err
		}
	}
	// What scanAppointment, hostIDs and attendeesOf make of these rows:
	// times at the stored millisecond, the columns' defaults (not
	// cancelled, never rescheduled, no note, transcription or summary),
	// the first attendee row as the attendee.
	now := fromMS(ms(t.now))
	ap := meetd.Appointment{ID: id, CompanyID: n.CompanyID, MeetingTypeID: n.MeetingTypeID, MainHostID: n.HostIDs[0],
		HostIDs: hostOrder(n.HostIDs), Start: fromMS(ms(n.Start)), End: fromMS(ms(n.End)), Secret: secret,
		Channel: n.Channel, Location: n.Location, QueueID: n.QueueID, SelectionReason: n.SelectionReason,
		CredentialID: n.CredentialID, CreatedAt: now, UpdatedAt: now, Attendee: attendees[0], Attendees: attendees}
	return ap, t.audit(ctx, a, n.CompanyID, "appointment.create", "appointment", id)
}

// insertHosts writes the appointment_hosts rows of appointment id, whose
// trigger bumps each host's busy version.
func (t *tx) insertHosts(ctx context.Context, n meetd.NewAppointment, id string) error {
	for _, h := range n.HostIDs {
		if _, err := t.exec(ctx, `INSERT INTO appointment_hosts (appointment_id, user_id, start_at, end_at, meeting_type_id)
			VALUES (?, ?, ?, ?, ?)`, id, h, ms(n.Start), ms(n.End), n.MeetingTypeID); err != nil {
			return err
		}
	}
	return nil
}

// errKeyInFlight refuses a second booking with one Idempotency-Key.
var errKeyInFlight = meetd.Errorf(meetd.ECONFLICT, "A request with this Idempotency-Key is still being processed")

// AppointmentByIdempotencyKey implements meetd.Store.
func (db *DB) AppointmentByIdempotencyKey(ctx context.Context, companyID, credentialID, key string) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.AppointmentByIdempotencyKey(%s)", credentialID)
	var id string
	err = db.queryRow(ctx, `SELECT id FROM appointments WHERE company_id = ? AND credential_id = ? AND idempotency_key = ?
		AND created_at > ? ORDER BY created_at DESC LIMIT 1`, companyID, credentialID, key,
		ms(db.clock.Now().Add(-meetd.IdempotencyTTL))).Scan(&id)
	if err != nil {
		return meetd.Appointment{}, notFound(err, "Appointment not found")
	}
	return appointment(ctx, db, companyID, id, "")
}

// AppointmentByID implements meetd.Store.
func (db *DB) AppointmentByID(ctx context.Context, companyID, id string) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.AppointmentByID(%s)", id)
	if companyID == "" { // "" would read any company's: see appointment
		return meetd.Appointment{}, errAppointmentNotFound
	}
	return appointment(ctx, db, companyID, id, "")
}

// AppointmentForAttendee implements meetd.Store.
func (db *DB) AppointmentForAttendee(ctx context.Context, id string) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.AppointmentForAttendee(%s)", id)
	return appointment(ctx, db, "", id, "")
}

// ListAppointments implements meetd.Store.
func (db *DB) ListAppointments(ctx context.Context, f meetd.AppointmentFilter) (_ []meetd.Appointment, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.ListAppointments(%s)", f.CompanyID)
	count, page, args := appointmentListSQL(f)
	out, total, err := listPage(ctx, db, count, page, args, f.Limit, f.Offset, scanAppointment)
	if err != nil {
		return nil, 0, err
	}
	if err := hostIDs(ctx, db.query, out); err != nil {
		return nil, 0, err
	}
	return out, total, attendeesOf(ctx, db.query, out)
}

// appointmentListSQL returns ListAppointments' count and page queries and
// their arguments (the page query takes the limit and offset after them).
// Both walk one index in the list's order, (start, id): a host's rows of
// appointment_hosts, whose start, cancellation and meeting type mirror
// the appointment's, or else the company's appointments. The page query pages
// over the index alone and reads only the page's appointments.
func appointmentListSQL(f meetd.AppointmentFilter) (count, page string, args []any) {
	t, id, from := "a", "id", "appointments a"
	var where []string
	if f.HostID != "" {
		// The host must be the company's user: the company boundary,
		// checked once (the EXISTS is uncorrelated) rather than per row.
		t, id, from = "h", "appointment_id", "appointment_hosts h"
		where = append(where, "h.user_id = ?", "EXISTS (SELECT 1 FROM users u WHERE u.company_id = ? AND u.id = ?)")
		args = append(args, f.HostID, f.CompanyID, f.HostID)
		if f.MeetingTypeID != "" {
			where, args = append(where, "h.meeting_type_id = ?"), append(args, f.MeetingTypeID)
		}
	} else {
		where, args = append(where, "a.company_id = ?"), append(args, f.CompanyID)
		if f.MeetingTypeID != "" {
			where, args = append(where, "a.meeting_type_id = ?"), append(args, f.MeetingTypeID)
		}
	}
	if f.From != nil {
		table, cond, condArg := "appointment_hosts", "l.user_id = ?", f.HostID
		if f.HostID == "" {
			table, cond, condArg = "appointments", "l.company_id = ?", f.CompanyID
		}
		where = append(where, t+".start_at >= "+floorSQL(table, cond), t+".end_at > ?")
		args = append(append(args, floorArgs(*f.From, condArg)...), ms(*f.From))
	}
	if f.To != nil {
		where, args = append(where, t+".start_at < ?"), append(args, ms(*f.To))
	}
	switch f.Status {
	case "active":
		where = append(where, t+".cancelled = FALSE")
	case "cancelled":
		where = append(where, t+".cancelled = TRUE")
	}
	if f.Ended != nil {
		where, args = append(where, t+".end_at <= ?"), append(args, ms(*f.Ended))
	}
	if f.Search != "" {
		// A filter on the rows the index range yields, one seek each:
		// the range, not the search, bounds the cost.
		where = append(where, `EXISTS (SELECT 1 FROM appointment_attendees x WHERE x.appointment_id = `+t+`.`+id+`
			AND x.removed_at IS NULL AND x.search_key LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscape(strings.ToLower(f.Search))+"%")
	}
	cond := strings.Join(where, " AND ")
	dir := "ASC"
	if f.Descending {
		dir = "DESC"
	}
	count = `SELECT COUNT(*) FROM ` + from + ` WHERE ` + cond
	if col := hostCountColumn(f); col != "" {
		// The host's kept total (migration 00025), behind the same
		// company check and with the same arguments as the page.
		count = `SELECT COALESCE(MAX(` + col + `), 0) FROM appointment_host_counts c
			WHERE c.user_id = ? AND EXISTS (SELECT 1 FROM users u WHERE u.company_id = ? AND u.id = ?)`
	}
	if f.ByCreation {
		// Creation order is not the index's: the rows in range are
		// sorted, so the cost follows the window asked for.
		page = `SELECT ` + prefixed("a.", appointmentColumns) + ` FROM ` + from + ` JOIN appointments a ON a.id = ` + t +
			`.` + id + ` WHERE ` + cond + ` ORDER BY a.created_at ` + dir + `, a.id LIMIT ? OFFSET ?`
		if f.HostID == "" {
			page = `SELECT ` + prefixed("a.", appointmentColumns) + ` FROM appointments a WHERE ` + cond +
				` ORDER BY a.created_at ` + dir + `, a.id LIMIT ? OFFSET ?`
		}
		return count, page, args
	}
	page = `SELECT ` + prefixed("a.", appointmentColumns) + ` FROM (SELECT ` + t + `.` + id + ` AS id, ` + t +
		`.start_at AS start_at FROM ` + from + ` WHERE ` + cond + ` ORDER BY ` + t + `.start_at ` + dir + `, ` + t + `.` + id +
		` LIMIT ? OFFSET ?) p JOIN appointments a ON a.id = p.id ORDER BY p.start_at ` + dir + `, p.id`
	return count, page, args
}

// hostCountColumn returns the expression of appointment_host_counts that
// is the total of a host's list filtered by f, or "" when f filters by
// more than the host and the status, and the rows must be counted.
func hostCountColumn(f meetd.AppointmentFilter) string {
	if f.HostID == "" || f.MeetingTypeID != "" || f.From != nil || f.To != nil || f.Ended != nil || f.Search != "" {
		return ""
	}
	switch f.Status {
	case "":
		return "c.total"
	case "active":
		return "c.active"
	case "cancelled":
		return "c.total - c.active"
	}
	return ""
}

// prefixed qualifies every column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Busy implements meetd.Store.
func (db *DB) Busy(ctx context.Context, f meetd.BusyFilter) (_ []meetd.HostBusy, err error) {
	defer meetd.Wrap(&err, "sqldb.Busy(%s, %d hosts)", f.CompanyID, len(f.HostIDs))
	// The queries join the hosts as a list: a host named twice would
	// answer its intervals twice.
	f.HostIDs = distinct(f.HostIDs)
	if len(f.HostIDs) == 0 {
		return nil, nil
	}
	// The appointment being rescheduled is not left out of a cached
	// host's intervals: that (rarer) read goes to the database.
	if f.ExceptID == "" && db.busy != nil {
		return db.cachedBusy(ctx, f)
	}
	if f.Calendars && f.From.Before(f.To) {
		rows, err := db.query(ctx, busyWithCalendarsSQL(len(f.HostIDs)), append(busyArgs(f), calendarBusyArgs(f)...)...)
		if err != nil {
			return nil, err
		}
		return scanBusy(rows, f)
	}
	rows, err := db.query(ctx, busySQL(len(f.HostIDs)), busyArgs(f)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// One set of destinations for every row: a busy query reads thousands
	// of rows, and each Scan of fresh locals allocated them again.
	var host, s, e int64
	dest := []any{&host, &s, &e}
	out := make([]meetd.HostBusy, 0, 64)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		id, err := hostAt(f.HostIDs, host)
		if err != nil {
			return nil, err
		}
		out = append(out, meetd.HostBusy{UserID: id, Start: fromMS(s), End: fromMS(e)})
	}
	return out, rows.Err()
}

// hostValues is a VALUES list of n hosts: the host's id (a placeholder)
// and its position in the list, which the busy queries answer instead of
// the 36-character id, so a row carries three integers (see BENCHMARKS.md,
// "Busy rows as integers").
func hostValues(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(")")
	}
	return b.String()
}

// hostAt is the host at position i of hosts, as hostValues numbered them.
func hostAt(hosts []string, i int64) (string, error) {
	if i < 0 || i >= int64(len(hosts)) {
		return "", fmt.Errorf("busy row of host %d of %d", i, len(hosts))
	}
	return hosts[i], nil
}

// distinct returns ids without repeats, in their order; ids itself when
// it has none.
func distinct(ids []string) []string {
	for i := 1; i < len(ids); i++ {
		if slices.Contains(ids[:i], ids[i]) {
			out := slices.Clone(ids[:i])
			for _, id := range ids[i+1:] {
				if !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
			return out
		}
	}
	return ids
}

// busySQL is Busy's query for n hosts; its arguments are busyArgs'. Each
// row is (the host's position in the VALUES list, start, end). The company
// boundary is on the hosts, checked once per host (a host's appointments
// are those of the host's company, as in a host's list): joining every
// row to its appointment for company_id read the table once per busy
// interval, a third of the query's instructions (BENCHMARKS.md, "Busy time
// and the booking transaction"), where the index alone answers the rest.
// The hosts are a VALUES list joined to users so that each is one
// primary-key seek, then one range of appointment_hosts_span; CROSS JOIN
// keeps that order on SQLite (with "u.id IN (…)" SQLite scanned users when
// its statistics said the company's users were few) and is an inner join
// with these conditions on PostgreSQL.
func busySQL(n int) string {
	hosts := placeholders(n)
	return `SELECT v.column2, h.start_at, h.end_at FROM (VALUES ` + hostValues(n) + `) v
		CROSS JOIN users u CROSS JOIN appointment_hosts h
		WHERE u.id = v.column1 AND u.company_id = ? AND h.user_id = u.id
		AND h.start_at >= ` + floorSQL("appointment_hosts", "l.user_id IN ("+hosts+")") + `
		AND h.start_at < ? AND h.end_at > ? AND h.cancelled = FALSE AND h.appointment_id <> ?`
}

// busyWithCalendarsSQL is Busy's query for n hosts with f.Calendars: the
// appointments, then the calendar buckets, in scanBusy's columns; its
// arguments are busyArgs' and calendarBusyArgs'.
func busyWithCalendarsSQL(n int) string {
	return `SELECT b.column2, b.start_at, b.end_at, CAST(NULL AS TEXT) FROM (` + busySQL(n) + `) b UNION ALL ` + calendarBusySQL(n)
}

func busyArgs(f meetd.BusyFilter) []any {
	// overlapArgs starts with the hosts, which busySQL's VALUES list
	// takes before the company.
	args := overlapArgs(f.HostIDs, f.From, f.To, f.ExceptID)
	n := len(f.HostIDs)
	return append(append(append([]any{}, args[:n]...), f.CompanyID), args[n:]...)
}

// CancelAppointment implements meetd.Store.
func (db *DB) CancelAppointment(ctx context.Context, a meetd.Actor, companyID, id, reason, source string) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.CancelAppointment(%s)", id)
	if companyID == "" {
		return meetd.Appointment{}, errAppointmentNotFound
	}
	var out meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		// FOR UPDATE: two cancels (or a cancel and a reschedule) of one
		// appointment must not both pass the check below.
		ap, err := appointment(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		if ap.Cancelled {
			return errAlreadyCancelled
		}
		if err := t.cancel(ctx, a, ap, reason, source); err != nil {
			return err
		}
		out, err = appointment(ctx, t, companyID, ap.ID, "")
		return err
	})
	return out, err
}

var errAlreadyCancelled = meetd.Errorf(meetd.ECONFLICT, "Appointment is already cancelled")

// cancel cancels ap, an active appointment read under lock, freeing its
// slot, and emits booking_cancelled.
func (t *tx) cancel(ctx context.Context, a meetd.Actor, ap meetd.Appointment, reason, source string) error {
	id := ap.ID
	by := a.UserID
	if by == "" {
		by = source
	}
	if _, err := t.exec(ctx, `UPDATE appointments SET cancelled = TRUE, cancel_reason = ?, cancel_source = ?,
		cancelled_by = ?, cancelled_at = ?, updated_at = ? WHERE id = ?`, reason, source, by, ms(t.now), ms(t.now), id); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE appointment_hosts SET cancelled = TRUE WHERE appointment_id = ?`, id); err != nil {
		return err
	}
	if err := t.emitAppointment(ctx, a, meetd.EventBookingCancelled, id, nil); err != nil {
		return err
	}
	return t.audit(ctx, a, ap.CompanyID, "appointment.cancel", "appointment", id)
}

// RescheduleAppointment implements meetd.Store.
func (db *DB) RescheduleAppointment(ctx context.Context, a meetd.Actor, companyID, id string, start, end time.Time, before, after time.Duration) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.RescheduleAppointment(%s)", id)
	if companyID == "" {
		return meetd.Appointment{}, errAppointmentNotFound
	}
	var out meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		// FOR UPDATE: two cancels (or a cancel and a reschedule) of one
		// appointment must not both pass the check below.
		ap, err := appointment(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		id := ap.ID
		if ap.Cancelled {
			return meetd.Errorf(meetd.ECONFLICT, "A cancelled appointment cannot be rescheduled")
		}
		rows, err := t.query(ctx, `SELECT user_id FROM appointment_hosts WHERE appointment_id = ? ORDER BY user_id`, id)
		if err != nil {
			return err
		}
		hosts, err := scanAll(rows, scanString)
		if err != nil {
			return err
		}
		if err := t.lockHosts(ctx, companyID, hosts); err != nil {
			return err
		}
		if taken, err := t.overlaps(ctx, hosts, start.Add(-before), end.Add(after), id); err != nil {
			return err
		} else if taken {
			return meetd.ErrSlotTaken
		}
		if _, err := t.exec(ctx, `UPDATE appointments SET start_at = ?, end_at = ?, rescheduled_at = ?,
			reschedule_count = reschedule_count + 1, updated_at = ? WHERE id = ?`, ms(start), ms(end), ms(t.now), ms(t.now), id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE appointment_hosts SET start_at = ?, end_at = ? WHERE appointment_id = ?`,
			ms(start), ms(end), id); err != nil {
			return err
		}
		if err := t.emitAppointment(ctx, a, meetd.EventBookingRescheduled, id, map[string]any{
			"previousStart": meetd.FormatTime(ap.Start), "previousEnd": meetd.FormatTime(ap.End)}); err != nil {
			return err
		}
		if err := t.audit(ctx, a, ap.CompanyID, "appointment.reschedule", "appointment", id); err != nil {
			return err
		}
		out, err = appointment(ctx, t, companyID, id, "")
		return err
	})
	return out, err
}
