package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/meetd/meetd"
)

// SessionStore keeps the dashboard's sessions in meetd's own database, so
// they survive restarts and work across nodes. It implements the session
// store interfaces of github.com/alexedwards/scs/v2 (Store and CtxStore)
// without importing that module.
//
// The token is stored as its SHA-256, never as sent in the cookie: a read of
// the table (a backup, a replica, an SQL injection elsewhere) yields no live
// session. Expiry is compared with the store's clock.
//
// A deleted session is not forgotten at once: its row is marked ended and
// kept until its expiry (at least tombstoneFloor after the deletion). A
// commit of an ended session changes nothing and returns an error whose
// SessionEnded method reports true, so a request that loaded the session
// before a sign-out cannot bring it back by saving it afterwards.
type SessionStore struct {
	db *DB
}

// Sessions returns the dashboard session store on db.
func (db *DB) Sessions() *SessionStore { return &SessionStore{db: db} }

// sessionKey is what the table holds for a cookie token.
func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// tombstoneFloor is how long an ended session's row is kept at least: far
// longer than any request that may still hold the session in flight.
const tombstoneFloor = time.Hour

// errSessionEnded is what CommitCtx returns for a session that was deleted.
type errSessionEnded struct{}

func (errSessionEnded) Error() string { return "sqldb: the session has ended" }

// SessionEnded reports true: the session was deleted and stays deleted.
func (errSessionEnded) SessionEnded() bool { return true }

// ErrSessionEnded is returned by CommitCtx for a session that was deleted.
// It has a method SessionEnded() bool that reports true, so callers can
// recognise it without importing this package.
var ErrSessionEnded error = errSessionEnded{}

// FindCtx returns the data of an unexpired session. An unknown, expired,
// ended or malformed token is found=false with a nil error.
func (s *SessionStore) FindCtx(ctx context.Context, token string) (_ []byte, _ bool, err error) {
	defer meetd.Wrap(&err, "sqldb.Sessions.FindCtx") // never the token: it is the session
	if token == "" {
		return nil, false, nil
	}
	var data []byte
	var expiry int64
	err = s.db.queryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = ? AND ended = FALSE`, sessionKey(token)).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if expiry <= ms(s.db.clock.Now()) {
		return nil, false, nil
	}
	return data, true, nil
}

// CommitCtx stores a session's data and expiry, replacing what the token
// had. A session that was deleted stays deleted: its commit changes nothing
// and returns ErrSessionEnded.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) (err error) {
	defer meetd.Wrap(&err, "sqldb.Sessions.CommitCtx")
	if b == nil {
		b = []byte{}
	}
	return s.db.update(ctx, func(t *tx) error {
		// The WHERE of DO UPDATE (SQLite 3.24+, PostgreSQL 9.5+) leaves an
		// ended row alone, in the same statement that would revive it.
		res, err := t.exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry
			WHERE sessions.ended = FALSE`,
			sessionKey(token), b, ms(expiry))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrSessionEnded
		}
		return nil
	})
}

// DeleteCtx ends a session: it is never found again, and no later commit of
// its token brings it back. The row, emptied, stays as a tombstone until
// the session's expiry (at least tombstoneFloor from now), when
// DeleteExpired removes it. An unknown token is not an error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) (err error) {
	defer meetd.Wrap(&err, "sqldb.Sessions.DeleteCtx")
	return s.db.update(ctx, func(t *tx) error {
		floor := ms(t.now.Add(tombstoneFloor))
		_, err := t.exec(ctx, `UPDATE sessions SET ended = TRUE, data = ?,
			expiry = CASE WHEN expiry < ? THEN ? ELSE expiry END WHERE token = ?`,
			[]byte{}, floor, floor, sessionKey(token))
		return err
	})
}

// Find is FindCtx without a context.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes every expired session, ended ones included, and
// returns how many rows it removed. Expired sessions are never found anyway;
// this only reclaims their rows.
func (s *SessionStore) DeleteExpired(ctx context.Context) (_ int64, err error) {
	defer meetd.Wrap(&err, "sqldb.Sessions.DeleteExpired")
	var n int64
	err = s.db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, ms(t.now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
