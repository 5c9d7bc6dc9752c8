package icalbusy

import (
	_ "embed"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// zone converts between wall-clock times (held as time.Time values in UTC
// whose fields are the wall clock) and instants.
type zone interface {
	// abs returns the instant that wall-clock time w denotes.
	abs(w time.Time) time.Time
	// wall returns the wall-clock time at instant t.
	wall(t time.Time) time.Time
}

// locZone is a zone of the time package (IANA, or UTC).
type locZone struct{ loc *time.Location }

func (z locZone) abs(w time.Time) time.Time {
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, z.loc).UTC()
}

func (z locZone) wall(t time.Time) time.Time {
	l := t.In(z.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

var utcZone = locZone{time.UTC}

//go:embed windowszones.tsv
var windowsZonesTSV string

// windowsZones maps a Windows zone name to its IANA zone (CLDR
// windowsZones, territory 001).
var windowsZones = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(windowsZonesTSV, "\n") {
		if win, iana, ok := strings.Cut(line, "\t"); ok {
			m[win] = strings.TrimSpace(iana)
		}
	}
	return m
}()

// loadName finds a zone of the time package for a TZID or X-WR-TIMEZONE
// value: an IANA name, a Windows name, or an IANA name at the end of a
// path such as Mozilla's "/mozilla.org/20050126_1/Europe/Berlin".
func loadName(name string) (*time.Location, bool) {
	name = strings.TrimSpace(strings.Trim(name, `"`))
	if name == "" || name == "Local" || len(name) > 100 {
		return nil, false
	}
	if iana, ok := windowsZones[name]; ok {
		name = iana
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, true
	}
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for n := 3; n >= 1; n-- {
		if len(parts) > n {
			if loc, err := time.LoadLocation(strings.Join(parts[len(parts)-n:], "/")); err == nil {
				return loc, true
			}
		}
	}
	return nil, false
}

// vtimezone is a zone defined by a calendar's VTIMEZONE block: a list of
// onsets, each the instant from which an offset applies.
type vtimezone struct {
	onsets []onset // sorted by at
	first  time.Duration
}

type onset struct {
	at     time.Time
	offset time.Duration
}

// maxOnsets bounds the onsets one VTIMEZONE rule may expand to (two a
// year from 1601, Outlook's usual DTSTART, to the end of the window).
const maxOnsets = 1000

// newVTimezone reads a VTIMEZONE, expanding its STANDARD and DAYLIGHT
// rules up to until. It reports false when the block defines no onset.
func newVTimezone(c *ical.Component, until time.Time) (*vtimezone, bool) {
	z := &vtimezone{}
	earliest := time.Time{}
	for _, sub := range c.Children {
		if sub.Name != ical.CompTimezoneStandard && sub.Name != ical.CompTimezoneDaylight {
			continue
		}
		to, ok1 := utcOffset(sub.Props.Get(ical.PropTimezoneOffsetTo))
		from, ok2 := utcOffset(sub.Props.Get(ical.PropTimezoneOffsetFrom))
		if !ok1 {
			continue
		}
		if !ok2 {
			from = to
		}
		p := sub.Props.Get(ical.PropDateTimeStart)
		if p == nil {
			continue
		}
		start, ok := parseWall(p.Value)
		if !ok {
			continue
		}
		add := func(w time.Time) {
			z.onsets = append(z.onsets, onset{at: w.Add(-from), offset: to})
		}
		if earliest.IsZero() || start.Add(-from).Before(earliest) {
			earliest, z.first = start.Add(-from), from
		}
		add(start)
		if rp := sub.Props.Get(ical.PropRecurrenceRule); rp != nil {
			opt, err := rrule.StrToROption(rp.Value)
			if err == nil && opt.Freq == rrule.YEARLY {
				opt.Dtstart = start
				if !opt.Until.IsZero() && untilIsUTC(rp.Value) {
					opt.Until = opt.Until.Add(from)
				}
				if opt.Until.IsZero() || opt.Until.After(until) {
					opt.Until = until
				}
				if r, err := rrule.NewRRule(*opt); err == nil {
					next := r.Iterator()
					for n := 0; n < maxOnsets; n++ {
						w, ok := next()
						if !ok {
							break
						}
						add(w)
					}
				}
			}
		}
		for _, rd := range sub.Props.Values(ical.PropRecurrenceDates) {
			for _, v := range strings.Split(rd.Value, ",") {
				if w, ok := parseWall(v); ok {
					add(w)
				}
			}
		}
	}
	if len(z.onsets) == 0 {
		return nil, false
	}
	sort.Slice(z.onsets, func(i, j int) bool { return z.onsets[i].at.Before(z.onsets[j].at) })
	return z, true
}

// offsetAt is the zone's offset at instant t.
func (z *vtimezone) offsetAt(t time.Time) time.Duration {
	i := sort.Search(len(z.onsets), func(i int) bool { return z.onsets[i].at.After(t) })
	if i == 0 {
		return z.first
	}
	return z.onsets[i-1].offset
}

func (z *vtimezone) abs(w time.Time) time.Time {
	guess := w.Add(-z.offsetAt(w))
	return w.Add(-z.offsetAt(guess))
}

func (z *vtimezone) wall(t time.Time) time.Time { return t.Add(z.offsetAt(t)) }

// utcOffset reads a UTC-OFFSET value such as "+0100" or "-053000".
func utcOffset(p *ical.Prop) (time.Duration, bool) {
	if p == nil {
		return 0, false
	}
	v := strings.TrimSpace(p.Value)
	if len(v) != 5 && len(v) != 7 || v[0] != '+' && v[0] != '-' {
		return 0, false
	}
	n := 0
	for _, c := range v[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	h, m := atoi2(v[1:3]), atoi2(v[3:5])
	s := 0
	if len(v) == 7 {
		s = atoi2(v[5:7])
	}
	if h > 23 || m > 59 || s > 59 {
		return 0, false
	}
	n = h*3600 + m*60 + s
	d := time.Duration(n) * time.Second
	if v[0] == '-' {
		d = -d
	}
	return d, true
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }
