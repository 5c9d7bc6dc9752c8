package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// bookAs books mtID with hostID for an attendee with email and returns the
// answer's fields.
func (h *harness) bookAs(token, mtID, hostID string, start time.Time, email string) map[string]any {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/v4/booking", token: token, body: map[string]any{
		"meetingTypeId": mtID, "start": start.Format(time.RFC3339), "hostIds": []string{hostID},
		"attendee": attendee(email)}})
	wantStatus(h.t, r, 201)
	return decode(h.t, r)
}

// exportDoc is a completed export as GET /v4/gdpr/export/{id} answers it.
type exportDoc struct {
	ExportID, Status, Email, CreatedAt, CompletedAt string
	Data                                            struct {
		Users               []map[string]any
		Appointments        []map[string]any
		ProvisionalBookings []map[string]any
		AuditEntries        []map[string]any
		WebhookEvents       []map[string]any
		Emails              []map[string]any
		Contacts            []map[string]any
	}
}

func (h *harness) export(token, acting, email string) (string, exportDoc) {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/v4/gdpr/export", token: token, acting: acting, body: map[string]any{"email": email}})
	wantStatus(h.t, r, 202)
	started := decode(h.t, r)
	id, _ := started["exportId"].(string)
	if started["status"] != "completed" || r.header.Get("Location") != "/v4/gdpr/export/"+id {
		h.t.Fatalf("POST answered %s, Location %q", r.body, r.header.Get("Location"))
	}
	owner := h.a.owner.ID
	if token == h.b.key {
		owner = h.b.owner.ID
	}
	got := h.get("/v4/gdpr/export/"+id, token, owner)
	wantStatus(h.t, got, 200)
	if got.header.Get("Cache-Control") != "no-store" {
		h.t.Fatalf("Cache-Control = %q", got.header.Get("Cache-Control"))
	}
	var doc exportDoc
	if err := json.Unmarshal(got.body, &doc); err != nil {
		h.t.Fatal(err)
	}
	return id, doc
}

func ids(list []map[string]any) []string {
	var out []string
	for _, m := range list {
		out = append(out, m["id"].(string))
	}
	return out
}

func TestGDPRExport(t *testing.T) {
	eachBackend(t, func(t *testing.T, backend sqldbtest.Backend) {
		h := newHarness(t, backend)
		h.clock.Set(monday)
		ctx := context.Background()
		a, b := h.a, h.b
		const email = "jane.doe@guest.example"

		// Company B knew Jane first: as a user (since removed, freeing the
		// email) and as an attendee.
		bJane, err := h.db.CreateUser(ctx, meetd.CLIActor, meetd.NewUser{CompanyID: b.company.ID, Email: email,
			GivenName: "Jane", FamilyName: "B", Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.db.RemoveUser(ctx, meetd.CLIActor, b.company.ID, bJane.User.ID); err != nil {
			t.Fatal(err)
		}
		bMT := h.meetingType(b.memberPAT, "", nil)
		bBooked := h.bookAs(b.key, bMT, b.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), "Jane.Doe@Guest.example")

		// In company A Jane is a user who hosts, and an attendee.
		jane, err := h.db.CreateUser(ctx, meetd.CLIActor, meetd.NewUser{CompanyID: a.company.ID, Email: "Jane.Doe@guest.example",
			GivenName: "Jane", FamilyName: "Doe", Timezone: "Europe/Berlin", Role: meetd.RoleMember, Type: meetd.UserStandard})
		if err != nil {
			t.Fatal(err)
		}
		janeMT := h.meetingType(a.key, jane.User.ID, nil) // Jane acts (through the key): her address is exported
		hosted := h.bookAs(a.key, janeMT, jane.User.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), "ada@guest.example")
		memberMT := h.meetingType(a.memberPAT, "", nil)
		attended := h.bookAs(a.key, memberMT, a.member.ID, time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC), "JANE.DOE@guest.example")
		other := h.bookAs(a.key, memberMT, a.member.ID, time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC), "ada@guest.example")
		doi := h.meetingType(a.memberPAT, "", map[string]any{"slug": "doi", "meetingOptions": map[string]any{"doubleOptIn": "enabled"}})
		pending := h.bookAs(a.key, doi, a.member.ID, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), email)
		// Jane cancels through her attendee link; an admin renames her.
		wantStatus(t, h.do(req{method: "POST", path: "/v4/public/appointment/" + attended["appointmentId"].(string) + "/cancel",
			body: map[string]any{"secret": attended["secret"]}}), 200)
		wantStatus(t, h.do(req{method: "PATCH", path: "/v4/user/" + jane.User.ID, token: a.key, acting: a.admin.ID,
			body: map[string]any{"givenName": "Janet"}}), 200)

		exportID, doc := h.export(a.key, "", "Jane.Doe@Guest.Example")
		if doc.ExportID != exportID || doc.Status != "completed" || doc.Email != "Jane.Doe@Guest.Example" ||
			doc.CreatedAt == "" || doc.CompletedAt == "" {
			t.Fatalf("export %+v", doc)
		}
		d := doc.Data
		if len(d.Users) != 1 || d.Users[0]["id"] != jane.User.ID || d.Users[0]["givenName"] != "Janet" || d.Users[0]["status"] != "active" {
			t.Fatalf("users %v", d.Users)
		}
		if got := strings.Join(ids(d.Appointments), ","); got != hosted["appointmentId"].(string)+","+attended["appointmentId"].(string) {
			t.Fatalf("appointments %v, want the hosted and the attended one", got)
		}
		for _, ap := range d.Appointments {
			if _, ok := ap["secret"]; ok {
				t.Fatal("an exported appointment carries its secret")
			}
		}
		if got := ids(d.ProvisionalBookings); len(got) != 1 || got[0] != pending["provisionalBookingId"] {
			t.Fatalf("provisional bookings %v", got)
		}
		actions := map[string]map[string]any{}
		for _, e := range d.AuditEntries {
			actions[e["action"].(string)] = e
		}
		// Jane's meeting type and availability were made by an API key
		// acting for her: that server's address is not hers to see.
		for action, ip := range map[string]any{"user.create": nil, "user.update": nil, "meeting_type.create": nil,
			"availability.create": nil, "appointment.cancel": "127.0.0.1"} {
			e, ok := actions[action]
			if !ok {
				t.Fatalf("no %s entry in %v", action, d.AuditEntries)
			}
			if e["ip"] != ip {
				t.Fatalf("%s: ip %v, want %v (addresses only where Jane acted)", action, e["ip"], ip)
			}
		}
		if e := actions["appointment.cancel"]; e["source"] != "attendee" || e["targetId"] != attended["appointmentId"] {
			t.Fatalf("attendee cancel %v", e)
		}
		if e := actions["user.update"]; e["actingUserId"] != a.admin.ID || e["credentialId"] != a.keyID || e["onBehalf"] != true {
			t.Fatalf("user.update %v", e)
		}

		// Nothing of company B, nothing of the unrelated booking, no secret.
		body := string(h.get("/v4/gdpr/export/"+exportID, a.key, a.owner.ID).body)
		for _, s := range []string{b.company.ID, bJane.User.ID, bBooked["appointmentId"].(string), other["appointmentId"].(string),
			hosted["secret"].(string), attended["secret"].(string), a.key, b.key} {
			if strings.Contains(body, s) {
				t.Fatalf("the export contains %q:\n%s", s, body)
			}
		}
		if strings.Contains(strings.ToLower(h.logs.String()), email) {
			t.Fatal("the exported address reached the logs")
		}
		// B's export of the same address holds B's records only.
		_, bDoc := h.export(b.key, "", email)
		if len(bDoc.Data.Users) != 1 || bDoc.Data.Users[0]["id"] != bJane.User.ID || bDoc.Data.Users[0]["status"] != "removed" ||
			len(bDoc.Data.Appointments) != 1 || bDoc.Data.Appointments[0]["id"] != bBooked["appointmentId"] ||
			len(bDoc.Data.ProvisionalBookings) != 0 {
			t.Fatalf("B's export %+v", bDoc.Data)
		}

		// The export is audited with the credential that asked for it.
		entries, err := h.db.Audit(ctx, meetd.AuditFilter{CompanyID: a.company.ID, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if e := entries[0]; e.Action != "gdpr.export" || e.TargetID != exportID || e.CredentialID != a.keyID ||
			e.UserID != a.owner.ID || !e.OnBehalf || e.Source != "api" {
			t.Fatalf("audit %+v", e)
		}

		// An address nobody knows gives empty lists; the acting user does not matter.
		_, empty := h.export(a.key, a.member.ID, "nobody@guest.example")
		if len(empty.Data.Users)+len(empty.Data.Appointments)+len(empty.Data.ProvisionalBookings)+len(empty.Data.AuditEntries) != 0 {
			t.Fatalf("empty export %+v", empty.Data)
		}

		// Exports are kept 7 days.
		h.clock.Advance(meetd.GDPRExportTTL - time.Second)
		wantStatus(t, h.get("/v4/gdpr/export/"+exportID, a.key, a.owner.ID), 200)
		h.clock.Advance(time.Second)
		wantExact(t, h.get("/v4/gdpr/export/"+exportID, a.key, a.owner.ID), 404,
			`{"statusCode":404,"message":"GDPR export not found","error":"Not Found"}`)
	})
}

func TestGDPRExportRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, backend sqldbtest.Backend) {
		h := newHarness(t, backend)
		a, b := h.a, h.b
		id, _ := h.export(a.key, "", "someone@guest.example")

		const patRefused = `{"statusCode":403,"message":"Personal access tokens cannot trigger GDPR exports; use a platform API key","error":"Forbidden"}`
		for _, pat := range []string{a.ownerPAT, a.adminPAT, a.memberPAT} {
			wantExact(t, h.do(req{method: "POST", path: "/v4/gdpr/export", token: pat, body: map[string]any{"email": "someone@guest.example"}}),
				403, patRefused)
			wantExact(t, h.get("/v4/gdpr/export/"+id, pat, ""), 403, patRefused)
		}
		const notFound = `{"statusCode":404,"message":"GDPR export not found","error":"Not Found"}`
		wantExact(t, h.get("/v4/gdpr/export/"+id, b.key, b.owner.ID), 404, notFound)
		wantExact(t, h.get("/v4/gdpr/export/"+meetd.NewID(), a.key, a.owner.ID), 404, notFound)
		wantExact(t, h.get("/v4/gdpr/export/not-a-uuid", a.key, a.owner.ID), 404, notFound)
		wantStatus(t, h.get("/v4/gdpr/export/"+strings.ToUpper(id), a.key, a.owner.ID), 200)
		wantExact(t, h.get("/v4/gdpr/export/"+id, a.key, ""), 400,
			`{"statusCode":400,"message":"Missing required header 'x-meetergo-api-user-id' for API key authentication","error":"Bad Request"}`)
		wantStatus(t, h.get("/v4/gdpr/export/"+id, "", ""), 401)

		for _, c := range []struct {
			body, want string
		}{
			{`{}`, `"errors":[{"field":"email","message":"email should not be empty"}]`},
			{`{"email":"  "}`, `"errors":[{"field":"email","message":"email should not be empty"}]`},
			{`{"email":"not-an-email"}`, `"errors":[{"field":"email","message":"email must be an email"}]`},
			{`{"email":"Jane <jane@guest.example>"}`, `"errors":[{"field":"email","message":"email must be an email"}]`},
			{`{"email":"jane@localhost"}`, `"errors":[{"field":"email","message":"email must be an email"}]`},
			{`{"email":42}`, `"errors":[{"field":"email","message":"email has the wrong type"}]`},
			{`[]`, `"message":"Malformed JSON body"`},
		} {
			r := h.do(req{method: "POST", path: "/v4/gdpr/export", token: a.key, body: c.body})
			wantStatus(t, r, 400)
			if !strings.Contains(string(r.body), c.want) {
				t.Fatalf("%s: %s, want %s", c.body, r.body, c.want)
			}
		}
		r := h.do(req{method: "POST", path: "/v4/gdpr/export", token: a.key, body: `{"email":"a@b.example"}`, contentType: "text/plain"})
		wantExact(t, r, 400, `{"statusCode":400,"message":"Content-Type must be application/json","error":"Bad Request"}`)
	})
}

// The export reaches the webhook outbox too, and shows other people's
// attendance in the subject's own appointments only by name.
func TestGDPRExportOutboxAndOthers(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, allowPrivate)
	h.clock.Set(monday)
	a := h.a
	wantStatus(t, h.do(req{method: "POST", path: "/webhooks", token: a.key,
		body: map[string]any{"endpoint": "https://127.0.0.1:9/in", "eventTypes": []string{"booking_created"}}}), 201)
	mt := h.meetingType(a.memberPAT, "", nil)
	h.bookAs(a.key, mt, a.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), "Guest.Person@Example.org")

	_, guest := h.export(a.key, "", "guest.person@example.org")
	if len(guest.Data.WebhookEvents) != 1 || guest.Data.WebhookEvents[0]["type"] != "booking_created" {
		t.Fatalf("webhook events for the attendee: %v", guest.Data.WebhookEvents)
	}
	payload := guest.Data.WebhookEvents[0]["payload"].(map[string]any)
	if _, ok := payload["secret"]; ok {
		t.Fatal("an exported webhook payload carries the appointment secret")
	}
	if att := payload["attendees"].([]any)[0].(map[string]any); att["email"] != "Guest.Person@Example.org" {
		t.Fatalf("the subject's own attendance was reduced: %v", att)
	}
	// The e-mails to the address: the confirmation and two reminders,
	// without links.
	kinds := map[string]int{}
	for _, m := range guest.Data.Emails {
		kinds[m["kind"].(string)]++
		if m["status"] != "pending" || m["body"] != nil || strings.Contains(fmt.Sprint(m), "secret") {
			t.Fatalf("exported e-mail %v", m)
		}
	}
	if kinds["booking-confirmation"] != 1 || kinds["reminder"] != 2 || len(kinds) != 2 {
		t.Fatalf("exported e-mails %v", kinds)
	}

	_, host := h.export(a.key, "", a.member.Email)
	if len(host.Data.Appointments) != 1 || len(host.Data.WebhookEvents) != 1 {
		t.Fatalf("host export: %d appointments, %d events", len(host.Data.Appointments), len(host.Data.WebhookEvents))
	}
	for _, ap := range []map[string]any{host.Data.Appointments[0], host.Data.WebhookEvents[0]["payload"].(map[string]any)} {
		att := ap["attendees"].([]any)[0].(map[string]any)
		if att["fullname"] != "Ada Guest" || att["email"] != nil || att["notes"] != nil || att["phone"] != nil {
			t.Fatalf("another person's details in the host's export: %v", att)
		}
	}
}
