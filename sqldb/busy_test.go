package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestBusyAnswersEveryOverlappingInterval: on random appointments (one to
// three hosts, 15 minutes to three days, some cancelled) Busy answers, for
// any window, subset of hosts (repeats included) and company, exactly the
// intervals of the active appointments of those hosts in that company that
// overlap the window, computed here from the seeded data without SQL.
func TestBusyAnswersEveryOverlappingInterval(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			g := seedGrowth(t, b, 0)
			ctx := context.Background()
			rnd := rand.New(rand.NewPCG(3, 4))
			day := growthNow.Truncate(24 * time.Hour)
			var aps []sqldb.SeedAppointment
			for range 400 {
				hosts := slices.Clone(g.hosts)
				rnd.Shuffle(len(hosts), func(i, j int) { hosts[i], hosts[j] = hosts[j], hosts[i] })
				start := day.Add(time.Duration(rnd.IntN(40*96)-5*96) * 15 * time.Minute)
				length := time.Duration(1+rnd.IntN(8)) * 15 * time.Minute
				if rnd.IntN(20) == 0 {
					length = time.Duration(1+rnd.IntN(72)) * time.Hour
				}
				aps = append(aps, sqldb.SeedAppointment{CompanyID: g.company, MeetingTypeID: g.mt, QueueID: g.queue,
					HostIDs: hosts[:1+rnd.IntN(3)], Start: start, End: start.Add(length), Created: day,
					Cancelled: rnd.IntN(8) == 0})
			}
			if err := g.db.SeedAppointments(ctx, aps); err != nil {
				t.Fatal(err)
			}
			// What the store held before: seedGrowth's 620 appointments in
			// the window, read once over a window wider than any asked.
			wide := meetd.BusyFilter{CompanyID: g.company, HostIDs: g.hosts, From: day.AddDate(0, 0, -10), To: day.AddDate(0, 0, 50)}
			before, err := g.db.Busy(ctx, wide)
			if err != nil {
				t.Fatal(err)
			}
			seeded := map[string]bool{}
			for _, a := range aps {
				for _, h := range a.HostIDs {
					seeded[fmt.Sprint(h, a.Start.UnixMilli(), a.End.UnixMilli())] = true
				}
			}
			type iv struct {
				host       string
				start, end time.Time
			}
			var all []iv
			for _, x := range before {
				if !seeded[fmt.Sprint(x.UserID, x.Start.UnixMilli(), x.End.UnixMilli())] {
					all = append(all, iv{x.UserID, x.Start, x.End})
				}
			}
			for _, a := range aps {
				if !a.Cancelled {
					for _, h := range a.HostIDs {
						all = append(all, iv{h, a.Start, a.End})
					}
				}
			}
			key := func(host string, s, e time.Time) string {
				return fmt.Sprintf("%s %d %d", host, s.UnixMilli(), e.UnixMilli())
			}
			rapid.Check(t, func(rt *rapid.T) {
				hosts := rapid.SliceOfN(rapid.SampledFrom(g.hosts), 1, 12).Draw(rt, "hosts")
				from := day.Add(time.Duration(rapid.IntRange(-6*96, 40*96).Draw(rt, "from")) * 15 * time.Minute)
				to := from.Add(time.Duration(rapid.IntRange(0, 35*96).Draw(rt, "length")) * 15 * time.Minute)
				company := g.company
				if rapid.IntRange(0, 9).Draw(rt, "other company") == 0 {
					company = meetd.NewID()
				}
				got, err := g.db.Busy(ctx, meetd.BusyFilter{CompanyID: company, HostIDs: hosts, From: from, To: to, Calendars: rapid.Bool().Draw(rt, "calendars")})
				if err != nil {
					rt.Fatal(err)
				}
				var have, want []string
				for _, x := range got {
					have = append(have, key(x.UserID, x.Start, x.End))
				}
				for _, x := range all {
					if company == g.company && slices.Contains(hosts, x.host) && x.start.Before(to) && x.end.After(from) {
						want = append(want, key(x.host, x.start, x.end))
					}
				}
				slices.Sort(have)
				slices.Sort(want)
				if !slices.Equal(have, want) {
					rt.Fatalf("Busy answered %d intervals, want %d:\n got %s\nwant %s", len(have), len(want),
						strings.Join(have, ", "), strings.Join(want, ", "))
				}
			})
		})
	}
}
