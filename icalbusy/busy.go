package icalbusy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd/invite"
	"github.com/teambition/rrule-go"
)

// Interval is the busy time [Start, End), in UTC.
type Interval struct{ Start, End time.Time }

// The caps on the work one calendar may cost (see the package comment).
const (
	// MaxInstancesPerEvent bounds the instances one recurring event is
	// expanded to, counted from the first one generated (after a jump
	// ahead, near the window).
	MaxInstancesPerEvent = 5000
	// MaxInstancesPerCalendar bounds the instances of all events together.
	MaxInstancesPerCalendar = 50000
	// MaxIntervals bounds the busy intervals found in the window, before
	// merging.
	MaxIntervals = 20000
)

// probeYear is the year a rule is tried from to learn whether it yields
// anything at all: rrule-go walks a rule that matches nothing up to the
// year 9999, so the probe starts close to it. 9988 is a leap year, so a
// 29 February start keeps its day.
const probeYear = 9988

// Partial is Busy's error when it left something out: the intervals it
// returns with it are right for everything it did expand.
type Partial struct {
	// Skipped counts the events that could not be read or whose rule was
	// refused; Reason says why the first one was.
	Skipped int
	Reason  string
	// Capped is set when a cap cut the expansion short.
	Capped bool
}

func (p *Partial) Error() string {
	var parts []string
	if p.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d events skipped (first: %s)", p.Skipped, p.Reason))
	}
	if p.Capped {
		parts = append(parts, "expansion stopped at a cap")
	}
	return "icalbusy: " + strings.Join(parts, "; ")
}

// Busy returns the times the calendar's events block within [from, to):
// sorted by start, merged where they overlap or touch, clipped to the
// window, in UTC. loc is the zone of floating times and all-day events
// (the host's own); nil means the calendar's X-WR-TIMEZONE, else UTC.
//
// The error is nil or a *Partial, which comes with the intervals found:
// events it could not read are left out, and the caps of the package
// comment bound the work. A nil calendar or an empty window gives nothing.
func Busy(cal *ical.Calendar, from, to time.Time, loc *time.Location) ([]Interval, error) {
	if cal == nil || cal.Component == nil || !from.Before(to) {
		return nil, nil
	}
	from, to = from.UTC(), to.UTC()
	if loc == nil {
		loc = time.UTC
		if p := cal.Props.Get("X-WR-TIMEZONE"); p != nil {
			if l, ok := loadName(p.Value); ok {
				loc = l
			}
		}
	}
	x := &expander{from: from, to: to, floating: locZone{loc}, vtz: map[string]*ical.Component{}, zones: map[string]zone{}}
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			if id := c.Props.Get(ical.PropTimezoneID); id != nil {
				// TZID is TEXT: Outlook escapes the commas of its long
				// names, which a TZID parameter quotes instead.
				x.vtz[unescape(id.Value)] = c
			}
		}
	}
	// Overrides first: the instances they replace are left out of their
	// series.
	replaced := map[string]map[int64]bool{}
	var masters, overrides []*ical.Component
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		rid := c.Props.Get(ical.PropRecurrenceID)
		if rid == nil {
			masters = append(masters, c)
			continue
		}
		overrides = append(overrides, c)
		if s, ok := x.stamp(rid, rid.Value); ok {
			uid := uidOf(c)
			if replaced[uid] == nil {
				replaced[uid] = map[int64]bool{}
			}
			replaced[uid][s.abs().UnixNano()] = true
		}
	}
	for _, c := range masters {
		if x.full() {
			break
		}
		x.safely(c, replaced[uidOf(c)], true)
	}
	for _, c := range overrides {
		if x.full() {
			break
		}
		x.safely(c, nil, false)
	}
	out := merge(x.out)
	if x.p.Skipped > 0 || x.p.Capped {
		return out, &x.p
	}
	return out, nil
}

func unescape(s string) string {
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\\`, `\`).Replace(s)
}

func uidOf(c *ical.Component) string {
	if p := c.Props.Get(ical.PropUID); p != nil {
		return p.Value
	}
	return ""
}

// expander holds one Busy call's state.
type expander struct {
	from, to  time.Time
	floating  zone
	vtz       map[string]*ical.Component
	zones     map[string]zone
	instances int
	out       []Interval
	p         Partial
}

func (x *expander) full() bool {
	if x.instances >= MaxInstancesPerCalendar || len(x.out) >= MaxIntervals {
		x.p.Capped = true
		return true
	}
	return false
}

func (x *expander) skip(reason string) {
	if x.p.Skipped == 0 {
		x.p.Reason = reason
	}
	x.p.Skipped++
}

// safely expands one event; a panic in a library on hostile input skips
// the event instead of failing the whole calendar.
func (x *expander) safely(c *ical.Component, replaced map[int64]bool, recur bool) {
	defer func() {
		if r := recover(); r != nil {
			x.skip("unreadable event")
		}
	}()
	if reason := x.event(c, replaced, recur); reason != "" {
		x.skip(reason)
	}
}

// zoneOf is the zone a DATE-TIME property's value is read in.
func (x *expander) zoneOf(p *ical.Prop, value string) zone {
	if strings.HasSuffix(strings.TrimSpace(value), "Z") {
		return utcZone
	}
	tzid := p.Params.Get(ical.PropTimezoneID)
	if tzid == "" {
		return x.floating
	}
	if z, ok := x.zones[tzid]; ok {
		return z
	}
	var z zone = x.floating
	if loc, ok := loadName(tzid); ok {
		z = locZone{loc}
	} else if c, ok := x.vtz[tzid]; ok {
		if v, ok := newVTimezone(c, x.to.AddDate(1, 0, 0)); ok {
			z = v
		}
	}
	x.zones[tzid] = z
	return z
}

// stamp reads one value of property p (p may hold a list; value is one
// element of it).
func (x *expander) stamp(p *ical.Prop, value string) (stamp, bool) {
	w, ok := parseWall(value)
	if !ok {
		return stamp{}, false
	}
	if len(strings.TrimSpace(value)) == 8 || strings.EqualFold(p.Params.Get(ical.ParamValue), "DATE") {
		return stamp{wall: time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC), z: x.floating, date: true}, true
	}
	return stamp{wall: w, z: x.zoneOf(p, value)}, true
}

// event expands one VEVENT, leaving out the instances whose original start
// is in replaced, and answers why it could not when it could not. Only a
// series master (recur) follows RRULE and RDATE.
func (x *expander) event(c *ical.Component, replaced map[int64]bool, recur bool) string {
	if !blocks(c) {
		return ""
	}
	sp := c.Props.Get(ical.PropDateTimeStart)
	if sp == nil {
		return "no DTSTART"
	}
	start, ok := x.stamp(sp, sp.Value)
	if !ok {
		return "unreadable DTSTART"
	}
	length, reason := x.length(c, start)
	if reason != "" {
		return reason
	}
	e := &instances{x: x, z: start.z, length: length, replaced: replaced, exdates: map[int64]bool{}}
	if !recur {
		e.emit(start.wall, time.Time{})
		return ""
	}
	for _, p := range c.Props.Values(ical.PropExceptionDates) {
		for _, v := range strings.Split(p.Value, ",") {
			if s, ok := x.stamp(&p, v); ok {
				e.exdates[s.abs().UnixNano()] = true
			}
		}
	}
	// The rule is checked before any instance is kept: an event whose
	// rule is refused is left out whole.
	var rule *rrule.RRule
	if rp := c.Props.Get(ical.PropRecurrenceRule); rp != nil {
		var reason string
		if rule, reason = e.rule(rp.Value, start); reason != "" {
			return reason
		}
	}
	if !e.emit(start.wall, time.Time{}) {
		return ""
	}
	for _, p := range c.Props.Values(ical.PropRecurrenceDates) {
		for _, v := range strings.Split(p.Value, ",") {
			if !e.rdate(&p, v) {
				return ""
			}
		}
	}
	if rule != nil {
		next := rule.Iterator()
		for {
			w, ok := next()
			if !ok || !e.z.abs(w).Before(e.x.to) {
				return ""
			}
			if w.Equal(start.wall) {
				continue // DTSTART is kept above
			}
			if !e.emit(w, time.Time{}) {
				return ""
			}
		}
	}
	return ""
}

// blocks reports whether an event's instances make its owner busy.
func blocks(c *ical.Component) bool {
	text := func(name string) string {
		if p := c.Props.Get(name); p != nil {
			return strings.ToUpper(strings.TrimSpace(p.Value))
		}
		return ""
	}
	return text(ical.PropStatus) != "CANCELLED" && text(ical.PropTransparency) != "TRANSPARENT" &&
		text("X-MICROSOFT-CDO-BUSYSTATUS") != "FREE" && !strings.HasSuffix(text(ical.PropUID), meetdUID)
}

// meetdUID ends the UID of every event meetd writes for an appointment
// (package invite). Those appointments block their hosts already, and a
// cancelled or moved one must free its time at once, not when the
// calendar is next read.
var meetdUID = strings.ToUpper(invite.UID(""))

// length reads how long each instance of c, starting like start, lasts.
func (x *expander) length(c *ical.Component, start stamp) (span, string) {
	if ep := c.Props.Get(ical.PropDateTimeEnd); ep != nil {
		end, ok := x.stamp(ep, ep.Value)
		if !ok {
			return span{}, "unreadable DTEND"
		}
		if end.z == start.z {
			return span{wall: end.wall.Sub(start.wall)}, ""
		}
		return span{exact: end.abs().Sub(start.abs())}, ""
	}
	if dp := c.Props.Get(ical.PropDuration); dp != nil {
		d, ok := parseDuration(dp.Value)
		if !ok {
			return span{}, "unreadable DURATION"
		}
		return d, ""
	}
	if start.date {
		return span{days: 1}, ""
	}
	return span{}, ""
}

// instances collects the instances of one event.
type instances struct {
	x        *expander
	z        zone
	length   span
	replaced map[int64]bool
	exdates  map[int64]bool
	n        int
}

// emit adds the instance starting at wall-clock time w (end, when not
// zero, is its own end) and reports whether more may follow.
func (e *instances) emit(w time.Time, end time.Time) bool {
	if e.n >= MaxInstancesPerEvent || e.x.full() {
		e.x.p.Capped = true
		return false
	}
	e.n++
	e.x.instances++
	start := e.z.abs(w)
	key := start.UnixNano()
	if e.replaced[key] || e.exdates[key] {
		return true
	}
	if end.IsZero() {
		end = e.length.end(w, e.z)
	}
	if end.Sub(start) > maxSpan {
		end = start.Add(maxSpan)
	}
	if start.Before(e.x.from) {
		start = e.x.from
	}
	if end.After(e.x.to) {
		end = e.x.to
	}
	if start.Before(end) {
		e.x.out = append(e.x.out, Interval{Start: start, End: end})
	}
	return true
}

// rdate adds one RDATE value, a DATE, DATE-TIME or PERIOD.
func (e *instances) rdate(p *ical.Prop, v string) bool {
	first, second, period := strings.Cut(v, "/")
	s, ok := e.x.stamp(p, first)
	if !ok {
		return true
	}
	w := e.z.wall(s.abs())
	if !period {
		return e.emit(w, time.Time{})
	}
	if d, ok := parseDuration(second); ok {
		return e.emit(w, d.end(s.wall, s.z))
	}
	if end, ok := e.x.stamp(p, second); ok {
		return e.emit(w, end.abs())
	}
	return true
}

// rule reads the RRULE of an event starting at start, refusing the rules
// that would cost too much (see the package comment), and sets it up to
// run from shortly before the window to shortly after it.
func (e *instances) rule(value string, start stamp) (*rrule.RRule, string) {
	opt, err := rrule.StrToROption(value)
	if err != nil {
		return nil, "unreadable RRULE"
	}
	if opt.Freq != rrule.YEARLY && opt.Freq != rrule.MONTHLY && opt.Freq != rrule.WEEKLY && opt.Freq != rrule.DAILY {
		return nil, "RRULE more frequent than daily"
	}
	if fan(len(opt.Byhour))*fan(len(opt.Byminute))*fan(len(opt.Bysecond)) > 24 {
		return nil, "RRULE with too many times a day"
	}
	if opt.Interval <= 0 {
		opt.Interval = 1
	}
	if !opt.Until.IsZero() && untilIsUTC(value) && !start.date {
		// UNTIL in UTC, as RFC 5545 wants with a TZID: compare it in
		// the event's wall clock, where the rule is expanded.
		opt.Until = e.z.wall(opt.Until)
	}
	last := e.z.wall(e.x.to).AddDate(0, 0, 2)
	if opt.Until.IsZero() || opt.Until.After(last) {
		opt.Until = last
	}
	probe := *opt
	probe.Count, probe.Until = 0, time.Time{}
	probe.Dtstart = time.Date(probeYear, start.wall.Month(), start.wall.Day(), start.wall.Hour(), start.wall.Minute(), start.wall.Second(), 0, time.UTC)
	pr, err := rrule.NewRRule(probe)
	if err != nil {
		return nil, "unreadable RRULE"
	}
	if _, ok := pr.Iterator()(); !ok {
		return nil, "RRULE that never occurs"
	}
	opt.Dtstart = e.jump(opt, start.wall)
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, "unreadable RRULE"
	}
	return r, ""
}

func fan(n int) int { return max(n, 1) }

// untilIsUTC reports whether an RRULE's UNTIL is a UTC time.
func untilIsUTC(rule string) bool {
	for _, part := range strings.Split(strings.ToUpper(rule), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "UNTIL="); ok {
			return strings.HasSuffix(v, "Z")
		}
	}
	return false
}

// jump moves the start of a DAILY or WEEKLY rule without COUNT forward by
// whole periods to shortly before the window, where an instance that
// began earlier could still reach into it: the instances from there on
// are the same, and the work no longer grows with the age of the series.
func (e *instances) jump(opt *rrule.ROption, dtstart time.Time) time.Time {
	if opt.Count != 0 || opt.Freq != rrule.DAILY && opt.Freq != rrule.WEEKLY {
		return dtstart
	}
	reach := time.Duration(e.length.days)*24*time.Hour + e.length.wall + e.length.exact
	reach = min(max(reach, 0), maxSpan) + 48*time.Hour
	target := e.z.wall(e.x.from).Add(-reach)
	if !target.After(dtstart) {
		return dtstart
	}
	days := 1
	if opt.Freq == rrule.WEEKLY {
		days = 7
	}
	step := int64(opt.Interval * days)
	elapsed := (target.Unix() - dtstart.Unix()) / 86400
	return dtstart.AddDate(0, 0, int(elapsed/step*step))
}

// merge sorts intervals and merges those that overlap or touch.
func merge(ivs []Interval) []Interval {
	slices.SortFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	out := ivs[:0]
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			if iv.End.After(out[n-1].End) {
				out[n-1].End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
