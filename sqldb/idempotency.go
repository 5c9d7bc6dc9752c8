package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/meetd/meetd"
)

// ReserveResponse implements meetd.Store.
func (db *DB) ReserveResponse(ctx context.Context, credentialID, key string, r meetd.StoredResponse) (_ meetd.StoredResponse, _ string, err error) {
	defer meetd.Wrap(&err, "sqldb.ReserveResponse(%s)", credentialID)
	var existing meetd.StoredResponse
	owner := ""
	err = db.update(ctx, func(t *tx) error {
		var body string
		var created int64
		err := t.queryRow(ctx, `SELECT route, request_hash, status, response, created_at FROM idempotency_keys
			WHERE credential_id = ? AND idem_key = ?`+t.d.forUpdate, credentialID, key).Scan(&existing.Route,
			&existing.RequestHash, &existing.Status, &body, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			existing.Body, existing.CreatedAt = []byte(body), fromMS(created)
			ttl := meetd.IdempotencyTTL
			if existing.Status == 0 && existing.Route == r.Route && bytes.Equal(existing.RequestHash, r.RequestHash) {
				// Only the same request may take over a reservation whose
				// request died: that one may have booked before dying, and
				// its retry must find that booking, not another request.
				ttl = meetd.IdempotencyPendingTTL
			}
			if t.now.Sub(existing.CreatedAt) < ttl {
				return nil // a live answer, a request still running or another request's key: the caller decides
			}
			// Expired, or reserved by this same request that died: take it over.
			if _, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE credential_id = ? AND idem_key = ?`, credentialID, key); err != nil {
				return err
			}
		}
		owner = newSecret()
		_, err = t.exec(ctx, `INSERT INTO idempotency_keys (credential_id, idem_key, route, request_hash, status, response,
			created_at, owner) VALUES (?, ?, ?, ?, 0, '', ?, ?)`, credentialID, key, r.Route, r.RequestHash, ms(t.now), owner)
		return err
	})
	if meetd.ErrorCode(err) == meetd.ECONFLICT {
		// A concurrent request reserved the key first: it is running.
		return meetd.StoredResponse{Route: r.Route, RequestHash: r.RequestHash}, "", nil
	}
	if err != nil {
		return meetd.StoredResponse{}, "", err
	}
	if owner != "" {
		return meetd.StoredResponse{}, owner, nil
	}
	return existing, "", nil
}

// CompleteResponse implements meetd.Store.
func (db *DB) CompleteResponse(ctx context.Context, credentialID, key, owner string, status int, body []byte) (err error) {
	defer meetd.Wrap(&err, "sqldb.CompleteResponse(%s)", credentialID)
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE idempotency_keys SET status = ?, response = ? WHERE credential_id = ? AND idem_key = ?
			AND status = 0 AND owner = ?`, status, string(body), credentialID, key, owner)
		return err
	})
}

// ReleaseResponse implements meetd.Store.
func (db *DB) ReleaseResponse(ctx context.Context, credentialID, key, owner string) (err error) {
	defer meetd.Wrap(&err, "sqldb.ReleaseResponse(%s)", credentialID)
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE credential_id = ? AND idem_key = ? AND status = 0 AND owner = ?`,
			credentialID, key, owner)
		return err
	})
}

// PruneResponses implements meetd.Store.
func (db *DB) PruneResponses(ctx context.Context, before time.Time) (err error) {
	defer meetd.Wrap(&err, "sqldb.PruneResponses")
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, ms(before))
		return err
	})
}
