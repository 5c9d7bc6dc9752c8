package sqldb

import (
	"context"
	"time"

	"github.com/meetd/meetd"
)

// SavedResponse implements meetd.Store.
func (db *DB) SavedResponse(ctx context.Context, credentialID, key string) (meetd.StoredResponse, error) {
	var r meetd.StoredResponse
	var body string
	var created int64
	err := db.queryRow(ctx, `SELECT route, request_hash, status, response, created_at FROM idempotency_keys
		WHERE credential_id = ? AND idem_key = ?`, credentialID, key).Scan(&r.Route, &r.RequestHash, &r.Status, &body, &created)
	if err != nil {
		return r, notFound(err, "No stored response")
	}
	r.Body, r.CreatedAt = []byte(body), fromMS(created)
	return r, nil
}

// SaveResponse implements meetd.Store.
func (db *DB) SaveResponse(ctx context.Context, credentialID, key string, r meetd.StoredResponse) error {
	err := db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO idempotency_keys (credential_id, idem_key, route, request_hash, status, response,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, credentialID, key, r.Route, r.RequestHash, r.Status, string(r.Body), ms(t.now))
		return err
	})
	if meetd.ErrorCode(err) == meetd.ECONFLICT {
		return nil // a concurrent request with the same key stored first; it wins
	}
	return err
}

// PruneResponses implements meetd.Store.
func (db *DB) PruneResponses(ctx context.Context, before time.Time) error {
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, ms(before))
		return err
	})
}
