package meetd

import (
	"context"
	"time"
)

// BusyInterval is a time [Start, End) an external calendar shows busy.
type BusyInterval struct{ Start, End time.Time }

// MaxCalendarBusyPieces bounds the intervals one ReplaceCalendarBusy may
// keep, counting an interval once for every week it touches.
const MaxCalendarBusyPieces = 100000

// CalendarBusyStore caches the busy times of hosts' external calendars
// (CalDAV calendars and iCalendar feeds, each a connection of a user), so
// that a slot query reads them from the database and never waits on a
// calendar server. It is a cache written by a background fetcher, not a
// change someone makes: its methods take no Actor and write no audit
// record.
type CalendarBusyStore interface {
	// ReplaceCalendarBusy makes busy, clipped to [from, to), the cached
	// busy times of one connection of a company's user within that
	// window, in one transaction: what the connection had inside the
	// window is dropped, what it had outside stays (a narrow window, such
	// as a live re-check around one slot, replaces only that). Busy times
	// that ended more than a week ago are dropped too: they block nothing.
	// The user must be the company's (ENOTFOUND otherwise); connectionID
	// is the caller's id of the connection (at most 100 characters, not
	// empty). Times are kept to the second. Empty intervals are ignored;
	// an interval ending before it starts, an empty window or more than
	// MaxCalendarBusyPieces pieces is EINVALID.
	ReplaceCalendarBusy(ctx context.Context, companyID, userID, connectionID string, from, to time.Time, busy []BusyInterval) error
	// DeleteCalendarBusy drops every cached busy time of a company's
	// connection (when it is removed or stops blocking time). A
	// connection without any is not an error.
	DeleteCalendarBusy(ctx context.Context, companyID, connectionID string) error
	// CalendarBusy returns the cached busy times of f's hosts (of f's
	// company) overlapping [f.From, f.To), from all their connections, in
	// no particular order and not merged (an interval may come in pieces
	// that touch); f.ExceptID is ignored.
	CalendarBusy(ctx context.Context, f BusyFilter) ([]HostBusy, error)
}
