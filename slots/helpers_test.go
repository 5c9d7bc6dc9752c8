package slots

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the zones under test must not depend on the machine
)

var (
	berlin  = mustZone("Europe/Berlin")
	newYork = mustZone("America/New_York")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at parses "2006-01-02 15:04" as a wall time in loc, resolving as time.Date
// does.
func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// hm turns "15:04" into minutes after midnight.
func hm(s string) int {
	var h, m int
	if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil {
		panic(err)
	}
	return h*60 + m
}

// span builds a Span from two "15:04" strings; "24:00" is the next midnight.
func span(from, to string) Span { return Span{hm(from), hm(to)} }

// weekdays gives Monday to Friday the same spans.
func weekdays(spans ...Span) [7][]Span {
	var w [7][]Span
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = spans
	}
	return w
}

// everyDay gives all seven days the same spans.
func everyDay(spans ...Span) [7][]Span {
	var w [7][]Span
	for d := range w {
		w[d] = spans
	}
	return w
}

// clock lists "15:04" times from first to last inclusive, every step minutes.
func clock(first, last string, step int) []string {
	var out []string
	for m := hm(first); m <= hm(last); m += step {
		out = append(out, fmt.Sprintf("%02d:%02d", m/60, m%60))
	}
	return out
}

// onDate prefixes each "15:04" with a date, giving "2006-01-02 15:04".
func onDate(date string, times []string) []string {
	out := make([]string, len(times))
	for i, t := range times {
		out[i] = date + " " + t
	}
	return out
}

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// starts renders slot starts as "2006-01-02 15:04" in loc.
func starts(slots []Slot, loc *time.Location) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Start.In(loc).Format("2006-01-02 15:04")
	}
	return out
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d\n  %v\nwant %d\n  %v", what, len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: [%d] got %s, want %s\n got %v\nwant %v", what, i, got[i], want[i], got, want)
		}
	}
}

// total sums the lengths of intervals.
func total(ivs []Interval) time.Duration {
	var d time.Duration
	for _, iv := range ivs {
		d += iv.End.Sub(iv.Start)
	}
	return d
}
