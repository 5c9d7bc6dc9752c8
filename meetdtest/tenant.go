package meetdtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// Store is what building a tenant needs; every meetd.Store has it.
type Store interface {
	auth.IssueStore
	CreateCompany(ctx context.Context, a meetd.Actor, c meetd.NewCompany, owner meetd.NewUser) (meetd.Company, meetd.User, error)
	CreateUser(ctx context.Context, a meetd.Actor, nu meetd.NewUser) (meetd.CreatedUser, error)
}

// Tenant is one company with an owner, an admin and a member, and, when the
// Builder asked for them, a PAT for each person and one API key.
type Tenant struct {
	Company              meetd.Company
	Owner, Admin, Member meetd.User
	// Password is every person's dashboard password ("" when they have
	// none).
	Password string
	// OwnerPAT, AdminPAT and MemberPAT are the secrets of each person's
	// PAT (named "pat", never expiring); Key and KeyID the secret and the
	// credential ID of the company's API key (named "key", 30 days). All
	// are "" unless Builder.Credentials is set.
	OwnerPAT, AdminPAT, MemberPAT string
	Key, KeyID                    string
}

// Builder makes tenants on one store, as the operator CLI would (every
// write is by meetd.CLIActor).
type Builder struct {
	Store Store
	// Clock is the store's clock. It is advanced by 1 ms before each
	// person after the owner, so creation times give a stable order.
	Clock *meetd.ManualClock
	// Password, when set, becomes every person's dashboard password, hashed
	// with Passwords().
	Password string
	// Credentials gives each person a PAT and the company an API key.
	Credentials bool
}

// Tenant creates the company "Company <name>" on plan with its people:
// Olivia Owner <owner@name.example.com>, Adam NAME <adam@name.example.com>
// (admin) and Mia NAME <mia@name.example.com> (member), all in
// Europe/Berlin and of type standard. It fails tb on any error.
func (b Builder) Tenant(tb testing.TB, name string, plan meetd.Plan) Tenant {
	tb.Helper()
	ctx := context.Background()
	hash := ""
	if b.Password != "" {
		hash = Passwords().Hash(b.Password)
	}
	c, owner, err := b.Store.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Company " + name, Plan: plan},
		meetd.NewUser{Email: "owner@" + name + ".example.com", GivenName: "Olivia", FamilyName: "Owner",
			Timezone: "Europe/Berlin", Type: meetd.UserStandard, PasswordHash: hash})
	if err != nil {
		tb.Fatal(err)
	}
	person := func(role meetd.Role, given string) meetd.User {
		tb.Helper()
		b.Clock.Advance(time.Millisecond)
		cu, err := b.Store.CreateUser(ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID,
			Email: strings.ToLower(given) + "@" + name + ".example.com", GivenName: given, FamilyName: strings.ToUpper(name),
			Timezone: "Europe/Berlin", Role: role, Type: meetd.UserStandard, PasswordHash: hash})
		if err != nil {
			tb.Fatal(err)
		}
		return cu.User
	}
	tn := Tenant{Company: c, Owner: owner, Admin: person(meetd.RoleAdmin, "Adam"), Member: person(meetd.RoleMember, "Mia"),
		Password: b.Password}
	if !b.Credentials {
		return tn
	}
	is := &auth.Issuer{Store: b.Store, Clock: b.Clock}
	for _, p := range []struct {
		u   meetd.User
		dst *string
	}{{tn.Owner, &tn.OwnerPAT}, {tn.Admin, &tn.AdminPAT}, {tn.Member, &tn.MemberPAT}} {
		out, err := is.CreatePAT(ctx, meetd.CLIActor, c.ID, p.u.ID, "pat", 0)
		if err != nil {
			tb.Fatal(err)
		}
		*p.dst = out.Secret
	}
	key, err := is.CreateAPIKey(ctx, meetd.CLIActor, c.ID, "", "key", 30*24*time.Hour, false)
	if err != nil {
		tb.Fatal(err)
	}
	tn.Key, tn.KeyID = key.Secret, key.Credential.ID
	return tn
}
