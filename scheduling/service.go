// Package scheduling books meetings: it resolves hosts (hostIds, queues,
// round robin), assembles slot queries for package slots, and books,
// reschedules, confirms (double opt-in) and cancels appointments. It knows
// no HTTP: the API decodes a request, calls a Service method and encodes
// the answer, so every surface that books or cancels goes through the same
// checks. Its errors are *meetd.Error values whose codes and messages are
// the API's.
//
// Store reads are batched: a slot query or a booking costs a constant
// number of store calls whatever the number of hosts.
package scheduling

import (
	"context"
	"time"

	"github.com/meetd/meetd"
)

// MaxHosts bounds the hosts one booking or slot query may name.
const MaxHosts = 50

// Errors with a fixed meaning for callers.
var (
	// ErrMeetingTypeNotFound answers a booking of a meeting type that is
	// missing or another company's.
	ErrMeetingTypeNotFound = meetd.Errorf(meetd.ENOTFOUND, "Meeting type not found")
	// ErrSlotMeetingTypeNotFound answers a slot query of a meeting type
	// that is missing, another company's or disabled (meetergo answers
	// 400 there).
	ErrSlotMeetingTypeNotFound = meetd.Errorf(meetd.EINVALID, "Meeting Type Not Found")
	// ErrAppointmentNotFound answers an appointment that is missing,
	// another company's, or whose secret does not match.
	ErrAppointmentNotFound = meetd.Errorf(meetd.ENOTFOUND, "Appointment not found")
	// ErrProvisionalNotFound answers a confirmation link whose booking is
	// missing or whose token does not match.
	ErrProvisionalNotFound = meetd.Errorf(meetd.ENOTFOUND, "Provisional booking not found")
	// ErrQueueNotFound answers a queue that is missing, another
	// company's, or whose meeting type is gone.
	ErrQueueNotFound = meetd.Errorf(meetd.ENOTFOUND, "Queue not found")
	// ErrTypeDeleted refuses to reschedule or confirm a booking whose
	// meeting type was deleted: its rules are gone. Cancelling still works.
	ErrTypeDeleted = meetd.Errorf(meetd.ECONFLICT, "The meeting type of this booking was deleted")
	// ErrHostGone refuses to confirm a booking one of whose hosts was
	// removed from the workspace after it was made.
	ErrHostGone = meetd.Errorf(meetd.ECONFLICT, "A host of this booking is no longer available; please book again")
)

// Store is what scheduling reads and writes: a subset of meetd.Store, so a
// test can wrap it (every method here is one store call).
type Store interface {
	CompanyByID(ctx context.Context, id string) (meetd.Company, error)
	UsersByIDs(ctx context.Context, companyID string, ids []string) ([]meetd.User, error)
	MeetingTypeByID(ctx context.Context, companyID, id string) (meetd.MeetingType, error)
	QueueByID(ctx context.Context, companyID, id string) (meetd.Queue, error)
	AvailabilitiesByIDs(ctx context.Context, companyID string, ids []string) ([]meetd.Availability, error)
	ListExceptions(ctx context.Context, f meetd.ExceptionFilter) ([]meetd.Exception, error)
	Busy(ctx context.Context, f meetd.BusyFilter) ([]meetd.HostBusy, error)
	BookAppointment(ctx context.Context, a meetd.Actor, n meetd.NewAppointment) (meetd.Appointment, error)
	AppointmentByID(ctx context.Context, companyID, id string) (meetd.Appointment, error)
	AppointmentForAttendee(ctx context.Context, id string) (meetd.Appointment, error)
	AppointmentByIdempotencyKey(ctx context.Context, companyID, credentialID, key string) (meetd.Appointment, error)
	CancelAppointment(ctx context.Context, a meetd.Actor, companyID, id, reason, source string) (meetd.Appointment, error)
	RescheduleAppointment(ctx context.Context, a meetd.Actor, companyID, id string, start, end time.Time, bufferBefore, bufferAfter time.Duration) (meetd.Appointment, error)
	RemoveAttendee(ctx context.Context, a meetd.Actor, companyID, id, attendeeID, reason, source string) (meetd.Appointment, error)
	AddGuests(ctx context.Context, a meetd.Actor, companyID, id, attendeeID string, emails []string) (meetd.Appointment, error)
	UpdateAppointmentTexts(ctx context.Context, a meetd.Actor, companyID, id string, u meetd.AppointmentTexts) (meetd.Appointment, error)
	CreateProvisional(ctx context.Context, a meetd.Actor, p meetd.ProvisionalBooking) (meetd.ProvisionalBooking, error)
	ProvisionalForAttendee(ctx context.Context, id string) (meetd.ProvisionalBooking, error)
	ConfirmProvisional(ctx context.Context, a meetd.Actor, companyID, id string, n meetd.NewAppointment) (meetd.Appointment, error)
	ResetProvisionalToken(ctx context.Context, companyID, id string, hash []byte, token string) error
	OneTimeLinkByID(ctx context.Context, companyID, id string) (meetd.OneTimeLink, error)
	DataFieldsByIDs(ctx context.Context, companyID string, ids []int64) ([]meetd.DataField, error)
	FormSubmissionByID(ctx context.Context, companyID, id string) (meetd.FormSubmission, error)
}

var _ Store = meetd.Store(nil)

// Service books meetings. Store and Clock are required; a Service holds no
// other state, so a zero-cost value may be made per request.
type Service struct {
	Store Store
	Clock meetd.Clock
	// Calendars, when set, re-checks a slot live against the hosts'
	// connected calendars at booking and rescheduling (live.go).
	Calendars LiveCalendars
}
