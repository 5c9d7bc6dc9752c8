package httpapi_test

import (
	"strings"
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// POST /v4/gdpr/erase over HTTP: platform API keys only, a clear 400, the
// export names the contact before and nothing after, the appointment stays
// for the host with the attendee erased, and the audit entry names a hash.
func TestGDPREraseOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		ap := c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(10, 0), "hostIds": []string{c.a.member.ID},
			"attendee": map[string]any{"email": "Erin.Erased@guest.example", "fullname": "Erin Erased",
				"receiveReminders": true, "notes": map[string]any{}}})
		if _, doc := c.export(c.a.key, "", "erin.erased@guest.example"); len(doc.Data.Contacts) != 1 ||
			doc.Data.Contacts[0]["lastName"] != "Erased" {
			t.Fatalf("the export's contacts: %v", doc.Data.Contacts)
		}
		wantStatus(t, c.do(req{method: "POST", path: "/v4/gdpr/erase", token: c.a.adminPAT,
			body: map[string]any{"email": "erin.erased@guest.example"}}), 403)
		wantStatus(t, c.do(req{method: "POST", path: "/v4/gdpr/erase", token: c.a.key, body: map[string]any{"email": "erin"}}), 400)
		wantStatus(t, c.do(req{method: "POST", path: "/v4/gdpr/erase", token: c.a.key, body: map[string]any{}}), 400)
		wantStatus(t, c.do(req{method: "POST", path: "/v4/gdpr/erase", token: c.a.key,
			body: map[string]any{"email": c.a.member.Email}}), 409)
		r := c.do(req{method: "POST", path: "/v4/gdpr/erase", token: c.a.key, body: map[string]any{"email": "ERIN.erased@guest.example"}})
		wantStatus(t, r, 200)
		got := decode(t, r)
		erased := got["erased"].(map[string]any)
		subject, _ := got["subject"].(string)
		if got["status"] != "completed" || !strings.HasPrefix(subject, "sha256:") || erased["contacts"] != 1.0 ||
			erased["attendees"] != 1.0 || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("erase answered %s", r.body)
		}
		after := decode(t, c.get("/v4/appointment/"+ap["id"].(string), c.a.key, c.a.owner.ID))
		if at := firstAttendee(t, after); at["fullname"] != "Erased attendee" || at["email"] != "" {
			t.Fatalf("the appointment after erasure: %v", after)
		}
		if _, doc := c.export(c.a.key, "", "erin.erased@guest.example"); len(doc.Data.Contacts) != 0 || len(doc.Data.Appointments) != 0 {
			t.Fatalf("the export after erasure: %+v", doc.Data)
		}
		audit := c.get("/v4/audit?limit=100", c.a.key, "")
		wantStatus(t, audit, 200)
		if !strings.Contains(string(audit.body), subject) || strings.Contains(strings.ToLower(string(audit.body)), "erin") {
			t.Fatalf("the audit log: %s", audit.body)
		}
	})
}
