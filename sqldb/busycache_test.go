package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestCachedBusySeesOtherNodesWrites: two nodes on one database; node A
// reads busy time again and again (the reads it caches), while node B and
// node A book, cancel, reschedule and replace calendar busy times. After
// every write, A answers what an uncached read answers (a read with an
// ExceptID that names no appointment bypasses the cache).
func TestCachedBusySeesOtherNodesWrites(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			g := seedGrowth(t, b, 300)
			a := g.db
			nodeB := sqldbtest.OpenDSN(t, g.dsn, meetd.NewManualClock(growthNow))
			ctx := context.Background()
			day := growthNow.Truncate(24 * time.Hour)
			windows := []meetd.BusyFilter{
				{CompanyID: g.company, HostIDs: g.hosts, From: day, To: day.AddDate(0, 0, 10), Calendars: true},
				{CompanyID: g.company, HostIDs: g.hosts[:4], From: day.AddDate(0, 0, 2), To: day.AddDate(0, 0, 3)},
				{CompanyID: g.company, HostIDs: g.hosts[2:], From: day.AddDate(0, 0, -1), To: day.AddDate(0, 0, 12), Calendars: true},
				{CompanyID: "other", HostIDs: g.hosts, From: day, To: day.AddDate(0, 0, 10), Calendars: true},
			}
			keys := func(bs []meetd.HostBusy) []string {
				var out []string
				for _, x := range bs {
					out = append(out, fmt.Sprintf("%s %d %d", x.UserID, x.Start.UnixMilli(), x.End.UnixMilli()))
				}
				slices.Sort(out)
				return out
			}
			check := func(when string) {
				t.Helper()
				for i, f := range windows {
					uncached := f
					uncached.ExceptID = "no such appointment"
					want, err := nodeB.Busy(ctx, uncached)
					if err != nil {
						t.Fatal(err)
					}
					for range 2 { // the second read is served from the cache
						got, err := a.Busy(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						if g, w := keys(got), keys(want); !slices.Equal(g, w) {
							t.Fatalf("%s: window %d: node A answered %d intervals, an uncached read %d; only in A: %v; only uncached: %v",
								when, i, len(g), len(w), minus(g, w), minus(w, g))
						}
					}
				}
			}
			check("seeded")
			start := day.AddDate(0, 0, 2).Add(7 * time.Hour)
			var booked []meetd.Appointment
			for i, node := range []interface {
				BookAppointment(context.Context, meetd.Actor, meetd.NewAppointment) (meetd.Appointment, error)
			}{nodeB, nodeB, a} {
				ap, err := node.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company,
					MeetingTypeID: g.mt, HostIDs: []string{g.hosts[i], g.hosts[i+3]}, Start: start.Add(time.Duration(i) * time.Hour),
					End: start.Add(time.Duration(i)*time.Hour + 30*time.Minute), Attendee: meetd.Attendee{Email: "guest@example.com"}})
				if err != nil {
					t.Fatal(err)
				}
				booked = append(booked, ap)
				check(fmt.Sprintf("booking %d", i))
			}
			if _, err := nodeB.CancelAppointment(ctx, meetd.CLIActor, g.company, booked[0].ID, "", "host"); err != nil {
				t.Fatal(err)
			}
			check("cancelled on B")
			later := start.AddDate(0, 0, 5)
			if _, err := nodeB.RescheduleAppointment(ctx, meetd.CLIActor, g.company, booked[1].ID, later, later.Add(30*time.Minute), 0, 0); err != nil {
				t.Fatal(err)
			}
			check("rescheduled on B")
			if err := nodeB.ReplaceCalendarBusy(ctx, g.company, g.hosts[5], "cal-5", day, day.AddDate(0, 0, 20),
				[]meetd.BusyInterval{{Start: start, End: start.Add(2 * time.Hour)}}); err != nil {
				t.Fatal(err)
			}
			check("calendar busy replaced on B")
			if err := nodeB.ReplaceCalendarBusy(ctx, g.company, g.hosts[5], "cal-5", day, day.AddDate(0, 0, 20),
				[]meetd.BusyInterval{{Start: start.Add(time.Hour), End: start.Add(3 * time.Hour)},
					{Start: later, End: later.Add(time.Hour)}}); err != nil {
				t.Fatal(err)
			}
			check("calendar busy replaced again on B")
			if err := nodeB.DeleteCalendarBusy(ctx, g.company, "cal-5"); err != nil {
				t.Fatal(err)
			}
			check("calendar removed on B")
		})
	}
}

// minus is the elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
