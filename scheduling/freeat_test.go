package scheduling

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/meetd/meetd/slots"
)

// TestFreeAtMatchesTheWholeWindow: on random schedules, bookings, buffers,
// steps and notice, freeAt (the slots up to start) answers what the slots
// of the whole window say about start, for every start on a 5-minute grid
// in the window, with either method.
func TestFreeAtMatchesTheWholeWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	base := time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC) // across Berlin's spring-forward
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	checked, offered := 0, 0
	for round := range 60 {
		q := randomQuery(rng, base, berlin)
		for at := base.Add(-6 * time.Hour); at.Before(base.Add(42 * time.Hour)); at = at.Add(5 * time.Minute) {
			wide := q
			wide.From, wide.To = at.Add(-36*time.Hour), at.Add(q.Duration+36*time.Hour)
			var want []string
			for _, sl := range slots.Compute(wide) {
				if sl.Start.Equal(at) {
					want = sl.HostIDs
				}
			}
			if got := freeAt(wide, at); !slices.Equal(got, want) {
				t.Fatalf("round %d, start %s: freeAt = %v, the whole window says %v\nquery %+v", round, at, got, want, wide)
			}
			// freeHosts' window, which ends with the meeting, answers the same.
			narrow := wide
			narrow.To = at.Add(q.Duration)
			if got := freeAt(narrow, at); !slices.Equal(got, want) {
				t.Fatalf("round %d, start %s: freeAt to the meeting's end = %v, the whole window says %v", round, at, got, want)
			}
			checked++
			if want != nil {
				offered++
			}
		}
	}
	if offered == 0 || offered == checked {
		t.Fatalf("%d of %d starts offered: the schedules test nothing", offered, checked)
	}
}

func randomQuery(rng *rand.Rand, base time.Time, loc *time.Location) slots.Query {
	minutes := func(n int) time.Duration { return time.Duration(n) * time.Minute }
	q := slots.Query{Duration: minutes(5 * (1 + rng.IntN(18))), BufferBefore: minutes(5 * rng.IntN(4)),
		BufferAfter: minutes(5 * rng.IntN(4)), Now: base.Add(-minutes(rng.IntN(48 * 60))),
		MinNotice: minutes(rng.IntN(3) * 60), Method: slots.Method(rng.IntN(2))}
	if rng.IntN(2) == 0 {
		q.Step = minutes(5 * (1 + rng.IntN(12)))
	}
	for h := range 1 + rng.IntN(3) {
		r := slots.Rules{Location: loc}
		if rng.IntN(2) == 0 {
			r.Location = time.UTC
		}
		for d := range 7 {
			from := 5 * rng.IntN(12*12)
			if rng.IntN(5) > 0 {
				r.Weekly[d] = []slots.Span{{From: from, To: min(1440, from+5*(1+rng.IntN(12*12)))}}
			}
			if rng.IntN(3) == 0 {
				r.Weekly[d] = append(r.Weekly[d], slots.Span{From: 0, To: 1440}) // round the clock
			}
		}
		for range rng.IntN(3) {
			s := base.Add(minutes(5 * (rng.IntN(2*24*12) - 24*12)))
			iv := slots.Interval{Start: s, End: s.Add(minutes(5 * rng.IntN(24*12)))}
			if rng.IntN(2) == 0 {
				r.Open = append(r.Open, iv)
			} else {
				r.Block = append(r.Block, iv)
			}
		}
		host := slots.Host{ID: string(rune('a' + h)), Rules: r}
		for range rng.IntN(20) {
			s := base.Add(minutes(5 * (rng.IntN(4*24*12) - 24*12)))
			host.Busy = append(host.Busy, slots.Interval{Start: s, End: s.Add(minutes(5 * rng.IntN(36)))})
		}
		q.Hosts = append(q.Hosts, host)
	}
	return q
}
