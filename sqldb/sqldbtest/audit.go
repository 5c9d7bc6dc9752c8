package sqldbtest

import (
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// testAuditFilters: the audit log is filtered by credential, acting user
// and time (from included, to excluded), counted before paging, and never
// shows another company's entries, even for a filter naming its ids.
func testAuditFilters(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, theirOwner := f.company(meetd.PlanEnterprise, "owner@else.example")
	keyA, keyB := meetd.NewID(), meetd.NewID()
	asOwner := meetd.Actor{CredentialID: keyA, CredentialKind: meetd.KindAPIKey, UserID: owner.ID, IP: "192.0.2.1", Source: "api"}
	mk := func(a meetd.Actor, companyID, email string) meetd.User {
		t.Helper()
		cu, err := f.db.CreateUser(f.ctx, a, meetd.NewUser{CompanyID: companyID, Email: email, GivenName: "N",
			FamilyName: "N", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
		if err != nil {
			t.Fatal(err)
		}
		return cu.User
	}
	t0 := start.Add(time.Hour)
	f.clock.Set(t0)
	first := mk(asOwner, c.ID, "first@example.com")
	f.clock.Set(t0.Add(time.Hour))
	asFirst := meetd.Actor{CredentialID: keyB, CredentialKind: meetd.KindPAT, UserID: first.ID, IP: "192.0.2.2", Source: "api"}
	second := mk(asFirst, c.ID, "second@example.com")
	f.clock.Set(t0.Add(2 * time.Hour))
	third := mk(asOwner, c.ID, "third@example.com")
	// The other company's entries made with the same credential and user
	// ids must not leak into c's answers, nor c's into theirs.
	fourth := mk(asOwner, other.ID, "fourth@else.example")

	targets := func(companyID string, es []meetd.AuditEntry) string {
		var ids []string
		for _, e := range es {
			if e.CompanyID != companyID {
				t.Fatalf("Audit(%s) holds another company's entry %+v", companyID, e)
			}
			ids = append(ids, e.TargetID)
		}
		return strings.Join(ids, ",")
	}
	for _, tc := range []struct {
		name string
		f    meetd.AuditFilter
		want []string // target ids, newest first
	}{
		{"by credential", meetd.AuditFilter{CompanyID: c.ID, CredentialID: keyA}, []string{third.ID, first.ID}},
		{"by credential in any case", meetd.AuditFilter{CompanyID: c.ID, CredentialID: strings.ToUpper(keyB)}, []string{second.ID}},
		{"by acting user", meetd.AuditFilter{CompanyID: c.ID, UserID: first.ID}, []string{second.ID}},
		{"by credential and acting user", meetd.AuditFilter{CompanyID: c.ID, CredentialID: keyA, UserID: first.ID}, nil},
		{"from is included", meetd.AuditFilter{CompanyID: c.ID, From: t0.Add(time.Hour)}, []string{third.ID, second.ID}},
		{"to is excluded", meetd.AuditFilter{CompanyID: c.ID, From: t0, To: t0.Add(2 * time.Hour)}, []string{second.ID, first.ID}},
		{"an id that is no UUID selects nothing", meetd.AuditFilter{CompanyID: c.ID, CredentialID: "nope"}, nil},
		{"another company's credential selects nothing", meetd.AuditFilter{CompanyID: other.ID, CredentialID: keyB}, nil},
		{"another company's user selects nothing", meetd.AuditFilter{CompanyID: c.ID, UserID: theirOwner.ID}, nil},
		{"the same credential in another company shows only that company's",
			meetd.AuditFilter{CompanyID: other.ID, CredentialID: keyA, UserID: owner.ID}, []string{fourth.ID}},
	} {
		tc.f.Limit = 100
		got, err := f.db.Audit(f.ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: Audit: %v", tc.name, err)
		}
		n, err := f.db.CountAudit(f.ctx, tc.f)
		if err != nil || n != len(got) {
			t.Fatalf("%s: CountAudit = %d, %v; Audit has %d", tc.name, n, err, len(got))
		}
		if g, want := targets(tc.f.CompanyID, got), strings.Join(tc.want, ","); g != want {
			t.Fatalf("%s: targets = %s, want %s", tc.name, g, want)
		}
	}

	// Paging: the count is of everything the filter selects.
	all := meetd.AuditFilter{CompanyID: c.ID, Limit: 100}
	every, _ := f.db.Audit(f.ctx, all)
	page, err := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 2, Offset: 1})
	if err != nil || len(page) != 2 || page[0].ID != every[1].ID || page[1].ID != every[2].ID {
		t.Fatalf("Audit page = %+v, %v; all %+v", page, err, every)
	}
	if n, err := f.db.CountAudit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 2, Offset: 1}); err != nil || n != len(every) {
		t.Fatalf("CountAudit ignores paging: %d, %v; want %d", n, err, len(every))
	}
}
