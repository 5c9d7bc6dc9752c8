package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"
)

// SessionStore keeps the dashboard's sessions in meetd's own database, so
// they survive restarts and work across nodes. It implements the session
// store interfaces of github.com/alexedwards/scs/v2 (Store and CtxStore)
// without importing that module.
//
// The token is stored as its SHA-256, never as sent in the cookie: a read of
// the table (a backup, a replica, an SQL injection elsewhere) yields no live
// session. Expiry is compared with the store's clock.
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

// FindCtx returns the data of an unexpired session. An unknown, expired or
// malformed token is found=false with a nil error.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if token == "" {
		return nil, false, nil
	}
	var data []byte
	var expiry int64
	err := s.db.queryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = ?`, sessionKey(token)).Scan(&data, &expiry)
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
// had.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{}
	}
	return s.db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			sessionKey(token), b, ms(expiry))
		return err
	})
}

// DeleteCtx removes a session; an unknown token is not an error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM sessions WHERE token = ?`, sessionKey(token))
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

// DeleteExpired removes every expired session and returns how many it
// removed. Expired sessions are never found anyway; this only reclaims
// their rows.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, ms(t.now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
