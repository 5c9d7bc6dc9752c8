package sqldb

import (
	"context"
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
			end_at, cancelled) VALUES (?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer host.Close()
		for _, a := range aps {
			id := meetd.NewID()
			if _, err := ins.ExecContext(ctx, id, a.CompanyID, a.MeetingTypeID, a.HostIDs[0], ms(a.Start), ms(a.End),
				"secret", `{"email":"guest@example.com"}`, "guest@example.com", a.QueueID, a.Cancelled,
				ms(a.Created), ms(a.Created)); err != nil {
				return err
			}
			for _, h := range a.HostIDs {
				if _, err := host.ExecContext(ctx, id, h, ms(a.Start), ms(a.End), a.Cancelled); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Analyze refreshes the planner's statistics, as a live database's
// autovacuum (PostgreSQL) or "PRAGMA optimize" (SQLite) would.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return err
}
