package auth

import (
	"context"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// IssueStore is the part of the store that minting credentials needs.
type IssueStore interface {
	CompanyByID(ctx context.Context, id string) (meetd.Company, error)
	UserByID(ctx context.Context, companyID, id string) (meetd.User, error)
	CredentialByID(ctx context.Context, companyID, id string) (meetd.Credential, error)
	CreateCredential(ctx context.Context, a meetd.Actor, c meetd.NewCredential) (meetd.Credential, error)
	RollCredential(ctx context.Context, a meetd.Actor, companyID, oldID string, oldExpiresAt time.Time, next meetd.NewCredential) (meetd.Credential, error)
}

// Issuer mints and rolls credentials within the rules of
// docs/architecture.md#credentials. The operator CLI, the dashboard and tests
// all mint through it, so the rules live in one place. The secret it returns
// is shown to the caller once and never stored.
type Issuer struct {
	Store IssueStore
	Clock meetd.Clock
}

// Issued is a freshly minted credential and its secret.
type Issued struct {
	Credential meetd.Credential
	// Secret is the whole bearer value: "rgo-…" or "ak_live:…".
	Secret string
}

// MaxNameLength bounds a credential's name.
const MaxNameLength = 100

func validName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxNameLength {
		return meetd.Errorf(meetd.EINVALID, "A credential needs a name of 1 to %d characters", MaxNameLength)
	}
	return nil
}

// CreatePAT mints a personal access token for an active user of the
// company (another company's user is ENOTFOUND). expiresIn 0 means it never
// expires; a negative one is EINVALID. The company must be on a plan with
// personal access tokens.
func (is *Issuer) CreatePAT(ctx context.Context, a meetd.Actor, companyID, userID, name string, expiresIn time.Duration) (Issued, error) {
	if err := validName(name); err != nil {
		return Issued{}, err
	}
	if expiresIn < 0 {
		return Issued{}, meetd.Errorf(meetd.EINVALID, "Expiry must be in the future")
	}
	u, err := is.Store.UserByID(ctx, companyID, userID)
	if err != nil {
		return Issued{}, err
	}
	if !u.Active() {
		return Issued{}, meetd.Errorf(meetd.ENOTFOUND, "User not found")
	}
	c, err := is.Store.CompanyByID(ctx, u.CompanyID)
	if err != nil {
		return Issued{}, err
	}
	if !c.Plan.AllowsPATs() {
		return Issued{}, meetd.PlanError(meetd.KindPAT)
	}
	token, hash := NewPAT()
	nc := meetd.NewCredential{Kind: meetd.KindPAT, Name: strings.TrimSpace(name), CompanyID: u.CompanyID,
		UserID: u.ID, Hash: hash[:]}
	if expiresIn > 0 {
		t := is.Clock.Now().Add(expiresIn)
		nc.ExpiresAt = &t
	}
	cred, err := is.Store.CreateCredential(ctx, a, nc)
	if err != nil {
		return Issued{}, err
	}
	return Issued{Credential: cred, Secret: token}, nil
}

// CreateAPIKey mints a platform API key for a company on a plan with API
// keys. lifetime must lie within APIKeyMinLifetime..APIKeyMaxLifetime unless
// operator is set (the operator CLI), which allows any positive lifetime.
// createdBy names the user who made it ("" for the operator).
func (is *Issuer) CreateAPIKey(ctx context.Context, a meetd.Actor, companyID, createdBy, name string, lifetime time.Duration, operator bool) (Issued, error) {
	if err := validName(name); err != nil {
		return Issued{}, err
	}
	if err := checkLifetime(lifetime, operator); err != nil {
		return Issued{}, err
	}
	c, err := is.Store.CompanyByID(ctx, companyID)
	if err != nil {
		return Issued{}, err
	}
	if !c.Plan.AllowsAPIKeys() {
		return Issued{}, meetd.PlanError(meetd.KindAPIKey)
	}
	id := meetd.NewID()
	key, hash := NewAPIKey(id)
	expires := is.Clock.Now().Add(lifetime)
	cred, err := is.Store.CreateCredential(ctx, a, meetd.NewCredential{ID: id, Kind: meetd.KindAPIKey,
		Name: strings.TrimSpace(name), CompanyID: companyID, UserID: createdBy, Hash: hash[:], ExpiresAt: &expires})
	if err != nil {
		return Issued{}, err
	}
	return Issued{Credential: cred, Secret: key}, nil
}

func checkLifetime(d time.Duration, operator bool) error {
	if operator {
		if d <= 0 {
			return meetd.Errorf(meetd.EINVALID, "An API key's lifetime must be positive")
		}
		return nil
	}
	if d < meetd.APIKeyMinLifetime || d > meetd.APIKeyMaxLifetime {
		return meetd.Errorf(meetd.EINVALID, "An API key must expire in 1 to 90 days")
	}
	return nil
}

// Roll replaces an active credential with a new one of the same kind, name,
// owner and lifetime, and lets the old one work for grace (0 to
// meetd.MaxRollGrace) more, but never past its own expiry. A credential that
// never expires still stops after grace; the new one keeps "never". A
// credential of another company is ENOTFOUND.
func (is *Issuer) Roll(ctx context.Context, a meetd.Actor, companyID, id string, grace time.Duration) (Issued, error) {
	if grace < 0 || grace > meetd.MaxRollGrace {
		return Issued{}, meetd.Errorf(meetd.EINVALID, "The grace period must be between 0 and 7 days")
	}
	old, err := is.Store.CredentialByID(ctx, companyID, id)
	if err != nil {
		return Issued{}, err
	}
	c, err := is.Store.CompanyByID(ctx, old.CompanyID)
	if err != nil {
		return Issued{}, err
	}
	if !c.Plan.Allows(old.Kind) {
		return Issued{}, meetd.PlanError(old.Kind)
	}
	now := is.Clock.Now()
	oldEnd := now.Add(grace)
	if old.ExpiresAt != nil && old.ExpiresAt.Before(oldEnd) {
		oldEnd = *old.ExpiresAt
	}
	next := meetd.NewCredential{}
	var secret string
	if old.Kind == meetd.KindAPIKey {
		next.ID = meetd.NewID()
		key, hash := NewAPIKey(next.ID)
		secret, next.Hash = key, hash[:]
	} else {
		token, hash := NewPAT()
		secret, next.Hash = token, hash[:]
	}
	if old.ExpiresAt != nil {
		t := now.Add(old.ExpiresAt.Sub(old.CreatedAt))
		next.ExpiresAt = &t
	}
	cred, err := is.Store.RollCredential(ctx, a, companyID, id, oldEnd, next)
	if err != nil {
		return Issued{}, err
	}
	return Issued{Credential: cred, Secret: secret}, nil
}
