package meetd

import (
	"encoding/json"
	"time"
)

// DoubleOptIn settings of a meeting type. meetergo's UI offers these three;
// a company-wide default does not exist in meetd, so "useCompanySettings"
// means disabled.
const (
	DoubleOptInDisabled = "disabled"
	DoubleOptInEnabled  = "enabled"
	DoubleOptInCompany  = "useCompanySettings"
)

// MeetingType is a bookable kind of meeting. The fields meetd interprets are
// typed; everything else a client sent under meetingInfo, meetingOptions or
// at the top level is kept verbatim in the Extra maps and returned as sent.
type MeetingType struct {
	ID             string
	CompanyID      string
	UserID         string // the owner (single host, or the creator of a queue meeting type)
	AvailabilityID string
	QueueID        string // set for round-robin meeting types
	Name           string
	Description    string
	Slug           string
	Duration       int // minutes
	Channel        string
	BufferBefore   int // minutes
	BufferAfter    int // minutes
	// AllowedDurations are alternative lengths an attendee may book.
	AllowedDurations []int
	DoubleOptIn      string
	// TimeslotInterval is the step between slot starts in minutes; 0 means
	// the duration.
	TimeslotInterval int
	// BookingMinimum is the minimum notice in minutes.
	BookingMinimum int
	// DaysIntoFuture is meetergo's booking-window object, kept verbatim;
	// BookingWindow interprets it.
	DaysIntoFuture json.RawMessage
	Enabled        bool
	Spots          int
	Locations      []string
	ExtraInfo      map[string]json.RawMessage
	ExtraOptions   map[string]json.RawMessage
	Extra          map[string]json.RawMessage
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DeletedAt      *time.Time
}

// RequiresDoubleOptIn reports whether bookings must be confirmed by the
// attendee before they become appointments.
func (m MeetingType) RequiresDoubleOptIn() bool { return m.DoubleOptIn == DoubleOptInEnabled }

// DurationAllowed reports whether d minutes may be booked: the default or
// one of AllowedDurations.
func (m MeetingType) DurationAllowed(d int) bool {
	if d == m.Duration {
		return true
	}
	for _, a := range m.AllowedDurations {
		if a == d {
			return true
		}
	}
	return false
}

// BookingWindow is how far ahead a slot may start; 0 means no limit. It
// reads daysIntoFuture {mode:"limit", bookingLimit} with bookingLimit in
// minutes (meetergo's example 43200 is 30 days).
func (m MeetingType) BookingWindow() time.Duration {
	var d struct {
		Mode         string `json:"mode"`
		BookingLimit int    `json:"bookingLimit"`
	}
	if len(m.DaysIntoFuture) == 0 || json.Unmarshal(m.DaysIntoFuture, &d) != nil {
		return 0
	}
	if d.Mode != "" && d.Mode != "limit" || d.BookingLimit <= 0 {
		return 0
	}
	return time.Duration(d.BookingLimit) * time.Minute
}

// SlotStep is the interval between slot starts.
func (m MeetingType) SlotStep() time.Duration {
	if m.TimeslotInterval > 0 {
		return time.Duration(m.TimeslotInterval) * time.Minute
	}
	return time.Duration(m.Duration) * time.Minute
}

// Queue distributes a meeting type's bookings over several hosts.
type Queue struct {
	ID                 string
	CompanyID          string
	MeetingTypeID      string
	Type               string // simpleRoundRobin, advancedRoundRobin, equalDistribution
	MaxLeadThreshold   int
	DistributionPeriod string // day, week, month
	Members            []QueueMember
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Queue types.
const (
	QueueSimpleRoundRobin   = "simpleRoundRobin"
	QueueAdvancedRoundRobin = "advancedRoundRobin"
	QueueEqualDistribution  = "equalDistribution"
)

// QueueMember is one host of a queue. Higher Priority is booked first;
// Capacity > 0 caps bookings per distribution period.
type QueueMember struct {
	UserID     string
	Priority   int
	Capacity   int
	CustomLink string
	AddedAt    time.Time
	// LastBookedAt and BookingsInPeriod are computed when the queue is read.
	LastBookedAt     *time.Time
	BookingsInPeriod int
}
