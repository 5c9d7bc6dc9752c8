package meetd

import (
	"context"
	"time"
)

// CredentialStore keeps personal access tokens and API keys. A credential
// of another company is ENOTFOUND.
type CredentialStore interface {
	// CreateCredential inserts a credential of c.CompanyID.
	CreateCredential(ctx context.Context, a Actor, c NewCredential) (Credential, error)
	// CredentialByID returns a credential of the company, of either kind.
	CredentialByID(ctx context.Context, companyID, id string) (Credential, error)
	// CredentialByIDUnscoped returns a credential of any company. Not
	// scoped, because its callers learn the company from the credential:
	// the verifier, which reads an API key's id from the bearer token, and
	// the operator CLI, which acts across companies.
	CredentialByIDUnscoped(ctx context.Context, id string) (Credential, error)
	// CredentialByHash returns the credential whose hash is h. Not scoped:
	// the verifier knows only the bearer token when it asks.
	CredentialByHash(ctx context.Context, h []byte) (Credential, error)
	// ListCredentials returns the credentials f selects, newest first,
	// revoked ones included.
	ListCredentials(ctx context.Context, f CredentialFilter) ([]Credential, error)
	// SetCredentialStatus moves a credential to status. Revoked is final:
	// any change of a revoked credential is ECONFLICT, and so is
	// deactivating a personal access token.
	SetCredentialStatus(ctx context.Context, a Actor, companyID, id string, s CredentialStatus) (Credential, error)
	// RollCredential inserts next (same name, owner and kind as the old
	// one) and makes the old one expire at oldExpiresAt, both in one
	// transaction. The caller computes oldExpiresAt within the rules of
	// docs/architecture.md. ECONFLICT unless the old credential is active.
	RollCredential(ctx context.Context, a Actor, companyID, oldID string, oldExpiresAt time.Time, next NewCredential) (Credential, error)
	// RevokeByHashes revokes, at once and skipping any grace period, every
	// non-revoked credential whose hash is among hs, and returns the ids it
	// revoked. Not scoped: the leak kill-switch is unauthenticated and a
	// leaked secret is proof enough, whatever its company.
	RevokeByHashes(ctx context.Context, a Actor, hs [][]byte) ([]string, error)
	// RecordUse writes last-used times and addresses. A time never moves
	// backwards, so batches from several nodes may arrive in any order.
	// Not scoped: the usage recorder batches uses of every company.
	RecordUse(ctx context.Context, uses []CredentialUse) error
}

// CredentialFilter selects credentials of one company.
type CredentialFilter struct {
	CompanyID string         // required
	Kind      CredentialKind // empty: both kinds
	// UserID, when set, keeps the credentials of that user: the owner of
	// a personal access token, the creator of an API key.
	UserID string
}
