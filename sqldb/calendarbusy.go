package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

var errCalendarBusyUser = meetd.Errorf(meetd.ENOTFOUND, "User not found")

// calendarBusyBatch is how many rows one INSERT writes: five arguments a
// row stays far below both engines' limits on arguments.
const calendarBusyBatch = 500

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
	pieces := make([]meetd.BusyInterval, 0, len(busy))
	for _, b := range busy {
		if b.End.Before(b.Start) {
			v.Add("busy", "every busy interval must end after it starts")
			break
		}
		b.Start, b.End = later(b.Start, from), earlier(b.End, to)
		pieces = split(pieces, b)
		if len(pieces) > meetd.MaxCalendarBusyPieces {
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
		// Locking the user serialises two refreshes of the same host, so
		// neither inserts next to what the other just wrote.
		var one int
		err := t.queryRow(ctx, `SELECT 1 FROM users WHERE company_id = ? AND id = ?`+t.d.forUpdate, companyID, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errCalendarBusyUser
		} else if err != nil {
			return err
		}
		rows, err := t.query(ctx, `SELECT end_at FROM calendar_busy WHERE company_id = ? AND connection_id = ?
			AND start_at < ? AND end_at > ?`, companyID, connectionID, ms(to), ms(to))
		if err != nil {
			return err
		}
		tails, err := scanAll(rows, func(row interface{ Scan(...any) error }) (meetd.BusyInterval, error) {
			var e int64
			err := row.Scan(&e)
			return meetd.BusyInterval{Start: to, End: fromMS(e)}, err
		})
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM calendar_busy WHERE company_id = ? AND connection_id = ? AND start_at < ?`,
			companyID, connectionID, ms(to)); err != nil {
			return err
		}
		all := append(pieces, tails...)
		for len(all) > 0 {
			n := min(len(all), calendarBusyBatch)
			args := make([]any, 0, 5*n)
			for _, p := range all[:n] {
				args = append(args, companyID, userID, connectionID, ms(p.Start), ms(p.End))
			}
			q := `INSERT INTO calendar_busy (company_id, user_id, connection_id, start_at, end_at) VALUES ` +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
			if _, err := t.exec(ctx, q, args...); err != nil {
				return err
			}
			all = all[n:]
		}
		return nil
	})
}

// split appends b to dst in pieces of at most meetd.CalendarBusyPiece,
// leaving out an empty b.
func split(dst []meetd.BusyInterval, b meetd.BusyInterval) []meetd.BusyInterval {
	for b.Start.Before(b.End) && len(dst) <= meetd.MaxCalendarBusyPieces {
		end := earlier(b.End, b.Start.Add(meetd.CalendarBusyPiece))
		dst = append(dst, meetd.BusyInterval{Start: b.Start, End: end})
		b.Start = end
	}
	return dst
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
	if len(f.HostIDs) == 0 || !f.From.Before(f.To) {
		return nil, nil
	}
	rows, err := db.query(ctx, calendarBusySQL(len(f.HostIDs)), calendarBusyArgs(f)...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(row interface{ Scan(...any) error }) (meetd.HostBusy, error) {
		var b meetd.HostBusy
		var s, e int64
		err := row.Scan(&b.UserID, &s, &e)
		b.Start, b.End = fromMS(s), fromMS(e)
		return b, err
	})
}

// calendarBusySQL is CalendarBusy's query for n hosts, one range of the
// calendar_busy_host index per host: no piece is longer than
// meetd.CalendarBusyPiece, so every one overlapping the window starts at
// most that long before it.
func calendarBusySQL(n int) string {
	return `SELECT user_id, start_at, end_at FROM calendar_busy
		WHERE company_id = ? AND user_id IN (` + placeholders(n) + `) AND start_at >= ? AND start_at < ? AND end_at > ?`
}

func calendarBusyArgs(f meetd.BusyFilter) []any {
	args := []any{f.CompanyID}
	for _, id := range f.HostIDs {
		args = append(args, strings.ToLower(id))
	}
	return append(args, ms(f.From.Add(-meetd.CalendarBusyPiece)), ms(f.To), ms(f.From))
}
