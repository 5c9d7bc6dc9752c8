package scheduling

import (
	"context"

	"github.com/meetd/meetd"
)

// CancelRequest is what a host's cancel names: one attendee to remove, or
// the whole appointment (docs/decisions.md#attendees-and-guests).
type CancelRequest struct {
	AttendeeID         string
	CancelAll          bool
	CancelEntireSeries bool
	Reason             string
}

// CancelFor applies a host's cancel to ap, an appointment returned by
// Appointment: with AttendeeID it removes that attendee and the guests
// they brought (the last attendee leaving cancels the appointment); with
// CancelAll, or when ap has one attendee, it cancels the appointment.
// Neither on an appointment with several attendees is EINVALID, so a bulk
// cancel is never accidental; so are both at once, and a series (meetd has
// none). An attendee not on ap is ENOTFOUND.
func (s *Service) CancelFor(ctx context.Context, a meetd.Actor, ap meetd.Appointment, r CancelRequest) (meetd.Appointment, error) {
	var v meetd.Validation
	if r.CancelEntireSeries {
		v.Add("cancelEntireSeries", "cancelEntireSeries is not supported: meetd has no recurring appointments")
	}
	if r.AttendeeID != "" && r.CancelAll {
		v.Add("cancelAll", "Send attendeeId to remove one attendee or cancelAll to cancel the appointment, not both")
	}
	if r.AttendeeID == "" && !r.CancelAll && len(ap.Attendees) > 1 {
		v.Add("attendeeId", "This appointment has several attendees: send attendeeId to remove one, or cancelAll: true to cancel it for everyone")
	}
	if err := v.Err(); err != nil {
		return ap, err
	}
	if r.AttendeeID != "" {
		if !meetd.IsUUID(r.AttendeeID) {
			return ap, ErrAttendeeNotFound
		}
		return s.Store.RemoveAttendee(ctx, a, ap.CompanyID, ap.ID, r.AttendeeID, r.Reason, "host")
	}
	return s.Cancel(ctx, a, ap, r.Reason, "host")
}

// ErrAttendeeNotFound answers an attendee id that names no attendee of
// the appointment (or of any appointment the caller may see).
var ErrAttendeeNotFound = meetd.Errorf(meetd.ENOTFOUND, "Attendee not found")

// AddGuests adds guests of one attendee of ap (attendeeID "" means the
// first) by e-mail: at most meetd.MaxGuests on an appointment, addresses
// already on it skipped. A cancelled appointment is ECONFLICT.
func (s *Service) AddGuests(ctx context.Context, a meetd.Actor, ap meetd.Appointment, attendeeID string, emails []string) (meetd.Appointment, error) {
	if attendeeID != "" && !meetd.IsUUID(attendeeID) {
		return ap, ErrAttendeeNotFound
	}
	return s.Store.AddGuests(ctx, a, ap.CompanyID, ap.ID, attendeeID, emails)
}

// UpdateTexts changes ap's note, transcription and summary within their
// limits.
func (s *Service) UpdateTexts(ctx context.Context, a meetd.Actor, ap meetd.Appointment, u meetd.AppointmentTexts) (meetd.Appointment, error) {
	var v meetd.Validation
	if u.SetNote && len([]rune(u.Note)) > meetd.MaxNoteLength {
		v.Add("note", "note must be at most 10000 characters")
	}
	for _, f := range []struct {
		name string
		s    *string
	}{{"transcription", u.Transcription}, {"summary", u.Summary}} {
		if f.s != nil && len([]rune(*f.s)) > meetd.MaxTranscriptionLength {
			v.Add(f.name, f.name+" must be at most 200000 characters")
		}
	}
	if err := v.Err(); err != nil {
		return ap, err
	}
	return s.Store.UpdateAppointmentTexts(ctx, a, ap.CompanyID, ap.ID, u)
}
