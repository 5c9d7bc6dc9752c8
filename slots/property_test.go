package slots

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var propZones = []*time.Location{
	berlin, newYork, time.UTC, mustZone("Asia/Kolkata"), mustZone("Australia/Lord_Howe"),
}

// DST changes of 2026 in the zones above, as UTC midnights of those dates.
// Lord Howe moves by half an hour at 02:00 local.
var propDates = []time.Time{
	date(2026, 3, 29), date(2026, 10, 25), // Europe/Berlin
	date(2026, 3, 8), date(2026, 11, 1), // America/New_York
	date(2026, 4, 5), date(2026, 10, 4), // Australia/Lord_Howe
}

func abs(n int) int { return max(n, -n) }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// scenario is a random query plus what its rules promise about wall times.
type scenario struct {
	q Query
	// wallSafe means no span starts or ends between 01:00 and 03:00 local,
	// where this year's DST changes in propZones happen. Only then does a
	// span cover exactly the instants whose local wall time lies inside it;
	// an end inside a gap or a repeated hour resolves as time.Date does
	// (see Available), which the wall-clock check cannot know.
	wallSafe bool
}

func drawScenario(t *rapid.T) scenario {
	center := rapid.SampledFrom(propDates).Draw(t, "date")
	from := center.Add(minutes(rapid.IntRange(-2*1440, 1440).Draw(t, "from")))
	// rapid favours small numbers, so ranges start where slots are likely:
	// a window of days rather than hours, Now just before it, a short
	// notice.
	length := 4*1440 - rapid.IntRange(0, 4*1440-360).Draw(t, "window short of four days")
	to := from.Add(minutes(length))
	wallSafe := rapid.Bool().Draw(t, "wallSafe")
	var ends []int
	for m := 0; m <= 1440; m += 15 {
		if !wallSafe || m <= 60 || m >= 180 {
			ends = append(ends, m)
		}
	}
	// Span ends are drawn by their distance from 09:00 and from 17:00, so
	// rapid's bias towards early elements gives office hours, not slivers
	// at midnight.
	byDistance := func(to int) *rapid.Generator[int] {
		l := slices.Clone(ends)
		slices.SortStableFunc(l, func(a, b int) int { return abs(a-to) - abs(b-to) })
		return rapid.SampledFrom(l)
	}
	starts, stops := byDistance(9*60), byDistance(17*60)
	// interval draws an absolute interval near the window, on whole minutes;
	// negative lengths give backwards intervals, which must be ignored.
	interval := func(label string, minLen, maxLen int) Interval {
		s := from.Add(minutes(rapid.IntRange(-1440, length+1440).Draw(t, label+" start")))
		return Interval{s, s.Add(minutes(rapid.IntRange(minLen, maxLen).Draw(t, label+" length")))}
	}
	intervals := func(label string, maxN, minLen, maxLen int) []Interval {
		out := make([]Interval, rapid.IntRange(0, maxN).Draw(t, label+"s"))
		for i := range out {
			out[i] = interval(label, minLen, maxLen)
		}
		return out
	}

	hosts := make([]Host, rapid.IntRange(1, 3).Draw(t, "hosts"))
	for i := range hosts {
		var w [7][]Span
		for d := range w {
			for range 2 - rapid.IntRange(0, 2).Draw(t, "spans short of two") {
				// Equal ends give an empty span, which must be ignored.
				a, b := starts.Draw(t, "span from"), stops.Draw(t, "span to")
				w[d] = append(w[d], Span{min(a, b), max(a, b)})
			}
		}
		hosts[i] = Host{
			ID: string(rune('a' + i)),
			Rules: Rules{
				Location: rapid.SampledFrom(propZones).Draw(t, "zone"),
				Weekly:   w,
				Open:     intervals("open", 3, 0, 2*1440),
				Block:    intervals("block", 3, 0, 2*1440),
			},
			Busy: intervals("busy", 15, -30, 240),
		}
		// Half the time the bookings come as the store's cache answers
		// them: non-empty and sorted by start, overlapping or touching
		// unmerged (padded then uses them without a copy when there are
		// no buffers).
		if rapid.Bool().Draw(t, "busy sorted") {
			busy := slices.DeleteFunc(hosts[i].Busy, func(iv Interval) bool { return !iv.Start.Before(iv.End) })
			slices.SortStableFunc(busy, func(a, b Interval) int { return a.Start.Compare(b.Start) })
			hosts[i].Busy = busy
		}
	}
	step := 0
	if rapid.Bool().Draw(t, "has step") {
		step = 5 * rapid.IntRange(1, 12).Draw(t, "step")
	}
	horizon := 0
	if rapid.Bool().Draw(t, "has horizon") {
		horizon = 4*1440 - rapid.IntRange(0, 4*1440+60).Draw(t, "horizon short of four days")
	}
	return scenario{
		q: Query{
			From:         from,
			To:           to,
			Duration:     minutes(5 * rapid.IntRange(1, 24).Draw(t, "duration")),
			Step:         minutes(step),
			BufferBefore: minutes(5 * rapid.IntRange(-2, 12).Draw(t, "buffer before")),
			BufferAfter:  minutes(5 * rapid.IntRange(-2, 12).Draw(t, "buffer after")),
			Now:          from.Add(minutes(-rapid.IntRange(-length, 1440).Draw(t, "now before from"))),
			MinNotice:    minutes(rapid.IntRange(0, 1440).Draw(t, "notice")),
			Horizon:      minutes(horizon),
			Hosts:        hosts,
		},
		wallSafe: wallSafe,
	}
}

func TestComputeProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := drawScenario(t)
		q := sc.q
		q.Method = Anyone
		any := Compute(q)
		q.Method = Everyone
		every := Compute(q)
		for _, r := range []struct {
			name  string
			slots []Slot
		}{{"anyone", any}, {"everyone", every}} {
			checkSlots(t, r.name, sc, r.slots)
		}

		// (5) Everyone is a subset of Anyone and lists every host.
		anyStarts := make(map[time.Time]bool, len(any))
		for _, s := range any {
			anyStarts[s.Start] = true
		}
		var all []string
		for _, h := range q.Hosts {
			all = append(all, h.ID)
		}
		for _, s := range every {
			if !anyStarts[s.Start] {
				t.Fatalf("everyone slot %v is not an anyone slot", s.Start)
			}
			if !slices.Equal(s.HostIDs, all) {
				t.Fatalf("everyone slot %v lists %v, want %v", s.Start, s.HostIDs, all)
			}
		}
	})
}

// checkSlots asserts properties (1) to (4) of one result.
func checkSlots(t *rapid.T, method string, sc scenario, slots []Slot) {
	q := sc.q
	byID := map[string]Host{}
	for _, h := range q.Hosts {
		byID[h.ID] = h
	}
	bb, ba := max(q.BufferBefore, 0), max(q.BufferAfter, 0)
	for i, s := range slots {
		// (3) Starts strictly increase.
		if i > 0 && !slots[i-1].Start.Before(s.Start) {
			t.Fatalf("%s: start %v follows %v", method, s.Start, slots[i-1].Start)
		}
		// (4) Window, notice and horizon.
		switch {
		case s.End.Sub(s.Start) != q.Duration:
			t.Fatalf("%s: slot %v–%v is not %v long", method, s.Start, s.End, q.Duration)
		case s.Start.Before(q.From) || s.End.After(q.To):
			t.Fatalf("%s: slot %v–%v leaves the window %v–%v", method, s.Start, s.End, q.From, q.To)
		case s.Start.Before(q.Now.Add(q.MinNotice)):
			t.Fatalf("%s: slot %v starts before now %v plus notice %v", method, s.Start, q.Now, q.MinNotice)
		case q.Horizon != 0 && s.Start.After(q.Now.Add(q.Horizon)):
			t.Fatalf("%s: slot %v starts after now %v plus horizon %v", method, s.Start, q.Now, q.Horizon)
		case len(s.HostIDs) == 0:
			t.Fatalf("%s: slot %v lists no host", method, s.Start)
		case s.Start.Second() != 0 || s.Start.Nanosecond() != 0:
			t.Fatalf("%s: slot %v is off the minute grid every input is on", method, s.Start)
		}
		for _, id := range s.HostIDs {
			h := byID[id]
			// (1) The padded slot misses every booking of a listed host.
			padded := Interval{s.Start.Add(-bb), s.End.Add(ba)}
			for _, b := range h.Busy {
				if b.Start.Before(b.End) && padded.Start.Before(b.End) && b.Start.Before(padded.End) {
					t.Fatalf("%s: slot %v–%v with buffers %v/%v overlaps booking %v–%v of %s",
						method, s.Start, s.End, bb, ba, b.Start, b.End, id)
				}
			}
			// (2) Every minute of the slot is inside an Open exception or a
			// weekly span, and none is inside a Block.
			for m := s.Start; m.Before(s.End); m = m.Add(time.Minute) {
				if !inAny(h.Rules.Open, m) && !inWeekly(h.Rules, m, sc.wallSafe) {
					t.Fatalf("%s: slot %v–%v of %s: %v (%v local) is outside its weekly spans and Open exceptions",
						method, s.Start, s.End, id, m, m.In(h.Rules.location()))
				}
				if inAny(h.Rules.Block, m) {
					t.Fatalf("%s: slot %v–%v of %s overlaps a Block at %v", method, s.Start, s.End, id, m)
				}
			}
		}
	}
}

func inAny(ivs []Interval, t time.Time) bool {
	for _, iv := range ivs {
		if !t.Before(iv.Start) && t.Before(iv.End) {
			return true
		}
	}
	return false
}

// inWeekly reports whether a weekly span covers instant t. With wallSafe it
// checks t's local wall time against the spans of its local weekday, which
// is what a person reading the rules would do; otherwise it converts the
// spans of the neighbouring local dates with time.Date, the documented rule
// for wall times in a gap or a repeated hour.
func inWeekly(r Rules, t time.Time, wallSafe bool) bool {
	loc := r.location()
	lt := t.In(loc)
	if wallSafe {
		m := lt.Hour()*60 + lt.Minute()
		for _, sp := range r.Weekly[lt.Weekday()] {
			if sp.From <= m && m < sp.To {
				return true
			}
		}
		return false
	}
	y, mo, d := lt.Date()
	for dd := -1; dd <= 1; dd++ {
		for _, sp := range r.Weekly[time.Date(y, mo, d+dd, 12, 0, 0, 0, loc).Weekday()] {
			s, e := time.Date(y, mo, d+dd, 0, sp.From, 0, 0, loc), time.Date(y, mo, d+dd, 0, sp.To, 0, 0, loc)
			if !t.Before(s) && t.Before(e) {
				return true
			}
		}
	}
	return false
}

// TestComputeMatchesModel compares Compute with a brute-force model that
// marks free minutes in a bitmap instead of merging intervals, so it also
// catches slots Compute fails to offer, which the properties above cannot.
func TestComputeMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		q := drawScenario(t).q
		for _, m := range []Method{Anyone, Everyone} {
			q.Method = m
			got, want := Compute(q), model(q)
			for i := range max(len(got), len(want)) {
				if i >= len(got) || i >= len(want) || !got[i].Start.Equal(want[i].Start) ||
					!got[i].End.Equal(want[i].End) || !slices.Equal(got[i].HostIDs, want[i].HostIDs) {
					t.Fatalf("method %d: %d slots, model %d; first difference at %d:\n got %v\nwant %v",
						m, len(got), len(want), i, slotAt(got, i), slotAt(want, i))
				}
			}
		}
	})
}

func slotAt(s []Slot, i int) any {
	if i < len(s) {
		return s[i]
	}
	return "nothing"
}

// TestComputeGridIgnoresWindow checks that moving From later only drops the
// slots before it: the booking endpoint confirms a start with a window of
// its own and must find the start the slot listing showed.
func TestComputeGridIgnoresWindow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		q := drawScenario(t).q
		for _, h := range q.Hosts {
			// Round-the-clock availability aligns to local midnight of
			// From's date instead, by design.
			if a := Available(h.Rules, q.From.Add(-lookBack), q.From); len(a) == 1 && total(a) == lookBack {
				t.Skip("availability has no start within the look-back")
			}
		}
		later := q
		later.From = q.From.Add(minutes(rapid.IntRange(0, int(q.To.Sub(q.From)/time.Minute)).Draw(t, "later from")))
		for _, m := range []Method{Anyone, Everyone} {
			q.Method, later.Method = m, m
			var want []Slot
			for _, s := range Compute(q) {
				if !s.Start.Before(later.From) {
					want = append(want, s)
				}
			}
			got := Compute(later)
			for i := range max(len(got), len(want)) {
				if i >= len(got) || i >= len(want) || !got[i].Start.Equal(want[i].Start) || !slices.Equal(got[i].HostIDs, want[i].HostIDs) {
					t.Fatalf("method %d: from %v gives %d slots, from %v %d; first difference at %d:\n got %v\nwant %v",
						m, later.From, len(got), q.From, len(want), i, slotAt(got, i), slotAt(want, i))
				}
			}
		}
	})
}

// model computes Compute's result minute by minute. Every input of
// drawScenario lies on whole minutes, which is all it needs.
func model(q Query) []Slot {
	if q.Duration <= 0 || !q.From.Before(q.To) || len(q.Hosts) == 0 {
		return nil
	}
	step := q.Step
	if step <= 0 {
		step = q.Duration
	}
	// Compute looks back up to lookBack for the start of availability
	// running at From, so the bitmap reaches back that far and a day more.
	base := q.From.Add(-lookBack - 24*time.Hour)
	n := int(q.To.Sub(base) / time.Minute)
	at := func(i int) time.Time { return base.Add(minutes(i)) }
	index := func(t time.Time) int { return int(t.Sub(base) / time.Minute) }

	free := make([][]bool, len(q.Hosts))
	for h, host := range q.Hosts {
		f := make([]bool, n)
		mark := func(iv Interval, v bool) {
			for i := max(index(iv.Start), 0); i < min(index(iv.End), n); i++ {
				f[i] = v
			}
		}
		loc := host.Rules.location()
		y, m, d := base.In(loc).Date()
		for i := -1; time.Date(y, m, d+i, 0, 0, 0, 0, loc).Before(q.To); i++ {
			for _, sp := range host.Rules.Weekly[time.Date(y, m, d+i, 12, 0, 0, 0, loc).Weekday()] {
				if sp.From >= 0 && sp.To <= 1440 && sp.From < sp.To {
					mark(Interval{time.Date(y, m, d+i, 0, sp.From, 0, 0, loc), time.Date(y, m, d+i, 0, sp.To, 0, 0, loc)}, true)
				}
			}
		}
		for _, o := range host.Rules.Open {
			mark(o, true)
		}
		for _, b := range host.Rules.Block {
			mark(b, false)
		}
		// Keep only the run of free minutes through From, from its start,
		// or from local midnight if it is free for all of lookBack.
		first := index(q.From)
		if f[first] {
			limit := index(q.From.Add(-lookBack))
			for first > limit && f[first-1] {
				first--
			}
			if first == limit {
				y, m, d := q.From.In(loc).Date()
				first = index(earlier(time.Date(y, m, d, 0, 0, 0, 0, loc), q.From))
			}
		}
		clear(f[:first])
		free[h] = f
	}

	blocked := func(h int, s, e time.Time) bool {
		for _, b := range q.Hosts[h].Busy {
			if b.Start.Before(b.End) && s.Add(-max(q.BufferBefore, 0)).Before(b.End) && b.Start.Before(e.Add(max(q.BufferAfter, 0))) {
				return true
			}
		}
		return false
	}
	ok := func(s time.Time) bool {
		return !s.Before(q.From) && !s.Add(q.Duration).After(q.To) && !s.Before(q.Now.Add(q.MinNotice)) &&
			(q.Horizon == 0 || !s.After(q.Now.Add(q.Horizon)))
	}
	// candidates calls yield for each grid start that fits inside a run of
	// free minutes.
	candidates := func(f []bool, yield func(time.Time)) {
		for i := 0; i < n; {
			if !f[i] {
				i++
				continue
			}
			j := i
			for j < n && f[j] {
				j++
			}
			for s := at(i); !s.Add(q.Duration).After(at(j)); s = s.Add(step) {
				if ok(s) {
					yield(s)
				}
			}
			i = j
		}
	}

	var out []Slot
	if q.Method == Everyone {
		all := make([]bool, n)
		for i := range all {
			all[i] = true
			for h := range free {
				all[i] = all[i] && free[h][i]
			}
		}
		var ids []string
		for _, h := range q.Hosts {
			ids = append(ids, h.ID)
		}
		candidates(all, func(s time.Time) {
			for h := range q.Hosts {
				if blocked(h, s, s.Add(q.Duration)) {
					return
				}
			}
			out = append(out, Slot{s, s.Add(q.Duration), ids})
		})
		return out
	}
	byStart := map[time.Time][]string{}
	for h := range q.Hosts {
		candidates(free[h], func(s time.Time) {
			if !blocked(h, s, s.Add(q.Duration)) {
				byStart[s.UTC()] = append(byStart[s.UTC()], q.Hosts[h].ID)
			}
		})
	}
	for s, ids := range byStart {
		out = append(out, Slot{s, s.Add(q.Duration), ids})
	}
	slices.SortFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return out
}

// TestBusyOutsideBusyWindowChangesNothing: dropping every busy interval
// that does not overlap BusyWindow leaves Compute's answer as it was, so a
// caller may read busy times for that window alone.
func TestBusyOutsideBusyWindowChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		q := drawScenario(t).q
		start, end := BusyWindow(q.From, q.To, q.BufferBefore, q.BufferAfter)
		narrow := q
		narrow.Hosts = slices.Clone(q.Hosts)
		dropped := 0
		for i, h := range narrow.Hosts {
			var keep []Interval
			for _, b := range h.Busy {
				if b.Start.Before(end) && b.End.After(start) {
					keep = append(keep, b)
				} else {
					dropped++
				}
			}
			narrow.Hosts[i].Busy = keep
		}
		if dropped == 0 {
			t.Skip("no busy interval outside the window")
		}
		for _, m := range []Method{Anyone, Everyone} {
			q.Method, narrow.Method = m, m
			got, want := Compute(narrow), Compute(q)
			for i := range max(len(got), len(want)) {
				if i >= len(got) || i >= len(want) || !got[i].Start.Equal(want[i].Start) || !slices.Equal(got[i].HostIDs, want[i].HostIDs) {
					t.Fatalf("method %d: %d slots with busy times of the window only, %d with all; first difference at %d:\n got %v\nwant %v",
						m, len(got), len(want), i, slotAt(got, i), slotAt(want, i))
				}
			}
		}
	})
}
