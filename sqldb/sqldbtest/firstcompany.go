package sqldbtest

import (
	"fmt"
	"sync"

	"github.com/meetd/meetd"
)

// testFirstCompany checks CreateFirstCompany, the dashboard's first-run
// setup: concurrent calls (as from several nodes at once) create exactly one
// company, and every other call, then and later, is ECONFLICT.
func testFirstCompany(f *fixture) {
	t := f.t
	const callers = 16
	type result struct {
		c   meetd.Company
		u   meetd.User
		err error
	}
	results := make(chan result, callers)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-ready
			c, u, err := f.db.CreateFirstCompany(f.ctx, meetd.Actor{IP: "192.0.2.1", Source: "dashboard"},
				meetd.NewCompany{Name: fmt.Sprintf("Acme %d", i), Plan: meetd.PlanEnterprise},
				meetd.NewUser{Email: fmt.Sprintf("owner%d@example.com", i), GivenName: "Olivia", FamilyName: "Owner",
					Timezone: "UTC", Type: meetd.UserStandard})
			results <- result{c, u, err}
		})
	}
	close(ready)
	wg.Wait()
	close(results)
	var won []result
	for r := range results {
		switch {
		case r.err == nil:
			won = append(won, r)
		case meetd.ErrorCode(r.err) != meetd.ECONFLICT:
			t.Fatalf("CreateFirstCompany: %v, want success or ECONFLICT", r.err)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d concurrent CreateFirstCompany calls succeeded, want exactly 1", len(won))
	}
	if n, err := f.db.CountCompanies(f.ctx); err != nil || n != 1 {
		t.Fatalf("CountCompanies = %d, %v; want 1", n, err)
	}
	w := won[0]
	if w.u.Role != meetd.RoleOwner || w.u.CompanyID != w.c.ID || !w.u.Active() {
		t.Fatalf("owner = %+v of %+v", w.u, w.c)
	}
	if o, err := f.db.CompanyOwner(f.ctx, w.c.ID); err != nil || o.ID != w.u.ID {
		t.Fatalf("CompanyOwner = %+v, %v", o, err)
	}
	if entries, err := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: w.c.ID, Limit: 10}); err != nil || len(entries) == 0 ||
		entries[len(entries)-1].Action != "company.create" {
		t.Fatalf("audit = %+v, %v", entries, err)
	}

	// Later calls conflict too; plain CreateCompany is not affected.
	_, _, err := f.db.CreateFirstCompany(f.ctx, meetd.CLIActor, meetd.NewCompany{Name: "Late", Plan: meetd.PlanFree},
		meetd.NewUser{Email: "late@example.com", GivenName: "L", FamilyName: "Ate", Timezone: "UTC", Type: meetd.UserStandard})
	wantCode(t, err, meetd.ECONFLICT)
	if _, err := f.db.UserByEmail(f.ctx, "late@example.com"); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("a refused CreateFirstCompany left its owner behind: %v", err)
	}
	f.company(meetd.PlanFree, "second@example.com")
	if n, _ := f.db.CountCompanies(f.ctx); n != 2 {
		t.Fatalf("CountCompanies = %d after CreateCompany, want 2", n)
	}
}
