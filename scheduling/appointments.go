package scheduling

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/slots"
)

// Appointment returns an appointment of p's company that p may see: one
// p hosts, or any with an admin's rights. Another company's is
// ErrAppointmentNotFound.
func (s *Service) Appointment(ctx context.Context, p meetd.Principal, id string) (meetd.Appointment, error) {
	ap, err := s.Store.AppointmentByID(ctx, p.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return ap, ErrAppointmentNotFound
	} else if err != nil {
		return ap, err
	}
	for _, h := range ap.HostIDs {
		if h == p.User.ID {
			return ap, nil
		}
	}
	return ap, auth.Authorize(p, auth.OthersAppointments, ap.MainHostID)
}

// AttendeeAppointment returns the appointment a secret unlocks, for the
// attendee's links (no principal): a wrong secret is the same
// ErrAppointmentNotFound as a missing appointment.
func (s *Service) AttendeeAppointment(ctx context.Context, id, secret string) (meetd.Appointment, error) {
	ap, err := s.Store.AppointmentForAttendee(ctx, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return ap, ErrAppointmentNotFound
	} else if err != nil {
		return ap, err
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(ap.Secret)) != 1 {
		return meetd.Appointment{}, ErrAppointmentNotFound
	}
	return ap, nil
}

// Cancel cancels ap, an appointment returned by Appointment or
// AttendeeAppointment, freeing its slot; source says who asked ("host",
// "attendee"). An appointment already cancelled is ECONFLICT.
func (s *Service) Cancel(ctx context.Context, a meetd.Actor, ap meetd.Appointment, reason, source string) (meetd.Appointment, error) {
	return s.Store.CancelAppointment(ctx, a, ap.CompanyID, ap.ID, reason, source)
}

// Reschedule moves ap, an appointment returned by Appointment or
// AttendeeAppointment, to start, keeping its duration, after the checks of
// a booking (its own slot counts as free); ignoreAvailability skips the
// hosts' rules, never the overlap check (the caller authorises it). A
// cancelled appointment is ECONFLICT; one whose meeting type was deleted
// is ErrTypeDeleted.
func (s *Service) Reschedule(ctx context.Context, a meetd.Actor, ap meetd.Appointment, start time.Time, ignoreAvailability bool) (meetd.Appointment, error) {
	if ap.Cancelled {
		return ap, meetd.Errorf(meetd.ECONFLICT, "A cancelled appointment cannot be rescheduled")
	}
	m, err := s.Store.MeetingTypeByID(ctx, ap.CompanyID, ap.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return ap, ErrTypeDeleted
	} else if err != nil {
		return ap, err
	}
	duration := ap.End.Sub(ap.Start)
	if !ignoreAvailability {
		free, err := s.freeHosts(ctx, m, ap.HostIDs, slots.Everyone, start, duration, ap.ID)
		if err != nil {
			return ap, err
		}
		if len(free) == 0 {
			return ap, meetd.ErrSlotTaken
		}
		if _, err := s.liveFree(ctx, ap.CompanyID, free, start, start.Add(duration), true); err != nil {
			return ap, err
		}
	}
	return s.Store.RescheduleAppointment(ctx, a, ap.CompanyID, ap.ID, start, start.Add(duration),
		time.Duration(m.BufferBefore)*time.Minute, time.Duration(m.BufferAfter)*time.Minute)
}
