package icalbusy_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/icalbusy"
	"pgregory.net/rapid"
)

var zones = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"}

// TestBusyStaysInItsWindow: whatever the events, the intervals are
// sorted, disjoint, non-empty, in UTC and inside the window.
func TestBusyStaysInItsWindow(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var events []string
		for range rapid.IntRange(1, 6).Draw(t, "events") {
			start := base.Add(time.Duration(rapid.IntRange(-2000, 4000).Draw(t, "start")) * time.Hour)
			length := time.Duration(rapid.IntRange(0, 72*60).Draw(t, "minutes")) * time.Minute
			ev := fmt.Sprintf("DTSTART:%s\nDTEND:%s", start.Format("20060102T150405Z"), start.Add(length).Format("20060102T150405Z"))
			switch rapid.IntRange(0, 3).Draw(t, "rule") {
			case 1:
				ev += "\nRRULE:FREQ=DAILY;INTERVAL=" + fmt.Sprint(rapid.IntRange(1, 5).Draw(t, "interval"))
			case 2:
				ev += "\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=" + fmt.Sprint(rapid.IntRange(1, 30).Draw(t, "count"))
			case 3:
				ev += "\nRRULE:FREQ=MONTHLY;BYMONTHDAY=" + fmt.Sprint(rapid.IntRange(-31, 31).Filter(func(n int) bool { return n != 0 }).Draw(t, "day"))
			}
			events = append(events, ev)
		}
		from := base.Add(time.Duration(rapid.IntRange(0, 2000).Draw(t, "from")) * time.Hour)
		to := from.Add(time.Duration(rapid.IntRange(1, 2000).Draw(t, "window")) * time.Hour)
		cal, err := icalbusy.Parse(strings.NewReader(cal(events...)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		got, err := icalbusy.Busy(cal, from, to, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range got {
			if !g.Start.Before(g.End) || g.Start.Before(from) || g.End.After(to) || g.Start.Location() != time.UTC {
				t.Fatalf("interval %v outside [%v, %v) or empty or not UTC", g, from, to)
			}
			if i > 0 && !got[i-1].End.Before(g.Start) {
				t.Fatalf("intervals %v and %v overlap or touch", got[i-1], g)
			}
		}
	})
}

// TestWeeklyRuleKeepsCountAndWallClock: a weekly series with COUNT inside
// the window gives exactly COUNT intervals, each at DTSTART's local time
// and weekday, across DST changes, for any zone.
func TestWeeklyRuleKeepsCountAndWallClock(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.SampledFrom(zones).Draw(t, "zone")
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).AddDate(0, 0, rapid.IntRange(0, 360).Draw(t, "day"))
		hour, minute := rapid.IntRange(8, 18).Draw(t, "hour"), rapid.SampledFrom([]int{0, 15, 30, 45}).Draw(t, "minute")
		length := rapid.IntRange(15, 180).Draw(t, "length")
		count := rapid.IntRange(1, 60).Draw(t, "count")
		local := fmt.Sprintf("%sT%02d%02d00", day.Format("20060102"), hour, minute)
		ev := fmt.Sprintf("DTSTART;TZID=%s:%s\nDURATION:PT%dM\nRRULE:FREQ=WEEKLY;COUNT=%d", name, local, length, count)
		c, err := icalbusy.Parse(strings.NewReader(cal(ev)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		got, err := icalbusy.Busy(c, day.AddDate(0, 0, -1), day.AddDate(0, 0, 7*count+1), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != count {
			t.Fatalf("%d intervals, want %d", len(got), count)
		}
		for _, g := range got {
			l := g.Start.In(loc)
			if l.Hour() != hour || l.Minute() != minute || l.Weekday() != day.Weekday() || g.End.Sub(g.Start) != time.Duration(length)*time.Minute {
				t.Fatalf("instance %v (%v local), want %s %02d:%02d for %d minutes", g, l, day.Weekday(), hour, minute, length)
			}
		}
	})
}

// TestJumpingAheadChangesNothing: a daily or weekly series without COUNT
// gives the same intervals in a window whether it started last month or
// decades ago on the same phase.
func TestJumpingAheadChangesNothing(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		freq := rapid.SampledFrom([]string{"DAILY", "WEEKLY"}).Draw(t, "freq")
		interval := rapid.IntRange(1, 9).Draw(t, "interval")
		period := interval
		if freq == "WEEKLY" {
			period *= 7
		}
		recent := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
		old := recent.AddDate(0, 0, -period*rapid.IntRange(1, 4000).Draw(t, "periods back"))
		from := recent.Add(time.Duration(rapid.IntRange(0, 1000).Draw(t, "from")) * time.Hour)
		to := from.Add(time.Duration(rapid.IntRange(1, 2000).Draw(t, "window")) * time.Hour)
		hours := rapid.IntRange(1, 100).Draw(t, "hours")
		run := func(start time.Time) []icalbusy.Interval {
			ev := fmt.Sprintf("DTSTART;TZID=Europe/Berlin:%s\nDURATION:PT%dH\nRRULE:FREQ=%s;INTERVAL=%d;BYDAY=MO,TU,WE,TH,FR,SA,SU",
				start.Format("20060102T150405"), hours, freq, interval)
			if freq == "DAILY" {
				ev = strings.Replace(ev, ";BYDAY=MO,TU,WE,TH,FR,SA,SU", "", 1)
			}
			c, err := icalbusy.Parse(strings.NewReader(cal(ev)), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			got, err := icalbusy.Busy(c, from, to, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		a, b := run(recent), run(old)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("series from %v: %v\nseries from %v: %v", recent, a, old, b)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"google.ics", "outlook.ics", "icloud.ics"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(cal("DTSTART:20260302T090000Z\nRRULE:FREQ=DAILY;BYSETPOS=-1")))
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := icalbusy.Parse(strings.NewReader(string(data)), 64<<10)
		if err != nil {
			return
		}
		got, _ := icalbusy.Busy(c, from, to, nil)
		for _, g := range got {
			if !g.Start.Before(g.End) || g.Start.Before(from) || g.End.After(to) {
				t.Fatalf("interval %v outside the window", g)
			}
		}
	})
}
