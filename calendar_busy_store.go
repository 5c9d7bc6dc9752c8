package meetd

import (
	"context"
	"time"
)

// BusyInterval is a time [Start, End) an external calendar shows busy.
type BusyInterval struct{ Start, End time.Time }

// CalendarBusyPiece is the longest interval the calendar busy cache
// stores in one row: longer ones are kept as consecutive pieces, so that
// a read of a window looks at no row starting more than one piece before
// it (the read is bounded on both sides of one index). Adjacent pieces
// merge back into one busy time in slot computation.
const CalendarBusyPiece = 24 * time.Hour

// MaxCalendarBusyPieces bounds the rows one ReplaceCalendarBusy may
// write.
const MaxCalendarBusyPieces = 100000

// CalendarBusyStore caches the busy times of hosts' external calendars
// (CalDAV calendars and iCalendar feeds, each a connection of a user), so
// that a slot query reads them from the database and never waits on a
// calendar server. It is a cache written by a background fetcher, not a
// change someone makes: its methods take no Actor and write no audit
// record.
type CalendarBusyStore interface {
	// ReplaceCalendarBusy makes busy the cached busy times of one
	// connection of a company's user, in one transaction: every interval
	// the connection had that starts before to is dropped (what lay before
	// from is past and blocks nothing; what reaches past to keeps its part
	// from to on), and busy, clipped to [from, to), takes its place. The
	// user must be the company's (ENOTFOUND otherwise); connectionID is
	// the caller's id of the connection (at most 100 characters, not
	// empty). Empty intervals are ignored; an interval ending before it
	// starts, an empty window or more than MaxCalendarBusyPieces rows is
	// EINVALID.
	ReplaceCalendarBusy(ctx context.Context, companyID, userID, connectionID string, from, to time.Time, busy []BusyInterval) error
	// DeleteCalendarBusy drops every cached busy time of a company's
	// connection (when it is removed or stops blocking time). A
	// connection without any is not an error.
	DeleteCalendarBusy(ctx context.Context, companyID, connectionID string) error
	// CalendarBusy returns the cached busy times of f's hosts (of f's
	// company) overlapping [f.From, f.To), from all their connections, in
	// no particular order and not merged; f.ExceptID is ignored.
	CalendarBusy(ctx context.Context, f BusyFilter) ([]HostBusy, error)
}
