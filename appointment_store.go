package meetd

import (
	"context"
	"time"
)

// AppointmentStore keeps appointments.
type AppointmentStore interface {
	// BookAppointment inserts an appointment into n.CompanyID after
	// checking, in the same transaction and serialised per host, that every
	// host is a user of that company (ENOTFOUND otherwise) and that no host
	// has an active appointment overlapping
	// [Start-BufferBefore, End+BufferAfter) (ErrSlotTaken otherwise).
	BookAppointment(ctx context.Context, a Actor, n NewAppointment) (Appointment, error)
	// AppointmentByID returns a company's appointment, cancelled or not.
	AppointmentByID(ctx context.Context, companyID, id string) (Appointment, error)
	// AppointmentForAttendee returns an appointment, cancelled or not, of
	// whichever company. Not scoped: it serves the attendee's links, where
	// the appointment's secret is the authority; the caller must check it
	// before acting on or showing the appointment.
	AppointmentForAttendee(ctx context.Context, id string) (Appointment, error)
	// AppointmentByIdempotencyKey returns the appointment a company's
	// credential booked with that Idempotency-Key within IdempotencyTTL.
	AppointmentByIdempotencyKey(ctx context.Context, companyID, credentialID, key string) (Appointment, error)
	// ListAppointments returns a page of appointments and the total.
	ListAppointments(ctx context.Context, f AppointmentFilter) ([]Appointment, int, error)
	// Busy returns the busy intervals f selects.
	Busy(ctx context.Context, f BusyFilter) ([]HostBusy, error)
	// CancelAppointment cancels a company's active appointment, freeing its
	// slot. ECONFLICT when it is already cancelled.
	CancelAppointment(ctx context.Context, a Actor, companyID, id, reason, source string) (Appointment, error)
	// RescheduleAppointment moves a company's active appointment, with the
	// same overlap check as BookAppointment (ignoring the appointment
	// itself).
	RescheduleAppointment(ctx context.Context, a Actor, companyID, id string, start, end time.Time, bufferBefore, bufferAfter time.Duration) (Appointment, error)
	// RemoveAttendee takes one attendee (and the guests they brought) off
	// a company's active appointment; when no attendee would remain it
	// cancels the appointment instead, as CancelAppointment. An attendee
	// that is not on the appointment is ENOTFOUND, a cancelled appointment
	// ECONFLICT.
	RemoveAttendee(ctx context.Context, a Actor, companyID, id, attendeeID, reason, source string) (Appointment, error)
	// AddGuests adds guests (by e-mail) of one attendee to a company's
	// active appointment: attendeeID "" means the first attendee. An
	// address already on the appointment is skipped; more than MaxGuests
	// guests in all is EINVALID; an unknown attendee ENOTFOUND.
	AddGuests(ctx context.Context, a Actor, companyID, id, attendeeID string, emails []string) (Appointment, error)
	// UpdateAppointmentTexts changes a company's appointment's note,
	// transcription and summary.
	UpdateAppointmentTexts(ctx context.Context, a Actor, companyID, id string, u AppointmentTexts) (Appointment, error)
	// AttendeeAppointmentID returns the appointment a company's attendee
	// belongs to (ENOTFOUND for another company's or a removed one).
	AttendeeAppointmentID(ctx context.Context, companyID, attendeeID string) (string, error)
	// QueueQuickMail puts a message to an attendee of a company's
	// appointment into the outbox, in one transaction with its audit
	// record. ENOTFOUND when the attendee is not on that appointment.
	QueueQuickMail(ctx context.Context, a Actor, companyID, appointmentID, attendeeID, subject, body string) (OutboxMessage, error)
}
