package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// objects are one user's scheduling objects, made through the API.
type objects struct {
	meetingType, availability, exception, appointment, queue string
}

func (h *harness) objectsOf(tn tenant, user string, slot time.Time) objects {
	h.t.Helper()
	var o objects
	o.meetingType = h.meetingType(tn.key, user, map[string]any{"slug": "iso-" + user[:8]})
	mt := decode(h.t, h.get("/v4/meeting-type/"+o.meetingType, tn.key, user))
	o.availability = mt["availabilityId"].(string)
	r := h.do(req{method: "POST", path: "/v4/availability/" + o.availability + "/exceptions", token: tn.key, acting: user,
		body: map[string]any{"start": "2026-12-24", "title": "Holiday"}})
	wantStatus(h.t, r, 201)
	o.exception = fmt.Sprint(decode(h.t, r)["id"])
	r = h.book(tn.key, o.meetingType, user, slot, nil)
	wantStatus(h.t, r, 201)
	o.appointment = decode(h.t, r)["appointmentId"].(string)
	qmt := h.meetingType(tn.key, user, map[string]any{"slug": "queue-" + user[:8]})
	r = h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + qmt, token: tn.key, acting: user, body: map[string]any{"userId": user}})
	wantStatus(h.t, r, 200)
	o.queue = decode(h.t, r)["id"].(string)
	return o
}

// requests lists every route that takes an object id, aimed at o.
func (o objects) requests(userID string) []req {
	patchMT := map[string]any{"meetingInfo": map[string]any{"name": "Taken over"}}
	return []req{
		{method: "GET", path: "/v4/meeting-type/" + o.meetingType},
		{method: "PATCH", path: "/v4/meeting-type/" + o.meetingType, body: patchMT},
		{method: "DELETE", path: "/v4/meeting-type/" + o.meetingType},
		{method: "GET", path: "/v4/meeting-type?userId=" + userID},
		{method: "GET", path: "/v4/availability/" + o.availability},
		{method: "PATCH", path: "/v4/availability/" + o.availability, body: map[string]any{"name": "Taken over"}},
		{method: "DELETE", path: "/v4/availability/" + o.availability},
		{method: "GET", path: "/v4/availability?userId=" + userID},
		{method: "GET", path: "/v4/availability/" + o.availability + "/exceptions"},
		{method: "POST", path: "/v4/availability/" + o.availability + "/exceptions", body: map[string]any{"start": "2026-12-31"}},
		{method: "DELETE", path: "/v4/availability/" + o.availability + "/exceptions/" + o.exception},
		{method: "GET", path: "/v4/appointment/" + o.appointment},
		{method: "POST", path: "/v4/appointment/" + o.appointment + "/cancel", body: map[string]any{}},
		{method: "POST", path: "/v4/appointment/" + o.appointment + "/reschedule", body: map[string]any{"start": "2026-03-05T10:00:00Z"}},
		{method: "DELETE", path: "/v4/appointment/" + o.appointment},
		{method: "GET", path: "/v4/appointment/paginated?page=0&pageSize=10&userId=" + userID},
		{method: "GET", path: "/v4/provisional-booking/paginated?page=0&pageSize=10&userId=" + userID},
		{method: "PATCH", path: "/v4/queue/meeting-type/" + o.meetingType, body: map[string]any{"type": "equalDistribution"}},
		{method: "PATCH", path: "/v4/user/" + userID, body: map[string]any{"givenName": "Taken"}},
	}
}

// TestTenantIsolation aims every id-taking route of company B's objects
// with company A's credentials (404, as if they did not exist), and a
// member's PAT at a colleague's objects (403, DESIGN §5).
func TestTenantIsolation(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, allowPrivate)
		h.clock.Set(monday)
		theirs := h.objectsOf(h.b, h.b.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		colleague := h.objectsOf(h.a, h.a.admin.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		for _, cred := range []struct {
			name, token, acting string
		}{{"A's key acting as A's owner", h.a.key, h.a.owner.ID}, {"A's admin PAT", h.a.adminPAT, ""}} {
			for _, r := range theirs.requests(h.b.member.ID) {
				t.Run(cred.name+" "+r.method+" "+r.path, func(t *testing.T) {
					r.token, r.acting = cred.token, cred.acting
					wantStatus(t, h.do(r), 404)
				})
			}
			for _, r := range []req{
				{method: "GET", path: "/v4/queue/" + theirs.queue},
				{method: "GET", path: "/v4/queue/" + theirs.queue + "/next"},
			} {
				r.token, r.acting = cred.token, cred.acting
				wantStatus(t, h.do(r), 404)
			}
			wantStatus(t, h.book(cred.token, theirs.meetingType, h.b.member.ID, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), nil), 404)
			wantExact(t, h.get("/v4/booking-availability?meetingTypeId="+theirs.meetingType+"&hostIds="+h.b.member.ID+
				"&start=2026-03-04&end=2026-03-04", cred.token, cred.acting), 400,
				`{"statusCode":400,"message":"Meeting Type Not Found","error":"Bad Request"}`)
		}
		for _, r := range colleague.requests(h.a.admin.ID) {
			t.Run("member PAT on a colleague's "+r.method+" "+r.path, func(t *testing.T) {
				r.token = h.a.memberPAT
				wantStatus(t, h.do(r), 403)
			})
		}
		// Webhooks are company-wide: another company's are 404, and a
		// member's PAT may not manage them at all.
		r := h.do(req{method: "POST", path: "/webhooks", token: h.b.key,
			body: map[string]any{"endpoint": "https://127.0.0.1:9/b-in", "eventTypes": []string{"booking_created"}}})
		wantStatus(t, r, 201)
		hookB := decode(t, r)["id"].(string)
		for _, cred := range []struct{ token, acting string }{{h.a.key, ""}, {h.a.adminPAT, ""}} {
			wantStatus(t, h.do(req{method: "PATCH", path: "/webhooks/" + hookB, token: cred.token, acting: cred.acting,
				body: map[string]any{"description": "mine now"}}), 404)
			wantStatus(t, h.do(req{method: "DELETE", path: "/webhooks/" + hookB, token: cred.token, acting: cred.acting}), 404)
			list := h.get("/webhooks", cred.token, cred.acting)
			wantStatus(t, list, 200)
			if strings.Contains(string(list.body), hookB) {
				t.Fatalf("company A lists company B's webhook: %s", list.body)
			}
		}
		wantStatus(t, h.get("/webhooks", h.a.memberPAT, ""), 403)
		// Nothing of B's was changed by any of it.
		if got := decode(t, h.get("/v4/meeting-type/"+theirs.meetingType, h.b.key, h.b.member.ID)); got["meetingInfo"].(map[string]any)["name"] != "Intro Call" {
			t.Fatalf("B's meeting type changed: %v", got)
		}
		if got := decode(t, h.get("/v4/appointment/"+theirs.appointment, h.b.key, h.b.member.ID)); got["isCancelled"] != false {
			t.Fatalf("B's appointment changed: %v", got)
		}
	})
}
