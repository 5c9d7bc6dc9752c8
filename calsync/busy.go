package calsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/icalbusy"
)

// Interval is one busy time, [Start, End), as the store's cache keeps it.
type Interval = meetd.BusyInterval

// ICalBusy is the Expander of package icalbusy, the default.
type ICalBusy struct{}

// Parse implements Expander with icalbusy.Parse.
func (ICalBusy) Parse(r io.Reader, max int64) (*ical.Calendar, error) { return icalbusy.Parse(r, max) }

// Busy implements Expander with icalbusy.Busy. A partial expansion
// (events it could not read, a cap reached) is returned with what was
// found and its *icalbusy.Partial error.
func (ICalBusy) Busy(cal *ical.Calendar, from, to time.Time, loc *time.Location) ([]Interval, error) {
	got, err := icalbusy.Busy(cal, from, to, loc)
	out := make([]Interval, len(got))
	for i, iv := range got {
		out[i] = Interval{Start: iv.Start, End: iv.End}
	}
	return out, err
}

// Expander turns calendar data into busy times: recurrences, overridden
// and deleted instances, all-day events and time zones expanded, and
// transparent or cancelled events left out. Package icalbusy provides it.
type Expander interface {
	// Parse decodes an iCalendar stream of at most max bytes.
	Parse(r io.Reader, max int64) (*ical.Calendar, error)
	// Busy returns the busy times of cal that touch [from, to); loc is
	// the zone of floating times (the calendar owner's).
	Busy(cal *ical.Calendar, from, to time.Time, loc *time.Location) ([]Interval, error)
}

var errNoExpander = errors.New("no calendar expander configured")

// fetchBusy reads a connection's busy times in [from, to) from its server,
// with the secret opened by the caller.
func (s *Service) fetchBusy(ctx context.Context, c meetd.CalendarConnection, secret []byte, from, to time.Time) ([]Interval, error) {
	var cals []*ical.Calendar
	switch c.Kind {
	case meetd.CalendarICS:
		body, err := fetchFeed(ctx, s.http, string(secret))
		if err != nil {
			return nil, err
		}
		if s.Expander == nil {
			return nil, errNoExpander
		}
		cal, err := s.Expander.Parse(bytes.NewReader(body), MaxFeedSize)
		if err != nil {
			return nil, fmt.Errorf("the feed is not valid iCalendar: %v", err)
		}
		cals = append(cals, cal)
	case meetd.CalendarCalDAV:
		cl, err := caldavClient(s.http, c.ServerURL, c.Username, string(secret))
		if err != nil {
			return nil, err
		}
		for _, path := range c.BusyCalendars {
			got, err := queryEvents(ctx, cl, path, from, to)
			if err != nil {
				return nil, err
			}
			cals = append(cals, got...)
		}
	default:
		return nil, fmt.Errorf("unknown connection kind %q", c.Kind)
	}
	out := []Interval{}
	if s.Expander == nil && len(cals) > 0 {
		return nil, errNoExpander
	}
	for _, cal := range cals {
		busy, err := s.Expander.Busy(cal, from, to, s.zoneOf(ctx, c))
		var partial *icalbusy.Partial
		if errors.As(err, &partial) {
			// What could be read blocks time; what could not is logged.
			s.Log.Warn("calendar data partly unreadable", "connection_id", c.ID, "err", err.Error())
		} else if err != nil {
			return nil, fmt.Errorf("expanding events: %v", err)
		}
		out = append(out, busy...)
	}
	return out, nil
}

// zoneOf is the zone of a connection's floating times: its user's time
// zone, or UTC when it is unknown.
func (s *Service) zoneOf(ctx context.Context, c meetd.CalendarConnection) *time.Location {
	users, err := s.Store.UsersByIDs(ctx, c.CompanyID, []string{c.UserID})
	if err != nil || len(users) == 0 || users[0].Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(users[0].Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}
