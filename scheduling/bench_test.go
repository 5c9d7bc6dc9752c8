package scheduling_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/slots"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// BenchmarkSlotsTenHosts is the load suite's slots-10 request in process:
// 31 days of slots for a round robin of ten hosts with 500 appointments
// each in that window, on SQLite, without calendars and with every host's
// calendar connected: three busy times a day for the next 60 days in the
// cache (BENCHMARKS.md, "Slots with connected calendars"). Set
// SLOTS_BENCH_PER_HOST to change the 500.
func BenchmarkSlotsTenHosts(b *testing.B) {
	perHost := 500
	if v, err := strconv.Atoi(os.Getenv("SLOTS_BENCH_PER_HOST")); err == nil && v >= 0 {
		perHost = v
	}
	for _, connected := range []bool{false, true} {
		name := "no calendars"
		if connected {
			name = "10 calendars connected"
		}
		b.Run(name, func(b *testing.B) {
			clock := meetd.NewManualClock(now)
			db := sqldbtest.Open(b, sqldbtest.Backends()[0], clock)
			ctx := context.Background()
			w := newWorkspace(b, db, "bench", 10)
			day := now.Truncate(24 * time.Hour)
			seedBusyHosts(b, db, w, day.AddDate(0, 0, 1), 31, perHost)
			if connected {
				for i, id := range w.hosts {
					var busy []meetd.BusyInterval
					for d := range 60 {
						base := day.AddDate(0, 0, d)
						for _, h := range []int{9, 12, 15} {
							s := base.Add(time.Duration(h)*time.Hour + time.Duration(i*10)*time.Minute)
							busy = append(busy, meetd.BusyInterval{Start: s, End: s.Add(45 * time.Minute)})
						}
					}
					if err := db.ReplaceCalendarBusy(ctx, w.company.ID, id, "cal-"+id, now, now.AddDate(0, 0, 60), busy); err != nil {
						b.Fatal(err)
					}
				}
			}
			svc := &scheduling.Service{Store: db, Clock: clock}
			req := scheduling.SlotRequest{MeetingTypeID: w.mt.ID, HostIDs: w.hosts, Method: slots.Anyone,
				From: day.AddDate(0, 0, 1), To: day.AddDate(0, 0, 32)}
			b.ReportAllocs()
			b.ResetTimer()
			// The target is stated as a p99, so each request is timed
			// and p50 and p99 are reported beside the mean.
			took := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if list, err := svc.Slots(ctx, w.p, req); err != nil || len(list) == 0 {
					b.Fatalf("Slots = %d, %v", len(list), err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// seedBusyHosts books perHost appointments of 15, 30 or 45 minutes for each
// of w's hosts at random quarter hours of the days days from first, never
// overlapping, as the load suite seeds its slots-10 hosts.
func seedBusyHosts(b *testing.B, db *sqldb.DB, w workspace, first time.Time, days, perHost int) {
	b.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	quarters := days * 96
	for _, id := range w.hosts {
		taken := make([]bool, quarters+3)
		for n := 0; n < perHost; {
			q, length := rnd.IntN(quarters), 1+rnd.IntN(3)
			if taken[q] || taken[q+1] && length > 1 || taken[q+2] && length > 2 {
				continue
			}
			for k := range length {
				taken[q+k] = true
			}
			start := first.Add(time.Duration(q) * 15 * time.Minute)
			if _, err := db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: w.company.ID,
				MeetingTypeID: w.mt.ID, HostIDs: []string{id}, Start: start, End: start.Add(time.Duration(length) * 15 * time.Minute),
				Channel: "zoom", Attendee: meetd.Attendee{Email: fmt.Sprintf("guest%d@bench.example", n), Fullname: "Guest",
					Notes: json.RawMessage(`{}`)}}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
}
