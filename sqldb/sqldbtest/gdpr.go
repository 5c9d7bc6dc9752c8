package sqldbtest

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

func testGDPRExports(f *fixture) {
	t := f.t
	const email = "jane@example.com"
	ca, _ := f.company(meetd.PlanEnterprise, "owner-a@example.com")
	cb, _ := f.company(meetd.PlanEnterprise, "owner-b@example.com")

	// Company B had Jane as a user (removed since, which frees the email)
	// and as an attendee.
	bJane := f.host(cb.ID, email)
	bBooked, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, withAttendee(f.booking(bJane, start.Add(24*time.Hour), 30), email))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, cb.ID, bJane.user.ID); err != nil {
		t.Fatal(err)
	}

	// In company A Jane hosts, co-hosts, attends (under another spelling)
	// and booked a double opt-in meeting; other records name others.
	jane := f.host(ca.ID, "Jane@Example.com")
	other := f.host(ca.ID, "oscar@example.com")
	at := start.Add(48 * time.Hour)
	hosted, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(jane, at, 30))
	if err != nil {
		t.Fatal(err)
	}
	both := f.booking(other, at.Add(time.Hour), 30)
	both.HostIDs = []string{other.user.ID, jane.user.ID}
	cohosted, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, both)
	if err != nil {
		t.Fatal(err)
	}
	attended, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, withAttendee(f.booking(other, at.Add(2*time.Hour), 30), "JANE@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(other, at.Add(3*time.Hour), 30)); err != nil {
		t.Fatal(err)
	}
	attendee := meetd.Actor{IP: "198.51.100.4", Source: "attendee"}
	if _, err := f.db.CancelAppointment(f.ctx, attendee, ca.ID, attended.ID, "", "attendee"); err != nil {
		t.Fatal(err)
	}
	provisional := func(hosts []string, mail string) meetd.ProvisionalBooking {
		f.clock.Advance(time.Millisecond) // distinct creation times give a stable order
		p, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: ca.ID,
			MeetingTypeID: other.mt.ID, HostIDs: hosts, Start: at, End: at.Add(30 * time.Minute),
			Request: json.RawMessage(`{}`), AttendeeEmail: mail, TokenHash: []byte{1}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	pAttendee := provisional([]string{other.user.ID}, email)
	pHost := provisional([]string{other.user.ID, jane.user.ID}, "guest@example.com")
	provisional([]string{other.user.ID}, "guest@example.com")
	admin := meetd.Actor{UserID: other.user.ID, IP: "192.0.2.1", Source: "dashboard"}
	if _, err := f.db.UpdateUser(f.ctx, admin, ca.ID, jane.user.ID, meetd.UserUpdate{GivenName: ptr("Janet")}); err != nil {
		t.Fatal(err)
	}
	auditBefore, _ := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: ca.ID, Limit: 1000})

	// A render error aborts the export: nothing stored, nothing audited.
	key := meetd.Actor{CredentialID: meetd.NewID(), CredentialKind: meetd.KindAPIKey, UserID: other.user.ID,
		OnBehalf: true, IP: "203.0.113.5", Source: "api"}
	boom := errors.New("boom")
	_, err = f.db.CreateGDPRExport(f.ctx, key, ca.ID, email, func(meetd.GDPRRecords) ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("CreateGDPRExport with a failing render = %v", err)
	}
	if after, _ := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: ca.ID, Limit: 1000}); len(after) != len(auditBefore) {
		t.Fatal("a failed export was audited")
	}

	f.clock.Advance(time.Minute)
	now := f.clock.Now()
	var recs meetd.GDPRRecords
	e, err := f.db.CreateGDPRExport(f.ctx, key, ca.ID, "jAne@example.COM", func(r meetd.GDPRRecords) ([]byte, error) {
		recs = r
		return []byte(`{"users":[]}`), nil
	})
	if err != nil || !meetd.IsUUID(e.ID) || e.CompanyID != ca.ID || e.Email != "jAne@example.COM" ||
		e.Status != meetd.GDPRExportCompleted || e.CredentialID != key.CredentialID || !e.CreatedAt.Equal(now) ||
		e.CompletedAt == nil || !e.CompletedAt.Equal(now) || string(e.Data) != `{"users":[]}` {
		t.Fatalf("CreateGDPRExport = %+v, %v", e, err)
	}
	if len(recs.Users) != 1 || recs.Users[0].ID != jane.user.ID || recs.Users[0].GivenName != "Janet" {
		t.Fatalf("users %+v", recs.Users)
	}
	var apIDs []string
	for _, ap := range recs.Appointments {
		apIDs = append(apIDs, ap.ID)
	}
	if !slices.Equal(apIDs, []string{hosted.ID, cohosted.ID, attended.ID}) {
		t.Fatalf("appointments %v, want hosted, co-hosted and attended, by start", apIDs)
	}
	if hs := recs.Appointments[1].HostIDs; len(hs) != 2 || hs[0] != other.user.ID {
		t.Fatalf("co-hosted appointment's hosts %v", hs)
	}
	if len(recs.ProvisionalBookings) != 2 || recs.ProvisionalBookings[0].ID != pAttendee.ID || recs.ProvisionalBookings[1].ID != pHost.ID {
		t.Fatalf("provisional bookings %+v", recs.ProvisionalBookings)
	}
	var actions []string
	for _, a := range recs.AuditEntries {
		if a.CompanyID != ca.ID {
			t.Fatalf("audit entry of another company: %+v", a)
		}
		actions = append(actions, a.Action+" "+a.Source)
	}
	// Jane's creation (by the CLI), her cancellation through the attendee
	// link and the admin's update. Her availability and meeting type were
	// made by the CLI, not by her, and are not about her as a user.
	if want := []string{"user.create cli", "appointment.cancel attendee", "user.update dashboard"}; !slices.Equal(actions, want) {
		t.Fatalf("audit entries %v, want %v", actions, want)
	}

	// The export is audited; it reads back, in any case of its id.
	entries, _ := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: ca.ID, Limit: 1})
	if a := entries[0]; a.Action != "gdpr.export" || a.TargetType != "gdpr_export" || a.TargetID != e.ID ||
		a.CredentialID != key.CredentialID || a.IP != key.IP {
		t.Fatalf("audit %+v", a)
	}
	got, err := f.db.GDPRExportByID(f.ctx, ca.ID, strings.ToUpper(e.ID))
	if err != nil || got.ID != e.ID || got.CompanyID != ca.ID || got.Email != e.Email || got.Status != e.Status ||
		!got.CreatedAt.Equal(now) || got.CompletedAt == nil || !got.CompletedAt.Equal(now) || string(got.Data) != string(e.Data) {
		t.Fatalf("GDPRExportByID = %+v, %v", got, err)
	}
	_, err = f.db.GDPRExportByID(f.ctx, ca.ID, meetd.NewID())
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.GDPRExportByID(f.ctx, ca.ID, "nope")
	wantCode(t, err, meetd.ENOTFOUND)

	// Company B's export of the same address: B's records only.
	if _, err := f.db.CreateGDPRExport(f.ctx, key, cb.ID, email, func(r meetd.GDPRRecords) ([]byte, error) {
		recs = r
		return []byte(`{}`), nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(recs.Users) != 1 || recs.Users[0].ID != bJane.user.ID || recs.Users[0].Status != meetd.UserRemoved ||
		len(recs.Appointments) != 1 || recs.Appointments[0].ID != bBooked.ID || len(recs.ProvisionalBookings) != 0 {
		t.Fatalf("B's records %+v", recs)
	}
	for _, a := range recs.AuditEntries {
		if a.CompanyID != cb.ID {
			t.Fatalf("audit entry of another company: %+v", a)
		}
	}

	// Pruning deletes exports made before the bound, and only those.
	if err := f.db.PruneGDPRExports(f.ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.GDPRExportByID(f.ctx, ca.ID, e.ID); err != nil {
		t.Fatalf("an export made at the bound was pruned: %v", err)
	}
	if err := f.db.PruneGDPRExports(f.ctx, now.Add(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.GDPRExportByID(f.ctx, ca.ID, e.ID)
	wantCode(t, err, meetd.ENOTFOUND)
}

func withAttendee(n meetd.NewAppointment, email string) meetd.NewAppointment {
	n.Attendee.Email = email
	return n
}

func ptr[T any](v T) *T { return &v }

// testForeignGDPRExport: another company's export is a missing one.
func testForeignGDPRExport(f *fixture) {
	t := f.t
	ca, _ := f.company(meetd.PlanEnterprise, "owner-a@example.com")
	cb, _ := f.company(meetd.PlanEnterprise, "owner-b@example.com")
	e, err := f.db.CreateGDPRExport(f.ctx, meetd.CLIActor, cb.ID, "jane@example.com",
		func(meetd.GDPRRecords) ([]byte, error) { return []byte(`{}`), nil })
	if err != nil {
		t.Fatal(err)
	}
	_, missing := f.db.GDPRExportByID(f.ctx, ca.ID, meetd.NewID())
	_, err = f.db.GDPRExportByID(f.ctx, ca.ID, e.ID)
	wantForeign(t, err, missing)
	if got, err := f.db.GDPRExportByID(f.ctx, cb.ID, e.ID); err != nil || got.ID != e.ID {
		t.Fatalf("GDPRExportByID of its own company = %+v, %v", got, err)
	}
}
