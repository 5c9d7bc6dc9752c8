package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

const calendarConnectionColumns = `id, company_id, user_id, kind, name, server_url, username, calendars, busy_calendars,
	write_calendar, secret, status, last_error, last_sync_at, created_at, updated_at`

var errCalendarConnectionNotFound = meetd.Errorf(meetd.ENOTFOUND, "Calendar connection not found")

func scanCalendarConnection(row interface{ Scan(...any) error }) (meetd.CalendarConnection, error) {
	var c meetd.CalendarConnection
	var kind, status, calendars, busy string
	var last sql.NullInt64
	var created, updated int64
	if err := row.Scan(&c.ID, &c.CompanyID, &c.UserID, &kind, &c.Name, &c.ServerURL, &c.Username, &calendars, &busy,
		&c.WriteCalendar, &c.Secret, &status, &c.LastError, &last, &created, &updated); err != nil {
		return c, err
	}
	c.Kind, c.Status = meetd.CalendarKind(kind), meetd.CalendarStatus(status)
	if err := json.Unmarshal([]byte(calendars), &c.Calendars); err != nil {
		return c, fmt.Errorf("calendar connection %s: stored calendars: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(busy), &c.BusyCalendars); err != nil {
		return c, fmt.Errorf("calendar connection %s: stored busy calendars: %w", c.ID, err)
	}
	if c.Calendars == nil {
		c.Calendars = []meetd.CalendarRef{}
	}
	if c.BusyCalendars == nil {
		c.BusyCalendars = []string{}
	}
	c.LastSyncAt = timePtr(last)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, nil
}

func calendarConnection(ctx context.Context, q querier, companyID, id, lock string) (meetd.CalendarConnection, error) {
	if !meetd.IsUUID(id) {
		return meetd.CalendarConnection{}, errCalendarConnectionNotFound
	}
	c, err := scanCalendarConnection(q.queryRow(ctx, `SELECT `+calendarConnectionColumns+` FROM calendar_connections
		WHERE company_id = ? AND id = ?`+lock, companyID, strings.ToLower(id)))
	return c, notFound(err, errCalendarConnectionNotFound.Message)
}

// CreateCalendarConnection implements meetd.Store.
func (db *DB) CreateCalendarConnection(ctx context.Context, a meetd.Actor, n meetd.NewCalendarConnection) (_ meetd.CalendarConnection, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateCalendarConnection(%s)", n.UserID)
	var out meetd.CalendarConnection
	err = db.update(ctx, func(t *tx) error {
		var status string
		err := t.queryRow(ctx, `SELECT status FROM users WHERE company_id = ? AND id = ?`+t.d.forUpdate,
			n.CompanyID, strings.ToLower(n.UserID)).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || err == nil && status != string(meetd.UserActive) {
			return meetd.Errorf(meetd.ENOTFOUND, "User not found")
		} else if err != nil {
			return err
		}
		var count int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM calendar_connections WHERE company_id = ? AND user_id = ?`,
			n.CompanyID, strings.ToLower(n.UserID)).Scan(&count); err != nil {
			return err
		}
		if count >= meetd.MaxCalendarConnectionsPerUser {
			return meetd.Errorf(meetd.ENOTACCEPTABLE, "Maximum number of calendar connections reached (%d)",
				meetd.MaxCalendarConnectionsPerUser)
		}
		if _, err := t.exec(ctx, `INSERT INTO calendar_connections (id, company_id, user_id, kind, name, server_url,
			username, calendars, busy_calendars, write_calendar, secret, status, next_refresh_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, n.CompanyID, strings.ToLower(n.UserID),
			string(n.Kind), n.Name, n.ServerURL, n.Username, jsonText(nonNilRefs(n.Calendars)), jsonText(nonNil(n.BusyCalendars)),
			n.WriteCalendar, n.Secret, string(meetd.CalendarPending), ms(t.now), ms(t.now), ms(t.now)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, n.CompanyID, "calendar_connection.create", "calendar_connection", n.ID); err != nil {
			return err
		}
		c, err := calendarConnection(ctx, t, n.CompanyID, n.ID, "")
		out = c
		return err
	})
	return out, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilRefs(s []meetd.CalendarRef) []meetd.CalendarRef {
	if s == nil {
		return []meetd.CalendarRef{}
	}
	return s
}

// CalendarConnectionByID implements meetd.Store.
func (db *DB) CalendarConnectionByID(ctx context.Context, companyID, id string) (_ meetd.CalendarConnection, err error) {
	defer meetd.Wrap(&err, "sqldb.CalendarConnectionByID(%s)", id)
	c, err := calendarConnection(ctx, db, companyID, id, "")
	return c, err
}

// CalendarConnections implements meetd.Store.
func (db *DB) CalendarConnections(ctx context.Context, companyID, userID string) (_ []meetd.CalendarConnection, err error) {
	defer meetd.Wrap(&err, "sqldb.CalendarConnections(%s)", userID)
	q, args := `SELECT `+calendarConnectionColumns+` FROM calendar_connections WHERE company_id = ?`, []any{companyID}
	if userID != "" {
		q, args = q+` AND user_id = ?`, append(args, strings.ToLower(userID))
	}
	rows, err := db.query(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanCalendarConnection)
}

// CalendarConnectionsOfUsers implements meetd.Store.
func (db *DB) CalendarConnectionsOfUsers(ctx context.Context, companyID string, userIDs []string) (_ []meetd.CalendarConnection, err error) {
	defer meetd.Wrap(&err, "sqldb.CalendarConnectionsOfUsers")
	if len(userIDs) == 0 {
		return []meetd.CalendarConnection{}, nil
	}
	args := []any{companyID}
	for _, id := range userIDs {
		args = append(args, strings.ToLower(id))
	}
	rows, err := db.query(ctx, calendarConnectionsOfUsersSQL(len(userIDs)), args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanCalendarConnection)
}

// UpdateCalendarConnection implements meetd.Store.
func (db *DB) UpdateCalendarConnection(ctx context.Context, a meetd.Actor, companyID, id string,
	up meetd.CalendarConnectionUpdate) (_ meetd.CalendarConnection, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateCalendarConnection(%s)", id)
	var out meetd.CalendarConnection
	err = db.update(ctx, func(t *tx) error {
		c, err := calendarConnection(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&c.Name, up.Name)
		set(&c.ServerURL, up.ServerURL)
		set(&c.Username, up.Username)
		set(&c.WriteCalendar, up.WriteCalendar)
		if up.Calendars != nil {
			c.Calendars = up.Calendars
		}
		if up.BusyCalendars != nil {
			c.BusyCalendars = up.BusyCalendars
		}
		status, broken := c.Status, "broken_notified"
		if up.Secret != nil {
			c.Secret = up.Secret
			status, broken = meetd.CalendarPending, "FALSE"
		}
		if _, err := t.exec(ctx, `UPDATE calendar_connections SET name = ?, server_url = ?, username = ?, calendars = ?,
			busy_calendars = ?, write_calendar = ?, secret = ?, status = ?, broken_notified = `+broken+`,
			next_refresh_at = ?, updated_at = ? WHERE id = ?`, c.Name, c.ServerURL, c.Username,
			jsonText(nonNilRefs(c.Calendars)), jsonText(nonNil(c.BusyCalendars)), c.WriteCalendar, c.Secret, string(status),
			ms(t.now), ms(t.now), c.ID); err != nil {
			return err
		}
		if err := t.audit(ctx, a, companyID, "calendar_connection.update", "calendar_connection", c.ID); err != nil {
			return err
		}
		c, err = calendarConnection(ctx, t, companyID, c.ID, "")
		out = c
		return err
	})
	return out, err
}

// DeleteCalendarConnection implements meetd.Store.
func (db *DB) DeleteCalendarConnection(ctx context.Context, a meetd.Actor, companyID, id string) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteCalendarConnection(%s)", id)
	return db.update(ctx, func(t *tx) error {
		c, err := calendarConnection(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		if err := t.deleteConnectionBusy(ctx, companyID, c.ID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM calendar_writes WHERE connection_id = ?`, c.ID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM calendar_connections WHERE id = ?`, c.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "calendar_connection.delete", "calendar_connection", c.ID)
	})
}

// ClaimCalendarRefreshes implements meetd.Store. FinishCalendarRefresh
// recognises a change made since the claim by the connection's UpdatedAt,
// which every change moves.
func (db *DB) ClaimCalendarRefreshes(ctx context.Context, limit int, lease time.Duration) (_ []meetd.CalendarConnection, err error) {
	defer meetd.Wrap(&err, "sqldb.ClaimCalendarRefreshes")
	var out []meetd.CalendarConnection
	err = db.update(ctx, func(t *tx) error {
		rows, err := t.query(ctx, calendarRefreshesDueSQL+t.d.skipLocked(), ms(t.now), limit)
		if err != nil {
			return err
		}
		out, err = scanAll(rows, scanCalendarConnection)
		if err != nil {
			return err
		}
		for _, c := range out {
			if _, err := t.exec(ctx, `UPDATE calendar_connections SET next_refresh_at = ? WHERE id = ?`,
				ms(t.now.Add(lease)), c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FinishCalendarRefresh implements meetd.Store. A connection changed since
// the claim (its updated_at moved) keeps the change's schedule: the
// result read the old settings.
func (db *DB) FinishCalendarRefresh(ctx context.Context, claimed meetd.CalendarConnection, r meetd.CalendarRefreshResult) (err error) {
	defer meetd.Wrap(&err, "sqldb.FinishCalendarRefresh(%s)", r.ConnectionID)
	return db.update(ctx, func(t *tx) error {
		c, err := calendarConnection(ctx, t, claimed.CompanyID, r.ConnectionID, t.d.forUpdate)
		if meetd.ErrorCode(err) == meetd.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if !c.UpdatedAt.Equal(claimed.UpdatedAt) {
			return nil
		}
		var notified bool
		if err := t.queryRow(ctx, `SELECT broken_notified FROM calendar_connections WHERE id = ?`, c.ID).Scan(&notified); err != nil {
			return err
		}
		var last any = nil
		if r.Status == meetd.CalendarOK {
			last = ms(t.now)
		} else if c.LastSyncAt != nil {
			last = ms(*c.LastSyncAt)
		}
		notify := r.Status == meetd.CalendarBroken && !notified
		// Notified stays set while the connection is broken or failing
		// (a server outage tells nothing about the credentials); only a
		// refresh that works ends the breakage.
		stillNotified := notified && r.Status != meetd.CalendarOK || r.Status == meetd.CalendarBroken
		if _, err := t.exec(ctx, `UPDATE calendar_connections SET status = ?, last_error = ?, last_sync_at = ?,
			next_refresh_at = ?, broken_notified = ? WHERE id = ?`, string(r.Status), r.Error, last, ms(r.NextAt),
			stillNotified, c.ID); err != nil {
			return err
		}
		if !notify {
			return nil
		}
		return t.emit(ctx, c.CompanyID, meetd.EventCredentialError, map[string]any{
			"calendarConnectionId": c.ID, "userId": c.UserID, "provider": string(c.Kind),
			"reason": r.Error, "occurredAt": meetd.FormatTime(t.now)})
	})
}
