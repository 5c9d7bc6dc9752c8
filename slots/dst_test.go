package slots

import (
	"fmt"
	"testing"
	"time"
)

type dstDay struct {
	loc          *time.Location
	date         string // the day of the change
	before, next string // the days either side
	spring       bool
}

var dstDays = map[string]dstDay{
	"Berlin springs forward":   {berlin, "2026-03-29", "2026-03-28", "2026-03-30", true},
	"Berlin falls back":        {berlin, "2026-10-25", "2026-10-24", "2026-10-26", false},
	"New York springs forward": {newYork, "2026-03-08", "2026-03-07", "2026-03-09", true},
	"New York falls back":      {newYork, "2026-11-01", "2026-10-31", "2026-11-02", false},
}

// localStarts renders slot starts as "2006-01-02 15:04 MST" in loc, so the
// two passes through a repeated hour tell apart.
func localStarts(slots []Slot, loc *time.Location) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Start.In(loc).Format("2006-01-02 15:04 MST")
	}
	return out
}

func TestDSTWorkdayKeepsWallClock(t *testing.T) {
	for name, d := range dstDays {
		t.Run(name+": slots from 09:00 local on all three days", func(t *testing.T) {
			got := Compute(Query{
				From:     at(d.loc, d.before+" 00:00"),
				To:       at(d.loc, d.next+" 23:59"),
				Duration: 30 * time.Minute,
				Hosts:    []Host{{ID: "a", Rules: Rules{Location: d.loc, Weekly: everyDay(span("09:00", "17:00"))}}},
			})
			want := join(onDate(d.before, clock("09:00", "16:30", 30)), onDate(d.date, clock("09:00", "16:30", 30)),
				onDate(d.next, clock("09:00", "16:30", 30)))
			equalStrings(t, "starts", starts(got, d.loc), want)
			// Two local days apart in wall time, 47 or 49 real hours.
			real, wantReal := got[32].Start.Sub(got[0].Start), 49*time.Hour
			if d.spring {
				wantReal = 47 * time.Hour
			}
			if real != wantReal {
				t.Fatalf("09:00 to 09:00 two days later is %v, want %v", real, wantReal)
			}
		})
	}
}

func TestDSTSpanAcrossTheChange(t *testing.T) {
	want := map[string][]string{
		"Berlin springs forward":   {"01:00 CET", "03:00 CEST"},
		"Berlin falls back":        {"01:00 CEST", "02:00 CEST", "02:00 CET", "03:00 CET"},
		"New York springs forward": {"01:00 EST", "03:00 EDT"},
		"New York falls back":      {"01:00 EDT", "01:00 EST", "02:00 EST", "03:00 EST"},
	}
	for name, d := range dstDays {
		r := Rules{Location: d.loc, Weekly: everyDay(span("01:00", "04:00"))}
		from, to := at(d.loc, d.date+" 00:00"), at(d.loc, d.next+" 00:00")
		hours := 4 * time.Hour
		if d.spring {
			hours = 2 * time.Hour
		}
		t.Run(name+fmt.Sprintf(": 01:00–04:00 is %v", hours), func(t *testing.T) {
			if got := total(Available(r, from, to)); got != hours {
				t.Fatalf("available %v, want %v", got, hours)
			}
			got := Compute(Query{From: from, To: to, Duration: time.Hour, Hosts: []Host{{ID: "a", Rules: r}}})
			equalStrings(t, "hourly starts", localStarts(got, d.loc), onDate(d.date, want[name]))
		})
		day := 25 * time.Hour
		if d.spring {
			day = 23 * time.Hour
		}
		t.Run(name+fmt.Sprintf(": 00:00–24:00 is %v", day), func(t *testing.T) {
			r := Rules{Location: d.loc, Weekly: everyDay(span("00:00", "24:00"))}
			if got := total(Available(r, from, to)); got != day {
				t.Fatalf("available %v, want %v", got, day)
			}
		})
	}
}

// The package promises only "as time.Date resolves it" for wall times that
// do not exist; these cases pin what that means today so a change in Go
// shows up here rather than in bookings.
func TestDSTGapResolvesAsTimeDate(t *testing.T) {
	tests := map[string]struct {
		loc       *time.Location
		date      string
		wantStart string
		wantLen   time.Duration
	}{
		"Berlin 02:30 moves forward to 03:30 CEST": {berlin, "2026-03-29", "03:30 CEST", 90 * time.Minute},
		"New York 02:30 moves back to 01:30 EST":   {newYork, "2026-03-08", "01:30 EST", 150 * time.Minute},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Rules{Location: tc.loc, Weekly: everyDay(span("02:30", "05:00"))}
			got := Available(r, at(tc.loc, tc.date+" 00:00"), at(tc.loc, tc.date+" 12:00"))
			if len(got) != 1 || got[0].Start.Format("15:04 MST") != tc.wantStart || total(got) != tc.wantLen {
				t.Fatalf("got %v, want one interval from %s lasting %v", got, tc.wantStart, tc.wantLen)
			}
		})
	}
}
