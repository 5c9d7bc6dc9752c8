package slots

import "time"

// Span is an open window of one local day in minutes after local midnight,
// From < To <= 1440; To == 1440 means the next local midnight. A span that
// breaks these bounds (From < 0, To > 1440 or From >= To) is ignored.
type Span struct{ From, To int }

// Rules say when one host is available.
//
// The layers apply in this order: Weekly spans, then Open adds time, then
// Block removes it, so a Block beats an Open exception that overlaps it.
// Empty exceptions (End not after Start) are ignored.
type Rules struct {
	// Location is the availability's IANA zone; Weekly spans are local
	// wall-clock times in it. Nil means UTC.
	Location *time.Location
	// Weekly is indexed by time.Weekday (Sunday = 0).
	Weekly [7][]Span
	// Open lists exceptions that add available time (absolute), e.g. an
	// extra Saturday.
	Open []Interval
	// Block lists exceptions that remove time (absolute): holidays, all-day
	// or multi-day blocks.
	Block []Interval
}

func (r Rules) location() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

// Available returns one host's available time within [from, to): weekly
// spans expanded in r.Location, plus Open, minus Block, clipped to
// [from, to), merged (touching intervals become one) and sorted. The times
// are in r.Location. An empty window gives nil.
//
// Spans are expanded for every local calendar date touching [from, to), each
// end converted with time.Date in r.Location, so a span keeps its wall-clock
// times across a DST change: 09:00–17:00 is 09:00 to 17:00 local on either
// side, and on the day of the change a span that crosses it has the real
// length between its two ends (01:00–04:00 on the day Europe/Berlin springs
// forward is 2 hours, on the day it falls back 4). A wall time that does not
// exist (a spring-forward gap) or exists twice (a fall-back repeat) resolves
// as time.Date resolves it, which Go leaves unspecified and which in
// practice depends on the zone: 02:30 on 2026-03-29 in Europe/Berlin becomes
// 03:30 CEST, but 02:30 on 2026-03-08 in America/New_York becomes 01:30 EST.
func Available(r Rules, from, to time.Time) []Interval {
	loc := r.location()
	ivs := available(r, loc, from, to)
	for i := range ivs {
		ivs[i].Start, ivs[i].End = ivs[i].Start.In(loc), ivs[i].End.In(loc)
	}
	return ivs
}

// available is Available without the conversion of its results to loc.
func available(r Rules, loc *time.Location, from, to time.Time) []Interval {
	if !from.Before(to) {
		return nil
	}
	ivs := expandWeekly(&r.Weekly, loc, from, to, make([]Interval, 0, 16))
	for _, o := range r.Open {
		if o.Start.Before(to) && o.End.After(from) && o.Start.Before(o.End) {
			ivs = append(ivs, o)
		}
	}
	ivs = sortMerge(ivs)
	if len(r.Block) > 0 {
		ivs = subtract(ivs, normalize(r.Block))
	}
	return clip(ivs, from, to)
}

// expandWeekly appends to dst the weekly spans of every local date in loc
// that touches [from, to), each as absolute instants. The result is neither
// sorted nor merged.
func expandWeekly(w *[7][]Span, loc *time.Location, from, to time.Time, dst []Interval) []Interval {
	f := from.In(loc)
	y, m, d := f.Date()
	wd := int(f.Weekday())
	for i := 0; ; i++ {
		// time.Date normalises day overflow, so d+i walks across months.
		if !time.Date(y, m, d+i, 0, 0, 0, 0, loc).Before(to) {
			return dst
		}
		for _, sp := range w[(wd+i)%7] {
			if sp.From < 0 || sp.To > 1440 || sp.From >= sp.To {
				continue
			}
			// Minutes past 59 normalise too; To == 1440 lands on the next
			// local midnight.
			s := time.Date(y, m, d+i, 0, sp.From, 0, 0, loc)
			e := time.Date(y, m, d+i, 0, sp.To, 0, 0, loc)
			if s.Before(e) && s.Before(to) && e.After(from) {
				dst = append(dst, Interval{s, e})
			}
		}
	}
}
