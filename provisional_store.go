package meetd

import (
	"context"
	"time"
)

// ProvisionalStore keeps double opt-in bookings waiting for confirmation.
type ProvisionalStore interface {
	// CreateProvisional inserts a pending provisional booking into
	// p.CompanyID.
	CreateProvisional(ctx context.Context, a Actor, p ProvisionalBooking) (ProvisionalBooking, error)
	// ProvisionalByID returns a company's provisional booking.
	ProvisionalByID(ctx context.Context, companyID, id string) (ProvisionalBooking, error)
	// ProvisionalForAttendee returns a provisional booking of whichever
	// company. Not scoped: it serves the attendee's confirmation link,
	// where the token is the authority; the caller must check the token
	// against TokenHash before acting on the booking.
	ProvisionalForAttendee(ctx context.Context, id string) (ProvisionalBooking, error)
	// ListProvisional returns a page of the provisional bookings f selects,
	// newest first, and the total.
	ListProvisional(ctx context.Context, f ProvisionalFilter) ([]ProvisionalBooking, int, error)
	// ConfirmProvisional books n and marks a company's provisional booking
	// confirmed, in one transaction. A confirmed one returns its
	// appointment again; an expired one is ECONFLICT; a taken slot is
	// ErrSlotTaken.
	ConfirmProvisional(ctx context.Context, a Actor, companyID, id string, n NewAppointment) (Appointment, error)
	// ResetProvisionalToken replaces the confirmation token hash of a
	// company's pending provisional booking (the old link stops working).
	// token is the new token itself, for the attendee's e-mail: the
	// pending confirmation message gets it, or, when the last one has
	// gone out with the old link, a new one is queued.
	ResetProvisionalToken(ctx context.Context, companyID, id string, hash []byte, token string) error
	// ExpireProvisional marks pending provisional bookings whose time is up
	// as expired and returns how many. Not scoped: a background job that
	// expires every company's.
	ExpireProvisional(ctx context.Context, now time.Time) (int, error)
}

// ProvisionalFilter selects provisional bookings of one company.
type ProvisionalFilter struct {
	CompanyID     string
	HostID        string // empty: every host
	Status        string // empty: every status
	Limit, Offset int
}
