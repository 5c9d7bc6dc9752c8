package sqldb_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestContactMigrationBackfillsFromAttendees: appointments booked before
// contacts existed give one contact per address (in any case), owned by a
// main host, linked from every attendee row with that address, counted,
// and found by searchTerm.
func TestContactMigrationBackfillsFromAttendees(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			db := sqldbtest.Open(t, b, meetd.NewManualClock(now))
			c, owner, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: meetd.PlanEnterprise},
				meetd.NewUser{Email: "owner@acme.example", GivenName: "O", FamilyName: "W", Timezone: "UTC", Type: meetd.UserStandard})
			if err != nil {
				t.Fatal(err)
			}
			mt, err := db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: owner.ID,
				Name: "Intro", Slug: "intro", Duration: 30, Enabled: true, Spots: 1, DoubleOptIn: meetd.DoubleOptInDisabled},
				&meetd.NewAvailability{CompanyID: c.ID, UserID: owner.ID, Name: "Hours", Timezone: "UTC", Schedule: meetd.DefaultSchedule()})
			if err != nil {
				t.Fatal(err)
			}
			var aps []meetd.Appointment
			for i, a := range []meetd.Attendee{
				{Email: "Ada@Guest.example", Firstname: "Ada", Lastname: "Lovelace", Phone: "+44 1", Notes: json.RawMessage(`{}`)},
				{Email: "ada@GUEST.example", Fullname: "Ada L", Notes: json.RawMessage(`{}`), BringalongEmails: []string{"bob@guest.example"}},
			} {
				ap, err := db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: c.ID, MeetingTypeID: mt.ID,
					HostIDs: []string{owner.ID}, Start: now.Add(time.Duration(24+i) * time.Hour),
					End: now.Add(time.Duration(24+i)*time.Hour + 30*time.Minute), Attendee: a})
				if err != nil {
					t.Fatal(err)
				}
				aps = append(aps, ap)
			}
			if err := db.MigrateDownTo(ctx, 20); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			ada, err := db.ContactByAttendee(ctx, c.ID, aps[0].Attendee.ID, now)
			if err != nil || ada.Contact.AccountOwnerID != owner.ID || ada.Contact.LastName != "Lovelace" ||
				len(ada.Appointments) != 2 || !meetd.IsUUID(ada.Contact.ID) {
				t.Fatalf("Ada after the migration: %+v, %v", ada, err)
			}
			if again, err := db.ContactByAttendee(ctx, c.ID, aps[1].Attendee.ID, now); err != nil || again.Contact.ID != ada.Contact.ID {
				t.Fatalf("Ada's second attendee row: %+v, %v", again, err)
			}
			if bob, err := db.ContactByAttendee(ctx, c.ID, aps[1].Attendees[1].ID, now); err != nil || bob.Contact.Email != "bob@guest.example" {
				t.Fatalf("the guest after the migration: %+v, %v", bob, err)
			}
			if _, total, err := db.ListContacts(ctx, meetd.ContactFilter{CompanyID: c.ID, Now: now, Limit: 10}); err != nil || total != 2 {
				t.Fatalf("contacts after the migration: %d, %v", total, err)
			}
			if rows, total, err := db.ListContacts(ctx, meetd.ContactFilter{CompanyID: c.ID, Search: "lovelace", Now: now, Limit: 10}); err != nil ||
				total != 1 || rows[0].Contact.ID != ada.Contact.ID {
				t.Fatalf("search after the migration: %d, %v", total, err)
			}
		})
	}
}
