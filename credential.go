package meetd

import "time"

// CredentialKind tells personal access tokens from platform API keys.
type CredentialKind string

// The two credential kinds of the identity model.
const (
	KindPAT    CredentialKind = "personal_access_token"
	KindAPIKey CredentialKind = "api_key"
)

// CredentialStatus is a credential's lifecycle state. Personal access tokens
// are only ever active or revoked; API keys may also be deactivated, which is
// temporary.
type CredentialStatus string

// The credential states.
const (
	CredentialActive      CredentialStatus = "active"
	CredentialDeactivated CredentialStatus = "deactivated"
	CredentialRevoked     CredentialStatus = "revoked"
)

// Limits on credential lifetimes (docs/architecture.md#credentials).
const (
	// APIKeyMinLifetime and APIKeyMaxLifetime bound an API key's expiry when
	// it is created through the dashboard or the operator CLI.
	APIKeyMinLifetime = 24 * time.Hour
	APIKeyMaxLifetime = 90 * 24 * time.Hour
	// MaxRollGrace is the longest an old credential keeps working after a roll.
	MaxRollGrace = 7 * 24 * time.Hour
)

// Credential is a personal access token or a platform API key as stored: it
// never carries the secret, only its hash.
type Credential struct {
	ID        string
	Kind      CredentialKind
	Name      string
	CompanyID string
	// UserID is the owner of a personal access token, and the user who
	// created an API key (empty when the operator CLI did).
	UserID string
	Status CredentialStatus
	// Hash is the SHA-256 of the whole credential string.
	Hash []byte
	// ExpiresAt is nil for a personal access token that never expires.
	ExpiresAt  *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LastUsedAt *time.Time
	LastUsedIP string
	// RolledFromID names the credential this one replaced, if any.
	RolledFromID string
}

// Expired reports whether c has expired at now.
func (c Credential) Expired(now time.Time) bool {
	return c.ExpiresAt != nil && !now.Before(*c.ExpiresAt)
}

// NewCredential is what a store needs to insert a credential: the caller
// generated the secret and hashed it.
type NewCredential struct {
	ID        string
	Kind      CredentialKind
	Name      string
	CompanyID string
	UserID    string
	Hash      []byte
	ExpiresAt *time.Time
}

// CredentialUse is one observed use of a credential, batched in memory and
// written to the store in bulk.
type CredentialUse struct {
	CredentialID string
	At           time.Time
	IP           string
}

// Principal is who a request acts as, resolved from its credential and its
// x-meetergo-api-user-id header (docs/architecture.md#principal-resolution).
type Principal struct {
	CredentialID   string
	CredentialKind CredentialKind
	Company        Company
	// User is the acting user: a PAT's owner, the user an API key's header
	// names, or the company owner for an API key without the header.
	User User
	// OnBehalf is true for API keys, which always act on behalf of a user.
	OnBehalf bool
	// ExplicitUser is true when an API key request named its acting user in
	// x-meetergo-api-user-id.
	ExplicitUser bool
}

// Actor describes who made a change, for the audit log.
type Actor struct {
	CredentialID   string
	CredentialKind CredentialKind
	UserID         string
	OnBehalf       bool
	IP             string
	// Source is "api", "cli" or "dashboard".
	Source string
}

// ActorOf returns the Actor of a request made by p from ip.
func ActorOf(p Principal, ip string) Actor {
	return Actor{CredentialID: p.CredentialID, CredentialKind: p.CredentialKind,
		UserID: p.User.ID, OnBehalf: p.OnBehalf, IP: ip, Source: "api"}
}

// CLIActor is the Actor of the operator CLI.
var CLIActor = Actor{Source: "cli"}

// AuditEntry is one record of the audit log.
type AuditEntry struct {
	ID             int64
	CompanyID      string
	Action         string
	TargetType     string
	TargetID       string
	CredentialID   string
	CredentialKind CredentialKind
	UserID         string
	OnBehalf       bool
	IP             string
	Source         string
	At             time.Time
}
