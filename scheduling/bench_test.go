package scheduling_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/slots"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// BenchmarkSlotsTenHosts is a week's slot request for ten hosts (anyone),
// on SQLite, without calendars and with every host's calendar connected:
// three busy times a working day for the next 60 days in the cache
// (BENCHMARKS.md, "Slots with connected calendars").
func BenchmarkSlotsTenHosts(b *testing.B) {
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
				From: day.AddDate(0, 0, 1), To: day.AddDate(0, 0, 8)}
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
