package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
	"github.com/meetd/meetd/webhook"
)

func allowPrivate(c *httpapi.Config) { c.WebhookAllowPrivate = true }

// receiver is a webhook endpoint on 127.0.0.1 that records what it gets
// and answers with a status the test sets.
type receiver struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	got    []delivery
}

type delivery struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.status.Store(200)
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivery{header: r.Header.Clone(), body: b})
		rc.mu.Unlock()
		w.WriteHeader(int(rc.status.Load()))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

// worker is a delivery worker on the harness's store and clock, without
// jitter, that the test runs pass by pass.
func (h *harness) worker() *webhook.Worker {
	return &webhook.Worker{Store: h.db, Clock: h.clock, Guard: webhook.Guard{AllowPrivate: true},
		Jitter: func(d time.Duration) time.Duration { return d }}
}

func deliverPass(t *testing.T, w *webhook.Worker) int {
	t.Helper()
	n, err := w.Deliver(context.Background())
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return n
}

func (h *harness) subscribe(token, endpoint string, types ...string) map[string]any {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/webhooks", token: token,
		body: map[string]any{"endpoint": endpoint, "eventTypes": types, "description": "test"}})
	wantStatus(h.t, r, 201)
	return decode(h.t, r)
}

func TestWebhookSubscriptions(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, allowPrivate)
		a := h.a
		rc := newReceiver(t)
		created := h.subscribe(a.adminPAT, rc.srv.URL+"/hook", "booking_created", "form_submission", "booking_created")
		secret, _ := created["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || created["companyId"] != a.company.ID ||
			len(created["eventTypes"].([]any)) != 2 || created["description"] != "test" || created["active"] != true {
			t.Fatalf("created %v", created)
		}
		id := created["id"].(string)
		// The list is a bare array without secrets; an API key without the
		// acting-user header acts as the owner.
		r := h.get("/webhooks", a.key, "")
		wantStatus(t, r, 200)
		if strings.Contains(string(r.body), secret) || strings.Contains(string(r.body), `"secret"`) {
			t.Fatalf("the list shows the secret: %s", r.body)
		}
		var list []map[string]any
		if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 1 || list[0]["id"] != id {
			t.Fatalf("list %s", r.body)
		}
		// PATCH replaces eventTypes and keeps the rest.
		r = h.do(req{method: "PATCH", path: "/webhooks/" + id, token: a.ownerPAT,
			body: map[string]any{"eventTypes": []string{"booking_cancelled"}}})
		wantStatus(t, r, 200)
		if p := decode(t, r); p["endpoint"] != rc.srv.URL+"/hook" || len(p["eventTypes"].([]any)) != 1 || p["secret"] != nil {
			t.Fatalf("patched %v", p)
		}
		// Validation.
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"eventTypes": []string{"booking_created"}}, "endpoint"},
			{map[string]any{"endpoint": rc.srv.URL}, "eventTypes"},
			{map[string]any{"endpoint": rc.srv.URL, "eventTypes": []string{}}, "eventTypes"},
			{map[string]any{"endpoint": rc.srv.URL, "eventTypes": []string{"booking_exploded"}}, "eventTypes"},
			{map[string]any{"endpoint": "not a url", "eventTypes": []string{"booking_created"}}, "endpoint"},
			{map[string]any{"endpoint": "ftp://x.example/", "eventTypes": []string{"booking_created"}}, "endpoint"},
			{map[string]any{"endpoint": rc.srv.URL, "eventTypes": []string{"booking_created"}, "description": strings.Repeat("x", 501)}, "description"},
		} {
			r := h.do(req{method: "POST", path: "/webhooks", token: a.ownerPAT, body: c.body})
			wantStatus(t, r, 400)
			if !strings.Contains(string(r.body), `"field":"`+c.field+`"`) {
				t.Errorf("%v: %s", c.body, r.body)
			}
		}
		// Members may not; another company's id is a 404.
		wantExact(t, h.get("/webhooks", a.memberPAT, ""), 403,
			`{"statusCode":403,"message":"Only company admins can manage webhooks","error":"Forbidden"}`)
		wantStatus(t, h.do(req{method: "POST", path: "/webhooks", token: a.memberPAT,
			body: map[string]any{"endpoint": rc.srv.URL, "eventTypes": []string{"booking_created"}}}), 403)
		notFound := `{"statusCode":404,"message":"Webhook not found","error":"Not Found"}`
		wantExact(t, h.do(req{method: "PATCH", path: "/webhooks/" + id, token: h.b.ownerPAT,
			body: map[string]any{"description": "mine"}}), 404, notFound)
		wantExact(t, h.do(req{method: "DELETE", path: "/webhooks/" + id, token: h.b.key}), 404, notFound)
		wantExact(t, h.do(req{method: "DELETE", path: "/webhooks/not-a-uuid", token: a.key}), 404, notFound)
		// A NUL byte, which PostgreSQL cannot compare, is no id either.
		wantExact(t, h.do(req{method: "DELETE", path: "/webhooks/%00", token: a.key}), 404, notFound)
		wantExact(t, h.do(req{method: "PATCH", path: "/webhooks/%00", token: a.key,
			body: map[string]any{"description": "x"}}), 404, notFound)
		if r := h.get("/webhooks", h.b.ownerPAT, ""); string(r.body) != "[]" {
			t.Fatalf("the other company sees %s", r.body)
		}
		// At most six.
		for range 5 {
			h.subscribe(a.key, rc.srv.URL, "booking_created")
		}
		wantExact(t, h.do(req{method: "POST", path: "/webhooks", token: a.key,
			body: map[string]any{"endpoint": rc.srv.URL, "eventTypes": []string{"booking_created"}}}), 406,
			`{"statusCode":406,"message":"Maximum number of webhooks reached (6)","error":"Not Acceptable"}`)
		wantStatus(t, h.do(req{method: "DELETE", path: "/webhooks/" + id, token: a.ownerPAT}), 204)
		wantExact(t, h.do(req{method: "DELETE", path: "/webhooks/" + id, token: a.ownerPAT}), 404, notFound)
		h.subscribe(a.key, rc.srv.URL, "booking_created")
		if strings.Contains(h.logs.String(), secret) {
			t.Fatal("a webhook secret reached the log")
		}
	})
}

// Without --webhook-allow-private, targets must be https and public.
func TestWebhookTargetsStrict(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	for _, ep := range []string{"http://hooks.example.com/in", "https://127.0.0.1/in", "https://localhost:8443/in",
		"https://10.0.0.1/", "https://[::1]/", "https://169.254.169.254/latest", "http://127.0.0.1:9/",
		"https://[::127.0.0.1]/", "https://[::ffff:0:7f00:1]/", "https://[2002:7f00:1::1]/", "https://[fec0::1]/",
		"https://[100::1]/", "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "https://nowhere.invalid/"} {
		r := h.do(req{method: "POST", path: "/webhooks", token: h.a.ownerPAT,
			body: map[string]any{"endpoint": ep, "eventTypes": []string{"booking_created"}}})
		wantStatus(t, r, 400)
		if !strings.Contains(string(r.body), `"field":"endpoint"`) {
			t.Errorf("%s: %s", ep, r.body)
		}
	}
	r := h.do(req{method: "POST", path: "/webhooks", token: h.a.ownerPAT,
		body: map[string]any{"endpoint": "http://hooks.example.com/in", "eventTypes": []string{"booking_created"}}})
	if !strings.Contains(string(r.body), "endpoint must be an https URL") {
		t.Fatalf("http refusal %s", r.body)
	}
	// A name that does not resolve and an internal address get one answer:
	// the API is no oracle for the operator's DNS.
	var bodies []string
	for _, ep := range []string{"https://nowhere.invalid/in", "https://10.0.0.1/in", "https://localhost/in"} {
		r := h.do(req{method: "POST", path: "/webhooks", token: h.a.ownerPAT,
			body: map[string]any{"endpoint": ep, "eventTypes": []string{"booking_created"}}})
		wantStatus(t, r, 400)
		bodies = append(bodies, string(r.body))
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] ||
		!strings.Contains(bodies[0], `{"field":"endpoint","message":"endpoint must be a public https URL"}`) {
		t.Fatalf("refusals differ or name the reason:\n%s", strings.Join(bodies, "\n"))
	}
	// A public literal address passes the check (nothing is sent).
	wantStatus(t, h.do(req{method: "POST", path: "/webhooks", token: h.a.ownerPAT,
		body: map[string]any{"endpoint": "https://93.184.216.34/in", "eventTypes": []string{"booking_created"}}}), 201)
}

// A booking is delivered once, signed; the payload is the appointment as
// GET /v4/appointment/{id} shows it plus webhookType and triggeredBy.
func TestWebhookBookingDelivery(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, allowPrivate)
		h.clock.Set(monday)
		a := h.a
		rc := newReceiver(t)
		sub := h.subscribe(a.key, rc.srv.URL+"/hook", "booking_created", "booking_rescheduled", "booking_cancelled")
		secret := sub["secret"].(string)
		other := newReceiver(t)
		h.subscribe(h.b.key, other.srv.URL, "booking_created")
		mt := h.meetingType(a.memberPAT, "", nil)
		slot := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		r := h.book(a.key, mt, a.member.ID, slot, nil)
		wantStatus(t, r, 201)
		apID := decode(t, r)["appointmentId"].(string)
		view := decode(t, h.get("/v4/appointment/"+apID, a.key, a.member.ID))

		w := h.worker()
		if n := deliverPass(t, w); n != 1 {
			t.Fatalf("delivered %d, want 1", n)
		}
		got := rc.deliveries()
		if len(got) != 1 || len(other.deliveries()) != 0 {
			t.Fatalf("receiver got %d, other company's %d", len(got), len(other.deliveries()))
		}
		d := got[0]
		if err := webhook.Verify(secret, d.header, d.body, h.clock.Now(), 5*time.Minute); err != nil {
			t.Fatalf("signature: %v (headers %v)", err, d.header)
		}
		if d.header.Get("User-Agent") != "meetd-webhooks/1" || d.header.Get("Content-Type") != "application/json" ||
			d.header.Get("webhook-id") == "" {
			t.Fatalf("headers %v", d.header)
		}
		var p map[string]any
		if err := json.Unmarshal(d.body, &p); err != nil {
			t.Fatal(err)
		}
		tb := p["triggeredBy"].(map[string]any)
		if p["webhookType"] != "booking_created" || tb["credentialId"] != a.keyID || tb["credentialType"] != "api_key" ||
			tb["actingUserId"] != a.owner.ID {
			t.Fatalf("payload %s", d.body)
		}
		delete(p, "webhookType")
		delete(p, "triggeredBy")
		pj, _ := json.Marshal(p)
		vj, _ := json.Marshal(view)
		if string(pj) != string(vj) {
			t.Fatalf("payload differs from GET /v4/appointment/{id}:\n%s\n%s", pj, vj)
		}
		if deliverPass(t, w); len(rc.deliveries()) != 1 {
			t.Fatal("delivered twice")
		}

		// Reschedule (with previous times) and the attendee's cancel link.
		r = h.do(req{method: "POST", path: "/v4/appointment/" + apID + "/reschedule", token: a.memberPAT,
			body: map[string]any{"start": slot.Add(time.Hour).Format(time.RFC3339)}})
		wantStatus(t, r, 200)
		wantStatus(t, h.do(req{method: "POST", path: "/v4/public/appointment/" + apID + "/cancel",
			body: map[string]any{"secret": view["secret"]}}), 200)
		deliverPass(t, w)
		got = rc.deliveries()
		if len(got) != 3 {
			t.Fatalf("got %d deliveries, want 3", len(got))
		}
		// Deliveries go out in parallel: no order is promised.
		byType := map[string]map[string]any{}
		ids := map[string]bool{}
		for _, d := range got {
			var m map[string]any
			_ = json.Unmarshal(d.body, &m)
			byType[m["webhookType"].(string)] = m
			ids[d.header.Get("webhook-id")] = true
		}
		re, ca := byType["booking_rescheduled"], byType["booking_cancelled"]
		if re["webhookType"] != "booking_rescheduled" || re["previousStart"] != "2026-03-03T10:00:00.000Z" ||
			re["previousEnd"] != "2026-03-03T10:30:00.000Z" || re["start"] != "2026-03-03T11:00:00.000Z" ||
			re["triggeredBy"].(map[string]any)["credentialType"] != "personal_access_token" {
			t.Fatalf("rescheduled %v", re)
		}
		if ca["webhookType"] != "booking_cancelled" || ca["isCancelled"] != true || ca["triggeredBy"] != nil {
			t.Fatalf("cancelled %v", ca)
		}
		if len(ids) != 3 {
			t.Fatal("two events share an id")
		}
	})
}

// A failing receiver is retried with backoff, the event id stable; 24 h of
// failures disable the subscription; 410 deletes it.
func TestWebhookRetriesAndGiveUp(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, allowPrivate)
	h.clock.Set(monday)
	a := h.a
	rc := newReceiver(t)
	rc.status.Store(500)
	sub := h.subscribe(a.ownerPAT, rc.srv.URL, "booking_created")
	mt := h.meetingType(a.memberPAT, "", nil)
	wantStatus(t, h.book(a.memberPAT, mt, a.member.ID, time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC), nil), 201)
	w := h.worker()
	deliverPass(t, w)
	if n := len(rc.deliveries()); n != 1 {
		t.Fatalf("first pass made %d attempts", n)
	}
	// Not yet due: nothing is sent.
	h.clock.Advance(29 * time.Second)
	deliverPass(t, w)
	if n := len(rc.deliveries()); n != 1 {
		t.Fatalf("retried after 29 s (%d attempts)", n)
	}
	h.clock.Advance(time.Second)
	deliverPass(t, w)
	got := rc.deliveries()
	if len(got) != 2 || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") {
		t.Fatalf("retry: %d attempts, ids %q %q", len(got), got[0].header.Get("webhook-id"), got[len(got)-1].header.Get("webhook-id"))
	}
	// Fail for a day: hourly passes until the subscription is disabled.
	for range 30 {
		h.clock.Advance(time.Hour)
		deliverPass(t, w)
	}
	var list []map[string]any
	_ = json.Unmarshal(h.get("/webhooks", a.ownerPAT, "").body, &list)
	if len(list) != 1 || list[0]["active"] != false || list[0]["disabledAt"] == nil {
		t.Fatalf("after a day of failures: %v", list)
	}
	attempts := len(rc.deliveries())
	entries, _ := h.db.Audit(context.Background(), meetd.AuditFilter{CompanyID: a.company.ID, Limit: 100})
	disabled := false
	for _, e := range entries {
		disabled = disabled || e.Action == meetd.WebhookDisabledAuditName && e.TargetID == sub["id"]
	}
	if !disabled {
		t.Fatal("no webhook_disabled audit entry")
	}
	h.clock.Advance(2 * time.Hour)
	deliverPass(t, w)
	if len(rc.deliveries()) != attempts {
		t.Fatal("a disabled subscription was delivered to")
	}

	// Re-enabled with PATCH; the receiver now answers 410 Gone.
	rc.status.Store(http.StatusGone)
	wantStatus(t, h.do(req{method: "PATCH", path: "/webhooks/" + sub["id"].(string), token: a.ownerPAT,
		body: map[string]any{"description": "fixed"}}), 200)
	wantStatus(t, h.book(a.memberPAT, mt, a.member.ID, time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC), nil), 201)
	deliverPass(t, w)
	if len(rc.deliveries()) != attempts+1 {
		t.Fatal("the re-enabled subscription got nothing")
	}
	if r := h.get("/webhooks", a.ownerPAT, ""); string(r.body) != "[]" {
		t.Fatalf("after 410 Gone: %s", r.body)
	}
}

// The leak kill-switch emits credential_revoked, without triggeredBy.
func TestWebhookCredentialRevoked(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, allowPrivate)
	rc := newReceiver(t)
	h.subscribe(h.a.ownerPAT, rc.srv.URL, "credential_revoked")
	wantStatus(t, h.do(req{method: "POST", path: "/v4/credentials/revoke",
		body: map[string]any{"credentials": []string{h.a.memberPAT}}}), 202)
	deliverPass(t, h.worker())
	got := rc.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries", len(got))
	}
	body := string(got[0].body)
	if !strings.Contains(body, `"webhookType":"credential_revoked"`) || strings.Contains(body, "triggeredBy") ||
		strings.Contains(body, h.a.memberPAT) {
		t.Fatalf("payload %s", body)
	}
}
