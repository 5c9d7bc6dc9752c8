package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestEraseFormPerson: erasing an address leaves no text naming the person
// in the routing form tables, on both engines, and touches nobody else.
func TestEraseFormPerson(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := meetd.NewManualClock(growthNow)
			db := sqldbtest.Open(t, b, clock)
			c, _, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: meetd.PlanEnterprise},
				meetd.NewUser{Email: "owner@acme.example", GivenName: "O", FamilyName: "O", Timezone: "UTC", Type: meetd.UserStandard})
			if err != nil {
				t.Fatal(err)
			}
			form, err := db.CreateRoutingForm(ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: c.ID, Name: "F", StructureType: meetd.FormOnly})
			if err != nil {
				t.Fatal(err)
			}
			send := func(name, email string) meetd.FormRecipient {
				r, err := db.SendRoutingForm(ctx, meetd.CLIActor, meetd.FormRecipient{CompanyID: c.ID, FormID: form.ID,
					RecipientName: name, Email: email, Phone: "+4930123", Message: "Hi " + name, DeliveryMethod: "link",
					TokenHash: []byte(name)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			ada, grace := send("Ada Lovelace", "Ada@Example.com"), send("Grace Hopper", "grace@example.com")
			submit := func(recipient string, answers meetd.Answers) meetd.FormSubmission {
				s, err := db.SubmitForm(ctx, meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: c.ID, FormID: form.ID,
					RecipientID: recipient, Answers: answers})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			viaLink := submit(ada.ID, meetd.Answers{"size": "big"})
			named := submit("", meetd.Answers{"contactEmail": "ada@example.com"})
			other := submit(grace.ID, meetd.Answers{"size": "small"})

			if err := db.EraseFormPerson(ctx, c.ID, "ada@example.com"); err != nil {
				t.Fatal(err)
			}
			recs, err := db.FormRecipients(ctx, c.ID, form.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				text := r.RecipientName + r.Email + r.Phone + r.Message
				switch r.ID {
				case ada.ID:
					if text != "" {
						t.Fatalf("the erased recipient keeps %q", text)
					}
				case grace.ID:
					if !strings.Contains(text, "Grace") {
						t.Fatalf("another recipient was erased: %+v", r)
					}
				}
			}
			for _, tc := range []struct {
				s     meetd.FormSubmission
				empty bool
			}{{viaLink, true}, {named, true}, {other, false}} {
				got, err := db.FormSubmissionByID(ctx, c.ID, tc.s.ID)
				if err != nil || (len(got.Answers) == 0) != tc.empty {
					t.Fatalf("submission %s after the erasure = %+v, %v (want empty: %v)", tc.s.ID, got.Answers, err, tc.empty)
				}
			}
		})
	}
}
