package meetd

import (
	"context"
	"time"
)

// SchedulingStore keeps what credentials act on: meeting types,
// availabilities and their exceptions, queues, appointments, provisional
// bookings, usage and idempotent responses. Like Store, each method is one
// transaction, ENOTFOUND means no such object and ECONFLICT a clash.
type SchedulingStore interface {
	// CreateMeetingType inserts m (ID, timestamps are set) and, when
	// inline is set, a new availability for it, in one transaction.
	// ECONFLICT "Slug Already Exists" when the owner already has the slug.
	CreateMeetingType(ctx context.Context, a Actor, m MeetingType, inline *NewAvailability) (MeetingType, error)
	// MeetingTypeByID returns a meeting type that is not deleted.
	MeetingTypeByID(ctx context.Context, id string) (MeetingType, error)
	// MeetingTypesByUser returns a user's meeting types that are not
	// deleted, oldest first.
	MeetingTypesByUser(ctx context.Context, userID string) ([]MeetingType, error)
	// UpdateMeetingType reads a meeting type, lets apply change it and
	// writes it back, in one transaction that concurrent updates of the
	// same meeting type wait for. An error from apply aborts the update.
	// apply runs inside the transaction: it must not call the store, and it
	// may run more than once (a transaction retried after a deadlock).
	UpdateMeetingType(ctx context.Context, a Actor, id string, apply func(*MeetingType) error) (MeetingType, error)
	// DeleteMeetingType soft-deletes a meeting type; with
	// deleteAvailability it also deletes its availability, which is
	// ECONFLICT when other meeting types use it.
	DeleteMeetingType(ctx context.Context, a Actor, id string, deleteAvailability bool) error

	// CreateAvailability inserts an availability.
	CreateAvailability(ctx context.Context, a Actor, n NewAvailability) (Availability, error)
	// AvailabilityByID returns an availability that is not deleted.
	AvailabilityByID(ctx context.Context, id string) (Availability, error)
	// ListAvailabilities returns a user's availabilities, oldest first.
	ListAvailabilities(ctx context.Context, userID string) ([]Availability, error)
	// UpdateAvailability changes the non-nil fields.
	UpdateAvailability(ctx context.Context, a Actor, id string, up AvailabilityUpdate) (Availability, error)
	// DeleteAvailability soft-deletes an availability. ECONFLICT when a
	// meeting type uses it; a user whose default it was has none after.
	DeleteAvailability(ctx context.Context, a Actor, id string) error
	// AddException adds a date override to an availability.
	AddException(ctx context.Context, a Actor, e Exception) (Exception, error)
	// Exceptions returns an availability's exceptions that end after from
	// and start before to, by start.
	Exceptions(ctx context.Context, availabilityID string, from, to time.Time) ([]Exception, error)
	// DeleteException removes one exception of an availability.
	DeleteException(ctx context.Context, a Actor, availabilityID string, id int64) error

	// QueueByID returns a queue with its members and their booking counts
	// in the current distribution period.
	QueueByID(ctx context.Context, id string) (Queue, error)
	// UpdateQueue reads a meeting type's queue (a new simple round robin
	// if it has none), lets apply change it and writes it back with its
	// members, linking the meeting type to it, in one transaction that
	// concurrent updates of the same queue wait for. apply follows the
	// rules of UpdateMeetingType's.
	UpdateQueue(ctx context.Context, a Actor, meetingTypeID string, apply func(*Queue) error) (Queue, error)

	// BookAppointment inserts an appointment after checking, in the same
	// transaction and serialised per host, that no host has an active
	// appointment overlapping [Start-BufferBefore, End+BufferAfter).
	// ErrSlotTaken otherwise.
	BookAppointment(ctx context.Context, a Actor, n NewAppointment) (Appointment, error)
	// AppointmentByID returns an appointment, cancelled or not.
	AppointmentByID(ctx context.Context, id string) (Appointment, error)
	// ListAppointments returns a page of appointments and the total.
	ListAppointments(ctx context.Context, f AppointmentFilter) ([]Appointment, int, error)
	// Busy returns the active appointments of the hosts overlapping
	// [from, to), except the one named by exceptID.
	Busy(ctx context.Context, hostIDs []string, from, to time.Time, exceptID string) ([]HostBusy, error)
	// CancelAppointment cancels an active appointment, freeing its slot.
	// ECONFLICT when it is already cancelled.
	CancelAppointment(ctx context.Context, a Actor, id, reason, source string) (Appointment, error)
	// RescheduleAppointment moves an active appointment, with the same
	// overlap check as BookAppointment (ignoring the appointment itself).
	RescheduleAppointment(ctx context.Context, a Actor, id string, start, end time.Time, bufferBefore, bufferAfter time.Duration) (Appointment, error)

	// CreateProvisional inserts a pending provisional booking.
	CreateProvisional(ctx context.Context, a Actor, p ProvisionalBooking) (ProvisionalBooking, error)
	// ProvisionalByID returns a provisional booking.
	ProvisionalByID(ctx context.Context, id string) (ProvisionalBooking, error)
	// ListProvisional returns a page of a company's provisional bookings
	// (of one host when hostID is set, of one status when status is set).
	ListProvisional(ctx context.Context, companyID, hostID, status string, limit, offset int) ([]ProvisionalBooking, int, error)
	// ConfirmProvisional books n and marks the provisional booking
	// confirmed, in one transaction. A confirmed one returns its
	// appointment again; an expired one is ECONFLICT; a taken slot is
	// ErrSlotTaken.
	ConfirmProvisional(ctx context.Context, a Actor, id string, n NewAppointment) (Appointment, error)
	// ExpireProvisional marks pending provisional bookings whose time is up
	// as expired and returns how many.
	ExpireProvisional(ctx context.Context, now time.Time) (int, error)

	// Usage sums a company's metered bookings per month and credential.
	Usage(ctx context.Context, companyID string, from, to time.Time) ([]UsageMonth, error)

	// ReserveResponse claims an idempotency key for a request described by
	// r (route and request hash). It returns a non-empty owner token when
	// the caller now holds the key (new, expired, or abandoned by a request
	// that died); otherwise the stored response, with Status 0 while the
	// first request is still running.
	ReserveResponse(ctx context.Context, credentialID, key string, r StoredResponse) (stored StoredResponse, owner string, err error)
	// CompleteResponse stores the answer of a key the owner still holds;
	// if the reservation was taken over meanwhile it does nothing.
	CompleteResponse(ctx context.Context, credentialID, key, owner string, status int, body []byte) error
	// ReleaseResponse frees a key the owner still holds, after its request
	// failed, so it may be retried.
	ReleaseResponse(ctx context.Context, credentialID, key, owner string) error
	// AppointmentByIdempotencyKey returns the appointment a credential's
	// booking with that Idempotency-Key made within IdempotencyTTL.
	AppointmentByIdempotencyKey(ctx context.Context, credentialID, key string) (Appointment, error)
	// ResetProvisionalToken replaces the confirmation token hash of a
	// pending provisional booking (the old link stops working).
	ResetProvisionalToken(ctx context.Context, id string, hash []byte) error
	// PruneResponses deletes stored responses created before before.
	PruneResponses(ctx context.Context, before time.Time) error
}

// HostBusy is one host's busy interval.
type HostBusy struct {
	UserID     string
	Start, End time.Time
}
