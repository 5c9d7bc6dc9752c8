package auth

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// countingStore counts every lookup that reaches the database.
type countingStore struct {
	*sqldb.DB
	n atomic.Int64
}

func (c *countingStore) CredentialByHash(ctx context.Context, h []byte) (meetd.Credential, error) {
	c.n.Add(1)
	return c.DB.CredentialByHash(ctx, h)
}

func (c *countingStore) CredentialByIDUnscoped(ctx context.Context, id string) (meetd.Credential, error) {
	c.n.Add(1)
	return c.DB.CredentialByIDUnscoped(ctx, id)
}

func (c *countingStore) UserByID(ctx context.Context, companyID, id string) (meetd.User, error) {
	c.n.Add(1)
	return c.DB.UserByID(ctx, companyID, id)
}

func (c *countingStore) CompanyByID(ctx context.Context, id string) (meetd.Company, error) {
	c.n.Add(1)
	return c.DB.CompanyByID(ctx, id)
}

func (c *countingStore) CompanyOwner(ctx context.Context, id string) (meetd.User, error) {
	c.n.Add(1)
	return c.DB.CompanyOwner(ctx, id)
}

// world is one company on a real SQLite file with a member, a PAT for the
// owner and the member, and an API key.
type world struct {
	*countingStore
	clock     *meetd.ManualClock
	company   meetd.Company
	owner     meetd.User
	member    meetd.User
	patToken  string
	memberPAT string
	keyToken  string
	keyID     string
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	clock := meetd.NewManualClock(time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC))
	db := sqldbtest.Open(tb, sqldbtest.SQLite, clock)
	ctx := context.Background()
	c, owner, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "owner@example.com", GivenName: "O", FamilyName: "Owner", Timezone: "UTC", Type: meetd.UserStandard})
	if err != nil {
		tb.Fatal(err)
	}
	m, err := db.CreateUser(ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "m@example.com", GivenName: "M",
		FamilyName: "Member", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
	if err != nil {
		tb.Fatal(err)
	}
	is := &Issuer{Store: db, Clock: clock}
	pat, err := is.CreatePAT(ctx, meetd.CLIActor, c.ID, owner.ID, "owner", 0)
	if err != nil {
		tb.Fatal(err)
	}
	mpat, err := is.CreatePAT(ctx, meetd.CLIActor, c.ID, m.User.ID, "member", 0)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := is.CreateAPIKey(ctx, meetd.CLIActor, c.ID, "", "key", 30*24*time.Hour, false)
	if err != nil {
		tb.Fatal(err)
	}
	return &world{countingStore: &countingStore{DB: db}, clock: clock, company: c, owner: owner, member: m.User,
		patToken: pat.Secret, memberPAT: mpat.Secret, keyToken: key.Secret, keyID: key.Credential.ID}
}

func (w *world) verifier(tb testing.TB, usage *Usage) *Verifier {
	tb.Helper()
	v, err := NewVerifier(context.Background(), w.countingStore, w.clock, usage, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
