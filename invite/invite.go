// Package invite renders appointments as iCalendar (RFC 5545) events. One
// appointment is one event with one UID for its whole life, so every copy
// of it (the invitation in an e-mail, the "add to calendar" download, the
// subscription feed, the event written into a host's CalDAV calendar) is
// the same event to a calendar program: a reschedule updates it and a
// cancellation removes it instead of leaving a second one behind.
//
// SEQUENCE is the appointment's reschedule count (RFC 5546 raises it on
// every change of time) and one more once cancelled, so a cancellation
// always supersedes the last invitation.
package invite

import (
	"bytes"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd"
)

// ProductID is the PRODID of every calendar meetd writes.
const ProductID = "-//meetd//meetd//EN"

// iTIP methods (RFC 5546) for calendars sent in e-mail; a calendar that is
// downloaded or written into a CalDAV collection has no method.
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
)

// Person is an organizer or attendee: a name (may be empty) and an e-mail
// address.
type Person struct {
	Name, Email string
}

// Event is what an appointment's event says. Summary, Start, End and
// Organizer are required; the rest is optional.
type Event struct {
	AppointmentID string
	Summary       string
	Description   string
	Location      string
	// URL is a page about the appointment (the attendee's reschedule
	// page, say); it must not carry a secret the reader of the event
	// should not have.
	URL       string
	Start     time.Time
	End       time.Time
	Organizer Person
	Attendees []Person
	// Sequence is the appointment's reschedule count.
	Sequence int
	// Cancelled marks the event cancelled (STATUS:CANCELLED and
	// SEQUENCE one above the last invitation's).
	Cancelled bool
	// Stamp is when this copy was made (DTSTAMP); the zero value is now.
	Stamp time.Time
}

// UID is the iCalendar UID of an appointment: stable for its whole life
// and unique across meetd installations because appointment ids are
// random UUIDs.
func UID(appointmentID string) string { return appointmentID + "@meetd" }

// FromAppointment fills the parts of an Event an appointment knows: id,
// times, location, attendees (removed ones are not on ap.Attendees),
// sequence and cancellation. The caller adds the summary, description and
// organizer, which come from the meeting type and the host.
func FromAppointment(ap meetd.Appointment) Event {
	e := Event{AppointmentID: ap.ID, Start: ap.Start, End: ap.End, Location: ap.Location,
		Sequence: ap.RescheduleCount, Cancelled: ap.Cancelled}
	for _, at := range ap.Attendees {
		e.Attendees = append(e.Attendees, Person{Name: attendeeName(at), Email: at.Email})
	}
	return e
}

func attendeeName(at meetd.Attendee) string {
	if at.Fullname != "" {
		return at.Fullname
	}
	return strings.TrimSpace(at.Firstname + " " + at.Lastname)
}

// VEvent renders e as an iCalendar VEVENT component.
func (e Event) VEvent() (*ical.Event, error) {
	if e.AppointmentID == "" || e.Summary == "" || e.Start.IsZero() || !e.End.After(e.Start) {
		return nil, fmt.Errorf("invite: event needs an appointment id, a summary and a start before its end")
	}
	if _, err := mail.ParseAddress(e.Organizer.Email); err != nil {
		return nil, fmt.Errorf("invite: organizer e-mail: %w", err)
	}
	stamp := e.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, UID(e.AppointmentID))
	ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, e.Start.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, e.End.UTC())
	ev.Props.SetText(ical.PropSummary, e.Summary)
	if e.Description != "" {
		ev.Props.SetText(ical.PropDescription, e.Description)
	}
	if e.Location != "" {
		ev.Props.SetText(ical.PropLocation, e.Location)
	}
	if u, err := url.Parse(e.URL); e.URL != "" && err == nil {
		ev.Props.SetURI(ical.PropURL, u)
	}
	seq, status := e.Sequence, "CONFIRMED"
	if e.Cancelled {
		seq, status = e.Sequence+1, "CANCELLED"
	}
	// An INTEGER, written without a VALUE parameter (SetText would add
	// VALUE=TEXT, which RFC 5545 does not allow for SEQUENCE).
	sequence := ical.NewProp(ical.PropSequence)
	sequence.SetValueType(ical.ValueInt)
	sequence.Value = fmt.Sprint(seq)
	ev.Props.Set(sequence)
	ev.Props.SetText(ical.PropStatus, status)
	ev.Props.SetText(ical.PropTransparency, "OPAQUE")
	ev.Props.Add(person(ical.PropOrganizer, e.Organizer, false))
	for _, a := range e.Attendees {
		if a.Email == "" {
			continue
		}
		ev.Props.Add(person(ical.PropAttendee, a, !e.Cancelled))
	}
	return ev, nil
}

// person renders an ORGANIZER or ATTENDEE property. Attendees of a live
// event are asked to reply (RSVP), as calendar programs expect of an
// invitation.
func person(name string, p Person, rsvp bool) *ical.Prop {
	prop := ical.NewProp(name)
	prop.SetValueType(ical.ValueCalendarAddress)
	prop.Value = "mailto:" + p.Email
	if name := paramText(p.Name); name != "" {
		prop.Params.Set(ical.ParamCommonName, name)
	}
	if name == ical.PropAttendee {
		prop.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		prop.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
		if rsvp {
			prop.Params.Set(ical.ParamRSVP, "TRUE")
		}
	}
	return prop
}

// Calendar wraps events into a VCALENDAR. method is MethodRequest or
// MethodCancel for a calendar sent by e-mail, "" for one that is
// downloaded, subscribed to or stored in a CalDAV collection.
func Calendar(method string, events ...*ical.Event) *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	if method != "" {
		cal.Props.SetText(ical.PropMethod, method)
	}
	for _, ev := range events {
		cal.Children = append(cal.Children, ev.Component)
	}
	return cal
}

// Encode renders a calendar as text/calendar bytes (CRLF lines, folded).
func Encode(cal *ical.Calendar) ([]byte, error) {
	var b bytes.Buffer
	if err := ical.NewEncoder(&b).Encode(cal); err != nil {
		return nil, fmt.Errorf("invite: encode: %w", err)
	}
	return b.Bytes(), nil
}

// Render is Encode(Calendar(method, e.VEvent())): one appointment's
// calendar.
func Render(method string, e Event) ([]byte, error) {
	ev, err := e.VEvent()
	if err != nil {
		return nil, err
	}
	return Encode(Calendar(method, ev))
}

// paramText makes a name fit a parameter value: RFC 5545 parameter values
// cannot hold a double quote or control characters (a name typed into a
// booking form may), so quotes become single quotes and control
// characters spaces.
func paramText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, s)
}
