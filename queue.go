package meetd

import (
	"cmp"
	"slices"
	"time"
)

// NextHosts orders the queue's members by who should get the next booking:
//
//   - simpleRoundRobin: higher priority first, then whoever was booked
//     longest ago (never booked first);
//   - equalDistribution: fewest bookings in the distribution period first,
//     then longest ago;
//   - advancedRoundRobin: higher priority first, then fewest bookings in
//     the period, then longest ago; with MaxLeadThreshold > 0 a host more
//     than that many bookings ahead of the least-booked host is hidden.
//
// Members at their capacity for the period (Capacity > 0) are left out,
// unless every member is, so a full queue still takes bookings. Ties go to
// the member added first, then the lower user id, so the order is stable.
func (q Queue) NextHosts() []QueueMember {
	open := make([]QueueMember, 0, len(q.Members))
	for _, m := range q.Members {
		if m.Capacity <= 0 || m.BookingsInPeriod < m.Capacity {
			open = append(open, m)
		}
	}
	if len(open) == 0 {
		open = slices.Clone(q.Members)
	}
	if q.Type == QueueAdvancedRoundRobin && q.MaxLeadThreshold > 0 && len(open) > 0 {
		least := open[0].BookingsInPeriod
		for _, m := range open {
			least = min(least, m.BookingsInPeriod)
		}
		open = slices.DeleteFunc(open, func(m QueueMember) bool { return m.BookingsInPeriod-least > q.MaxLeadThreshold })
	}
	byPriority := q.Type != QueueEqualDistribution
	byCount := q.Type != QueueSimpleRoundRobin
	slices.SortStableFunc(open, func(a, b QueueMember) int {
		if byPriority && a.Priority != b.Priority {
			return cmp.Compare(b.Priority, a.Priority)
		}
		if byCount && a.BookingsInPeriod != b.BookingsInPeriod {
			return cmp.Compare(a.BookingsInPeriod, b.BookingsInPeriod)
		}
		if c := compareLastBooked(a.LastBookedAt, b.LastBookedAt); c != 0 {
			return c
		}
		if c := a.AddedAt.Compare(b.AddedAt); c != 0 {
			return c
		}
		if a.UserID < b.UserID {
			return -1
		}
		return 1
	})
	return open
}

// compareLastBooked puts never-booked members first, then the earliest.
func compareLastBooked(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}
