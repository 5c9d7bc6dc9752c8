package meetd

import (
	"context"
	"time"
)

// SchedulingStore keeps what credentials act on: meeting types,
// availabilities and their exceptions, queues, appointments, provisional
// bookings, usage and idempotent responses. Like Store, each method is one
// transaction, ENOTFOUND means no such object and ECONFLICT a clash.
//
// Every method that reads or changes one company-owned object takes the
// company and answers ENOTFOUND, with the same message as for a missing
// object, when the object belongs to another company: the store enforces
// the company boundary in its queries, callers do not. The few methods
// without a company say why.
type SchedulingStore interface {
	MeetingTypeStore
	AvailabilityStore
	QueueStore
	AppointmentStore
	ProvisionalStore
	UsageStore
	IdempotencyStore
	HostStore
	CalendarBusyStore
}

// HostStore reads the users a booking or slot query names, many at once,
// so that scheduling costs a constant number of queries whatever the number
// of hosts.
type HostStore interface {
	// UsersByIDs returns the company's users among ids, active or removed,
	// in no particular order. Unknown ids and other companies' users are
	// left out, not an error.
	UsersByIDs(ctx context.Context, companyID string, ids []string) ([]User, error)
}

// HostBusy is one host's busy interval.
type HostBusy struct {
	UserID     string
	Start, End time.Time
}

// BusyFilter selects the active appointments of some of a company's hosts
// that overlap [From, To), except the one named by ExceptID (the
// appointment being rescheduled).
type BusyFilter struct {
	CompanyID string
	HostIDs   []string
	From, To  time.Time
	ExceptID  string
	// Calendars adds the hosts' busy times cached from their external
	// calendars (CalendarBusyStore) to the appointments, in the same
	// query, so a slot query costs no extra store call for them.
	Calendars bool
}
