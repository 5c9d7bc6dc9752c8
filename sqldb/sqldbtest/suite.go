package sqldbtest

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// start is the conformance suite's fixed "now": whole milliseconds, as the
// store keeps them.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	t     *testing.T
	db    *sqldb.DB
	clock *meetd.ManualClock
	ctx   context.Context
}

func newFixture(t *testing.T, b Backend) *fixture {
	clock := meetd.NewManualClock(start)
	return &fixture{t: t, db: Open(t, b, clock), clock: clock, ctx: context.Background()}
}

func (f *fixture) company(plan meetd.Plan, email string) (meetd.Company, meetd.User) {
	f.t.Helper()
	c, u, err := f.db.CreateCompany(f.ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: plan},
		meetd.NewUser{Email: email, GivenName: "Olivia", FamilyName: "Owner", Timezone: "UTC", Type: meetd.UserStandard})
	if err != nil {
		f.t.Fatalf("CreateCompany: %v", err)
	}
	return c, u
}

func (f *fixture) user(companyID, email, given, family string, role meetd.Role) meetd.User {
	f.t.Helper()
	f.clock.Advance(time.Second) // distinct creation times give a stable order
	cu, err := f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: companyID, Email: email,
		GivenName: given, FamilyName: family, Timezone: "Europe/Berlin", Role: role, Type: meetd.UserStandard})
	if err != nil {
		f.t.Fatalf("CreateUser: %v", err)
	}
	return cu.User
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := meetd.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// Run runs the conformance suite against b: every store method, the
// constraints the rest of meetd relies on, and the change log.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*fixture)
	}{
		{"companies", testCompanies},
		{"companies keep the origins that may embed their booking pages", testFrameAncestors},
		{"a slug finds its active user", testUserBySlug},
		{"concurrent first companies admit one", testFirstCompany},
		{"users are created with unique emails and slugs", testCreateUser},
		{"platform users are provisioned", testProvision},
		{"users are listed, updated and removed", testUserLifecycle},
		{"passwords are stored", testPasswords},
		{"another company's user is not found", testForeignUsers},
		{"credentials are created and found", testCredentials},
		{"credential status moves by the rules", testCredentialStatus},
		{"credentials roll", testRoll},
		{"leaked credentials are revoked by hash", testRevokeByHashes},
		{"last use never moves backwards", testRecordUse},
		{"another company's credential is not found", testForeignCredentials},
		{"changes are logged, read and pruned", testChanges},
		{"writes are audited", testAudit},
		{"another company's audit entries are not listed", testForeignAudit},
		{"the audit log is filtered by credential, user and time, and counted", testAuditFilters},
		{"the change hook runs after a committed change", testChangeHook},
		{"concurrent creates of one email admit one", testConcurrentEmail},
		{"dashboard sessions are kept, expired and deleted", testSessions},
		{"change notifications wake listeners", testWatch},
		{"meeting types", testMeetingTypes},
		{"availabilities and exceptions", testAvailabilities},
		{"appointments are booked without overlap, moved and cancelled", testAppointments},
		{"twenty concurrent bookings of one slot admit one", testConcurrentBooking},
		{"provisional bookings confirm once and expire", testProvisional},
		{"queues", testQueues},
		{"idempotent responses", testIdempotency},
		{"an idempotency key books once", testBookingKey},
		{"another company's scheduling objects are not found", testForeignCompany},
		{"attendees have ids; one leaves, the last cancels; guests, texts and quick mail", testAttendees},
		{"another company's attendees are not found", testForeignAttendees},
		{"webhook subscriptions", testWebhooks},
		{"another company's webhook subscription is not found", testForeignWebhooks},
		{"webhook outbox: written with the change, claimed once, retried, given up, gone", testWebhookOutbox},
		{"webhook on provisional confirmation", testWebhookProvisional},
		{"webhook credential events: revoked, expiring once per threshold", testWebhookCredentials},
		{"webhook deliveries claimed concurrently go to one worker each", testWebhookConcurrentClaims},
		{"GDPR exports collect one company's records of an address, are audited and pruned", testGDPRExports},
		{"another company's GDPR export is not found", testForeignGDPRExport},
		{"one-time links book once, within 30 days, while newest", testOneTimeLinks},
		{"another company's one-time link is not found and books nothing", testForeignOneTimeLinks},
		{"personal pages default, update and refuse what is not the user's", testPersonalPages},
		{"another company's user's personal page is not found", testForeignPersonalPages},
		{"calendar busy times are replaced per connection, clipped, pieced and read by window", testCalendarBusy},
		{"another company's calendar busy times are neither written, read nor deleted", testForeignCalendarBusy},
		{"calendar connections: stored, claimed, broken once, written back once per change", testCalendarConnections},
		{"another company's calendar connection is not found", testForeignCalendarConnections},
		{"calendar feeds are made, replaced, found by token hash and revoked", testCalendarFeeds},
		{"another company can neither make nor revoke a user's calendar feed", testForeignCalendarFeeds},
		{"data fields: numeric ids, unique names, update and delete", testDataFields},
		{"another company's data field is not found", testForeignDataFields},
		{"an attendee's answers are the valid ones to the company's data fields", testAttendeeAnswers},
		{"routing forms: inline fields, qualifier ids, send, open, submit with its webhook event", testRoutingForms},
		{"another company's routing form is not found", testForeignRoutingForms},
		{"contacts are created, searched, changed and deleted, one per e-mail", testContacts},
		{"another company's contact is not found", testForeignContacts},
		{"a booking makes or fills the contact of each attendee", testBookingContacts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each test has a database of its own, so they run side by
			// side, except the listener's: PostgreSQL notifications are
			// server-wide, so another test's change could wake it and hide
			// a change of its own that does not.
			if tc.name != "change notifications wake listeners" {
				t.Parallel()
			}
			tc.fn(newFixture(t, b))
		})
	}
	runOperator(t, b)
	runErasure(t, b)
}

func testCompanies(f *fixture) {
	t := f.t
	if n, err := f.db.CountCompanies(f.ctx); err != nil || n != 0 {
		t.Fatalf("CountCompanies = %d, %v; want 0", n, err)
	}
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	if owner.Role != meetd.RoleOwner || owner.CompanyID != c.ID || !owner.Active() {
		t.Fatalf("owner = %+v", owner)
	}
	got, err := f.db.CompanyByID(f.ctx, c.ID)
	if err != nil || got.Plan != meetd.PlanEnterprise || got.Name != "Acme" || !got.CreatedAt.Equal(start) {
		t.Fatalf("CompanyByID = %+v, %v", got, err)
	}
	if o, err := f.db.CompanyOwner(f.ctx, c.ID); err != nil || o.ID != owner.ID {
		t.Fatalf("CompanyOwner = %+v, %v", o, err)
	}
	if n, _ := f.db.CountCompanies(f.ctx); n != 1 {
		t.Fatalf("CountCompanies = %d, want 1", n)
	}
	_, err = f.db.CompanyByID(f.ctx, meetd.NewID())
	wantCode(t, err, meetd.ENOTFOUND)
	// The owner's email is taken platform-wide, whatever the case.
	_, _, err = f.db.CreateCompany(f.ctx, meetd.CLIActor, meetd.NewCompany{Name: "B", Plan: meetd.PlanFree},
		meetd.NewUser{Email: "OWNER@example.com", GivenName: "X", FamilyName: "Y", Timezone: "UTC", Type: meetd.UserStandard})
	wantCode(t, err, meetd.ECONFLICT)
	if n, _ := f.db.CountCompanies(f.ctx); n != 1 {
		t.Fatalf("a failed CreateCompany left a company behind")
	}
	f.clock.Advance(time.Minute)
	c2, err := f.db.SetCompanyPlan(f.ctx, meetd.CLIActor, c.ID, meetd.PlanFree)
	if err != nil || c2.Plan != meetd.PlanFree || !c2.UpdatedAt.Equal(start.Add(time.Minute)) {
		t.Fatalf("SetCompanyPlan = %+v, %v", c2, err)
	}
	_, err = f.db.SetCompanyPlan(f.ctx, meetd.CLIActor, meetd.NewID(), meetd.PlanFree)
	wantCode(t, err, meetd.ENOTFOUND)
}

func testCreateUser(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	a := f.user(c.ID, "john@example.com", "John", "Smith", meetd.RoleMember)
	b := f.user(c.ID, "john2@example.com", "John", "Smith", meetd.RoleAdmin)
	if a.Slug != "john-smith" || b.Slug != "john-smith-2" {
		t.Fatalf("slugs = %q, %q; want john-smith, john-smith-2", a.Slug, b.Slug)
	}
	got, err := f.db.UserByID(f.ctx, c.ID, b.ID)
	if err != nil || got != b {
		t.Fatalf("UserByID = %+v, %v; want %+v", got, err, b)
	}
	if got, err := f.db.UserByEmail(f.ctx, "JOHN@example.com"); err != nil || got.ID != a.ID {
		t.Fatalf("UserByEmail = %+v, %v", got, err)
	}
	_, err = f.db.UserByID(f.ctx, c.ID, meetd.NewID())
	wantCode(t, err, meetd.ENOTFOUND)
	// Text PostgreSQL cannot hold is refused the same way on every engine.
	for _, id := range []string{"\x00", "not-a-uuid", strings.Repeat("a", 36)} {
		_, err = f.db.UserByID(f.ctx, c.ID, id)
		wantCode(t, err, meetd.ENOTFOUND)
	}
	_, err = f.db.UserByEmail(f.ctx, "a\x00@b.example")
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "nul@example.com",
		GivenName: "N\x00", FamilyName: "S", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
	wantCode(t, err, meetd.EINVALID)
	_, err = f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "John@Example.com",
		GivenName: "J", FamilyName: "S", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
	wantCode(t, err, meetd.ECONFLICT)
	_, err = f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "other@example.com",
		GivenName: "J", FamilyName: "S", Timezone: "UTC", Slug: "john-smith", Role: meetd.RoleMember, Type: meetd.UserStandard})
	wantCode(t, err, meetd.ECONFLICT)
}

func testProvision(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanAPIPlatform, "owner@example.com")
	cu, err := f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "p@example.com",
		GivenName: "Pat", FamilyName: "Form", Timezone: "America/New_York", Role: meetd.RoleMember,
		Type: meetd.UserAPIPlatform, Provision: &meetd.Provision{AvailabilityName: "Working Hours",
			AvailabilityTimezone: "America/New_York", Schedule: meetd.DefaultSchedule(),
			MeetingTypeName: "30min Meeting", MeetingTypeSlug: "30min-meeting", Duration: 30, Channel: "phone"}})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if cu.AvailabilityID == "" || cu.MeetingType == nil || cu.User.DefaultAvailabilityID != cu.AvailabilityID {
		t.Fatalf("CreatedUser = %+v", cu)
	}
	av, err := f.db.AvailabilityByID(f.ctx, c.ID, cu.AvailabilityID)
	if err != nil || av.Timezone != "America/New_York" || av.UserID != cu.User.ID ||
		len(av.Schedule["monday"].Hours) != 1 || av.Schedule["saturday"].Enabled {
		t.Fatalf("AvailabilityByID = %+v, %v", av, err)
	}
	mts, err := f.db.ListMeetingTypes(f.ctx, meetd.MeetingTypeFilter{CompanyID: c.ID, UserID: cu.User.ID})
	if err != nil || len(mts) != 1 || mts[0].Slug != "30min-meeting" || mts[0].Duration != 30 ||
		mts[0].AvailabilityID != av.ID {
		t.Fatalf("MeetingTypesByUser = %+v, %v", mts, err)
	}
	_, err = f.db.AvailabilityByID(f.ctx, c.ID, meetd.NewID())
	wantCode(t, err, meetd.ENOTFOUND)
}

func testUserLifecycle(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, _ := f.company(meetd.PlanEnterprise, "else@example.com")
	a := f.user(c.ID, "a@example.com", "Ann", "A", meetd.RoleMember)
	b := f.user(c.ID, "b@example.com", "Bob", "B", meetd.RoleMember)
	f.user(other.ID, "x@example.com", "Xi", "X", meetd.RoleMember)

	users, total, err := f.db.ListUsers(f.ctx, meetd.UserFilter{CompanyID: c.ID, Limit: 2, Offset: 1})
	if err != nil || total != 3 || len(users) != 2 || users[0].ID != a.ID || users[1].ID != b.ID {
		t.Fatalf("ListUsers = %v (%d), %v", users, total, err)
	}
	_, total, _ = f.db.ListUsers(f.ctx, meetd.UserFilter{CompanyID: c.ID, Type: meetd.UserAPIPlatform, Limit: 10})
	if total != 0 {
		t.Fatalf("type filter: total = %d, want 0", total)
	}

	given, slug := "Anna", "anna-a-new"
	u, err := f.db.UpdateUser(f.ctx, meetd.CLIActor, c.ID, a.ID, meetd.UserUpdate{GivenName: &given, Slug: &slug})
	if err != nil || u.GivenName != "Anna" || u.Slug != "anna-a-new" || u.FamilyName != "A" {
		t.Fatalf("UpdateUser = %+v, %v", u, err)
	}
	taken := b.Slug
	_, err = f.db.UpdateUser(f.ctx, meetd.CLIActor, c.ID, a.ID, meetd.UserUpdate{Slug: &taken})
	wantCode(t, err, meetd.ECONFLICT)
	admin := meetd.RoleAdmin
	if u, err := f.db.UpdateUser(f.ctx, meetd.CLIActor, c.ID, b.ID, meetd.UserUpdate{Role: &admin}); err != nil || u.Role != meetd.RoleAdmin {
		t.Fatalf("UpdateUser role = %+v, %v", u, err)
	}
	_, err = f.db.UpdateUser(f.ctx, meetd.CLIActor, c.ID, owner.ID, meetd.UserUpdate{Role: &admin})
	wantCode(t, err, meetd.EFORBIDDEN)

	wantCode(t, f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, owner.ID), meetd.EFORBIDDEN)
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, b.ID); err != nil {
		t.Fatalf("RemoveUser: %v", err)
	}
	wantCode(t, f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, b.ID), meetd.ENOTFOUND)
	got, _ := f.db.UserByID(f.ctx, c.ID, b.ID)
	if got.Status != meetd.UserRemoved {
		t.Fatalf("removed user status = %q", got.Status)
	}
	_, err = f.db.UpdateUser(f.ctx, meetd.CLIActor, c.ID, b.ID, meetd.UserUpdate{GivenName: &given})
	wantCode(t, err, meetd.ENOTFOUND)
	if _, total, _ := f.db.ListUsers(f.ctx, meetd.UserFilter{CompanyID: c.ID, Limit: 10}); total != 2 {
		t.Fatalf("after removal total = %d, want 2", total)
	}
	// A removed user frees their email and slug.
	again := f.user(c.ID, "b@example.com", "Bob", "B", meetd.RoleMember)
	if again.Slug != "bob-b" {
		t.Fatalf("slug after removal = %q, want bob-b", again.Slug)
	}
}

func testPasswords(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	if h, err := f.db.PasswordHash(f.ctx, c.ID, owner.ID); err != nil || h != "" {
		t.Fatalf("PasswordHash = %q, %v; want empty", h, err)
	}
	if err := f.db.SetPassword(f.ctx, meetd.CLIActor, c.ID, owner.ID, "$argon2id$x"); err != nil {
		t.Fatal(err)
	}
	if h, _ := f.db.PasswordHash(f.ctx, c.ID, owner.ID); h != "$argon2id$x" {
		t.Fatalf("PasswordHash = %q", h)
	}
	wantCode(t, f.db.SetPassword(f.ctx, meetd.CLIActor, c.ID, meetd.NewID(), "x"), meetd.ENOTFOUND)
}

func hash(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func (f *fixture) credential(kind meetd.CredentialKind, companyID, userID string, h []byte, expires *time.Time) meetd.Credential {
	f.t.Helper()
	c, err := f.db.CreateCredential(f.ctx, meetd.CLIActor, meetd.NewCredential{Kind: kind, Name: "ci",
		CompanyID: companyID, UserID: userID, Hash: h, ExpiresAt: expires})
	if err != nil {
		f.t.Fatalf("CreateCredential: %v", err)
	}
	return c
}

func testCredentials(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	exp := start.Add(24 * time.Hour)
	pat := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(1), nil)
	key := f.credential(meetd.KindAPIKey, c.ID, "", hash(2), &exp)
	if got, err := f.db.CredentialByID(f.ctx, c.ID, pat.ID); err != nil || got.ExpiresAt != nil ||
		got.Status != meetd.CredentialActive || !bytes.Equal(got.Hash, hash(1)) || got.UserID != owner.ID {
		t.Fatalf("CredentialByID(pat) = %+v, %v", got, err)
	}
	if got, err := f.db.CredentialByHash(f.ctx, hash(2)); err != nil || got.ID != key.ID || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("CredentialByHash(key) = %+v, %v", got, err)
	}
	_, err := f.db.CredentialByHash(f.ctx, hash(3))
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.CreateCredential(f.ctx, meetd.CLIActor, meetd.NewCredential{Kind: meetd.KindPAT, Name: "dup",
		CompanyID: c.ID, UserID: owner.ID, Hash: hash(1)})
	wantCode(t, err, meetd.ECONFLICT)
	if list, err := f.db.ListCredentials(f.ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: meetd.KindPAT, UserID: owner.ID}); err != nil || len(list) != 1 || list[0].ID != pat.ID {
		t.Fatalf("ListCredentials(pat) = %+v, %v", list, err)
	}
	if list, err := f.db.ListCredentials(f.ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: meetd.KindAPIKey}); err != nil || len(list) != 1 || list[0].ID != key.ID {
		t.Fatalf("ListCredentials(key) = %+v, %v", list, err)
	}
}

func testCredentialStatus(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	exp := start.Add(24 * time.Hour)
	pat := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(1), nil)
	key := f.credential(meetd.KindAPIKey, c.ID, "", hash(2), &exp)
	_, err := f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, pat.ID, meetd.CredentialDeactivated)
	wantCode(t, err, meetd.ECONFLICT)
	for _, s := range []meetd.CredentialStatus{meetd.CredentialDeactivated, meetd.CredentialActive, meetd.CredentialRevoked} {
		got, err := f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, key.ID, s)
		if err != nil || got.Status != s {
			t.Fatalf("SetCredentialStatus(%s) = %+v, %v", s, got, err)
		}
	}
	_, err = f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, key.ID, meetd.CredentialActive)
	wantCode(t, err, meetd.ECONFLICT)
	_, err = f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, meetd.NewID(), meetd.CredentialRevoked)
	wantCode(t, err, meetd.ENOTFOUND)
}

func testRoll(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	exp := start.Add(10 * 24 * time.Hour)
	old := f.credential(meetd.KindAPIKey, c.ID, "", hash(1), &exp)
	newExp := start.Add(20 * 24 * time.Hour)
	oldEnd := start.Add(time.Hour)
	next, err := f.db.RollCredential(f.ctx, meetd.CLIActor, c.ID, old.ID, oldEnd,
		meetd.NewCredential{ID: meetd.NewID(), Hash: hash(2), ExpiresAt: &newExp})
	if err != nil || next.RolledFromID != old.ID || next.Name != old.Name || next.Kind != meetd.KindAPIKey ||
		next.CompanyID != c.ID || !next.ExpiresAt.Equal(newExp) {
		t.Fatalf("RollCredential = %+v, %v", next, err)
	}
	got, _ := f.db.CredentialByID(f.ctx, c.ID, old.ID)
	if !got.ExpiresAt.Equal(oldEnd) || got.Status != meetd.CredentialActive {
		t.Fatalf("old after roll = %+v", got)
	}
	f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, next.ID, meetd.CredentialRevoked)
	_, err = f.db.RollCredential(f.ctx, meetd.CLIActor, c.ID, next.ID, oldEnd, meetd.NewCredential{Hash: hash(3)})
	wantCode(t, err, meetd.ECONFLICT)
	f.clock.Advance(2 * time.Hour) // the old one has expired now
	_, err = f.db.RollCredential(f.ctx, meetd.CLIActor, c.ID, old.ID, f.clock.Now(), meetd.NewCredential{Hash: hash(4)})
	wantCode(t, err, meetd.ECONFLICT)
}

func testRevokeByHashes(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	exp := start.Add(24 * time.Hour)
	pat := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(1), nil)
	key := f.credential(meetd.KindAPIKey, c.ID, "", hash(2), &exp)
	ids, err := f.db.RevokeByHashes(f.ctx, meetd.Actor{Source: "kill-switch"}, [][]byte{hash(1), hash(9), hash(2)})
	if err != nil || len(ids) != 2 || ids[0] != pat.ID || ids[1] != key.ID {
		t.Fatalf("RevokeByHashes = %v, %v", ids, err)
	}
	if ids, _ := f.db.RevokeByHashes(f.ctx, meetd.Actor{}, [][]byte{hash(1)}); len(ids) != 0 {
		t.Fatalf("revoking twice revoked %v", ids)
	}
	got, _ := f.db.CredentialByID(f.ctx, c.ID, key.ID)
	if got.Status != meetd.CredentialRevoked {
		t.Fatalf("status = %q", got.Status)
	}
	// Batches naming the same credentials in opposite orders, racing each
	// other and a last-use flush, must neither deadlock nor fail.
	for round := range 10 {
		x := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(byte(10+2*round)), nil)
		y := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(byte(11+2*round)), nil)
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		wg.Go(func() {
			_, err := f.db.RevokeByHashes(f.ctx, meetd.Actor{}, [][]byte{hash(byte(10 + 2*round)), hash(byte(11 + 2*round))})
			errs <- err
		})
		wg.Go(func() {
			_, err := f.db.RevokeByHashes(f.ctx, meetd.Actor{}, [][]byte{hash(byte(11 + 2*round)), hash(byte(10 + 2*round))})
			errs <- err
		})
		wg.Go(func() {
			errs <- f.db.RecordUse(f.ctx, []meetd.CredentialUse{{CredentialID: y.ID, At: start}, {CredentialID: x.ID, At: start}})
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

func testRecordUse(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	pat := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(1), nil)
	later, earlier := start.Add(time.Minute), start.Add(time.Second)
	if err := f.db.RecordUse(f.ctx, []meetd.CredentialUse{{CredentialID: pat.ID, At: later, IP: "10.0.0.2"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RecordUse(f.ctx, []meetd.CredentialUse{{CredentialID: pat.ID, At: earlier, IP: "10.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.db.CredentialByID(f.ctx, c.ID, pat.ID)
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(later) || got.LastUsedIP != "10.0.0.2" {
		t.Fatalf("last use = %v %q; want %v 10.0.0.2", got.LastUsedAt, got.LastUsedIP, later)
	}
}

func testChanges(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	base, err := f.db.LatestChange(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := f.user(c.ID, "m@example.com", "M", "M", meetd.RoleMember)
	pat := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(1), nil)
	f.clock.Advance(time.Hour)
	f.db.SetCompanyPlan(f.ctx, meetd.CLIActor, c.ID, meetd.PlanGrowth)
	f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, m.ID)
	f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, pat.ID, meetd.CredentialRevoked)
	changes, err := f.db.Changes(f.ctx, base, 10)
	if err != nil || len(changes) != 3 {
		t.Fatalf("Changes = %+v, %v; want 3", changes, err)
	}
	want := []meetd.Change{{Kind: meetd.ChangeCompany, ID: c.ID}, {Kind: meetd.ChangeUser, ID: m.ID},
		{Kind: meetd.ChangeCredential, ID: pat.ID}}
	for i, ch := range changes {
		if ch.Kind != want[i].Kind || ch.ID != want[i].ID || (i > 0 && ch.Seq <= changes[i-1].Seq) {
			t.Fatalf("change %d = %+v, want %+v", i, ch, want[i])
		}
	}
	if latest, _ := f.db.LatestChange(f.ctx); latest != changes[2].Seq {
		t.Fatalf("LatestChange = %d, want %d", latest, changes[2].Seq)
	}
	if page, _ := f.db.Changes(f.ctx, changes[0].Seq, 1); len(page) != 1 || page[0].Seq != changes[1].Seq {
		t.Fatalf("paged Changes = %+v", page)
	}
	if err := f.db.PruneChanges(f.ctx, start.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.db.Changes(f.ctx, 0, 10); len(left) != 3 {
		t.Fatalf("pruning before the changes' time left %d, want 3", len(left))
	}
	f.db.PruneChanges(f.ctx, start.Add(2*time.Hour))
	if left, _ := f.db.Changes(f.ctx, 0, 10); len(left) != 0 {
		t.Fatalf("pruning after the changes left %d", len(left))
	}
	// Sequence numbers keep growing after a prune.
	f.db.SetCompanyPlan(f.ctx, meetd.CLIActor, c.ID, meetd.PlanEnterprise)
	if latest, _ := f.db.LatestChange(f.ctx); latest <= changes[2].Seq {
		t.Fatalf("LatestChange after prune = %d, want > %d", latest, changes[2].Seq)
	}
}

func testAudit(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	actor := meetd.Actor{CredentialID: meetd.NewID(), CredentialKind: meetd.KindAPIKey, UserID: owner.ID,
		OnBehalf: true, IP: "192.0.2.7", Source: "api"}
	cu, err := f.db.CreateUser(f.ctx, actor, meetd.NewUser{CompanyID: c.ID, Email: "n@example.com", GivenName: "N",
		FamilyName: "N", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserAPIPlatform})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 10})
	if err != nil || len(entries) != 3 { // company.create, user.create (owner), user.create
		t.Fatalf("Audit = %+v, %v", entries, err)
	}
	e := entries[0]
	if e.Action != "user.create" || e.TargetID != cu.User.ID || e.CredentialID != actor.CredentialID ||
		e.CredentialKind != meetd.KindAPIKey || !e.OnBehalf || e.IP != "192.0.2.7" || e.UserID != owner.ID ||
		e.Source != "api" || !e.At.Equal(start) {
		t.Fatalf("newest audit entry = %+v", e)
	}
}

func testConcurrentEmail(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "same@example.com",
				GivenName: "S", FamilyName: "S", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch meetd.ErrorCode(err) {
		case "":
			ok++
		case meetd.ECONFLICT:
		default:
			t.Fatalf("concurrent CreateUser: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent creates of one email succeeded, want 1", ok)
	}
}

// wantForeign checks that err, the answer for another company's object,
// is the very answer for a missing one (missing): ENOTFOUND with the same
// message, so a caller cannot tell the two apart.
func wantForeign(t *testing.T, err, missing error) {
	t.Helper()
	wantCode(t, err, meetd.ENOTFOUND)
	if got, want := meetd.ErrorMessage(err), meetd.ErrorMessage(missing); got != want {
		t.Fatalf("another company's object: message %q, a missing one's %q", got, want)
	}
}

// testForeignUsers: every user method scoped to a company answers
// another company's user as a missing one and leaves it alone.
func testForeignUsers(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, _ := f.company(meetd.PlanEnterprise, "owner@else.example")
	theirs := f.user(other.ID, "theirs@else.example", "Theo", "Theirs", meetd.RoleMember)
	given := "Hijacked"

	_, missing := f.db.UserByID(f.ctx, c.ID, meetd.NewID())
	_, err := f.db.UserByID(f.ctx, c.ID, theirs.ID)
	wantForeign(t, err, missing)
	_, err = f.db.UpdateUser(f.ctx, meetd.CLIActor, c.ID, theirs.ID, meetd.UserUpdate{GivenName: &given})
	wantForeign(t, err, missing)
	wantForeign(t, f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, theirs.ID), missing)
	wantForeign(t, f.db.SetPassword(f.ctx, meetd.CLIActor, c.ID, theirs.ID, "$argon2id$x"), missing)
	_, err = f.db.PasswordHash(f.ctx, c.ID, theirs.ID)
	wantForeign(t, err, missing)
	if users, _, err := f.db.ListUsers(f.ctx, meetd.UserFilter{CompanyID: c.ID, Limit: 10}); err != nil || len(users) != 1 {
		t.Fatalf("ListUsers of one company = %+v, %v; want its owner alone", users, err)
	}

	got, err := f.db.UserByID(f.ctx, other.ID, theirs.ID)
	if err != nil || !got.Active() || got.GivenName != "Theo" {
		t.Fatalf("their user after the foreign calls = %+v, %v; want untouched", got, err)
	}
	if h, err := f.db.PasswordHash(f.ctx, other.ID, theirs.ID); err != nil || h != "" {
		t.Fatalf("their password hash = %q, %v; want untouched", h, err)
	}
	if got, err := f.db.UserByIDUnscoped(f.ctx, theirs.ID); err != nil || got.ID != theirs.ID {
		t.Fatalf("UserByIDUnscoped = %+v, %v", got, err)
	}
}

// testForeignCredentials: every credential method scoped to a company
// answers another company's credential as a missing one and leaves it
// alone.
func testForeignCredentials(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, otherOwner := f.company(meetd.PlanEnterprise, "owner@else.example")
	exp := start.Add(24 * time.Hour)
	pat := f.credential(meetd.KindPAT, other.ID, otherOwner.ID, hash(1), nil)
	key := f.credential(meetd.KindAPIKey, other.ID, "", hash(2), &exp)

	_, missing := f.db.CredentialByID(f.ctx, c.ID, meetd.NewID())
	for _, id := range []string{pat.ID, key.ID} {
		_, err := f.db.CredentialByID(f.ctx, c.ID, id)
		wantForeign(t, err, missing)
		_, err = f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, id, meetd.CredentialRevoked)
		wantForeign(t, err, missing)
		_, err = f.db.RollCredential(f.ctx, meetd.CLIActor, c.ID, id, start.Add(time.Hour),
			meetd.NewCredential{ID: meetd.NewID(), Hash: hash(3)})
		wantForeign(t, err, missing)
	}
	for _, fl := range []meetd.CredentialFilter{{CompanyID: c.ID}, {CompanyID: c.ID, Kind: meetd.KindPAT, UserID: otherOwner.ID}} {
		if list, err := f.db.ListCredentials(f.ctx, fl); err != nil || len(list) != 0 {
			t.Fatalf("ListCredentials(%+v) = %+v, %v; want none", fl, list, err)
		}
	}

	for _, id := range []string{pat.ID, key.ID} {
		got, err := f.db.CredentialByID(f.ctx, other.ID, id)
		if err != nil || got.Status != meetd.CredentialActive || got.RolledFromID != "" ||
			(got.ExpiresAt != nil && !got.ExpiresAt.Equal(exp)) {
			t.Fatalf("their credential after the foreign calls = %+v, %v; want untouched", got, err)
		}
	}
	if list, _ := f.db.ListCredentials(f.ctx, meetd.CredentialFilter{CompanyID: other.ID}); len(list) != 2 {
		t.Fatalf("their credentials = %d; want 2 (no roll happened)", len(list))
	}
	if got, err := f.db.CredentialByIDUnscoped(f.ctx, key.ID); err != nil || got.ID != key.ID {
		t.Fatalf("CredentialByIDUnscoped = %+v, %v", got, err)
	}
}

// testForeignAudit: a company's audit log holds its own entries only.
func testForeignAudit(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, _ := f.company(meetd.PlanEnterprise, "owner@else.example")
	f.user(other.ID, "theirs@else.example", "Theo", "Theirs", meetd.RoleMember)
	for _, co := range []meetd.Company{c, other} {
		entries, err := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: co.ID, Limit: 100})
		if err != nil || len(entries) == 0 {
			t.Fatalf("Audit(%s) = %+v, %v", co.ID, entries, err)
		}
		for _, e := range entries {
			if e.CompanyID != co.ID {
				t.Fatalf("Audit(%s) holds another company's entry %+v", co.ID, e)
			}
		}
	}
}

// testChangeHook: the change hook runs once after each committed write
// that recorded a change, and sees it committed; writes that record none,
// and writes that fail, do not call it.
func testChangeHook(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	m := f.user(c.ID, "m@example.com", "M", "M", meetd.RoleMember)
	var seen []int64
	f.db.OnChange(func(ctx context.Context) {
		// Read through the store: a hook called before the commit would
		// not see the change on a connection of its own.
		seq, err := f.db.LatestChange(ctx)
		if err != nil {
			t.Errorf("LatestChange in the hook: %v", err)
		}
		seen = append(seen, seq)
	})
	t.Cleanup(func() { f.db.OnChange(nil) })

	pat := f.credential(meetd.KindPAT, c.ID, owner.ID, hash(1), nil) // records no change
	f.webhook(c.ID, meetd.EventCredentialRevoked)                    // records no change
	wantCode(t, f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, owner.ID), meetd.EFORBIDDEN)
	if len(seen) != 0 {
		t.Fatalf("hook ran %d times for writes without a committed change", len(seen))
	}
	if _, err := f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, pat.ID, meetd.CredentialRevoked); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	latest, _ := f.db.LatestChange(f.ctx)
	if len(seen) != 2 || seen[1] != latest || seen[0] >= seen[1] {
		t.Fatalf("hook saw change sequence numbers %v; want two, the last %d", seen, latest)
	}
}
