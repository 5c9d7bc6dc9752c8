package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/meetd/meetd"
)

// busyCache keeps hosts' appointment intervals in memory, each under the
// host's busy version (table host_busy_versions, bumped by triggers in
// the transaction of every change to the host's appointment_hosts rows).
// Every read reads the hosts' versions from the database (see
// cachedBusy), so a change committed by any node, or any other process on
// the same database, is seen on the next read. Rows read after a version
// are at least as new as it: an entry may hold a change its version does
// not name yet, never miss one it names. One entry per host: a read of a
// window no entry covers replaces it.
//
// A read with calendars (BusyFilter.Calendars) keeps the hosts' calendar
// busy times in the same entry, sorted in with the appointments: the
// version moves with calendar_busy too (migration 00029), and a slot
// request of hosts with connected calendars then reads no calendar row
// while their versions stand. Entries with and without calendars are apart.
type busyCache struct {
	mu      sync.Mutex
	entries map[busyKey]*busyEntry
	// spans is the number of intervals held by all entries.
	spans int
}

type busyKey struct {
	company, host string
	calendars     bool
}

// busyEntry is a host's active intervals overlapping [from, to), in
// Unix milliseconds, read at version. It is never changed once stored.
type busyEntry struct {
	version  int64
	from, to int64
	spans    []busySpan
	// busy is spans as Busy answers them, for a read of the entry's
	// own window: one copy instead of a conversion per interval.
	busy []meetd.HostBusy
}

func newBusyEntry(host string, version, from, to int64, spans []busySpan) *busyEntry {
	e := &busyEntry{version: version, from: from, to: to, spans: spans, busy: make([]meetd.HostBusy, len(spans))}
	for i, s := range spans {
		e.busy[i] = meetd.HostBusy{UserID: host, Start: fromMS(s.start), End: fromMS(s.end)}
	}
	return e
}

type busySpan struct{ start, end int64 }

// Bounds of the cache: a host with more intervals in a window is read
// from the database each time; past maxBusySpans held, entries go.
const (
	maxBusyEntrySpans = 20_000
	maxBusySpans      = 500_000
	maxBusyEntries    = 20_000
)

func newBusyCache() *busyCache { return &busyCache{entries: map[busyKey]*busyEntry{}} }

// get is the entry of host in company when it is at version and covers
// [from, to).
func (c *busyCache) get(k busyKey, version, from, to int64) *busyEntry {
	c.mu.Lock()
	e := c.entries[k]
	c.mu.Unlock()
	if e == nil || e.version != version || e.from > from || e.to < to {
		return nil
	}
	return e
}

func (c *busyCache) put(k busyKey, e *busyEntry) {
	if len(e.spans) > maxBusyEntrySpans {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[k]; old != nil {
		c.spans -= len(old.spans)
		delete(c.entries, k)
	}
	// Map iteration order is random: evicting the first entries met is
	// random eviction, enough for a bound that is rarely reached.
	for k2, old := range c.entries {
		if c.spans+len(e.spans) <= maxBusySpans && len(c.entries) < maxBusyEntries {
			break
		}
		c.spans -= len(old.spans)
		delete(c.entries, k2)
	}
	c.entries[k] = e
	c.spans += len(e.spans)
}

// busyVersionsSQL answers, for each of n hosts of the company, (the
// host's position in the VALUES list, its busy version, -1, NULL); a host
// of another company or none is absent. The -1 tells these rows from busy
// rows (an end time) and calendar rows (a busy column) in a union.
func busyVersionsSQL(n int) string {
	return `SELECT v.column2, COALESCE(hv.version, 0), -1, CAST(NULL AS TEXT) FROM (VALUES ` + hostValues(n) + `) v
		CROSS JOIN users u LEFT JOIN host_busy_versions hv ON hv.user_id = u.id
		WHERE u.id = v.column1 AND u.company_id = ?`
}

// covers reports whether the cache holds host's intervals for a window
// covering [from, to), at any version.
func (c *busyCache) covers(k busyKey, from, to int64) bool {
	c.mu.Lock()
	e := c.entries[k]
	c.mu.Unlock()
	return e != nil && e.from <= from && e.to >= to
}

// cachedBusy is Busy through the cache, for f without ExceptID and with
// distinct hosts. It answers the same intervals as the uncached query.
//
// When the cache may serve some host, the versions (and calendar busy
// times) are read first, then the intervals of the hosts it cannot serve.
// When it can serve none (a booking's check, a new window), one statement
// reads the versions with every host's intervals: one snapshot, and no
// more round trips than without the cache.
func (db *DB) cachedBusy(ctx context.Context, f meetd.BusyFilter) ([]meetd.HostBusy, error) {
	n := len(f.HostIDs)
	from, to := ms(f.From), ms(f.To)
	withRows := true
	for _, id := range f.HostIDs {
		if db.busy.covers(busyKey{f.CompanyID, id, f.Calendars}, from, to) {
			withRows = false
			break
		}
	}
	q := busyVersionsSQL(n)
	args := make([]any, 0, 4*n+8)
	for _, id := range f.HostIDs {
		args = append(args, id)
	}
	args = append(args, f.CompanyID)
	if withRows {
		q += ` UNION ALL SELECT b.column2, b.start_at, b.end_at, CAST(NULL AS TEXT) FROM (` + busySQL(n) + `) b`
		args = append(args, busyArgs(f)...)
	}
	if withRows && f.Calendars && f.From.Before(f.To) {
		q += ` UNION ALL ` + calendarBusySQL(n)
		args = append(args, calendarBusyArgs(f)...)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	// versions[i] is host i's version, -1 when it is not the company's.
	versions := make([]int64, n)
	for i := range versions {
		versions[i] = -1
	}
	var read map[string][]busySpan
	if withRows {
		read = make(map[string][]busySpan, n)
	}
	err = func() error {
		defer rows.Close()
		var host, a, b int64
		var busy sql.NullString
		dest := []any{&host, &a, &b, &busy}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			user, err := hostAt(f.HostIDs, host)
			if err != nil {
				return err
			}
			switch {
			case busy.Valid:
				if read[user], err = decodeSpans(read[user], a, busy.String, f.From, f.To); err != nil {
					return err
				}
			case b == -1:
				versions[host] = a
			default:
				read[user] = append(read[user], busySpan{a, b})
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, err
	}
	if withRows {
		sortSpans(read)
	}

	entries := make([]*busyEntry, n)
	var missing []string
	for i, id := range f.HostIDs {
		if versions[i] < 0 {
			continue
		}
		if entries[i] = db.busy.get(busyKey{f.CompanyID, id, f.Calendars}, versions[i], from, to); entries[i] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 && !withRows {
		if read, err = db.readBusySpans(ctx, f, missing); err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		for i, id := range f.HostIDs {
			if versions[i] < 0 || entries[i] != nil {
				continue
			}
			e := newBusyEntry(id, versions[i], from, to, read[id])
			db.busy.put(busyKey{f.CompanyID, id, f.Calendars}, e)
			entries[i] = e
		}
	}

	total := 0
	for _, e := range entries {
		if e != nil {
			total += len(e.spans)
		}
	}
	out := make([]meetd.HostBusy, 0, total)
	for i, e := range entries {
		if e == nil {
			continue
		}
		if e.from == from && e.to == to {
			// Every interval read for this window overlaps it.
			out = append(out, e.busy...)
			continue
		}
		id := f.HostIDs[i]
		for _, s := range e.spans {
			if s.start < to && s.end > from {
				out = append(out, meetd.HostBusy{UserID: id, Start: fromMS(s.start), End: fromMS(s.end)})
			}
		}
	}
	return out, nil
}

// readBusySpans reads the active intervals of hosts (distinct, of f's
// company) overlapping f's window, by host, with their calendar busy
// times when f.Calendars.
func (db *DB) readBusySpans(ctx context.Context, f meetd.BusyFilter, hosts []string) (map[string][]busySpan, error) {
	g := f
	g.HostIDs = hosts
	q, args := busySQL(len(hosts)), busyArgs(g)
	withCalendars := f.Calendars && f.From.Before(f.To)
	if withCalendars {
		q, args = busyWithCalendarsSQL(len(hosts)), append(args, calendarBusyArgs(g)...)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string][]busySpan, len(hosts))
	var host, s, e int64
	var busy sql.NullString
	dest := []any{&host, &s, &e}
	if withCalendars {
		dest = append(dest, &busy)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		id, err := hostAt(hosts, host)
		if err != nil {
			return nil, err
		}
		if busy.Valid {
			if out[id], err = decodeSpans(out[id], s, busy.String, f.From, f.To); err != nil {
				return nil, err
			}
			continue
		}
		out[id] = append(out[id], busySpan{s, e})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortSpans(out)
	return out, nil
}

// sortSpans sorts each host's intervals by start: slot computation then
// uses them without a copy (slots.padded), and this sort is paid once per
// version.
func sortSpans(byHost map[string][]busySpan) {
	for _, spans := range byHost {
		slices.SortFunc(spans, func(a, b busySpan) int { return cmp.Compare(a.start, b.start) })
	}
}
