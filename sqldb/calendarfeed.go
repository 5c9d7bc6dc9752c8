package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/meetd/meetd"
)

var errCalendarFeedNotFound = meetd.Errorf(meetd.ENOTFOUND, "Calendar feed not found")

// SetCalendarFeed implements meetd.Store.
func (db *DB) SetCalendarFeed(ctx context.Context, a meetd.Actor, companyID, userID string, tokenHash []byte) (_ meetd.CalendarFeed, err error) {
	defer meetd.Wrap(&err, "sqldb.SetCalendarFeed(%s)", userID)
	if !meetd.IsUUID(userID) {
		return meetd.CalendarFeed{}, errUserNotFoundPage
	}
	if len(tokenHash) != 32 {
		return meetd.CalendarFeed{}, errors.New("token hash must be a SHA-256")
	}
	userID = strings.ToLower(userID)
	out := meetd.CalendarFeed{CompanyID: companyID, UserID: userID}
	err = db.update(ctx, func(t *tx) error {
		var status string
		err := t.queryRow(ctx, `SELECT status FROM users WHERE company_id = ? AND id = ?`+t.d.forUpdate, companyID, userID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || err == nil && status != string(meetd.UserActive) {
			return errUserNotFoundPage
		} else if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE user_id = ?`, userID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO calendar_feeds (user_id, company_id, token_hash, created_at) VALUES (?, ?, ?, ?)`,
			userID, companyID, tokenHash, ms(t.now)); err != nil {
			return err
		}
		out.CreatedAt = fromMS(ms(t.now))
		return t.audit(ctx, a, companyID, "calendar_feed.rotate", "user", userID)
	})
	return out, err
}

// DeleteCalendarFeed implements meetd.Store.
func (db *DB) DeleteCalendarFeed(ctx context.Context, a meetd.Actor, companyID, userID string) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteCalendarFeed(%s)", userID)
	userID = strings.ToLower(userID)
	return db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM calendar_feeds WHERE company_id = ? AND user_id = ?`, companyID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errCalendarFeedNotFound
		}
		return t.audit(ctx, a, companyID, "calendar_feed.revoke", "user", userID)
	})
}

// CalendarFeedByTokenHash implements meetd.Store.
func (db *DB) CalendarFeedByTokenHash(ctx context.Context, tokenHash []byte) (_ meetd.CalendarFeed, err error) {
	defer meetd.Wrap(&err, "sqldb.CalendarFeedByTokenHash")
	var f meetd.CalendarFeed
	var created int64
	rows, err := db.query(ctx, `SELECT f.company_id, f.user_id, f.created_at FROM calendar_feeds f
		JOIN users u ON u.id = f.user_id AND u.company_id = f.company_id
		WHERE f.token_hash = ? AND u.status = ?`, tokenHash, string(meetd.UserActive))
	if err != nil {
		return f, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return f, err
		}
		return f, errCalendarFeedNotFound
	}
	if err := rows.Scan(&f.CompanyID, &f.UserID, &created); err != nil {
		return f, err
	}
	f.CreatedAt = fromMS(created)
	return f, rows.Err()
}

// CalendarFeedOf implements meetd.Store.
func (db *DB) CalendarFeedOf(ctx context.Context, companyID, userID string) (_ meetd.CalendarFeed, err error) {
	defer meetd.Wrap(&err, "sqldb.CalendarFeedOf(%s)", userID)
	f := meetd.CalendarFeed{CompanyID: companyID, UserID: strings.ToLower(userID)}
	var created int64
	rows, err := db.query(ctx, `SELECT created_at FROM calendar_feeds WHERE company_id = ? AND user_id = ?`, companyID, f.UserID)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return f, err
		}
		return f, errCalendarFeedNotFound
	}
	if err := rows.Scan(&created); err != nil {
		return f, err
	}
	f.CreatedAt = fromMS(created)
	return f, rows.Err()
}
