package icalbusy

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-ical"
)

// ErrTooLarge is Parse's error for data longer than its cap.
var ErrTooLarge = errors.New("icalbusy: calendar data is larger than allowed")

var errNotICalendar = errors.New("icalbusy: not an iCalendar object")

// Parse reads one iCalendar object (a VCALENDAR) from r, reading at most
// max bytes: longer data is ErrTooLarge, whatever follows is not read.
// Data that is not iCalendar is an error that says so; the error never
// quotes the data.
func Parse(r io.Reader, max int64) (cal *ical.Calendar, err error) {
	if max <= 0 {
		return nil, ErrTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("icalbusy: reading calendar: %w", err)
	}
	if int64(len(data)) > max {
		return nil, ErrTooLarge
	}
	// go-ical's decoder panics on some malformed lines (a parameter
	// without a value at the end of a line): that is bad data, not a
	// crash.
	defer func() {
		if recover() != nil {
			cal, err = nil, errNotICalendar
		}
	}()
	cal, err = ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return nil, errNotICalendar
	}
	if cal == nil || cal.Component == nil || cal.Name != ical.CompCalendar {
		return nil, errNotICalendar
	}
	return cal, nil
}
