package slots

import (
	"math/rand/v2"
	"testing"
	"time"
)

// benchQuery is a month of a busy team: hosts in Berlin, alternating with
// New York when mixed, Mon–Fri 09:00–17:00 with a lunch break, 500 bookings, 10 blocks
// and 5 extra openings each, all scattered over the window. March 2026
// holds both zones' spring-forward days.
func benchQuery(hosts int, m Method, mixed bool) Query {
	rnd := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const days = 31
	to := from.AddDate(0, 0, days)
	somewhere := func() time.Time { return from.Add(time.Duration(rnd.IntN(days*24*12)) * 5 * time.Minute) }
	q := Query{
		From: from, To: to,
		Duration: 30 * time.Minute, Step: 15 * time.Minute,
		BufferBefore: 10 * time.Minute, BufferAfter: 5 * time.Minute,
		Now: from.Add(-time.Hour), MinNotice: 2 * time.Hour, Horizon: 60 * 24 * time.Hour,
		Method: m,
	}
	for i := range hosts {
		loc := berlin
		if mixed && i%2 == 1 {
			loc = newYork
		}
		h := Host{ID: string(rune('a' + i)), Rules: Rules{Location: loc, Weekly: weekdays(span("09:00", "12:30"), span("13:30", "17:00"))}}
		for range 500 {
			s := somewhere()
			h.Busy = append(h.Busy, Interval{s, s.Add(time.Duration(15+rnd.IntN(3)*15) * time.Minute)})
		}
		for range 10 {
			s := somewhere()
			h.Rules.Block = append(h.Rules.Block, Interval{s, s.Add(time.Duration(1+rnd.IntN(48)) * time.Hour)})
		}
		for range 5 {
			s := somewhere()
			h.Rules.Open = append(h.Rules.Open, Interval{s, s.Add(time.Duration(1+rnd.IntN(8)) * time.Hour)})
		}
		q.Hosts = append(q.Hosts, h)
	}
	return q
}

func BenchmarkCompute(b *testing.B) {
	for _, bc := range []struct {
		name  string
		hosts int
		m     Method
		mixed bool
	}{
		{"anyone-10-hosts-mixed-zones", 10, Anyone, true},
		{"everyone-3-hosts-mixed-zones", 3, Everyone, true},
		{"everyone-3-hosts-one-zone", 3, Everyone, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := benchQuery(bc.hosts, bc.m, bc.mixed)
			if len(Compute(q)) == 0 {
				b.Fatal("the benchmark query finds no slots")
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(Compute(q))
			}
			b.ReportMetric(float64(n), "slots/op")
		})
	}
}
