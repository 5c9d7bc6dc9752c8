package sqldbtest

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

func allowAll(meetd.Contact) error { return nil }

func testContacts(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	member := f.user(c.ID, "m@example.com", "Mia", "Member", meetd.RoleMember)
	create := func(n meetd.Contact) meetd.Contact {
		t.Helper()
		f.clock.Advance(time.Second) // distinct creation times give a stable order
		n.CompanyID = c.ID
		got, err := f.db.CreateContact(f.ctx, meetd.CLIActor, n)
		if err != nil {
			t.Fatalf("CreateContact(%+v): %v", n, err)
		}
		return got
	}
	ada := create(meetd.Contact{FirstName: "Ada", LastName: "Lovelace", Email: "Ada@Example.com", Tags: []string{"Lead", "VIP"},
		AccountOwnerID: owner.ID, AdditionalData: map[string]json.RawMessage{"budget": json.RawMessage(`"large"`)}})
	bob := create(meetd.Contact{FirstName: "Bob", PhoneNumber: "+49 30 123456", AccountOwnerID: member.ID})
	zoe := create(meetd.Contact{FirstName: "Zoë", LastName: "Ångström", Email: "zoe@example.org", Tags: []string{"Lead"},
		AccountOwnerID: member.ID})
	if !meetd.IsUUID(ada.ID) || !ada.CreatedAt.Equal(f.clock.Now().Add(-2*time.Second)) {
		t.Fatalf("created %+v", ada)
	}
	// One e-mail per company, in any case.
	_, err := f.db.CreateContact(f.ctx, meetd.CLIActor, meetd.Contact{CompanyID: c.ID, Email: "ADA@example.COM"})
	wantCode(t, err, meetd.ECONFLICT)

	got, err := f.db.ContactByID(f.ctx, c.ID, strings.ToUpper(ada.ID), f.clock.Now())
	if err != nil || got.Contact.Email != "Ada@Example.com" || !slices.Equal(got.Contact.Tags, []string{"Lead", "VIP"}) ||
		string(got.Contact.AdditionalData["budget"]) != `"large"` || len(got.Appointments) != 0 || got.NextAppointment != nil {
		t.Fatalf("ContactByID = %+v, %v", got, err)
	}

	list := func(fl meetd.ContactFilter) ([]string, int) {
		t.Helper()
		fl.CompanyID, fl.Now = c.ID, f.clock.Now()
		if fl.Limit == 0 {
			fl.Limit = 20
		}
		rows, total, err := f.db.ListContacts(f.ctx, fl)
		if err != nil {
			t.Fatalf("ListContacts(%+v): %v", fl, err)
		}
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.Contact.FirstName)
		}
		return ids, total
	}
	for _, tc := range []struct {
		name  string
		f     meetd.ContactFilter
		want  []string
		total int
	}{
		{"oldest first", meetd.ContactFilter{}, []string{"Ada", "Bob", "Zoë"}, 3},
		{"newest first", meetd.ContactFilter{Descending: true}, []string{"Zoë", "Bob", "Ada"}, 3},
		{"a page", meetd.ContactFilter{Limit: 1, Offset: 1}, []string{"Bob"}, 3},
		{"past the end", meetd.ContactFilter{Limit: 5, Offset: 5}, nil, 3},
		{"by last name", meetd.ContactFilter{SortBy: meetd.ContactSortLastName}, []string{"Bob", "Ada", "Zoë"}, 3},
		{"by e-mail, descending", meetd.ContactFilter{SortBy: meetd.ContactSortEmail, Descending: true}, []string{"Zoë", "Ada", "Bob"}, 3},
		{"search by a name in another case, beyond ASCII", meetd.ContactFilter{Search: "ÅNGSTR"}, []string{"Zoë"}, 1},
		{"search by e-mail", meetd.ContactFilter{Search: "ada@EXAMPLE"}, []string{"Ada"}, 1},
		{"search by phone", meetd.ContactFilter{Search: "30 123"}, []string{"Bob"}, 1},
		{"search wildcards are literal", meetd.ContactFilter{Search: "%"}, nil, 0},
		{"search quotes and stars are literal", meetd.ContactFilter{Search: `"ada"*`}, nil, 0},
		{"a longer term, newest first", meetd.ContactFilter{Search: "EXAMPLE", Descending: true}, []string{"Zoë", "Ada"}, 2},
		{"a longer term, second page", meetd.ContactFilter{Search: "example", Limit: 1, Offset: 1}, []string{"Zoë"}, 2},
		{"a term spanning two fields", meetd.ContactFilter{Search: "zoë ångström zoe@"}, []string{"Zoë"}, 1},
		{"one tag", meetd.ContactFilter{Tags: []string{"Lead"}}, []string{"Ada", "Zoë"}, 2},
		{"every tag", meetd.ContactFilter{Tags: []string{"Lead", "VIP"}}, []string{"Ada"}, 1},
		{"a tag is matched whole", meetd.ContactFilter{Tags: []string{"Lea"}}, nil, 0},
		{"a tag is matched in its case", meetd.ContactFilter{Tags: []string{"lead"}}, nil, 0},
		{"a tag, newest first, second page", meetd.ContactFilter{Tags: []string{"Lead"}, Descending: true, Limit: 1, Offset: 1},
			[]string{"Ada"}, 2},
		{"a tag and a term", meetd.ContactFilter{Tags: []string{"Lead"}, Search: "example.org"}, []string{"Zoë"}, 1},
		{"an owner's with a tag", meetd.ContactFilter{OwnerID: member.ID, Tags: []string{"Lead"}}, []string{"Zoë"}, 1},
		{"an owner's with a term", meetd.ContactFilter{OwnerID: owner.ID, Search: "example"}, []string{"Ada"}, 1},
		{"an owner's", meetd.ContactFilter{OwnerID: member.ID}, []string{"Bob", "Zoë"}, 2},
		{"an owner id that is no UUID", meetd.ContactFilter{OwnerID: "nobody"}, nil, 0},
	} {
		ids, total := list(tc.f)
		if !slices.Equal(ids, tc.want) || total != tc.total {
			t.Errorf("%s: %v (total %d), want %v (%d)", tc.name, ids, total, tc.want, tc.total)
		}
	}

	// Update: null-like clears, tags replace, additional data merges and a
	// null removes a key; the check sees the contact before the change.
	empty, tags := "", []string{"Customer"}
	var seen meetd.Contact
	up, err := f.db.UpdateContact(f.ctx, meetd.CLIActor, c.ID, ada.ID, func(c meetd.Contact) error { seen = c; return nil },
		meetd.ContactPatch{LastName: &empty, Tags: &tags, AdditionalData: map[string]json.RawMessage{
			"budget": json.RawMessage(`null`), "size": json.RawMessage(`12`)}})
	if err != nil || up.LastName != "" || !slices.Equal(up.Tags, tags) || up.AdditionalData["budget"] != nil ||
		string(up.AdditionalData["size"]) != "12" || up.FirstName != "Ada" || seen.LastName != "Lovelace" {
		t.Fatalf("UpdateContact = %+v, %v", up, err)
	}
	if ids, _ := list(meetd.ContactFilter{Search: "lovelace"}); len(ids) != 0 {
		t.Fatalf("the search still finds the cleared name: %v", ids)
	}
	wantTagged := func(tag string, want ...string) {
		t.Helper()
		if ids, total := list(meetd.ContactFilter{Tags: []string{tag}}); !slices.Equal(ids, want) || total != len(want) {
			t.Fatalf("tagged %q: %v (total %d), want %v", tag, ids, total, want)
		}
	}
	wantTagged("Customer", "Ada")
	wantTagged("VIP")
	wantTagged("Lead", "Zoë")
	taken := "ZOE@example.org"
	_, err = f.db.UpdateContact(f.ctx, meetd.CLIActor, c.ID, ada.ID, allowAll, meetd.ContactPatch{Email: &taken})
	wantCode(t, err, meetd.ECONFLICT)
	// Without an e-mail and a phone a contact is invalid.
	_, err = f.db.UpdateContact(f.ctx, meetd.CLIActor, c.ID, zoe.ID, allowAll, meetd.ContactPatch{Email: &empty})
	wantCode(t, err, meetd.EINVALID)
	refused := meetd.Errorf(meetd.EFORBIDDEN, "no")
	_, err = f.db.UpdateContact(f.ctx, meetd.CLIActor, c.ID, zoe.ID, func(meetd.Contact) error { return refused },
		meetd.ContactPatch{FirstName: &empty})
	wantCode(t, err, meetd.EFORBIDDEN)

	// Bulk: new, known (skipped, then updated), invalid.
	res, err := f.db.BulkCreateContacts(f.ctx, meetd.CLIActor, c.ID, []meetd.Contact{
		{Email: "new@example.com", FirstName: "New"}, {Email: "ZOE@example.org", FirstName: "Zoe2", Tags: []string{"VIP"}},
		{FirstName: "Nobody"}, {Email: "not-an-email"}}, meetd.BulkContactsOptions{Owner: zoe.AccountOwnerID})
	if err != nil || res.Created != 1 || res.Skipped != 1 || res.Failed != 2 || len(res.Issues) != 2 || res.Issues[0].Row != 2 {
		t.Fatalf("BulkCreateContacts = %+v, %v", res, err)
	}
	res, err = f.db.BulkCreateContacts(f.ctx, meetd.CLIActor, c.ID, []meetd.Contact{
		{Email: "ZOE@example.org", FirstName: "Zoe2", Tags: []string{"VIP"}}}, meetd.BulkContactsOptions{UpdateExisting: true,
		Check: func(meetd.Contact) error { return refused }})
	if err != nil || res.Updated != 0 || res.Failed != 1 || len(res.Issues) != 1 || res.Issues[0].Message != "no" {
		t.Fatalf("BulkCreateContacts(updateExisting) refused by its check = %+v, %v", res, err)
	}
	res, err = f.db.BulkCreateContacts(f.ctx, meetd.CLIActor, c.ID, []meetd.Contact{
		{Email: "ZOE@example.org", FirstName: "Zoe2", Tags: []string{"VIP"}}}, meetd.BulkContactsOptions{UpdateExisting: true,
		Check: allowAll, Owner: "someone else"})
	if err != nil || res.Updated != 1 {
		t.Fatalf("BulkCreateContacts(updateExisting) = %+v, %v", res, err)
	}
	if z, _ := f.db.ContactByID(f.ctx, c.ID, zoe.ID, f.clock.Now()); z.Contact.FirstName != "Zoe2" ||
		z.Contact.LastName != "Ångström" || !slices.Equal(z.Contact.Tags, []string{"Lead", "VIP"}) ||
		z.Contact.AccountOwnerID != zoe.AccountOwnerID {
		t.Fatalf("updated by bulk: %+v", z.Contact)
	}
	wantTagged("VIP", "Zoe2")
	wantTagged("Lead", "Zoe2")

	// Bulk delete: only what keep allows, unknown ids skipped.
	n, err := f.db.BulkDeleteContacts(f.ctx, meetd.CLIActor, c.ID, []string{bob.ID, zoe.ID, meetd.NewID()},
		func(c meetd.Contact) bool { return c.ID == bob.ID })
	if err != nil || n != 1 {
		t.Fatalf("BulkDeleteContacts = %d, %v", n, err)
	}
	_, err = f.db.ContactByID(f.ctx, c.ID, bob.ID, f.clock.Now())
	wantCode(t, err, meetd.ENOTFOUND)
	if err := f.db.DeleteContact(f.ctx, meetd.CLIActor, c.ID, zoe.ID, allowAll); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.db.DeleteContact(f.ctx, meetd.CLIActor, c.ID, zoe.ID, allowAll), meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteContact(f.ctx, meetd.CLIActor, c.ID, "not-a-uuid", allowAll), meetd.ENOTFOUND)
	wantTagged("Lead")
	// The kept totals follow every create, move and delete.
	if ids, total := list(meetd.ContactFilter{}); total != len(ids) || total != 2 {
		t.Fatalf("after the deletes: %v, total %d", ids, total)
	}
	if _, total := list(meetd.ContactFilter{OwnerID: owner.ID}); total != 1 {
		t.Fatalf("the owner's total %d, want 1", total)
	}
	entries, err := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
	}
	if actions["contact.create"] != 3 || actions["contact.update"] != 1 || actions["contact.delete"] != 2 ||
		actions["contact.bulk_create"] != 3 {
		t.Fatalf("audit actions = %v", actions)
	}
}

func testForeignContacts(f *fixture) {
	t := f.t
	ca, _ := f.company(meetd.PlanEnterprise, "owner-a@example.com")
	cb, _ := f.company(meetd.PlanEnterprise, "owner-b@example.com")
	theirs, err := f.db.CreateContact(f.ctx, meetd.CLIActor, meetd.Contact{CompanyID: cb.ID, Email: "x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	hb := f.host(cb.ID, "hb@example.com")
	booked, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(hb, start.Add(24*time.Hour), 30))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.db.ContactByID(f.ctx, ca.ID, theirs.ID, start)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.ContactByAttendee(f.ctx, ca.ID, booked.Attendee.ID, start)
	wantCode(t, err, meetd.ENOTFOUND)
	name := "Mine"
	_, err = f.db.UpdateContact(f.ctx, meetd.CLIActor, ca.ID, theirs.ID, allowAll, meetd.ContactPatch{FirstName: &name})
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteContact(f.ctx, meetd.CLIActor, ca.ID, theirs.ID, allowAll), meetd.ENOTFOUND)
	if n, err := f.db.BulkDeleteContacts(f.ctx, meetd.CLIActor, ca.ID, []string{theirs.ID},
		func(meetd.Contact) bool { return true }); err != nil || n != 0 {
		t.Fatalf("BulkDeleteContacts = %d, %v", n, err)
	}
	// The same e-mail is another company's business.
	if _, err := f.db.CreateContact(f.ctx, meetd.CLIActor, meetd.Contact{CompanyID: ca.ID, Email: "X@example.com"}); err != nil {
		t.Fatal(err)
	}
	if rows, total, err := f.db.ListContacts(f.ctx, meetd.ContactFilter{CompanyID: ca.ID, Limit: 10}); err != nil ||
		total != 1 || rows[0].Contact.CompanyID != ca.ID {
		t.Fatalf("ListContacts = %+v, %d, %v", rows, total, err)
	}
	if got, err := f.db.ContactByID(f.ctx, cb.ID, theirs.ID, start); err != nil || got.Contact.FirstName != "" {
		t.Fatalf("B's contact changed: %+v, %v", got, err)
	}
}

func testBookingContacts(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	at := start.Add(48 * time.Hour)
	n := f.booking(h, at, 30)
	n.Attendee = meetd.Attendee{Email: "Grace@Example.com", Fullname: "Grace Hopper", Phone: "+1 555 0100",
		Language: "en", Notes: json.RawMessage(`{}`), BringalongEmails: []string{"guest@example.com"}}
	first, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.db.ContactByAttendee(f.ctx, c.ID, strings.ToUpper(first.Attendee.ID), start)
	if err != nil || d.Contact.FirstName != "Grace" || d.Contact.LastName != "Hopper" || d.Contact.Email != "Grace@Example.com" ||
		d.Contact.PhoneNumber != "+1 555 0100" || d.Contact.AccountOwnerID != h.user.ID || len(d.Appointments) != 1 ||
		d.Appointments[0].AppointmentID != first.ID || d.NextAppointment == nil || !d.NextAppointment.Equal(at) {
		t.Fatalf("ContactByAttendee = %+v, %v", d, err)
	}
	// The guest is a contact too.
	if g, err := f.db.ContactByAttendee(f.ctx, c.ID, first.Attendees[1].ID, start); err != nil || g.Contact.Email != "guest@example.com" {
		t.Fatalf("guest's contact = %+v, %v", g, err)
	}
	// A second booking in another case is the same contact, whose empty
	// fields it fills; a name it already has stays.
	n2 := f.booking(h, at.Add(time.Hour), 30)
	n2.Attendee = meetd.Attendee{Email: "GRACE@example.COM", Firstname: "Amazing", Lastname: "Grace", Timezone: "UTC",
		Notes: json.RawMessage(`{}`)}
	second, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n2)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := f.db.ContactByAttendee(f.ctx, c.ID, second.Attendee.ID, start)
	if err != nil || d2.Contact.ID != d.Contact.ID || d2.Contact.FirstName != "Grace" || len(d2.Appointments) != 2 {
		t.Fatalf("second booking's contact = %+v, %v", d2, err)
	}
	// Cancelling keeps both listed and moves the next one on.
	if _, err := f.db.CancelAppointment(f.ctx, meetd.CLIActor, c.ID, first.ID, "", "host"); err != nil {
		t.Fatal(err)
	}
	d3, _ := f.db.ContactByID(f.ctx, c.ID, d.Contact.ID, start)
	if len(d3.Appointments) != 2 || !d3.Appointments[0].Cancelled || d3.NextAppointment == nil || !d3.NextAppointment.Equal(second.Start) {
		t.Fatalf("after cancelling: %+v", d3)
	}
	// After both are past, there is no next one.
	if d4, _ := f.db.ContactByID(f.ctx, c.ID, d.Contact.ID, at.Add(3*time.Hour)); d4.NextAppointment != nil {
		t.Fatalf("next appointment after both: %v", d4.NextAppointment)
	}
	rows, total, err := f.db.ListContacts(f.ctx, meetd.ContactFilter{CompanyID: c.ID, Search: "hopper", Now: start, Limit: 10})
	if err != nil || total != 1 || len(rows[0].Appointments) != 2 {
		t.Fatalf("ListContacts = %+v, %d, %v", rows, total, err)
	}
	// A deleted contact leaves its attendees without one, and the next
	// booking makes a new one.
	if err := f.db.DeleteContact(f.ctx, meetd.CLIActor, c.ID, d.Contact.ID, allowAll); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.ContactByAttendee(f.ctx, c.ID, second.Attendee.ID, start)
	wantCode(t, err, meetd.ENOTFOUND)
	if ap, err := f.db.AppointmentByID(f.ctx, c.ID, second.ID); err != nil || ap.Attendee.Email != "GRACE@example.COM" {
		t.Fatalf("the appointment after deleting its contact: %+v, %v", ap, err)
	}
	if _, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, c.ID, second.ID, at.Add(2*time.Hour), at.Add(150*time.Minute), 0, 0); err != nil {
		t.Fatal(err)
	}
	d5, err := f.db.ContactByAttendee(f.ctx, c.ID, second.Attendee.ID, start)
	if err != nil || d5.Contact.ID == d.Contact.ID || d5.Contact.FirstName != "Amazing" {
		t.Fatalf("contact made again: %+v, %v", d5, err)
	}
}
