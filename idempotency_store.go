package meetd

import (
	"context"
	"time"
)

// IdempotencyStore keeps the answers replayed for a repeated
// Idempotency-Key. Keys belong to a credential (ids are unique across
// companies), so the credential scopes them.
type IdempotencyStore interface {
	// ReserveResponse claims an idempotency key for a request described by
	// r (route and request hash). It returns a non-empty owner token when
	// the caller now holds the key (new, expired, or abandoned by a request
	// with the same route and hash that died); otherwise the stored
	// response, with Status 0 while the first request is still running or
	// died. A key stays bound to its first request's route and hash for
	// IdempotencyTTL even when that request died: it may have booked before
	// dying.
	ReserveResponse(ctx context.Context, credentialID, key string, r StoredResponse) (stored StoredResponse, owner string, err error)
	// CompleteResponse stores the answer of a key the owner still holds;
	// if the reservation was taken over meanwhile it does nothing.
	CompleteResponse(ctx context.Context, credentialID, key, owner string, status int, body []byte) error
	// ReleaseResponse frees a key the owner still holds, after its request
	// failed, so it may be retried.
	ReleaseResponse(ctx context.Context, credentialID, key, owner string) error
	// PruneResponses deletes stored responses created before before. Not
	// scoped: a background job over every credential's.
	PruneResponses(ctx context.Context, before time.Time) error
}
