package pages

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestMonthGridHoldsEveryDayOnce: for any month in any zone, the grid
// has whole weeks, every day of the month once, in order, under its
// weekday (Monday first), and nothing else: a day the zone skipped is a gap.
func TestMonthGridHoldsEveryDayOnce(t *testing.T) {
	zones := []string{"UTC", "Europe/Berlin", "America/Santiago", "America/Sao_Paulo", "Asia/Tehran", "Pacific/Apia",
		"Australia/Lord_Howe", "America/St_Johns"}
	rapid.Check(t, func(t *rapid.T) {
		loc, err := time.LoadLocation(rapid.SampledFrom(zones).Draw(t, "zone"))
		if err != nil {
			t.Fatal(err)
		}
		y, m := rapid.IntRange(1970, 2100).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month"))
		first := monthOf(y, m, loc)
		// The days that exist in the zone, in order.
		var days []int
		for day := 1; day <= 31; day++ {
			if d := time.Date(y, m, day, 12, 0, 0, 0, loc); d.Month() == m && d.Day() == day {
				days = append(days, day)
			}
		}
		next := 0
		for wi, week := range monthGrid(first) {
			for col, d := range week {
				if d.IsZero() {
					continue
				}
				if next == len(days) || d.Day() != days[next] || d.Month() != m || d.Year() != y {
					t.Fatalf("cell %d/%d is %s, want day %v", wi, col, d, days[next:])
				}
				if (int(d.Weekday())+6)%7 != col {
					t.Fatalf("%s in column %d", d, col)
				}
				next++
			}
		}
		if next != len(days) {
			t.Fatalf("the grid holds %d days of %d", next, len(days))
		}
	})
}

// TestMonthStartIsTheFirstInstantOfTheMonth: monthStart is on the 1st, in
// the month, and no earlier instant is.
func TestMonthStartIsTheFirstInstantOfTheMonth(t *testing.T) {
	zones := []string{"UTC", "Europe/Berlin", "America/Santiago", "America/Sao_Paulo", "Asia/Tehran", "America/Havana"}
	rapid.Check(t, func(t *rapid.T) {
		loc, _ := time.LoadLocation(rapid.SampledFrom(zones).Draw(t, "zone"))
		y, m := rapid.IntRange(1970, 2100).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month"))
		s := monthStart(monthOf(y, m, loc))
		if s.Day() != 1 || s.Month() != m || s.Year() != y {
			t.Fatalf("monthStart = %s", s)
		}
		if before := s.Add(-time.Minute); before.Month() == m {
			t.Fatalf("%s is in the month too", before)
		}
	})
}
