package meetd

import (
	"context"
	"time"
)

// AvailabilityStore keeps availabilities and their exceptions.
type AvailabilityStore interface {
	// CreateAvailability inserts an availability into n.CompanyID.
	CreateAvailability(ctx context.Context, a Actor, n NewAvailability) (Availability, error)
	// AvailabilityByID returns a company's availability that is not
	// deleted.
	AvailabilityByID(ctx context.Context, companyID, id string) (Availability, error)
	// AvailabilitiesByIDs returns the company's availabilities among ids
	// that are not deleted, in no particular order; the others are left
	// out, not an error. One query, whatever the number of ids.
	AvailabilitiesByIDs(ctx context.Context, companyID string, ids []string) ([]Availability, error)
	// ListAvailabilities returns the availabilities f selects, oldest
	// first.
	ListAvailabilities(ctx context.Context, f AvailabilityFilter) ([]Availability, error)
	// UpdateAvailability changes the non-nil fields of a company's
	// availability.
	UpdateAvailability(ctx context.Context, a Actor, companyID, id string, up AvailabilityUpdate) (Availability, error)
	// DeleteAvailability soft-deletes a company's availability. ECONFLICT
	// when a meeting type uses it; a user whose default it was has none
	// after.
	DeleteAvailability(ctx context.Context, a Actor, companyID, id string) error
	// AddException adds a date override to a company's availability
	// (e.AvailabilityID).
	AddException(ctx context.Context, a Actor, companyID string, e Exception) (Exception, error)
	// ListExceptions returns the exceptions f selects, by availability,
	// then start. One query, whatever the number of availabilities.
	ListExceptions(ctx context.Context, f ExceptionFilter) ([]Exception, error)
	// DeleteException removes one exception of a company's availability.
	DeleteException(ctx context.Context, a Actor, companyID, availabilityID string, id int64) error
}

// AvailabilityFilter selects availabilities of one company.
type AvailabilityFilter struct {
	CompanyID string
	UserID    string // the owner; empty: every owner
}

// ExceptionFilter selects the exceptions of some of a company's
// availabilities that end after From and start before To.
type ExceptionFilter struct {
	CompanyID       string
	AvailabilityIDs []string
	From, To        time.Time
}
