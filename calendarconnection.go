package meetd

import (
	"strings"
	"time"
)

// CalendarKind is what a calendar connection reads: a CalDAV account or an
// iCalendar feed.
type CalendarKind string

// The kinds of calendar connection. They are also the "provider" of
// meetergo's connection list.
const (
	// CalendarCalDAV is a CalDAV account (Nextcloud, Radicale, iCloud,
	// Fastmail, SOGo, Baïkal): a server URL, a user name and an app
	// password. Its calendars block time, and one may receive new events.
	CalendarCalDAV CalendarKind = "caldav"
	// CalendarICS is an iCalendar feed URL (the secret address Google,
	// Outlook and Apple calendars offer): read-only, and the URL itself
	// is the secret.
	CalendarICS CalendarKind = "ics"
)

// CalendarStatus says whether the last contact with a connection's server
// worked.
type CalendarStatus string

// The states of a calendar connection.
const (
	// CalendarPending: created or changed, not read since.
	CalendarPending CalendarStatus = "pending"
	// CalendarOK: the last refresh worked.
	CalendarOK CalendarStatus = "ok"
	// CalendarFailing: the last refresh failed for a reason other than
	// the credentials (the server was down, say); it is tried again.
	CalendarFailing CalendarStatus = "failing"
	// CalendarBroken: the server refused the credentials (or the feed
	// is gone). Shown in the API and the dashboard; credential_error
	// was emitted once when it broke. An update of the secret, or a
	// refresh that works again, mends it.
	CalendarBroken CalendarStatus = "broken"
)

// MaxCalendarConnectionsPerUser bounds one user's connections.
const MaxCalendarConnectionsPerUser = 10

// MaxCalendarsPerConnection bounds the calendars one CalDAV account may
// list (and so the busy calendars one may pick).
const MaxCalendarsPerConnection = 50

// CalendarRef is one calendar of a CalDAV account as discovery found it:
// its collection path on the server and its display name.
type CalendarRef struct {
	Path string `json:"path"`
	Name string `json:"name"`
}

// CalendarConnection is one user's connected calendar account or feed.
// Secret is the sealed (encrypted) app password or feed URL: it is only
// ever opened by the calendar workers and never rendered.
type CalendarConnection struct {
	ID        string
	CompanyID string
	UserID    string
	Kind      CalendarKind
	// Name is a label the user chose (empty: none).
	Name string
	// ServerURL is the CalDAV URL the user gave (empty for a feed, whose
	// URL is the secret).
	ServerURL string
	// Username is the CalDAV user name (empty for a feed).
	Username string
	// Calendars are the account's calendars as last discovered.
	Calendars []CalendarRef
	// BusyCalendars are the paths of the calendars whose events block
	// time (meetergo's selectedCalendars).
	BusyCalendars []string
	// WriteCalendar is the path of the calendar that receives new
	// events (meetergo's primaryCalendar); empty: none are written.
	WriteCalendar string
	Secret        []byte
	Status        CalendarStatus
	// LastError says why the last refresh failed, without any secret.
	LastError  string
	LastSyncAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// NewCalendarConnection is what CreateCalendarConnection stores. ID is
// chosen by the caller, because the sealed secret is bound to it.
type NewCalendarConnection struct {
	ID            string
	CompanyID     string
	UserID        string
	Kind          CalendarKind
	Name          string
	ServerURL     string
	Username      string
	Calendars     []CalendarRef
	BusyCalendars []string
	WriteCalendar string
	Secret        []byte
}

// CalendarConnectionUpdate lists the fields to change; nil leaves one
// alone. Any update makes the connection due for a refresh at once.
type CalendarConnectionUpdate struct {
	Name          *string
	ServerURL     *string
	Username      *string
	Calendars     []CalendarRef // nil: unchanged
	BusyCalendars []string      // nil: unchanged
	WriteCalendar *string
	// Secret, when set, replaces the sealed secret and mends a broken
	// connection (its state goes back to pending).
	Secret []byte
}

// CalendarRefreshResult is the end of one refresh of a connection, as the
// refresher reports it.
type CalendarRefreshResult struct {
	ConnectionID string
	// Status is CalendarOK, CalendarFailing or CalendarBroken.
	Status CalendarStatus
	// Error says what went wrong, never carrying a secret.
	Error string
	// NextAt is when the connection is due again.
	NextAt time.Time
}

// CalendarWrite is one claimed write-back: bring appointment
// AppointmentID's event in the connection's calendar in line with the
// appointment as it stands now (create or update it, or delete it when the
// appointment is cancelled or the host left it).
type CalendarWrite struct {
	ID            int64
	CompanyID     string
	AppointmentID string
	ConnectionID  string
	UserID        string
	// Path is the event's object path on the CalDAV server, fixed when
	// the write was first queued: derived from the event's UID, so a
	// repeated PUT replaces the same object instead of adding one.
	Path string
	// Version counts the changes queued for this appointment and
	// connection; a result is recorded only for the version it wrote.
	Version int
	Attempt int
}

// CalendarWriteResult is how a write-back attempt ended.
type CalendarWriteResult struct {
	ID      int64
	Version int
	// Done: the server holds what the appointment says.
	Done bool
	// NextAt is the next attempt when not Done.
	NextAt time.Time
	Error  string
}

// CalendarObjectPath is the path of an appointment's event in a CalDAV
// calendar collection: the appointment id, which is the unique part of
// the event's UID, plus ".ics". Every write of the appointment goes to the
// same object, so a repeated PUT (after a crash between the PUT and
// recording it) replaces the event instead of adding a second one.
func CalendarObjectPath(calendar, appointmentID string) string {
	return strings.TrimSuffix(calendar, "/") + "/" + appointmentID + ".ics"
}
