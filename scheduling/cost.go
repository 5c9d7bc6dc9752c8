package scheduling

import (
	"fmt"
	"time"

	"github.com/meetd/meetd"
)

// MaxSlotCost bounds the work of one slot query: the number of candidate
// slot starts in the bookable part of the window times the number of
// hosts. Memory, CPU time and the size of the answer all grow with it (an
// answer lists the free hosts of every start), so the bound keeps one
// request from costing the server hundreds of megabytes.
//
// 31 days of 5-minute starts for 10 hosts (89,280) passes with room to
// spare, and so does 92 days of 30-minute starts for 50 hosts (220,800);
// 92 days of 5-minute starts for 50 hosts (1,324,800) does not. About
// 10 MB of JSON at most.
const MaxSlotCost = 250_000

// slotCost is the number of candidate starts of a step apart in
// [lo, hi] (both inclusive), times hosts.
func slotCost(lo, hi time.Time, step time.Duration, hosts int) int64 {
	if hi.Before(lo) || step <= 0 {
		return 0
	}
	return (int64(hi.Sub(lo)/step) + 1) * int64(hosts)
}

// checkSlotCost refuses a slot query of m over [from, to) for hosts whose
// cost exceeds MaxSlotCost: a validation error on end that says the limit
// and how to stay under it. The window counted is the part that can hold a slot at all:
// after the minimum notice and within the booking window.
func checkSlotCost(m meetd.MeetingType, now, from, to time.Time, duration time.Duration, hosts int) error {
	step := m.SlotStep()
	if step <= 0 {
		step = duration
	}
	lo, hi := from, to.Add(-duration)
	if n := now.Add(time.Duration(m.BookingMinimum) * time.Minute); n.After(lo) {
		lo = n
	}
	if h := m.BookingWindow(); h != 0 && now.Add(h).Before(hi) {
		hi = now.Add(h)
	}
	cost := slotCost(lo, hi, step, hosts)
	if cost <= MaxSlotCost {
		return nil
	}
	var v meetd.Validation
	v.Add("end", fmt.Sprintf("the window is too large: %d start times (one every %d minutes) for %d hosts is %d, at most %d are allowed; ask for a shorter window (start to end) or fewer hosts",
		cost/int64(hosts), int(step/time.Minute), hosts, cost, MaxSlotCost))
	return v.Err()
}
