// Package calsync connects users' own calendars to meetd: CalDAV accounts
// (discovered from a server URL with go-webdav's CalDAV client) and
// iCalendar feed URLs. It seals their secrets under the operator's key
// (Box), checks and discovers a connection before it is stored (Service),
// refreshes each connection's busy times into the store's cache in the
// background (Refresher), re-checks a chosen slot live at booking time
// (Live), and writes bookings into the host's chosen CalDAV calendar
// through the store's outbox (Writer).
//
// Every request to a calendar server goes through the webhook SSRF guard
// (webhook.Guard), with a bounded timeout and a size cap. No secret (app
// password, feed URL) is ever logged or returned: errors name the
// connection id and what failed.
//
// The package imports neither net/http's server side nor sqldb: it sees
// the store through meetd's interfaces. Expanding calendar data into busy
// intervals is the Expander's job (package icalbusy, wired by cmd/meetd).
package calsync
