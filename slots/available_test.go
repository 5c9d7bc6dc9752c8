package slots

import (
	"testing"
	"time"
)

func TestAvailable(t *testing.T) {
	type tc struct {
		r        Rules
		from, to time.Time
		want     []Interval
	}
	day := func(from, to string) (time.Time, time.Time) { return at(berlin, from), at(berlin, to) }
	monFrom, monTo := day(mon+" 00:00", "2026-06-02 00:00")
	tests := map[string]tc{
		"weekly spans become sorted absolute intervals": {
			r:    Rules{Location: berlin, Weekly: weekdays(span("13:00", "17:00"), span("09:00", "12:00"))},
			from: monFrom, to: monTo,
			want: []Interval{iv(mon+" 09:00", mon+" 12:00"), iv(mon+" 13:00", mon+" 17:00")},
		},
		"overlapping and touching spans merge": {
			r:    Rules{Location: berlin, Weekly: weekdays(span("09:00", "12:00"), span("11:00", "13:00"), span("13:00", "14:00"))},
			from: monFrom, to: monTo,
			want: []Interval{iv(mon+" 09:00", mon+" 14:00")},
		},
		"window cuts intervals at both ends": {
			r:    Rules{Location: berlin, Weekly: nineToFive},
			from: at(berlin, mon+" 10:00"), to: at(berlin, mon+" 11:00"),
			want: []Interval{iv(mon+" 10:00", mon+" 11:00")},
		},
		"open and block apply in order": {
			r: Rules{
				Location: berlin,
				Weekly:   nineToFive,
				Open:     []Interval{iv(mon+" 18:00", mon+" 20:00"), iv(mon+" 16:00", mon+" 18:00")},
				Block:    []Interval{iv(mon+" 19:00", mon+" 21:00"), iv(mon+" 12:00", mon+" 13:00")},
			},
			from: monFrom, to: monTo,
			want: []Interval{iv(mon+" 09:00", mon+" 12:00"), iv(mon+" 13:00", mon+" 19:00")},
		},
		"exception outside the window is ignored": {
			r:    Rules{Location: berlin, Open: []Interval{iv("2026-06-03 10:00", "2026-06-03 11:00")}},
			from: monFrom, to: monTo,
			want: nil,
		},
		"empty window gives nothing": {
			r:    Rules{Location: berlin, Weekly: everyDay(span("00:00", "24:00"))},
			from: monTo, to: monFrom,
			want: nil,
		},
		"all-day rule over two days is one interval": {
			r:    Rules{Location: berlin, Weekly: everyDay(span("00:00", "24:00"))},
			from: monFrom, to: at(berlin, "2026-06-03 00:00"),
			want: []Interval{iv(mon+" 00:00", "2026-06-03 00:00")},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := Available(tc.r, tc.from, tc.to)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Start.Equal(tc.want[i].Start) || !got[i].End.Equal(tc.want[i].End) {
					t.Fatalf("[%d] got %v, want %v", i, got[i], tc.want[i])
				}
				if got[i].Start.Location() != tc.r.location() || got[i].End.Location() != tc.r.location() {
					t.Fatalf("[%d] %v is not in %v", i, got[i], tc.r.location())
				}
			}
		})
	}
}
