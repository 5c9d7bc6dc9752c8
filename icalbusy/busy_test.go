package icalbusy_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/icalbusy"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func iv(start, end string) icalbusy.Interval {
	return icalbusy.Interval{Start: utc(start), End: utc(end)}
}

func load(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func busy(t *testing.T, data string, from, to time.Time, loc *time.Location) ([]icalbusy.Interval, error) {
	t.Helper()
	cal, err := icalbusy.Parse(strings.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return icalbusy.Busy(cal, from, to, loc)
}

func same(t *testing.T, got, want []icalbusy.Interval) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d intervals, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range got {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Fatalf("interval %d = %v–%v, want %v–%v\n got %v", i, got[i].Start, got[i].End, want[i].Start, want[i].End, got)
		}
		if got[i].Start.Location() != time.UTC || got[i].End.Location() != time.UTC {
			t.Fatalf("interval %d is not in UTC: %v", i, got[i])
		}
	}
}

// TestRealExportsBlockExactlyTheirBusyTimes reads hand-written exports in
// the forms Google Calendar, Outlook (Exchange) and Apple iCloud write.
func TestRealExportsBlockExactlyTheirBusyTimes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, file, zone, from, to string
		want                       []icalbusy.Interval
	}{
		{"google: weekly lunch keeps 12:00 across DST, EXDATE removes one, override moves one, all-day is the host's day, transparent and cancelled are free",
			"google.ics", "Europe/Berlin", "2026-03-01T00:00", "2026-04-01T00:00", []icalbusy.Interval{
				iv("2026-03-02T11:00", "2026-03-02T12:00"),
				iv("2026-03-03T23:00", "2026-03-04T23:00"),
				iv("2026-03-09T11:00", "2026-03-09T12:00"),
				iv("2026-03-23T13:00", "2026-03-23T14:00"),
				iv("2026-03-30T10:00", "2026-03-30T11:00"),
			}},
		{"outlook: Windows zone names, UNTIL in UTC is inclusive, a custom TZID read through its VTIMEZONE, BUSYSTATUS FREE is free",
			"outlook.ics", "Europe/Berlin", "2026-03-01T00:00", "2026-04-30T00:00", []icalbusy.Interval{
				iv("2026-03-03T11:00", "2026-03-03T12:00"),
				iv("2026-03-04T17:00", "2026-03-04T17:30"),
				iv("2026-03-05T14:00", "2026-03-05T15:00"),
				iv("2026-03-10T11:00", "2026-03-10T12:00"),
				iv("2026-03-24T11:00", "2026-03-24T12:00"),
				iv("2026-03-31T10:00", "2026-03-31T11:00"),
				iv("2026-04-05T22:00", "2026-04-06T22:00"),
				iv("2026-04-07T10:00", "2026-04-07T11:00"),
			}},
		{"icloud: COUNT stops the series, a cancelled override removes its instance, floating times and DURATION in the host's zone, RDATE adds instances",
			"icloud.ics", "America/New_York", "2026-02-01T00:00", "2026-04-01T00:00", []icalbusy.Interval{
				iv("2026-02-26T14:00", "2026-02-26T15:00"),
				iv("2026-03-03T23:00", "2026-03-03T23:45"),
				iv("2026-03-05T14:00", "2026-03-05T15:00"),
				iv("2026-03-09T04:00", "2026-03-11T04:00"),
				iv("2026-03-17T22:00", "2026-03-17T22:45"),
				iv("2026-03-19T13:00", "2026-03-19T14:00"),
			}},
		{"google: a window inside the month clips the intervals at its edges",
			"google.ics", "Europe/Berlin", "2026-03-02T11:30", "2026-03-04T12:00", []icalbusy.Interval{
				iv("2026-03-02T11:30", "2026-03-02T12:00"),
				iv("2026-03-03T23:00", "2026-03-04T12:00"),
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := busy(t, load(t, c.file), utc(c.from), utc(c.to), zone(t, c.zone))
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, c.want)
		})
	}
}

const head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//meetd//test//EN\r\n"

func cal(events ...string) string {
	var b strings.Builder
	b.WriteString(head)
	for i, e := range events {
		b.WriteString("BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n")
		if !strings.Contains(e, "UID:") {
			fmt.Fprintf(&b, "UID:event-%d@example.com\r\n", i)
		}
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(e), "\n", "\r\n") + "\r\n")
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

func TestEventForms(t *testing.T) {
	t.Parallel()
	from, to := utc("2026-03-01T00:00"), utc("2026-03-08T00:00")
	cases := []struct {
		name  string
		event string
		zone  string
		want  []icalbusy.Interval
	}{
		{"a Windows zone name is read as its IANA zone", "DTSTART;TZID=Pacific Standard Time:20260302T090000\nDTEND;TZID=Pacific Standard Time:20260302T100000",
			"UTC", []icalbusy.Interval{iv("2026-03-02T17:00", "2026-03-02T18:00")}},
		{"a Mozilla path TZID is read by its tail", "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260302T090000\nDTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260302T100000",
			"UTC", []icalbusy.Interval{iv("2026-03-02T08:00", "2026-03-02T09:00")}},
		{"an unknown TZID without VTIMEZONE is read as floating", "DTSTART;TZID=Somewhere:20260302T090000\nDTEND;TZID=Somewhere:20260302T100000",
			"Asia/Tokyo", []icalbusy.Interval{iv("2026-03-02T00:00", "2026-03-02T01:00")}},
		{"a DTSTART without end blocks nothing", "DTSTART:20260302T090000Z", "UTC", nil},
		{"a DATE without end blocks one day", "DTSTART;VALUE=DATE:20260302", "UTC", []icalbusy.Interval{iv("2026-03-02T00:00", "2026-03-03T00:00")}},
		{"DURATION in days is a local day", "DTSTART;VALUE=DATE:20260302\nDURATION:P1D", "Europe/Berlin", []icalbusy.Interval{iv("2026-03-01T23:00", "2026-03-02T23:00")}},
		{"a DTEND in another zone than DTSTART keeps the exact length", "DTSTART;TZID=Europe/Berlin:20260302T090000\nDTEND;TZID=Europe/London:20260302T090000",
			"UTC", []icalbusy.Interval{iv("2026-03-02T08:00", "2026-03-02T09:00")}},
		{"an RDATE PERIOD has its own end", "DTSTART:20260302T090000Z\nDTEND:20260302T093000Z\nRDATE;VALUE=PERIOD:20260304T100000Z/20260304T120000Z,20260305T100000Z/PT15M",
			"UTC", []icalbusy.Interval{iv("2026-03-02T09:00", "2026-03-02T09:30"), iv("2026-03-04T10:00", "2026-03-04T12:00"), iv("2026-03-05T10:00", "2026-03-05T10:15")}},
		{"a DTSTART off the rule still counts as an instance", "DTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=2",
			"UTC", []icalbusy.Interval{iv("2026-03-02T09:00", "2026-03-02T10:00"), iv("2026-03-04T09:00", "2026-03-04T10:00")}},
		{"an event meetd wrote for an appointment blocks nothing here", "DTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nUID:0b7c3a52-9d7e-4c41-a1d2-2f0e8f6c9a10@meetd",
			"UTC", nil},
		{"a tentative event blocks", "DTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nSTATUS:TENTATIVE",
			"UTC", []icalbusy.Interval{iv("2026-03-02T09:00", "2026-03-02T10:00")}},
		{"a daily series from 1990 jumps ahead to the window", "DTSTART;TZID=Europe/Berlin:19900101T080000\nDTEND;TZID=Europe/Berlin:19900101T081500\nRRULE:FREQ=DAILY;INTERVAL=3",
			"UTC", []icalbusy.Interval{iv("2026-03-02T07:00", "2026-03-02T07:15"), iv("2026-03-05T07:00", "2026-03-05T07:15")}},
		{"an event ending before the window blocks nothing", "DTSTART:20260201T090000Z\nDTEND:20260201T100000Z", "UTC", nil},
		{"overlapping and touching events are merged", "DTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nRDATE;VALUE=PERIOD:20260302T100000Z/20260302T110000Z,20260302T093000Z/PT10M",
			"UTC", []icalbusy.Interval{iv("2026-03-02T09:00", "2026-03-02T11:00")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := busy(t, cal(c.event), from, to, zone(t, c.zone))
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, c.want)
		})
	}
}

// TestHostileRulesAreBounded: rules that would cost much are refused or
// cut, and the rest of the calendar is still read.
func TestHostileRulesAreBounded(t *testing.T) {
	t.Parallel()
	from, to := utc("2026-03-01T00:00"), utc("2026-03-08T00:00")
	fine := "DTSTART:20260302T090000Z\nDTEND:20260302T100000Z"
	cases := []struct {
		name    string
		event   string
		skipped int
		capped  bool
	}{
		{"a secondly rule is refused", "DTSTART:20260302T000000Z\nDTEND:20260302T000001Z\nRRULE:FREQ=SECONDLY", 1, false},
		{"an hourly rule is refused", "DTSTART:20260302T000000Z\nDTEND:20260302T000100Z\nRRULE:FREQ=HOURLY", 1, false},
		{"a rule that never occurs is refused", "DTSTART:20260302T000000Z\nDTEND:20260302T000100Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", 1, false},
		{"a rule with a time every minute is refused", "DTSTART:20260302T000000Z\nDTEND:20260302T000100Z\nRRULE:FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,1,2,3,4,5,6,7,8,9", 1, false},
		{"a daily COUNT series from year 1 stops at the per-event cap", "DTSTART:00010101T090000Z\nDTEND:00010101T100000Z\nRRULE:FREQ=DAILY;COUNT=1000000", 0, true},
		{"an unreadable rule is skipped", "DTSTART:20260302T000000Z\nDTEND:20260302T000100Z\nRRULE:FREQ=SOMETIMES", 1, false},
		{"an unreadable start is skipped", "DTSTART:2026-03-02\nDTEND:20260302T000100Z", 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := busy(t, cal(c.event, fine), from, to, time.UTC)
			var p *icalbusy.Partial
			if !errors.As(err, &p) || p.Skipped != c.skipped || p.Capped != c.capped {
				t.Fatalf("error = %v, want %d skipped, capped %v", err, c.skipped, c.capped)
			}
			for _, g := range got {
				if !g.Start.Before(g.End) || g.Start.Before(from) || g.End.After(to) {
					t.Fatalf("interval %v outside the window", g)
				}
			}
			if c.skipped > 0 {
				same(t, got, []icalbusy.Interval{iv("2026-03-02T09:00", "2026-03-02T10:00")})
			}
		})
	}
}

func TestManyEventsStopAtTheCalendarCap(t *testing.T) {
	t.Parallel()
	var events []string
	for range icalbusy.MaxInstancesPerCalendar/icalbusy.MaxInstancesPerEvent + 1 {
		events = append(events, "DTSTART:20260301T000000Z\nDTEND:20260301T000100Z\nRRULE:FREQ=DAILY")
	}
	_, err := busy(t, cal(events...), utc("2026-03-01T00:00"), utc("2050-01-01T00:00"), time.UTC)
	var p *icalbusy.Partial
	if !errors.As(err, &p) || !p.Capped {
		t.Fatalf("error = %v, want capped", err)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	good := load(t, "google.ics")
	cases := []struct {
		name string
		data string
		max  int64
		want error
	}{
		{"a calendar within the cap is read", good, int64(len(good)), nil},
		{"a calendar one byte over the cap is too large", good, int64(len(good)) - 1, icalbusy.ErrTooLarge},
		{"a zero cap refuses everything", good, 0, icalbusy.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := icalbusy.Parse(strings.NewReader(c.data), c.max)
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse = %v, want %v", err, c.want)
			}
		})
	}
	for _, bad := range []string{"", "<html>not a calendar</html>", "BEGIN:VEVENT\r\nEND:VEVENT\r\n", "BEGIN:VCALENDAR\r\n"} {
		if _, err := icalbusy.Parse(strings.NewReader(bad), 1<<20); err == nil || errors.Is(err, icalbusy.ErrTooLarge) {
			t.Errorf("Parse(%q) = %v, want an error that it is not iCalendar", bad, err)
		}
	}
}

// TestVTimezoneRulesWithHistory: a TZID known only through its VTIMEZONE,
// whose rules changed in 2007 (UNTIL in UTC ends the old ones), gives each
// date the offset of its own year.
func TestVTimezoneRulesWithHistory(t *testing.T) {
	t.Parallel()
	zone := strings.Join([]string{"BEGIN:VTIMEZONE", "TZID:Eastern (custom)",
		"BEGIN:DAYLIGHT", "DTSTART:19870405T020000", "RRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYMONTH=4;BYDAY=1SU",
		"TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT",
		"BEGIN:STANDARD", "DTSTART:19671029T020000", "RRULE:FREQ=YEARLY;UNTIL=20061029T060000Z;BYMONTH=10;BYDAY=-1SU",
		"TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
		"BEGIN:DAYLIGHT", "DTSTART:20070311T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
		"TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT",
		"BEGIN:STANDARD", "DTSTART:20071104T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
		"TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
		"END:VTIMEZONE"}, "\r\n") + "\r\n"
	var events []string
	for _, d := range []string{"20060320", "20060410", "20260306", "20260310", "20261102"} {
		events = append(events, "DTSTART;TZID=Eastern (custom):"+d+"T090000\nDURATION:PT1H")
	}
	data := strings.Replace(cal(events...), "BEGIN:VEVENT", zone+"BEGIN:VEVENT", 1)
	got, err := busy(t, data, utc("2006-01-01T00:00"), utc("2027-01-01T00:00"), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	same(t, got, []icalbusy.Interval{
		iv("2006-03-20T14:00", "2006-03-20T15:00"), // standard time before the first Sunday of April
		iv("2006-04-10T13:00", "2006-04-10T14:00"),
		iv("2026-03-06T14:00", "2026-03-06T15:00"), // before the second Sunday of March
		iv("2026-03-10T13:00", "2026-03-10T14:00"),
		iv("2026-11-02T14:00", "2026-11-02T15:00"), // after the first Sunday of November
	})
}
