// Package slots computes bookable time slots. It is pure computation: no I/O,
// no clock, no storage; callers load rules and bookings and pass Now.
//
// # The model
//
// A host's availability is built in layers, each applied to the result of
// the one before:
//
//  1. Weekly rules: for each weekday, spans of local wall-clock time
//     ("09:00–12:00, 13:00–17:00") in the host's IANA zone.
//  2. Open exceptions add absolute time, e.g. an extra Saturday morning.
//  3. Block exceptions remove absolute time: holidays, all-day or multi-day
//     blocks. A Block wins over an Open exception that overlaps it.
//  4. Bookings: a slot is offered only if it, widened by the query's buffers,
//     overlaps none of the host's existing bookings. Buffers only need to be
//     free of bookings; they may fall outside availability, so a 09:00 slot
//     with a 10-minute buffer before it is still offered.
//
// Layers 1–3 give a set of merged intervals (touching intervals join into
// one); Available returns it. Layer 4 and the query's limits (window,
// minimum notice, horizon) then pick slots from it in Compute.
//
// # Alignment of starts
//
// Slot starts are aligned to the start of each merged available interval:
// with availability from 09:00 and a 15-minute step the candidates are 09:00,
// 09:15, 09:30, …, which is what booking pages show. Bookings do not shift
// this grid; a booking ending at 10:20 removes candidates up to it and the
// next start offered is 10:30, not 10:20. Minimum notice, the horizon and
// the search window likewise only cut the grid: an interval that began
// before the window keeps its start, so a slot listed for one window is on
// the grid of every other, which a booking endpoint that checks a single
// start relies on. (The caller must pass the exceptions that shape that
// interval, such as an Open exception already running at the window start.) Only availability unbroken
// for more than eight weeks (a round-the-clock rule) has no start to keep;
// it aligns to local midnight of the window's first day, which gives one
// grid whenever the step divides the day. For several hosts with Anyone
// the result is the union of each host's slots, one Slot per start listing
// every free host; with Everyone the grid is that of the intersection of all
// hosts' availability and every host must be free of bookings.
//
// # Time zones and DST
//
// Weekly spans are expanded date by date in the host's zone and each end is
// converted with time.Date, so spans keep their wall-clock meaning across a
// DST change (09:00–17:00 stays 09:00 to 17:00 local, 8 hours on either side)
// and a span that crosses the change itself is as long as the real time
// between its ends (01:00–04:00 is 2 hours on a spring-forward day and 4 on a
// fall-back day). Wall times that do not exist or exist twice on such a day
// resolve as time.Date resolves them; see Available. Slots are returned in
// UTC.
package slots
