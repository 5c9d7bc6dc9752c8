package meetd

import "time"

// Availability is a named weekly schedule in one time zone, with date
// exceptions layered on top.
type Availability struct {
	ID        string
	CompanyID string
	UserID    string
	Name      string
	Timezone  string
	Schedule  Schedule
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Exception is a date override of an availability: Available exceptions
// open extra time, the others block time. Start and End are absolute; an
// all-day exception runs from local midnight to local midnight in the
// availability's zone.
type Exception struct {
	ID             int64
	AvailabilityID string
	Available      bool
	Start, End     time.Time
	Title, Note    string
	CreatedAt      time.Time
}

// NewAvailability is what CreateAvailability needs.
type NewAvailability struct {
	CompanyID, UserID, Name, Timezone string
	Schedule                          Schedule
}

// AvailabilityUpdate lists the fields to change; nil leaves one alone.
type AvailabilityUpdate struct {
	Name     *string
	Timezone *string
	Schedule *Schedule
}
