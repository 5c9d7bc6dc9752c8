package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// The calendar busy cache keeps one row per connection and week (the
// bucket): a slot query reads a few rows per host instead of one per
// event, and the read is one bounded range of the host index, since no
// interval in a row starts before its bucket or ends after the next.
const (
	busyBucket   = 7 * 24 * time.Hour
	busyBucketMS = int64(busyBucket / time.Millisecond)
)

var errCalendarBusyUser = meetd.Errorf(meetd.ENOTFOUND, "User not found")

// bucketOf is the start of the week bucket holding t, in milliseconds.
func bucketOf(t time.Time) int64 {
	m := ms(t)
	b := m / busyBucketMS * busyBucketMS
	if b > m { // negative times round towards zero
		b -= busyBucketMS
	}
	return b
}

// busyPiece is an interval inside one bucket, in seconds after its start.
type busyPiece struct{ start, end int64 }

// encodeBusy writes a bucket's pieces, sorted and merged, as the busy
// column: "start-end" pairs joined by ";".
func encodeBusy(pieces []busyPiece) string {
	slices.SortFunc(pieces, func(a, b busyPiece) int { return int(a.start - b.start) })
	var b []byte
	last := -1
	var merged []busyPiece
	for _, p := range pieces {
		if last >= 0 && p.start <= merged[last].end {
			merged[last].end = max(merged[last].end, p.end)
			continue
		}
		merged = append(merged, p)
		last++
	}
	for i, p := range merged {
		if i > 0 {
			b = append(b, ';')
		}
		b = strconv.AppendInt(b, p.start, 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, p.end, 10)
	}
	return string(b)
}

// decodeBusy appends to dst the intervals of a bucket's busy column that
// overlap [from, to), as busy times of user.
func decodeBusy(dst []meetd.HostBusy, user string, bucket int64, busy string, from, to time.Time) ([]meetd.HostBusy, error) {
	var buf [32]busySpan
	spans, err := decodeSpans(buf[:0], bucket, busy, from, to)
	for _, s := range spans {
		dst = append(dst, meetd.HostBusy{UserID: user, Start: fromMS(s.start), End: fromMS(s.end)})
	}
	return dst, err
}

// decodeSpans appends to dst the pieces of a bucket's busy column that
// overlap [from, to), in Unix milliseconds. It is on the path of every
// slot read that misses the cache, so the column is read in place and a
// piece outside the window is dropped before anything is made of it.
func decodeSpans(dst []busySpan, bucket int64, busy string, from, to time.Time) ([]busySpan, error) {
	// For whole milliseconds m: m > from ⇔ m > floor(from), m < to ⇔ m < ceil(to).
	lo, hi := from.UnixMilli(), to.UnixMilli()
	if to.After(time.UnixMilli(hi)) {
		hi++
	}
	for i := 0; i < len(busy); {
		start, j := busyNumber(busy, i)
		if j < 0 || j >= len(busy) || busy[j] != '-' {
			return dst, errUnreadableBusy
		}
		end, k := busyNumber(busy, j+1)
		if k < 0 || k < len(busy) && (busy[k] != ';' || k+1 == len(busy)) {
			return dst, errUnreadableBusy
		}
		i = k + 1
		s, e := bucket+start*1000, bucket+end*1000
		if s < hi && e > lo {
			dst = append(dst, busySpan{s, e})
		}
	}
	return dst, nil
}

var errUnreadableBusy = errors.New("calendar_busy: unreadable busy column")

// busyNumber reads the decimal number of seconds at busy[i:] and returns
// it with the index after it, or -1 when there is none. A piece lies in
// one week, so more than seven digits is not a number this column holds.
func busyNumber(busy string, i int) (int64, int) {
	var n int64
	j := i
	for ; j < len(busy) && busy[j] >= '0' && busy[j] <= '9'; j++ {
		if j-i == 7 {
			return 0, -1
		}
		n = n*10 + int64(busy[j]-'0')
	}
	if j == i {
		return 0, -1
	}
	return n, j
}

// ReplaceCalendarBusy implements meetd.Store.
func (db *DB) ReplaceCalendarBusy(ctx context.Context, companyID, userID, connectionID string, from, to time.Time,
	busy []meetd.BusyInterval) (err error) {
	defer meetd.Wrap(&err, "sqldb.ReplaceCalendarBusy(%s)", connectionID)
	var v meetd.Validation
	if connectionID == "" || len(connectionID) > 100 {
		v.Add("connectionId", "connectionId must be 1 to 100 characters")
	}
	if !from.Before(to) {
		v.Add("to", "to must be after from")
	}
	// Times are kept to the second, like calendars'.
	from, to = from.Truncate(time.Second), to.Truncate(time.Second)
	buckets := map[int64][]busyPiece{}
	n := 0
	for _, b := range busy {
		if b.End.Before(b.Start) {
			v.Add("busy", "every busy interval must end after it starts")
			break
		}
		if n = split(buckets, later(b.Start, from), earlier(b.End, to), n); n > meetd.MaxCalendarBusyPieces {
			v.Add("busy", "too many busy intervals")
			break
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if !meetd.IsUUID(userID) {
		return errCalendarBusyUser
	}
	userID = strings.ToLower(userID)
	return db.update(ctx, func(t *tx) error {
		// Locking the user serialises two refreshes of one host.
		var one int
		err := t.queryRow(ctx, `SELECT 1 FROM users WHERE company_id = ? AND id = ?`+t.d.forUpdate, companyID, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errCalendarBusyUser
		} else if err != nil {
			return err
		}
		// The buckets the window touches are rewritten whole: what they
		// hold outside the window stays.
		first, last := bucketOf(from), bucketOf(to.Add(-time.Second))
		rows, err := t.query(ctx, `SELECT bucket, busy FROM calendar_busy WHERE company_id = ? AND connection_id = ?
			AND bucket >= ? AND bucket <= ?`, companyID, connectionID, first, last)
		if err != nil {
			return err
		}
		var old []meetd.HostBusy
		for rows.Next() {
			var bucket int64
			var busy string
			if err := rows.Scan(&bucket, &busy); err != nil {
				rows.Close()
				return err
			}
			if old, err = decodeBusy(old, "", bucket, busy, fromMS(bucket), fromMS(bucket+busyBucketMS)); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, o := range old {
			split(buckets, o.Start, earlier(o.End, from), 0)
			split(buckets, later(o.Start, to), o.End, 0)
		}
		// Buckets that ended more than a week ago block nothing any more.
		if _, err := t.exec(ctx, `DELETE FROM calendar_busy WHERE company_id = ? AND connection_id = ?
			AND (bucket >= ? AND bucket <= ? OR bucket < ?)`,
			companyID, connectionID, first, last, bucketOf(t.now)-busyBucketMS); err != nil {
			return err
		}
		keys := make([]int64, 0, len(buckets))
		for k := range buckets {
			if k >= bucketOf(t.now)-busyBucketMS {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for len(keys) > 0 {
			n := min(len(keys), 500)
			args := make([]any, 0, 5*n)
			for _, k := range keys[:n] {
				args = append(args, companyID, userID, connectionID, k, encodeBusy(buckets[k]))
			}
			q := `INSERT INTO calendar_busy (company_id, user_id, connection_id, bucket, busy) VALUES ` +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
			if _, err := t.exec(ctx, q, args...); err != nil {
				return err
			}
			keys = keys[n:]
		}
		return nil
	})
}

// split adds [start, end) to the buckets it touches, cut at their edges,
// and returns n plus the pieces added; an empty interval adds none. It
// stops past meetd.MaxCalendarBusyPieces.
func split(buckets map[int64][]busyPiece, start, end time.Time, n int) int {
	start, end = start.Truncate(time.Second), end.Truncate(time.Second)
	for start.Before(end) && n <= meetd.MaxCalendarBusyPieces {
		b := bucketOf(start)
		stop := earlier(end, fromMS(b+busyBucketMS))
		base := fromMS(b)
		buckets[b] = append(buckets[b], busyPiece{int64(start.Sub(base) / time.Second), int64(stop.Sub(base) / time.Second)})
		start = stop
		n++
	}
	return n
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// DeleteCalendarBusy implements meetd.Store.
func (db *DB) DeleteCalendarBusy(ctx context.Context, companyID, connectionID string) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteCalendarBusy(%s)", connectionID)
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM calendar_busy WHERE company_id = ? AND connection_id = ?`, companyID, connectionID)
		return err
	})
}

// CalendarBusy implements meetd.Store.
func (db *DB) CalendarBusy(ctx context.Context, f meetd.BusyFilter) (_ []meetd.HostBusy, err error) {
	defer meetd.Wrap(&err, "sqldb.CalendarBusy(%s, %d hosts)", f.CompanyID, len(f.HostIDs))
	f.HostIDs = distinct(f.HostIDs)
	if len(f.HostIDs) == 0 || !f.From.Before(f.To) {
		return nil, nil
	}
	rows, err := db.query(ctx, calendarBusySQL(len(f.HostIDs)), calendarBusyArgs(f)...)
	if err != nil {
		return nil, err
	}
	return scanBusy(rows, f)
}

// scanBusy reads rows of (host, start, end, busy), host being the
// position in f.HostIDs: an appointment's interval when busy is NULL,
// else a calendar bucket starting at start, whose intervals overlapping
// f's window it returns.
func scanBusy(rows *sql.Rows, f meetd.BusyFilter) ([]meetd.HostBusy, error) {
	defer rows.Close()
	out := make([]meetd.HostBusy, 0, 64)
	var host, s, e int64
	var busy sql.NullString
	dest := []any{&host, &s, &e, &busy}
	// A calendar's rows are the host's id as stored there, lowercased;
	// each host's is made once, not once per row.
	lower := make([]string, len(f.HostIDs))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		user, err := hostAt(f.HostIDs, host)
		if err != nil {
			return nil, err
		}
		if !busy.Valid {
			out = append(out, meetd.HostBusy{UserID: user, Start: fromMS(s), End: fromMS(e)})
			continue
		}
		if lower[host] == "" {
			lower[host] = strings.ToLower(user)
		}
		if out, err = decodeBusy(out, lower[host], s, busy.String, f.From, f.To); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// calendarBusySQL is CalendarBusy's query for n hosts, in the columns of
// scanBusy: the buckets that may hold an interval overlapping the window,
// one range of the calendar_busy_host index per host.
func calendarBusySQL(n int) string {
	return `SELECT v.column2, k.bucket, 0, k.busy FROM (VALUES ` + hostValues(n) + `) v
		CROSS JOIN calendar_busy k WHERE k.user_id = v.column1 AND k.company_id = ? AND k.bucket > ? AND k.bucket < ?`
}

func calendarBusyArgs(f meetd.BusyFilter) []any {
	var args []any
	for _, id := range f.HostIDs {
		args = append(args, strings.ToLower(id))
	}
	return append(args, f.CompanyID, ms(f.From)-busyBucketMS, ms(f.To))
}
