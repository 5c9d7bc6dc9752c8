package slots

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const mon = "2026-06-01" // a Monday, far from any DST change

var nineToFive = weekdays(span("09:00", "17:00"))

func host(id string, w [7][]Span) Host {
	return Host{ID: id, Rules: Rules{Location: berlin, Weekly: w}}
}

// monday asks for 30-minute slots on Monday 2026-06-01 in Berlin, with Now
// long before it.
func monday(hosts ...Host) Query {
	return Query{
		From:     at(berlin, mon+" 00:00"),
		To:       at(berlin, "2026-06-02 00:00"),
		Duration: 30 * time.Minute,
		Now:      at(berlin, "2026-05-01 00:00"),
		Hosts:    hosts,
	}
}

func with(q Query, change func(*Query)) Query {
	change(&q)
	return q
}

func busy(h Host, ivs ...Interval) Host {
	h.Busy = ivs
	return h
}

func rules(h Host, change func(*Rules)) Host {
	change(&h.Rules)
	return h
}

// iv is an interval of Berlin wall times "2006-01-02 15:04".
func iv(from, to string) Interval { return Interval{at(berlin, from), at(berlin, to)} }

type computeCase struct {
	q    Query
	want []string // slot starts as "2006-01-02 15:04" in Berlin
	ids  []string // when set, each slot's HostIDs joined with ","
}

func runCompute(t *testing.T, tests map[string]computeCase) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := Compute(tc.q)
			equalStrings(t, "starts", starts(got, berlin), tc.want)
			for _, s := range got {
				if s.End.Sub(s.Start) != tc.q.Duration {
					t.Fatalf("slot %v–%v is not %v long", s.Start, s.End, tc.q.Duration)
				}
				if s.Start.Location() != time.UTC {
					t.Fatalf("slot start %v is not in UTC", s.Start)
				}
			}
			if tc.ids != nil {
				ids := make([]string, len(got))
				for i, s := range got {
					ids[i] = strings.Join(s.HostIDs, ",")
				}
				equalStrings(t, "host IDs", ids, tc.ids)
			}
		})
	}
}

func TestComputeWeeklyAndStep(t *testing.T) {
	runCompute(t, map[string]computeCase{
		"weekday rule gives back-to-back slots from 09:00 to 16:30": {
			q:    monday(host("a", nineToFive)),
			want: onDate(mon, clock("09:00", "16:30", 30)),
		},
		"day without a rule gives nothing": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.From, q.To = at(berlin, "2026-06-06 00:00"), at(berlin, "2026-06-08 00:00")
			}),
			want: nil,
		},
		"step shorter than duration gives overlapping slots": {
			q:    with(monday(host("a", nineToFive)), func(q *Query) { q.Duration, q.Step = time.Hour, 15*time.Minute }),
			want: onDate(mon, clock("09:00", "16:00", 15)),
		},
		"step longer than duration leaves gaps": {
			q:    with(monday(host("a", nineToFive)), func(q *Query) { q.Step = 45 * time.Minute }),
			want: onDate(mon, clock("09:00", "16:30", 45)),
		},
		"slot never runs past the end of a span": {
			q:    with(monday(host("a", weekdays(span("09:00", "10:10")))), func(q *Query) { q.Step = 15 * time.Minute }),
			want: onDate(mon, clock("09:00", "09:30", 15)),
		},
		"lunch break restarts the grid at the afternoon span": {
			q:    monday(host("a", weekdays(span("09:00", "12:00"), span("12:45", "17:00")))),
			want: onDate(mon, join(clock("09:00", "11:30", 30), clock("12:45", "16:15", 30))),
		},
		"touching spans merge so a slot may cross the seam": {
			q: with(monday(host("a", weekdays(span("10:00", "11:00"), span("09:00", "10:00")))), func(q *Query) {
				q.Duration, q.Step = time.Hour, 45*time.Minute
			}),
			want: onDate(mon, []string{"09:00", "09:45"}),
		},
		"span to 24:00 runs into a span from 00:00 the next day": {
			q: with(monday(host("a", weekdays(span("22:00", "24:00"), span("00:00", "02:00")))), func(q *Query) {
				q.Duration, q.Step = time.Hour, time.Hour
				q.From, q.To = at(berlin, mon+" 12:00"), at(berlin, "2026-06-02 12:00")
			}),
			want: []string{mon + " 22:00", mon + " 23:00", "2026-06-02 00:00", "2026-06-02 01:00"},
		},
		"spans outside a day or backwards are ignored": {
			q:    monday(host("a", weekdays(span("17:00", "09:00"), Span{-60, 30}, Span{1400, 1500}, span("10:00", "11:00")))),
			want: onDate(mon, []string{"10:00", "10:30"}),
		},
		"nil location means UTC": {
			q: monday(rules(host("a", nineToFive), func(r *Rules) { r.Location = nil })),
			// 09:00 UTC is 11:00 in Berlin in June.
			want: onDate(mon, clock("11:00", "18:30", 30)),
		},
	})
}

func TestComputeBusyAndBuffers(t *testing.T) {
	runCompute(t, map[string]computeCase{
		"booking removes the slots it overlaps and leaves the grid alone": {
			q: with(monday(busy(host("a", nineToFive), iv(mon+" 10:00", mon+" 10:20"))), func(q *Query) {
				q.Step = 15 * time.Minute
			}),
			want: onDate(mon, join(clock("09:00", "09:30", 15), clock("10:30", "16:30", 15))),
		},
		"buffers keep slots clear on both sides of a booking": {
			q: with(monday(busy(host("a", nineToFive), iv(mon+" 10:00", mon+" 10:30"))), func(q *Query) {
				q.Step = 15 * time.Minute
				q.BufferBefore, q.BufferAfter = 10*time.Minute, 5*time.Minute
			}),
			// 09:30 would end at 10:00 and need 10:05 free; 10:30 would need
			// 10:20 free. 09:00's buffer before lies outside availability,
			// which is allowed.
			want: onDate(mon, join(clock("09:00", "09:15", 15), clock("10:45", "16:30", 15))),
		},
		"slot may touch a buffered booking exactly": {
			q: with(monday(busy(host("a", nineToFive), iv(mon+" 10:00", mon+" 10:30"))), func(q *Query) {
				q.Step = 5 * time.Minute
				q.BufferBefore, q.BufferAfter = 10*time.Minute, 5*time.Minute
			}),
			want: onDate(mon, join(clock("09:00", "09:25", 5), clock("10:40", "16:30", 5))),
		},
		"negative buffers count as zero": {
			q: with(monday(busy(host("a", nineToFive), iv(mon+" 10:00", mon+" 10:30"))), func(q *Query) {
				q.BufferBefore, q.BufferAfter = -time.Hour, -time.Hour
			}),
			want: onDate(mon, join(clock("09:00", "09:30", 30), clock("10:30", "16:30", 30))),
		},
		"overlapping unsorted bookings block their union": {
			q: monday(busy(host("a", nineToFive),
				iv(mon+" 10:30", mon+" 12:00"),
				iv(mon+" 10:45", mon+" 10:50"),
				iv(mon+" 10:00", mon+" 11:00"),
				iv(mon+" 14:00", mon+" 14:00"), // empty: blocks nothing
				iv(mon+" 16:00", mon+" 15:00"), // backwards: blocks nothing
			)),
			want: onDate(mon, join(clock("09:00", "09:30", 30), clock("12:00", "16:30", 30))),
		},
		"booking of another day changes nothing": {
			q:    monday(busy(host("a", nineToFive), iv("2026-06-02 09:00", "2026-06-02 17:00"))),
			want: onDate(mon, clock("09:00", "16:30", 30)),
		},
	})
}

func TestComputeNoticeHorizonWindow(t *testing.T) {
	runCompute(t, map[string]computeCase{
		"minimum notice cuts the grid without shifting it": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.Step = 15 * time.Minute
				q.Now, q.MinNotice = at(berlin, mon+" 10:07"), time.Hour
			}),
			want: onDate(mon, clock("11:15", "16:30", 15)),
		},
		"start exactly at now plus notice is offered": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.Now, q.MinNotice = at(berlin, mon+" 08:00"), 3*time.Hour
			}),
			want: onDate(mon, clock("11:00", "16:30", 30)),
		},
		"horizon keeps starts up to and including now plus horizon": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.Now, q.Horizon = at(berlin, mon+" 08:00"), 3*time.Hour
			}),
			want: onDate(mon, clock("09:00", "11:00", 30)),
		},
		"horizon before the first slot gives nothing": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.Now, q.Horizon = at(berlin, mon+" 06:00"), time.Hour
			}),
			want: nil,
		},
		"window start inside a span keeps the span's grid": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.From, q.To = at(berlin, mon+" 10:10"), at(berlin, mon+" 12:00")
			}),
			want: onDate(mon, []string{"10:30", "11:00", "11:30"}),
		},
		"slot that would end after the window is dropped": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				q.From, q.To = at(berlin, mon+" 10:10"), at(berlin, mon+" 11:50")
			}),
			want: onDate(mon, []string{"10:30", "11:00"}),
		},
		"availability that began before the window keeps its grid": {
			q: with(monday(host("a", [7][]Span{time.Monday: {span("22:00", "24:00")}, time.Tuesday: {span("00:00", "06:00")}})),
				func(q *Query) {
					q.Duration = 50 * time.Minute
					q.From, q.To = at(berlin, "2026-06-02 00:00"), at(berlin, "2026-06-02 12:00")
				}),
			// The night shift began at 22:00 on Monday: 22:00 + 3×50 min.
			want: onDate("2026-06-02", []string{"00:30", "01:20", "02:10", "03:00", "03:50", "04:40"}),
		},
		"open exception that began before the window keeps its grid": {
			q: with(monday(rules(host("a", nineToFive), func(r *Rules) {
				r.Open = []Interval{iv("2026-06-06 08:00", "2026-06-07 02:00")}
			})), func(q *Query) {
				q.Duration = 50 * time.Minute
				q.From, q.To = at(berlin, "2026-06-07 00:00"), at(berlin, "2026-06-08 00:00")
			}),
			// Saturday 08:00 + 20×50 min.
			want: onDate("2026-06-07", []string{"00:40"}),
		},
		"round-the-clock rule aligns to local midnight of the first day": {
			q: with(monday(host("a", everyDay(span("00:00", "24:00")))), func(q *Query) {
				q.Duration = 50 * time.Minute
				q.From, q.To = at(berlin, mon+" 10:10"), at(berlin, mon+" 12:30")
			}),
			want: onDate(mon, []string{"10:50", "11:40"}),
		},
		"window given in another zone finds the host's day": {
			q: with(monday(host("a", nineToFive)), func(q *Query) {
				// Midnight in New York is 06:00 in Berlin.
				q.From, q.To = at(newYork, mon+" 00:00"), at(newYork, "2026-06-02 00:00")
			}),
			want: onDate(mon, clock("09:00", "16:30", 30)),
		},
	})
}

func TestComputeExceptions(t *testing.T) {
	sat := "2026-06-06"
	weekend := func(q *Query) { q.From, q.To = at(berlin, sat+" 00:00"), at(berlin, "2026-06-08 00:00") }
	runCompute(t, map[string]computeCase{
		"open exception adds a saturday": {
			q: with(monday(rules(host("a", nineToFive), func(r *Rules) {
				r.Open = []Interval{iv(sat+" 10:00", sat+" 12:00")}
			})), weekend),
			want: onDate(sat, clock("10:00", "11:30", 30)),
		},
		"open exception extends a weekday span and joins its grid": {
			q: with(monday(rules(host("a", nineToFive), func(r *Rules) {
				r.Open = []Interval{iv(mon+" 17:00", mon+" 18:10")}
			})), func(q *Query) { q.Duration, q.Step = time.Hour, 45*time.Minute }),
			want: onDate(mon, clock("09:00", "17:00", 45)),
		},
		"all-day block empties a weekday": {
			q: with(monday(rules(host("a", nineToFive), func(r *Rules) {
				r.Block = []Interval{iv(mon+" 00:00", "2026-06-02 00:00")}
			})), func(q *Query) { q.To = at(berlin, "2026-06-03 00:00"); q.Duration = time.Hour }),
			want: onDate("2026-06-02", clock("09:00", "16:00", 60)),
		},
		"block across days cuts both ends and restarts the grid": {
			q: with(monday(rules(host("a", nineToFive), func(r *Rules) {
				r.Block = []Interval{
					iv("2026-06-03 11:00", "2026-06-03 12:10"), // unsorted, inside the next one
					iv(mon+" 12:00", "2026-06-03 12:10"),
				}
			})), func(q *Query) { q.To = at(berlin, "2026-06-05 00:00"); q.Duration = time.Hour }),
			want: join(
				onDate(mon, clock("09:00", "11:00", 60)),
				onDate("2026-06-03", clock("12:10", "15:10", 60)),
				onDate("2026-06-04", clock("09:00", "16:00", 60)),
			),
		},
		"block beats an open exception": {
			q: with(monday(rules(host("a", nineToFive), func(r *Rules) {
				r.Open = []Interval{iv(sat+" 10:00", sat+" 12:00")}
				r.Block = []Interval{iv(sat+" 00:00", "2026-06-07 00:00")}
			})), weekend),
			want: nil,
		},
		"exceptions-only availability offers just the exceptions": {
			q: with(monday(host("a", [7][]Span{})), func(q *Query) {
				q.Hosts[0].Rules.Open = []Interval{iv(mon+" 14:00", mon+" 15:00"), iv(mon+" 09:00", mon+" 09:30")}
			}),
			want: onDate(mon, []string{"09:00", "14:00", "14:30"}),
		},
	})
}

func TestComputeHosts(t *testing.T) {
	morning := host("a", weekdays(span("09:00", "12:00")))
	midday := host("b", weekdays(span("11:00", "14:00")))
	hourly := func(q *Query) { q.Duration, q.Step = time.Hour, time.Hour }
	everyone := func(q *Query) { q.Method = Everyone }
	runCompute(t, map[string]computeCase{
		"anyone lists every free host per start in query order": {
			q:    with(monday(midday, morning), hourly),
			want: onDate(mon, clock("09:00", "13:00", 60)),
			ids:  []string{"a", "a", "b,a", "b", "b"},
		},
		"anyone drops a busy host but keeps the start for the free one": {
			q:    with(monday(morning, busy(midday, iv(mon+" 11:00", mon+" 11:30"))), hourly),
			want: onDate(mon, clock("09:00", "13:00", 60)),
			ids:  []string{"a", "a", "a", "b", "b"},
		},
		"anyone interleaves hosts on different grids": {
			q:    monday(host("a", weekdays(span("09:00", "10:00"))), host("b", weekdays(span("09:15", "10:15")))),
			want: onDate(mon, []string{"09:00", "09:15", "09:30", "09:45"}),
			ids:  []string{"a", "b", "a", "b"},
		},
		"everyone offers only the overlap of availability": {
			q:    with(monday(morning, midday), func(q *Query) { everyone(q); q.Step = 15 * time.Minute }),
			want: onDate(mon, clock("11:00", "11:30", 15)),
			ids:  []string{"a,b", "a,b", "a,b"},
		},
		"everyone intersects hosts in different zones": {
			q: with(monday(host("a", nineToFive), busy(rules(host("b", nineToFive), func(r *Rules) { r.Location = newYork }),
				iv(mon+" 15:30", mon+" 16:00"))), everyone),
			// 09:00–17:00 in New York is 15:00–23:00 in Berlin.
			want: onDate(mon, []string{"15:00", "16:00", "16:30"}),
			ids:  []string{"a,b", "a,b", "a,b"},
		},
		"everyone needs every host free of bookings and buffers": {
			q: with(monday(busy(host("a", nineToFive), iv(mon+" 09:00", mon+" 10:00")), busy(host("b", nineToFive), iv(mon+" 16:00", mon+" 17:00"))),
				func(q *Query) { everyone(q); q.BufferAfter = 5 * time.Minute }),
			want: onDate(mon, clock("10:00", "15:00", 30)),
		},
		"everyone with one host without time gives nothing": {
			q:    with(monday(host("a", nineToFive), host("b", [7][]Span{})), everyone),
			want: nil,
		},
	})
}

func TestComputeEmptyAndInvalid(t *testing.T) {
	ok := monday(host("a", nineToFive))
	runCompute(t, map[string]computeCase{
		"no hosts gives nothing":               {q: with(ok, func(q *Query) { q.Hosts = nil })},
		"no hosts with everyone gives nothing": {q: with(ok, func(q *Query) { q.Hosts = nil; q.Method = Everyone })},
		"zero duration gives nothing":          {q: with(ok, func(q *Query) { q.Duration = 0 })},
		"negative duration gives nothing":      {q: with(ok, func(q *Query) { q.Duration = -time.Hour })},
		"empty window gives nothing":           {q: with(ok, func(q *Query) { q.To = q.From })},
		"backwards window gives nothing":       {q: with(ok, func(q *Query) { q.From, q.To = q.To, q.From })},
		"duration longer than the window gives nothing": {
			q: with(ok, func(q *Query) { q.Duration = 25 * time.Hour }),
		},
		"host without rules gives nothing": {q: with(ok, func(q *Query) { q.Hosts = []Host{{ID: "a"}} })},
		"zero query gives nothing":         {q: Query{}},
		"negative step means duration": {
			q:    with(ok, func(q *Query) { q.Step = -time.Minute }),
			want: onDate(mon, clock("09:00", "16:30", 30)),
		},
		"unknown method means anyone": {
			q:    with(ok, func(q *Query) { q.Method = Method(7) }),
			want: onDate(mon, clock("09:00", "16:30", 30)),
		},
	})
}

func TestComputeLeavesInputsAlone(t *testing.T) {
	b := []Interval{iv(mon+" 15:00", mon+" 16:00"), iv(mon+" 10:00", mon+" 11:00")}
	blocks := []Interval{iv(mon+" 14:00", mon+" 14:30"), iv(mon+" 12:00", mon+" 12:30")}
	h := busy(rules(host("a", nineToFive), func(r *Rules) { r.Block = blocks }), b...)
	keep, keepBlocks := slices.Clone(b), slices.Clone(blocks)
	Compute(with(monday(h), func(q *Query) { q.Method = Everyone }))
	Compute(monday(h))
	if !slices.Equal(b, keep) || !slices.Equal(blocks, keepBlocks) {
		t.Fatalf("Compute reordered the caller's intervals: busy %v, blocks %v", b, blocks)
	}
}

func TestComputeHostIDsAreNotShared(t *testing.T) {
	for _, m := range []Method{Anyone, Everyone} {
		got := Compute(with(monday(host("a", nineToFive), host("b", nineToFive)), func(q *Query) { q.Method = m }))
		if len(got) < 2 {
			t.Fatalf("method %d: %d slots", m, len(got))
		}
		got[0].HostIDs = append(got[0].HostIDs, "x")
		got[0].HostIDs[0] = "y"
		if strings.Join(got[1].HostIDs, ",") != "a,b" {
			t.Fatalf("method %d: changing one slot's HostIDs changed the next to %v", m, got[1].HostIDs)
		}
	}
}
