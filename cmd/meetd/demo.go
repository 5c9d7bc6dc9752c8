package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/sqldb"
)

// seedDemo fills an empty database with a demo company (plan enterprise), an
// owner, an admin and a member with random dashboard passwords, a personal
// access token each and one platform API key, and prints them with
// ready-to-paste curl commands. Secrets are shown only when they are
// created, so on a database that already has data it only says so.
func (e *env) seedDemo(db *sqldb.DB, base, publicURL string) error {
	n, err := db.CountCompanies(e.ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "--demo: the database %s already has data, so no demo was created.\n"+
			"Secrets are shown only once; to start over, stop meetd and delete the database file.\n\n", e.db)
		return nil
	}
	type person struct {
		role               meetd.Role
		email, given, fam  string
		user               meetd.User
		password, patToken string
	}
	people := []*person{
		{role: meetd.RoleOwner, email: "owner@example.com", given: "Olivia", fam: "Owner"},
		{role: meetd.RoleAdmin, email: "admin@example.com", given: "Adam", fam: "Admin"},
		{role: meetd.RoleMember, email: "member@example.com", given: "Mia", fam: "Member"},
	}
	for _, p := range people {
		p.password = auth.RandomPassword()
	}
	// Everyone gets working hours and a 30-minute meeting type, so the
	// scheduling endpoints have something to show.
	provision := func() *meetd.Provision {
		return meetd.DefaultProvision("Europe/Berlin", "zoom")
	}
	owner := people[0]
	company, u, err := db.CreateCompany(e.ctx, meetd.CLIActor, meetd.NewCompany{Name: "Demo Company", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: owner.email, GivenName: owner.given, FamilyName: owner.fam, Timezone: "Europe/Berlin",
			Type: meetd.UserStandard, PasswordHash: e.passwords.Hash(owner.password), Provision: provision()})
	if err != nil {
		return err
	}
	owner.user = u
	for _, p := range people[1:] {
		created, err := db.CreateUser(e.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: company.ID, Email: p.email,
			GivenName: p.given, FamilyName: p.fam, Timezone: "Europe/Berlin", Role: p.role, Type: meetd.UserStandard,
			PasswordHash: e.passwords.Hash(p.password), Provision: provision()})
		if err != nil {
			return err
		}
		p.user = created.User
	}
	is := &auth.Issuer{Store: db, Clock: meetd.SystemClock{}}
	for _, p := range people {
		out, err := is.CreatePAT(e.ctx, meetd.CLIActor, p.user.CompanyID, p.user.ID, "Demo token", 0)
		if err != nil {
			return err
		}
		p.patToken = out.Secret
	}
	key, err := is.CreateAPIKey(e.ctx, meetd.CLIActor, company.ID, "", "Demo key", 90*24*time.Hour, false)
	if err != nil {
		return err
	}

	var b strings.Builder
	fmt.Fprintf(&b, "meetd demo data (printed once; keep it if you need it)\n\n")
	fmt.Fprintf(&b, "Company  %s  (%s, plan %s)\n\n", company.Name, company.ID, company.Plan)
	for _, p := range people {
		fmt.Fprintf(&b, "%-7s %s  id %s\n        dashboard password: %s\n        personal access token: %s\n",
			p.role, p.email, p.user.ID, p.password, p.patToken)
	}
	fmt.Fprintf(&b, "\nPlatform API key (expires %s):\n        %s\n", meetd.FormatTime(*key.Credential.ExpiresAt), key.Secret)
	fmt.Fprintf(&b, "\nTry it:\n\n")
	fmt.Fprintf(&b, "# 1. A personal access token acts as its owner (here the member):\n")
	fmt.Fprintf(&b, "curl -s %s/v4/user/me -H 'Authorization: Bearer %s'\n\n", base, people[2].patToken)
	fmt.Fprintf(&b, "# 2. A platform API key without x-meetergo-api-user-id acts as the company owner:\n")
	fmt.Fprintf(&b, "curl -s %s/v4/user/me -H 'Authorization: Bearer %s'\n\n", base, key.Secret)
	fmt.Fprintf(&b, "# 3. With x-meetergo-api-user-id the key acts as that user (here the admin, who may list users):\n")
	fmt.Fprintf(&b, "curl -s '%s/v4/user?limit=10' -H 'Authorization: Bearer %s' -H 'x-meetergo-api-user-id: %s'\n\n",
		base, key.Secret, people[1].user.ID)
	member := people[2]
	mts, err := db.ListMeetingTypes(e.ctx, meetd.MeetingTypeFilter{CompanyID: member.user.CompanyID, UserID: member.user.ID})
	if err != nil || len(mts) == 0 {
		return fmt.Errorf("demo meeting type: %v", err)
	}
	today := time.Now().UTC().Format("2006-01-02")
	week := time.Now().UTC().AddDate(0, 0, 7).Format("2006-01-02")
	fmt.Fprintf(&b, "Scheduling: the member's meeting types, then the bookable slots of the next 7 days:\n")
	fmt.Fprintf(&b, "curl -s %s/v4/meeting-type -H 'Authorization: Bearer %s'\n", base, member.patToken)
	fmt.Fprintf(&b, "curl -s '%s/v4/booking-availability?meetingTypeId=%s&hostIds=%s&start=%s&end=%s&timezone=Europe/Berlin' -H 'Authorization: Bearer %s'\n\n",
		base, mts[0].ID, member.user.ID, today, week, member.patToken)
	fmt.Fprintf(&b, "Booking page (what attendees see): %s\n", links.New(publicURL).Booking(member.user.Slug, mts[0].Slug))
	fmt.Fprintf(&b, "Dashboard: %s/dashboard/ (sign in with an email and password above)\n\n", base)
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}
