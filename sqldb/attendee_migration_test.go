package sqldb_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestAttendeeMigrationBackfillsFromTheJSONColumn: an appointment booked
// before appointment_attendees existed gets one attendee, with a new id,
// whose fields (notes' key order included) are what the JSON column held.
func TestAttendeeMigrationBackfillsFromTheJSONColumn(t *testing.T) {
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
			want := meetd.Attendee{Email: "Zoë@Guest.example", Firstname: "Zoë", Lastname: "Ångström", Fullname: "Zoë Ångström",
				Phone: "+49 30 1234", Timezone: "Europe/Berlin", Language: "de", ReceiveReminders: true,
				Notes: json.RawMessage(`{"zeta":"last first","alpha":{"n":1}}`)}
			quiet := meetd.Attendee{Email: "q@guest.example", Notes: json.RawMessage(`{}`)}
			var ids []string
			for i, a := range []meetd.Attendee{want, quiet} {
				ap, err := db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: c.ID, MeetingTypeID: mt.ID,
					HostIDs: []string{owner.ID}, Start: now.Add(time.Duration(24+i) * time.Hour),
					End: now.Add(time.Duration(24+i)*time.Hour + 30*time.Minute), Attendee: a})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, ap.ID)
			}
			if err := db.MigrateDownTo(ctx, 11); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for i, w := range []meetd.Attendee{want, quiet} {
				ap, err := db.AppointmentByID(ctx, c.ID, ids[i])
				if err != nil || len(ap.Attendees) != 1 {
					t.Fatalf("after the migration: %+v, %v", ap, err)
				}
				got := ap.Attendees[0]
				if !meetd.IsUUID(got.ID) || got.GuestOf != "" {
					t.Errorf("id %q, guestOf %q", got.ID, got.GuestOf)
				}
				gotNotes, wantNotes := string(got.Notes), string(w.Notes)
				got.ID, got.Notes, w.Notes = "", nil, nil
				if !equalAttendee(got, w) || gotNotes != wantNotes {
					t.Errorf("backfilled %+v notes %s\nwant       %+v notes %s", got, gotNotes, w, wantNotes)
				}
			}
			// Search works on backfilled rows (on SQLite the migration
			// lower-cases ASCII letters only: docs/decisions.md#listing-appointments).
			if _, total, err := db.ListAppointments(ctx, meetd.AppointmentFilter{CompanyID: c.ID, Search: "GUEST.example ZOË", Limit: 10}); err != nil || total != 1 {
				t.Errorf("search after the migration: %d, %v", total, err)
			}
		})
	}
}

func equalAttendee(a, b meetd.Attendee) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y) && a.GuestOf == b.GuestOf
}
