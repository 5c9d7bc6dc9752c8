package icalbusy

import (
	"strings"
	"time"
)

// stamp is one DATE or DATE-TIME value: a wall-clock time and the zone it
// is read in.
type stamp struct {
	wall time.Time
	z    zone
	date bool
}

func (s stamp) abs() time.Time { return s.z.abs(s.wall) }

// parseWall reads "YYYYMMDD" or "YYYYMMDDTHHMMSS" (a trailing Z is the
// caller's business and is ignored here) as a wall-clock time.
func parseWall(v string) (time.Time, bool) {
	v = strings.TrimSuffix(strings.TrimSpace(v), "Z")
	var t time.Time
	var err error
	switch len(v) {
	case 8:
		t, err = time.Parse("20060102", v)
	case 15:
		t, err = time.Parse("20060102T150405", v)
	default:
		return time.Time{}, false
	}
	// Years outside 1..9999 are not real dates and would make rrule-go
	// and the time arithmetic below misbehave.
	return t, err == nil && t.Year() >= 1 && t.Year() <= 9999
}

// span is how long an instance lasts: days and wall are added to the
// start's wall clock, exact to the resulting instant.
type span struct {
	days  int
	wall  time.Duration
	exact time.Duration
}

// end is the end of an instance starting at wall-clock time w in z.
func (s span) end(w time.Time, z zone) time.Time {
	return z.abs(w.AddDate(0, 0, s.days).Add(s.wall)).Add(s.exact)
}

// maxSpan bounds a single instance: longer events are cut to it so that
// one broken event cannot block a host for decades.
const maxSpan = 366 * 24 * time.Hour

// parseDuration reads an iCalendar DURATION ("P1D", "PT1H30M", "P2W",
// "-PT15M"): weeks and days as wall-clock days, the rest exact.
func parseDuration(v string) (span, bool) {
	v = strings.TrimSpace(v)
	neg := false
	if strings.HasPrefix(v, "+") || strings.HasPrefix(v, "-") {
		neg = v[0] == '-'
		v = v[1:]
	}
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return span{}, false
	}
	v = v[1:]
	var s span
	inTime := false
	n, digits := 0, 0
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			if digits >= 6 {
				return span{}, false
			}
			n, digits = n*10+int(c-'0'), digits+1
			continue
		case c == 'T' && !inTime && digits == 0:
			inTime = true
			continue
		}
		if digits == 0 {
			return span{}, false
		}
		switch {
		case c == 'W' && !inTime:
			s.days += 7 * n
		case c == 'D' && !inTime:
			s.days += n
		case c == 'H' && inTime:
			s.exact += time.Duration(n) * time.Hour
		case c == 'M' && inTime:
			s.exact += time.Duration(n) * time.Minute
		case c == 'S' && inTime:
			s.exact += time.Duration(n) * time.Second
		default:
			return span{}, false
		}
		n, digits = 0, 0
	}
	if digits != 0 {
		return span{}, false
	}
	if neg {
		s.days, s.exact = -s.days, -s.exact
	}
	return s, true
}
