package meetd

import (
	"testing"
	"time"
)

func TestNextHosts(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { x := t0.Add(time.Duration(h) * time.Hour); return &x }
	members := []QueueMember{
		{UserID: "a", Priority: 0, LastBookedAt: at(5), BookingsInPeriod: 3, AddedAt: t0},
		{UserID: "b", Priority: 0, LastBookedAt: at(1), BookingsInPeriod: 5, AddedAt: t0},
		{UserID: "c", Priority: 0, LastBookedAt: nil, BookingsInPeriod: 0, AddedAt: t0.Add(time.Hour)},
		{UserID: "d", Priority: 2, LastBookedAt: at(9), BookingsInPeriod: 9, AddedAt: t0},
	}
	order := func(q Queue) string {
		s := ""
		for _, m := range q.NextHosts() {
			s += m.UserID
		}
		return s
	}
	tests := []struct {
		name string
		q    Queue
		want string
	}{
		{"simple round robin: priority, then longest since booked", Queue{Type: QueueSimpleRoundRobin, Members: members}, "dcba"},
		{"equal distribution: fewest bookings first, priority ignored", Queue{Type: QueueEqualDistribution, Members: members}, "cabd"},
		{"advanced: priority, then fewest bookings", Queue{Type: QueueAdvancedRoundRobin, Members: members}, "dcab"},
		{"advanced with a lead threshold hides hosts far ahead", Queue{Type: QueueAdvancedRoundRobin, MaxLeadThreshold: 4, Members: members}, "ca"},
		{"a host at capacity is left out", Queue{Type: QueueSimpleRoundRobin, Members: withCapacity(members, "d", 9)}, "cba"},
		{"a full queue still orders everyone", Queue{Type: QueueSimpleRoundRobin, Members: []QueueMember{{UserID: "x", Capacity: 1, BookingsInPeriod: 1}}}, "x"},
		{"an empty queue has no next host", Queue{Type: QueueSimpleRoundRobin}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := order(tc.q); got != tc.want {
				t.Fatalf("order = %q, want %q", got, tc.want)
			}
		})
	}
}

func withCapacity(ms []QueueMember, id string, c int) []QueueMember {
	out := append([]QueueMember(nil), ms...)
	for i := range out {
		if out[i].UserID == id {
			out[i].Capacity = c
		}
	}
	return out
}
