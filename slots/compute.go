package slots

import "time"

// Compute returns every bookable slot, sorted by Start, each start at most
// once. A slot [s, s+Duration) is offered for a host when it lies inside one
// merged interval of the host's availability (see Available), its padded
// range [s-BufferBefore, s+Duration+BufferAfter) overlaps none of the host's
// Busy intervals, From <= s, s+Duration <= To, s >= Now+MinNotice and, when
// Horizon is set, s <= Now+Horizon.
//
// Candidate starts are the start of each merged available interval and then
// every Step after it; for Everyone the intervals are the intersection of all
// hosts' availability. An interval that began before From keeps its true
// start, so the grid is the same whatever window is asked for; only
// availability unbroken for more than eight weeks (a round-the-clock rule)
// aligns instead to local midnight of From's date, in the host's zone.
// Bookings do not move the grid; they only remove candidates from it.
//
// Zero hosts, Duration <= 0 or To <= From give nil. The cost is linear in the
// number of local days in the window (plus up to eight weeks of look-back
// when From falls inside availability) and in the number of Busy intervals
// and exceptions, with one sort of each.
func Compute(q Query) []Slot {
	if q.Duration <= 0 || !q.From.Before(q.To) || len(q.Hosts) == 0 {
		return nil
	}
	g := grid{dur: q.Duration, step: q.Step, lo: later(q.From, q.Now.Add(q.MinNotice)), hi: q.To.Add(-q.Duration)}
	if g.step <= 0 {
		g.step = q.Duration
	}
	if q.Horizon != 0 {
		g.hi = earlier(g.hi, q.Now.Add(q.Horizon))
	}
	if g.hi.Before(g.lo) {
		return nil
	}
	if q.Method == Everyone {
		return everyone(q, g)
	}
	return anyone(q, g)
}

// grid says which starts a query can accept at all.
type grid struct {
	dur, step time.Duration
	lo, hi    time.Time // earliest and latest acceptable start, both inclusive
}

func anyone(q Query, g grid) []Slot {
	starts := make([][]time.Time, len(q.Hosts))
	total := 0
	for i, h := range q.Hosts {
		starts[i] = g.starts(hostAvailable(h, q), padded(h.Busy, q), nil)
		total += len(starts[i])
	}
	if total == 0 {
		return nil
	}
	// A k-way merge of the per-host lists, which are sorted: k is small, so
	// scanning every head per output slot is cheaper than a heap. ids is
	// sized for the worst case so the HostIDs subslices never move.
	out := make([]Slot, 0, total)
	ids := make([]string, 0, total)
	next := make([]int, len(q.Hosts))
	for {
		var first time.Time
		found := false
		for i, n := range next {
			if n < len(starts[i]) && (!found || starts[i][n].Before(first)) {
				first, found = starts[i][n], true
			}
		}
		if !found {
			return out
		}
		from := len(ids)
		for i, n := range next {
			if n < len(starts[i]) && starts[i][n].Equal(first) {
				ids = append(ids, q.Hosts[i].ID)
				next[i]++
			}
		}
		out = append(out, Slot{first.UTC(), first.Add(g.dur).UTC(), ids[from:len(ids):len(ids)]})
	}
}

func everyone(q Query, g grid) []Slot {
	var avail, busy []Interval
	for i, h := range q.Hosts {
		a := hostAvailable(h, q)
		if i == 0 {
			avail = a
		} else {
			avail = intersect(avail, a)
		}
		busy = append(busy, h.Busy...)
	}
	starts := g.starts(avail, padded(busy, q), nil)
	if len(starts) == 0 {
		return nil
	}
	out := make([]Slot, len(starts))
	n := len(q.Hosts)
	ids := make([]string, len(starts)*n)
	for i, s := range starts {
		hs := ids[i*n : (i+1)*n : (i+1)*n]
		for j, h := range q.Hosts {
			hs[j] = h.ID
		}
		out[i] = Slot{s.UTC(), s.Add(g.dur).UTC(), hs}
	}
	return out
}

// hostAvailable is the host's availability within [q.From, q.To), except
// that an interval already running at From keeps its true start (see
// runStart): the grid of starts must not depend on the window, or a slot
// listed for one window would be refused when booked through another.
func hostAvailable(h Host, q Query) []Interval {
	loc := h.Rules.location()
	avail := available(h.Rules, loc, q.From, q.To)
	if len(avail) > 0 && avail[0].Start.Equal(q.From) {
		avail[0].Start = runStart(h.Rules, loc, q.From)
	}
	return avail
}

// lookBack bounds how far runStart searches for the start of availability.
const lookBack = 8 * week

const week = 7 * 24 * time.Hour

// runStart returns where the availability running at t began, searching
// back a week at a time for at most lookBack. Availability unbroken for all
// of that (a round-the-clock rule) has no start to find; it aligns to local
// midnight of t's date, which keeps one grid for every window as long as
// Step divides the day.
func runStart(r Rules, loc *time.Location, t time.Time) time.Time {
	for end := t; end.After(t.Add(-lookBack)); end = end.Add(-week) {
		prev := available(r, loc, end.Add(-week), end)
		if len(prev) == 0 || !prev[len(prev)-1].End.Equal(end) {
			return end
		}
		if s := prev[len(prev)-1].Start; s.After(end.Add(-week)) {
			return s
		}
	}
	y, m, d := t.In(loc).Date()
	// earlier guards zones whose midnight falls in a gap and resolves late.
	return earlier(time.Date(y, m, d, 0, 0, 0, 0, loc), t)
}

// pad widens a booking by the buffers the other way round: a slot's padded
// range overlaps b exactly when the slot itself overlaps pad(b), which lets
// the sweep test slots unpadded.
func pad(b Interval, q Query) Interval {
	return Interval{b.Start.Add(-max(q.BufferAfter, 0)), b.End.Add(max(q.BufferBefore, 0))}
}

// padded returns the non-empty bookings in busy padded with pad, normalized.
// Empty bookings are dropped before padding: under half-open ranges they
// overlap nothing, and buffers must not give them width.
func padded(busy []Interval, q Query) []Interval {
	// Without buffers, bookings already sorted by start and non-empty (as
	// the store's cache answers them) serve as they are: starts needs no
	// merging, and a month for ten hosts is thousands of intervals to copy.
	if q.BufferBefore <= 0 && q.BufferAfter <= 0 && sortedNonEmpty(busy) {
		return busy
	}
	out := make([]Interval, 0, len(busy))
	for _, b := range busy {
		if b.Start.Before(b.End) {
			out = append(out, pad(b, q))
		}
	}
	return sortMerge(out)
}

// sortedNonEmpty reports whether every interval of ivs is non-empty and
// none starts before the one ahead of it.
func sortedNonEmpty(ivs []Interval) bool {
	for i, iv := range ivs {
		if !iv.Start.Before(iv.End) || i > 0 && iv.Start.Before(ivs[i-1].Start) {
			return false
		}
	}
	return true
}

// starts appends to dst the acceptable starts in avail that miss busy.
// avail must be normalized; busy need only be non-empty intervals sorted by
// start (overlapping or touching ones need not be merged). One pointer
// walks busy for the whole call because candidates only move forward: an
// interval ending at or before a candidate can block no later one, and
// when the first interval still running at a candidate starts after the
// candidate's end, so do all after it.
func (g grid) starts(avail, busy []Interval, dst []time.Time) []time.Time {
	j := 0
	for _, iv := range avail {
		last := earlier(iv.End.Add(-g.dur), g.hi)
		if last.Before(iv.Start) || last.Before(g.lo) {
			continue
		}
		s := iv.Start
		if s.Before(g.lo) {
			s = s.Add(ceilSteps(g.lo.Sub(s), g.step))
		}
		for !s.After(last) {
			for j < len(busy) && !busy[j].End.After(s) {
				j++
			}
			if j < len(busy) && busy[j].Start.Before(s.Add(g.dur)) {
				// Jump to the first start on the grid at or after the
				// booking's end; busy[j].End > s, so this moves forward.
				s = s.Add(ceilSteps(busy[j].End.Sub(s), g.step))
				continue
			}
			dst = append(dst, s)
			s = s.Add(g.step)
		}
	}
	return dst
}

// ceilSteps rounds d >= 0 up to a whole number of steps.
func ceilSteps(d, step time.Duration) time.Duration {
	n := d / step
	if d%step != 0 {
		n++
	}
	return n * step
}
