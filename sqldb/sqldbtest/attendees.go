package sqldbtest

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// testAttendees: a booking's attendee and guests get rows with ids;
// removing one attendee keeps the appointment and emits attendee_removed,
// removing the last cancels it; guests are capped; texts and quick mail
// are stored.
func testAttendees(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@att.example")
	h := f.host(c.ID, "host@att.example")
	f.webhook(c.ID, meetd.EventAttendeeRemoved, meetd.EventBookingCancelled)
	n := f.booking(h, start.Add(24*time.Hour), 30)
	n.Attendee.BringalongEmails = []string{"bob@guest.example", "GUEST@example.com", "bob@guest.example"}
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(ap.Attendees) != 2 || !meetd.IsUUID(ap.Attendees[0].ID) || ap.Attendees[0].GuestOf != "" ||
		ap.Attendees[1].GuestOf != ap.Attendees[0].ID || ap.Attendee.ID != ap.Attendees[0].ID ||
		string(ap.Attendees[1].Notes) != "{}" || !ap.Attendees[1].ReceiveReminders {
		t.Fatalf("booked attendees (the booker's own address and a repeat skipped) = %+v", ap.Attendees)
	}
	booker, guest := ap.Attendees[0], ap.Attendees[1]

	// Listing finds it by a guest's address, in any case.
	list, total, err := f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: c.ID, Search: "BOB@", Limit: 10})
	if err != nil || total != 1 || len(list) != 1 || len(list[0].Attendees) != 2 {
		t.Fatalf("search = %+v (%d), %v", list, total, err)
	}
	if _, total, _ := f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: c.ID, Search: "100%", Limit: 10}); total != 0 {
		t.Fatalf("a LIKE wildcard in search matched %d", total)
	}
	// Creation order, company-wide and per host.
	f.clock.Advance(time.Minute)
	second, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, start.Add(-24*time.Hour), 30))
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"", h.user.ID} {
		list, _, err := f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: c.ID, HostID: host, ByCreation: true,
			Descending: true, Limit: 10})
		if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != ap.ID || len(list[0].Attendees) != 1 {
			t.Fatalf("by creation (host %q) = %+v, %v", host, list, err)
		}
	}
	if _, err := f.db.CancelAppointment(f.ctx, meetd.CLIActor, c.ID, second.ID, "", "host"); err != nil {
		t.Fatal(err)
	}
	for _, d := range f.claim() {
		f.finish(d, meetd.WebhookDelivered, time.Time{})
	}

	// A guest's export holds the appointment, with every attendee's id.
	var recs meetd.GDPRRecords
	if _, err := f.db.CreateGDPRExport(f.ctx, meetd.CLIActor, c.ID, "BOB@guest.example", func(r meetd.GDPRRecords) ([]byte, error) {
		recs = r
		return []byte(`{}`), nil
	}); err != nil || len(recs.Appointments) != 1 || len(recs.Appointments[0].Attendees) != 2 ||
		recs.Appointments[0].Attendees[1].ID != guest.ID {
		t.Fatalf("GDPR records of a guest = %+v, %v", recs.Appointments, err)
	}

	// Guests: at most MaxGuests; repeats are skipped.
	var many []string
	for i := range meetd.MaxGuests {
		many = append(many, "g"+strings.Repeat("x", i)+"@guest.example")
	}
	_, err = f.db.AddGuests(f.ctx, meetd.CLIActor, c.ID, ap.ID, booker.ID, many)
	wantCode(t, err, meetd.EINVALID)
	more, err := f.db.AddGuests(f.ctx, meetd.CLIActor, c.ID, ap.ID, guest.ID, many[:2])
	if err != nil || len(more.Attendees) != 4 || more.Attendees[3].GuestOf != booker.ID {
		t.Fatalf("AddGuests = %+v, %v", more.Attendees, err)
	}
	_, err = f.db.AddGuests(f.ctx, meetd.CLIActor, c.ID, ap.ID, meetd.NewID(), many[:1])
	wantCode(t, err, meetd.ENOTFOUND)

	// Texts.
	text := "summary"
	got, err := f.db.UpdateAppointmentTexts(f.ctx, meetd.CLIActor, c.ID, ap.ID, meetd.AppointmentTexts{SetNote: true,
		Note: "VIP", SetSummary: true, Summary: &text})
	if err != nil || got.Note != "VIP" || got.Summary == nil || *got.Summary != text || got.Transcription != nil {
		t.Fatalf("UpdateAppointmentTexts = %+v, %v", got, err)
	}
	got, err = f.db.UpdateAppointmentTexts(f.ctx, meetd.CLIActor, c.ID, ap.ID, meetd.AppointmentTexts{SetSummary: true})
	if err != nil || got.Note != "VIP" || got.Summary != nil {
		t.Fatalf("clearing the summary = %+v, %v", got, err)
	}

	// Quick mail to the guest.
	apID, err := f.db.AttendeeAppointmentID(f.ctx, c.ID, strings.ToUpper(guest.ID))
	if err != nil || apID != ap.ID {
		t.Fatalf("AttendeeAppointmentID = %q, %v", apID, err)
	}
	m, err := f.db.QueueQuickMail(f.ctx, meetd.CLIActor, c.ID, ap.ID, guest.ID, "Hi", "Body")
	if err != nil || m.Recipient != "bob@guest.example" || m.Status != meetd.OutboxPending || m.Kind != "quick-mail" {
		t.Fatalf("QueueQuickMail = %+v, %v", m, err)
	}

	// Removing a guest keeps the appointment and the others.
	f.claim()
	_, err = f.db.RemoveAttendee(f.ctx, meetd.CLIActor, c.ID, ap.ID, meetd.NewID(), "", "host")
	wantCode(t, err, meetd.ENOTFOUND)
	left, err := f.db.RemoveAttendee(f.ctx, meetd.CLIActor, c.ID, ap.ID, guest.ID, "busy", "host")
	if err != nil || left.Cancelled || len(left.Attendees) != 3 {
		t.Fatalf("RemoveAttendee(guest) = %+v, %v", left, err)
	}
	ds := f.claim()
	if len(ds) != 1 || ds[0].EventType != meetd.EventAttendeeRemoved {
		t.Fatalf("deliveries = %+v", ds)
	}
	var p map[string]any
	if err := json.Unmarshal(ds[0].Payload, &p); err != nil || p["removedAttendeeId"] != guest.ID || p["reason"] != "busy" ||
		p["isCancelled"] != false || len(p["attendees"].([]any)) != 3 {
		t.Fatalf("payload = %s, %v", ds[0].Payload, err)
	}
	if _, err := f.db.AttendeeAppointmentID(f.ctx, c.ID, guest.ID); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("a removed attendee is still found: %v", err)
	}
	_, err = f.db.QueueQuickMail(f.ctx, meetd.CLIActor, c.ID, ap.ID, guest.ID, "Hi", "Body")
	wantCode(t, err, meetd.ENOTFOUND)
	// The booker leaving takes the rest of their guests: nobody is left,
	// so the appointment is cancelled.
	gone, err := f.db.RemoveAttendee(f.ctx, meetd.CLIActor, c.ID, ap.ID, booker.ID, "ill", "host")
	if err != nil || !gone.Cancelled || gone.CancelReason != "ill" || len(gone.Attendees) == 0 {
		t.Fatalf("RemoveAttendee(last) = %+v, %v", gone, err)
	}
	if ds := f.claim(); len(ds) != 1 || ds[0].EventType != meetd.EventBookingCancelled {
		t.Fatalf("deliveries = %+v", ds)
	}
	_, err = f.db.RemoveAttendee(f.ctx, meetd.CLIActor, c.ID, ap.ID, booker.ID, "", "host")
	wantCode(t, err, meetd.ECONFLICT)
	_, err = f.db.AddGuests(f.ctx, meetd.CLIActor, c.ID, ap.ID, "", many[:1])
	wantCode(t, err, meetd.ECONFLICT)
}

// testForeignAttendees: another company's appointment and attendees are
// not found by any attendee method.
func testForeignAttendees(f *fixture) {
	t := f.t
	a, _ := f.company(meetd.PlanEnterprise, "owner@a-att.example")
	b, _ := f.company(meetd.PlanEnterprise, "owner@b-att.example")
	h := f.host(b.ID, "host@b-att.example")
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, start.Add(24*time.Hour), 30))
	if err != nil {
		t.Fatal(err)
	}
	att := ap.Attendees[0].ID
	_, err = f.db.RemoveAttendee(f.ctx, meetd.CLIActor, a.ID, ap.ID, att, "", "host")
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.AddGuests(f.ctx, meetd.CLIActor, a.ID, ap.ID, att, []string{"x@guest.example"})
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.UpdateAppointmentTexts(f.ctx, meetd.CLIActor, a.ID, ap.ID, meetd.AppointmentTexts{SetNote: true, Note: "x"})
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.AttendeeAppointmentID(f.ctx, a.ID, att)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.QueueQuickMail(f.ctx, meetd.CLIActor, a.ID, ap.ID, att, "t", "c")
	wantCode(t, err, meetd.ENOTFOUND)
	if got, err := f.db.AppointmentByID(f.ctx, b.ID, ap.ID); err != nil || got.Note != "" || len(got.Attendees) != 1 {
		t.Fatalf("b's appointment changed: %+v, %v", got, err)
	}
}
