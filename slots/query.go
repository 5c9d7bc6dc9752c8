package slots

import "time"

// Host is one person whose time can be booked.
type Host struct {
	// ID is copied into Slot.HostIDs.
	ID string
	// Rules say when the host is available at all.
	Rules Rules
	// Busy lists existing bookings of this host, in any order, possibly
	// overlapping; empty ones (End not after Start) block nothing.
	Busy []Interval
}

// Method says how the availability of several hosts combines.
type Method int

const (
	// Anyone offers a slot when at least one host is free for it (round
	// robin); it is meetergo's default, and Compute treats any Method other
	// than Everyone as Anyone.
	Anyone Method = iota
	// Everyone offers a slot only when every host is free for it (a
	// collective meeting).
	Everyone
)

// Query asks for the bookable slots of some hosts.
type Query struct {
	// From and To are the search window: a slot starts in [From, To) and
	// ends no later than To.
	From, To time.Time
	// Duration is the meeting length; it must be positive.
	Duration time.Duration
	// Step is the distance between candidate starts (meetergo's
	// timeslotInterval); zero or negative means Duration.
	Step time.Duration
	// BufferBefore and BufferAfter pad a slot on each side; the padding must
	// be free of Busy but may lie outside availability. Negative means zero:
	// a negative buffer would let a slot overlap a booking.
	BufferBefore, BufferAfter time.Duration
	// Now is the time of the request.
	Now time.Time
	// MinNotice: a slot may not start before Now+MinNotice.
	MinNotice time.Duration
	// Horizon: a slot may not start after Now+Horizon; zero means no limit.
	Horizon time.Duration
	// Method combines the hosts; the zero value is Anyone.
	Method Method
	// Hosts are the people to book; their order is the order of
	// Slot.HostIDs.
	Hosts []Host
}

// Slot is one bookable time.
type Slot struct {
	// Start and End are in UTC; End is Start plus the query's Duration.
	Start, End time.Time
	// HostIDs are, for Anyone, the hosts free for this slot in Query.Hosts
	// order, and for Everyone all hosts in that order. Each Slot has its own
	// slice.
	HostIDs []string
}

// BusyWindow is the part of time where a busy interval can matter to a
// query over [from, to) with these buffers: Compute's answer is the same
// whether Busy holds every interval or only those overlapping
// [start, end). A slot lies inside [from, to) and its buffers reach
// bufferBefore before and bufferAfter after it, so a busy interval must
// overlap that padded range to touch any slot. Callers read busy times
// for this window only, which on a queue of busy hosts is most of a slot
// request's cost.
func BusyWindow(from, to time.Time, bufferBefore, bufferAfter time.Duration) (start, end time.Time) {
	return from.Add(-max(bufferBefore, 0)), to.Add(max(bufferAfter, 0))
}
