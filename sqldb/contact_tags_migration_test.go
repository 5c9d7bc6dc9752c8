package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestContactTagsMigrationBackfills: contacts tagged before contact_tags
// existed are found by their tags after the migration, and the rebuilt
// trigram index finds a rare term.
func TestContactTagsMigrationBackfills(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			clock := meetd.NewManualClock(now)
			db := sqldbtest.Open(t, b, clock)
			c, owner, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: meetd.PlanEnterprise},
				meetd.NewUser{Email: "owner@acme.example", GivenName: "O", FamilyName: "W", Timezone: "UTC", Type: meetd.UserStandard})
			if err != nil {
				t.Fatal(err)
			}
			var vip []string
			for i := range 12 {
				clock.Advance(time.Second)
				n := meetd.Contact{CompanyID: c.ID, AccountOwnerID: owner.ID, FirstName: fmt.Sprintf("Person%02d", i),
					Email: fmt.Sprintf("p%02d@acme.example", i), Tags: []string{"Lead"}}
				if i%4 == 0 {
					n.Tags = append(n.Tags, "VIP")
				}
				got, err := db.CreateContact(ctx, meetd.CLIActor, n)
				if err != nil {
					t.Fatal(err)
				}
				if i%4 == 0 {
					vip = append(vip, got.ID)
				}
			}
			if err := db.MigrateDownTo(ctx, 26); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			rows, total, err := db.ListContacts(ctx, meetd.ContactFilter{CompanyID: c.ID, Tags: []string{"Lead", "VIP"}, Now: now, Limit: 10})
			if err != nil || total != 3 || !slices.Equal(ids(rows), vip) {
				t.Fatalf("tagged VIP after the migration: %v (total %d), %v; want %v", ids(rows), total, err, vip)
			}
			rows, total, err = db.ListContacts(ctx, meetd.ContactFilter{CompanyID: c.ID, Search: "P07@ACME", Now: now, Limit: 10})
			if err != nil || total != 1 || rows[0].Contact.FirstName != "Person07" {
				t.Fatalf("search after the migration: %v (total %d), %v", ids(rows), total, err)
			}
		})
	}
}
