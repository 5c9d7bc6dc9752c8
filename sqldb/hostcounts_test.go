package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestHostTotalsFollowEveryWrite: a host's list total, read from the kept
// counts (migration 00025), equals the rows counted, for every status,
// after seeding, booking, cancelling and rescheduling.
func TestHostTotalsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			g := seedGrowth(t, b, 300)
			ctx := context.Background()
			check := func(when string) {
				t.Helper()
				far := growthNow.AddDate(50, 0, 0)
				for _, host := range g.hosts[:3] {
					for _, status := range []string{"", "active", "cancelled"} {
						f := meetd.AppointmentFilter{CompanyID: g.company, HostID: host, Status: status, Limit: 1}
						_, kept, err := g.db.ListAppointments(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						f.To = &far // a window: the rows are counted
						_, counted, err := g.db.ListAppointments(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						if kept != counted || counted == 0 && status != "cancelled" {
							t.Errorf("%s: host %s, status %q: total %d, counted %d", when, host, status, kept, counted)
						}
					}
				}
				// Another company's view of the host is empty.
				if _, n, err := g.db.ListAppointments(ctx, meetd.AppointmentFilter{CompanyID: "other", HostID: g.hosts[0], Limit: 1}); err != nil || n != 0 {
					t.Errorf("%s: another company's total = %d, %v", when, n, err)
				}
			}
			check("seeded")
			start := growthNow.AddDate(0, 2, 0)
			var booked []meetd.Appointment
			for i := range 3 {
				ap, err := g.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company,
					MeetingTypeID: g.mt, HostIDs: []string{g.hosts[i], g.hosts[(i+1)%3]}, Start: start.Add(time.Duration(i) * time.Hour),
					End: start.Add(time.Duration(i)*time.Hour + 30*time.Minute), Attendee: meetd.Attendee{Email: "guest@example.com"}})
				if err != nil {
					t.Fatal(err)
				}
				booked = append(booked, ap)
			}
			check("booked")
			if _, err := g.db.CancelAppointment(ctx, meetd.CLIActor, g.company, booked[0].ID, "", "host"); err != nil {
				t.Fatal(err)
			}
			check("cancelled")
			later := start.AddDate(0, 0, 1)
			if _, err := g.db.RescheduleAppointment(ctx, meetd.CLIActor, g.company, booked[1].ID, later, later.Add(30*time.Minute), 0, 0); err != nil {
				t.Fatal(err)
			}
			check("rescheduled")
		})
	}
}
