package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestLongAppointmentsAreSeenInsideTheirSpan: the overlap searches seek
// starts from a day before a window; an appointment longer than a day that
// started earlier still counts as busy, blocks a booking, and is listed.
func TestLongAppointmentsAreSeenInsideTheirSpan(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			g := seedGrowth(t, b, 700)
			ctx := context.Background()
			start := growthNow.AddDate(0, 2, 0)
			long, err := g.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company,
				MeetingTypeID: g.mt, HostIDs: g.hosts[:1], Start: start, End: start.Add(72 * time.Hour),
				Attendee: meetd.Attendee{Email: "guest@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			inside := start.Add(50 * time.Hour)
			busy, err := g.db.Busy(ctx, meetd.BusyFilter{CompanyID: g.company, HostIDs: g.hosts[:2], From: inside, To: inside.Add(time.Hour)})
			if err != nil || len(busy) != 1 || !busy[0].Start.Equal(start) {
				t.Fatalf("Busy inside the long appointment = %+v, %v; want it", busy, err)
			}
			_, err = g.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company,
				MeetingTypeID: g.mt, HostIDs: g.hosts[:1], Start: inside, End: inside.Add(30 * time.Minute),
				Attendee: meetd.Attendee{Email: "guest@example.com"}})
			if err != meetd.ErrSlotTaken {
				t.Fatalf("booking inside the long appointment = %v, want ErrSlotTaken", err)
			}
			for _, host := range []string{g.hosts[0], ""} {
				list, total, err := g.db.ListAppointments(ctx, meetd.AppointmentFilter{CompanyID: g.company, HostID: host,
					From: &inside, Limit: 10})
				if err != nil || total != 1 || len(list) != 1 || list[0].ID != long.ID {
					t.Fatalf("ListAppointments from inside (host %q) = %d of %d, %v; want the long one", host, len(list), total, err)
				}
			}
			after := start.Add(72 * time.Hour)
			if busy, err := g.db.Busy(ctx, meetd.BusyFilter{CompanyID: g.company, HostIDs: g.hosts[:1], From: after,
				To: after.Add(time.Hour)}); err != nil || len(busy) != 0 {
				t.Fatalf("Busy after the long appointment = %+v, %v; want none", busy, err)
			}
		})
	}
}
