package slots

import (
	"slices"
	"time"
)

// Interval is the half-open time range [Start, End). An interval whose End is
// not after its Start contains no instant; wherever this package accepts
// intervals it ignores such empty ones.
type Interval struct{ Start, End time.Time }

// overlaps reports whether iv and o share an instant. Empty intervals share
// none, which is what half-open ranges imply.
func (iv Interval) overlaps(o Interval) bool {
	return iv.Start.Before(o.End) && o.Start.Before(iv.End) &&
		iv.Start.Before(iv.End) && o.Start.Before(o.End)
}

// normalize returns the non-empty intervals of ivs, sorted by Start, with
// overlapping and touching ones merged. It writes to a new slice: ivs usually
// belongs to the caller (a host's Busy list) and must not be reordered.
func normalize(ivs []Interval) []Interval {
	out := make([]Interval, 0, len(ivs))
	for _, iv := range ivs {
		if iv.Start.Before(iv.End) {
			out = append(out, iv)
		}
	}
	return sortMerge(out)
}

// sortMerge sorts non-empty intervals by Start and merges overlapping and
// touching ones in place. Touching intervals merge so that a slot may run
// across the seam of two adjacent spans and so that starts align to the
// beginning of the whole window.
func sortMerge(ivs []Interval) []Interval {
	sortByStart(ivs)
	w := 0
	for _, iv := range ivs {
		if w > 0 && !iv.Start.After(ivs[w-1].End) {
			if iv.End.After(ivs[w-1].End) {
				ivs[w-1].End = iv.End
			}
			continue
		}
		ivs[w] = iv
		w++
	}
	return ivs[:w]
}

// maxRuns is how many sorted runs sortByStart merges rather than sorts.
const maxRuns = 8

// sortByStart sorts ivs by Start. A host's busy times arrive as a few
// sorted runs (its appointments, then each connected calendar's), which
// a general sort handles as if they were in any order, at several times
// the cost of the rest of a slot request; so a few runs are merged in
// linear time and only anything else is sorted.
func sortByStart(ivs []Interval) {
	var bounds [maxRuns + 1]int
	n := 1
	for i := 1; i < len(ivs); i++ {
		if ivs[i].Start.Before(ivs[i-1].Start) {
			if n == maxRuns {
				slices.SortFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
				return
			}
			bounds[n] = i
			n++
		}
	}
	if n == 1 {
		return
	}
	bounds[n] = len(ivs)
	runs := bounds[:n+1]
	buf := make([]Interval, len(ivs))
	src, dst := ivs, buf
	for len(runs) > 2 {
		next := make([]int, 1, len(runs))
		for r := 0; r+1 < len(runs); r += 2 {
			lo, end := runs[r], runs[len(runs)-1]
			if r+2 < len(runs) {
				end = runs[r+2]
				mergeRuns(dst[lo:end], src[lo:runs[r+1]], src[runs[r+1]:end])
			} else {
				copy(dst[lo:end], src[lo:end])
			}
			next = append(next, end)
		}
		runs = next
		src, dst = dst, src
	}
	if &src[0] != &ivs[0] {
		copy(ivs, src)
	}
}

// mergeRuns merges the sorted runs a and b into dst, which holds both.
func mergeRuns(dst, a, b []Interval) {
	i, j := 0, 0
	for k := range dst {
		if j == len(b) || i < len(a) && !b[j].Start.Before(a[i].Start) {
			dst[k] = a[i]
			i++
		} else {
			dst[k] = b[j]
			j++
		}
	}
}

// subtract returns a minus b. Both must be normalized; so is the result.
func subtract(a, b []Interval) []Interval {
	var out []Interval
	j := 0
	for _, iv := range a {
		for j < len(b) && !b[j].End.After(iv.Start) {
			j++
		}
		cur := iv.Start
		// k, not j, walks on: a b interval that runs past iv.End may still
		// cut the next interval of a.
		for k := j; k < len(b) && b[k].Start.Before(iv.End); k++ {
			if b[k].Start.After(cur) {
				out = append(out, Interval{cur, b[k].Start})
			}
			if b[k].End.After(cur) {
				cur = b[k].End
			}
		}
		if cur.Before(iv.End) {
			out = append(out, Interval{cur, iv.End})
		}
	}
	return out
}

// intersect returns the instants in both a and b. Both must be normalized; so
// is the result, because gaps between merged intervals stay gaps.
func intersect(a, b []Interval) []Interval {
	var out []Interval
	for i, j := 0, 0; i < len(a) && j < len(b); {
		s, e := later(a[i].Start, b[j].Start), earlier(a[i].End, b[j].End)
		if s.Before(e) {
			out = append(out, Interval{s, e})
		}
		if a[i].End.Before(b[j].End) {
			i++
		} else {
			j++
		}
	}
	return out
}

// clip cuts normalized intervals to [from, to) in place.
func clip(ivs []Interval, from, to time.Time) []Interval {
	w := 0
	for _, iv := range ivs {
		iv.Start, iv.End = later(iv.Start, from), earlier(iv.End, to)
		if iv.Start.Before(iv.End) {
			ivs[w] = iv
			w++
		}
	}
	return ivs[:w]
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
