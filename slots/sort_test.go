package slots

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestSortByStartSorts: whatever the number of sorted runs (merged up to
// maxRuns, sorted beyond), sortByStart orders by Start and keeps every
// interval.
func TestSortByStartSorts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var in []Interval
		for range rapid.IntRange(0, 2*maxRuns).Draw(t, "runs") {
			start := rapid.IntRange(0, 500).Draw(t, "run start")
			for range rapid.IntRange(0, 12).Draw(t, "run length") {
				start += rapid.IntRange(0, 60).Draw(t, "gap")
				in = append(in, ivs(start, start+rapid.IntRange(0, 90).Draw(t, "length"))...)
			}
		}
		got := slices.Clone(in)
		sortByStart(got)
		if !slices.IsSortedFunc(got, func(a, b Interval) int { return a.Start.Compare(b.Start) }) {
			t.Fatalf("not sorted: %s", show(got))
		}
		key := func(a, b Interval) int {
			if c := a.Start.Compare(b.Start); c != 0 {
				return c
			}
			return a.End.Compare(b.End)
		}
		want := slices.Clone(in)
		slices.SortFunc(want, key)
		slices.SortFunc(got, key)
		if !slices.EqualFunc(got, want, func(a, b Interval) bool { return a.Start.Equal(b.Start) && a.End.Equal(b.End) }) {
			t.Fatalf("intervals changed:\n got %s\nwant %s", show(got), show(want))
		}
	})
}

func TestSortByStartMergesTwoRuns(t *testing.T) {
	in := ivs(10, 20, 30, 40, 50, 60, 0, 5, 35, 36, 70, 80)
	sortByStart(in)
	if got := show(in); got != "[0,5)[10,20)[30,40)[35,36)[50,60)[70,80)" {
		t.Fatalf("got %s", got)
	}
}
