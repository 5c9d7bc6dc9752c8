package sqldb

import (
	"context"
	"time"

	"github.com/meetd/meetd"
)

// queueCalendarWrites is the write-back hook of emitAppointment: in the
// transaction that books, reschedules, cancels or changes appointment id,
// it queues one write-back for every CalDAV connection of the
// appointment's hosts that has a calendar for new events. A write-back already queued for the same
// appointment and connection is made due again with a higher version,
// never doubled: the worker writes the appointment as it stands. created
// says ap was inserted in this transaction.
func (t *tx) queueCalendarWrites(ctx context.Context, ap meetd.Appointment, created bool) error {
	id, companyID := ap.ID, ap.CompanyID
	rows, err := t.query(ctx, calendarWriteTargetsSQL, id, companyID, string(meetd.CalendarCalDAV))
	if err != nil {
		return err
	}
	type target struct{ conn, user, calendar string }
	targets, err := scanAll(rows, func(row interface{ Scan(...any) error }) (x target, err error) {
		return x, row.Scan(&x.conn, &x.user, &x.calendar)
	})
	if err != nil {
		return err
	}
	for _, x := range targets {
		if _, err := t.exec(ctx, `INSERT INTO calendar_writes (company_id, appointment_id, connection_id, user_id, path,
			next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (appointment_id, connection_id) DO NOTHING`,
			companyID, id, x.conn, x.user, meetd.CalendarObjectPath(x.calendar, id), ms(t.now), ms(t.now), ms(t.now)); err != nil {
			return err
		}
	}
	// Every write-back of the appointment, new or old, is due now with
	// a version nobody has written yet. An appointment created in this
	// transaction with no target has none: the update would be a round
	// trip that changes nothing (on PostgreSQL, one of every booking's).
	if created && len(targets) == 0 {
		return nil
	}
	_, err = t.exec(ctx, `UPDATE calendar_writes SET version = version + 1, done = FALSE, attempts = 0,
		next_attempt_at = ?, updated_at = ? WHERE appointment_id = ?`, ms(t.now), ms(t.now), id)
	return err
}

// The hot queries of calendar connections (plan_test.go): the write-back
// targets read in every booking's transaction, and the workers' claims.
const (
	calendarWriteTargetsSQL = `SELECT c.id, c.user_id, c.write_calendar FROM calendar_connections c
		JOIN appointment_hosts h ON h.user_id = c.user_id AND h.appointment_id = ?
		WHERE c.company_id = ? AND c.kind = ? AND c.write_calendar <> ''`
	calendarWritesDueSQL = `SELECT id, company_id, appointment_id, connection_id, user_id, path, version, attempts
		FROM calendar_writes WHERE done = FALSE AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`
	calendarRefreshesDueSQL = `SELECT ` + calendarConnectionColumns + ` FROM calendar_connections WHERE next_refresh_at <= ?
		ORDER BY next_refresh_at, id LIMIT ?`
)

// calendarConnectionsOfUsersSQL reads the connections of n users of a
// company (the live check of every booking).
func calendarConnectionsOfUsersSQL(n int) string {
	return `SELECT ` + calendarConnectionColumns + ` FROM calendar_connections WHERE company_id = ?
		AND user_id IN (` + placeholders(n) + `) ORDER BY created_at, id`
}

// ClaimCalendarWrites implements meetd.Store.
func (db *DB) ClaimCalendarWrites(ctx context.Context, limit int, lease time.Duration) (_ []meetd.CalendarWrite, err error) {
	defer meetd.Wrap(&err, "sqldb.ClaimCalendarWrites")
	var out []meetd.CalendarWrite
	err = db.update(ctx, func(t *tx) error {
		rows, err := t.query(ctx, calendarWritesDueSQL+t.d.skipLocked(), ms(t.now), limit)
		if err != nil {
			return err
		}
		out, err = scanAll(rows, func(row interface{ Scan(...any) error }) (w meetd.CalendarWrite, err error) {
			err = row.Scan(&w.ID, &w.CompanyID, &w.AppointmentID, &w.ConnectionID, &w.UserID, &w.Path, &w.Version, &w.Attempt)
			w.Attempt++
			return w, err
		})
		if err != nil {
			return err
		}
		for _, w := range out {
			if _, err := t.exec(ctx, `UPDATE calendar_writes SET attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
				w.Attempt, ms(t.now.Add(lease)), ms(t.now), w.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FinishCalendarWrite implements meetd.Store.
func (db *DB) FinishCalendarWrite(ctx context.Context, r meetd.CalendarWriteResult) (err error) {
	defer meetd.Wrap(&err, "sqldb.FinishCalendarWrite(%d)", r.ID)
	return db.update(ctx, func(t *tx) error {
		if r.Done {
			_, err := t.exec(ctx, `UPDATE calendar_writes SET done = TRUE, last_error = '', updated_at = ?
				WHERE id = ? AND version = ?`, ms(t.now), r.ID, r.Version)
			return err
		}
		_, err := t.exec(ctx, `UPDATE calendar_writes SET next_attempt_at = ?, last_error = ?, updated_at = ?
			WHERE id = ? AND version = ?`, ms(r.NextAt), r.Error, ms(t.now), r.ID, r.Version)
		return err
	})
}

// PendingCalendarWrites implements meetd.Store.
func (db *DB) PendingCalendarWrites(ctx context.Context, companyID string) (n int, err error) {
	defer meetd.Wrap(&err, "sqldb.PendingCalendarWrites")
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM calendar_writes WHERE company_id = ? AND done = FALSE`, companyID).Scan(&n)
	return n, err
}
