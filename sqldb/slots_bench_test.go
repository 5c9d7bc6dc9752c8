package sqldb_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/slots"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// BenchmarkSlotsTenHostsMonth is the slot query of meetd-bench's slots-10
// without HTTP: ten hosts, each with 500 appointments of 15, 30 or 45
// minutes at random quarter hours of the 31 days asked for (never
// overlapping one another), round robin (anyone), on SQLite and
// PostgreSQL. Every operation reads the hosts' busy time, availabilities
// and exceptions and computes the slots (BENCHMARKS.md, "Busy intervals
// cached by version").
func BenchmarkSlotsTenHostsMonth(b *testing.B) {
	for _, be := range sqldbtest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			g := seedGrowth(b, be, 0)
			ctx := context.Background()
			day := growthNow.Truncate(24*time.Hour).AddDate(0, 0, 1)
			for _, id := range g.hosts {
				if _, err := g.db.CreateAvailability(ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: g.company, UserID: id,
					Name: "Hours", Timezone: "UTC", Schedule: meetd.DefaultSchedule()}); err != nil {
					b.Fatal(err)
				}
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			const quarters = 31 * 96
			var aps []sqldb.SeedAppointment
			for _, h := range g.hosts {
				taken := make([]bool, quarters+3)
				for n := 0; n < 500; {
					q, length := rnd.IntN(quarters), 1+rnd.IntN(3)
					if taken[q] || taken[q+1] && length > 1 || taken[q+2] && length > 2 {
						continue
					}
					for k := range length {
						taken[q+k] = true
					}
					start := day.Add(time.Duration(q) * 15 * time.Minute)
					aps = append(aps, sqldb.SeedAppointment{CompanyID: g.company, MeetingTypeID: g.mt, QueueID: g.queue,
						HostIDs: []string{h}, Start: start, End: start.Add(time.Duration(length) * 15 * time.Minute), Created: day})
					n++
				}
			}
			if err := g.db.SeedAppointments(ctx, aps); err != nil {
				b.Fatal(err)
			}
			svc := &scheduling.Service{Store: g.db, Clock: meetd.NewManualClock(growthNow)}
			p := meetd.Principal{Company: meetd.Company{ID: g.company, Plan: meetd.PlanEnterprise}}
			req := scheduling.SlotRequest{MeetingTypeID: g.mt, HostIDs: g.hosts, Method: slots.Anyone,
				From: day, To: day.AddDate(0, 0, 31)}
			b.ReportAllocs()
			for b.Loop() {
				if list, err := svc.Slots(ctx, p, req); err != nil || len(list) == 0 {
					b.Fatalf("Slots = %d, %v", len(list), err)
				}
			}
		})
	}
}
