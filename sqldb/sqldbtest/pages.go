package sqldbtest

import (
	"slices"

	"github.com/meetd/meetd"
)

// testFrameAncestors: a company's embedding origins start empty, are
// replaced whole, survive a read, and a missing company is ENOTFOUND.
func testFrameAncestors(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	if len(c.FrameAncestors) != 0 {
		t.Fatalf("new company FrameAncestors = %v, want none", c.FrameAncestors)
	}
	want := []string{"https://www.example.com", "http://localhost:3000"}
	got, err := f.db.SetFrameAncestors(f.ctx, meetd.CLIActor, c.ID, want)
	if err != nil || !slices.Equal(got.FrameAncestors, want) {
		t.Fatalf("SetFrameAncestors = %v, %v", got.FrameAncestors, err)
	}
	read, err := f.db.CompanyByID(f.ctx, c.ID)
	if err != nil || !slices.Equal(read.FrameAncestors, want) {
		t.Fatalf("CompanyByID after set = %v, %v", read.FrameAncestors, err)
	}
	if got, err := f.db.SetFrameAncestors(f.ctx, meetd.CLIActor, c.ID, nil); err != nil || len(got.FrameAncestors) != 0 {
		t.Fatalf("clearing = %v, %v", got.FrameAncestors, err)
	}
	_, err = f.db.SetFrameAncestors(f.ctx, meetd.CLIActor, meetd.NewID(), want)
	wantCode(t, err, meetd.ENOTFOUND)
}

// testUserBySlug: a slug finds its active user across companies; a
// removed user's slug and an unknown slug are ENOTFOUND; generated slugs
// never take a reserved path.
func testUserBySlug(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	u, err := f.db.UserBySlug(f.ctx, owner.Slug)
	if err != nil || u.ID != owner.ID {
		t.Fatalf("UserBySlug(%q) = %v, %v", owner.Slug, u.ID, err)
	}
	m := f.user(c.ID, "m@example.com", "Mia", "Member", meetd.RoleMember)
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.UserBySlug(f.ctx, m.Slug)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.UserBySlug(f.ctx, "nobody-here")
	wantCode(t, err, meetd.ENOTFOUND)
	d := f.user(c.ID, "d@example.com", "Dash", "Board", meetd.RoleMember)
	cu, err := f.db.CreateUser(f.ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: "x@example.com",
		GivenName: "Dashboard", FamilyName: "", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
	if err != nil || meetd.ReservedSlug(cu.User.Slug) || meetd.ReservedSlug(d.Slug) {
		t.Fatalf("generated slug %q (%v)", cu.User.Slug, err)
	}
}
