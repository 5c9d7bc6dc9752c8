package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestNewSecretsStayOutOfLogsAuditAndPayloads: on both engines, the
// secrets of the newer resources (a calendar feed address and its parts,
// a CalDAV password, the user's own calendar feed token, a routing form
// recipient's token, a one-time link token, a double opt-in token and
// the credentials), used rightly and wrongly on the routes that take
// them, appear in no log line, no audit entry and no webhook payload.
// (An appointment's secret is in booking payloads by design: see
// docs/webhooks.md.)
func TestNewSecretsStayOutOfLogsAuditAndPayloads(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		unlimited := func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 1 << 20, Burst: 1 << 20} }
		h := newHarness(t, b, allowPrivate, unlimited)
		h.clock.Set(monday)
		a := h.a
		r := h.do(req{method: "POST", path: "/webhooks", token: a.key, body: map[string]any{"endpoint": "https://127.0.0.1:9/all",
			"eventTypes": []string{meetd.EventBookingCreated, meetd.EventBookingCancelled, meetd.EventBookingRescheduled,
				meetd.EventFormSubmission, meetd.EventCredentialError, meetd.EventCredentialRevoked}}})
		wantStatus(t, r, 201)
		mine := h.objectsOf(a, a.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		secrets := map[string]string{
			"feed path": "s3cr3tPathPart", "feed query": "xyzSecretQuery", "one-time token": mine.oneTimeToken,
			"confirm token": mine.confirmToken, "member PAT": a.memberPAT[len(a.memberPAT)-32:], "key": a.key[len(a.key)-32:],
		}

		// A CalDAV password, refused by a server that is no CalDAV server.
		const password = "CalDAVPassw0rdSecret"
		r = h.do(req{method: "POST", path: "/v4/calendar-connections/connections", token: a.memberPAT,
			body: map[string]any{"provider": "caldav", "serverUrl": h.feeds.URL + "/dav/", "username": "ada", "password": password}})
		if r.status != 400 || strings.Contains(string(r.body), password) {
			t.Fatalf("a CalDAV connection to no CalDAV server: %d %s", r.status, r.body)
		}
		secrets["CalDAV password"] = password
		// A feed that turns into a revoked address.
		r = h.do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + mine.calendar, token: a.key, acting: a.member.ID,
			body: map[string]any{"feedUrl": h.feeds.URL + "/gone/private-s3cr3tGonePart.ics?t=GoneQuerySecret"}})
		if strings.Contains(string(r.body), "s3cr3tGonePart") || strings.Contains(string(r.body), "GoneQuerySecret") {
			t.Fatalf("the refused feed address is in the answer: %s", r.body)
		}
		secrets["gone path"], secrets["gone query"] = "s3cr3tGonePart", "GoneQuerySecret"
		wantStatus(t, h.do(req{method: "POST", path: "/v4/calendar-connections/connections/" + mine.calendar + "/test",
			token: a.key, acting: a.member.ID}), 200)

		// The user's own feed, read rightly and wrongly.
		r = h.do(req{method: "POST", path: "/v4/calendar-feed", token: a.memberPAT})
		wantStatus(t, r, 201)
		feed, err := url.Parse(decode(t, r)["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		token := feed.Query().Get("token")
		secrets["calendar feed token"] = token
		wantStatus(t, h.get("/v4/public/calendar-feed.ics?token="+token, "", ""), 200)
		wantStatus(t, h.get("/v4/public/calendar-feed.ics?token="+token[:len(token)-1]+"x", "", ""), 404)

		// A routing form recipient's link, by link and by e-mail.
		for _, method := range []string{"link", "email"} {
			r = h.do(req{method: "POST", path: "/v4/routing-form/" + mine.routingForm + "/send", token: a.key,
				body: map[string]any{"recipientName": "Ada", "email": "ada@guest.example", "deliveryMethod": method}})
			wantStatus(t, r, 201)
			secrets["form token by "+method] = decode(t, r)["token"].(string)
		}
		wantStatus(t, h.get("/v4/routing-form/"+mine.routingForm+"/recipients", a.key, ""), 200)

		// The attendee's and the opt-in links, wrongly and rightly.
		for _, tok := range []string{mine.confirmToken + "x", mine.confirmToken} {
			h.get("/v4/public/provisional-booking/"+mine.provisional+"/confirm?token="+url.QueryEscape(tok), "", "")
		}
		// The one-time link, used by a booking.
		link := h.oneTimeLink(a.key, a.member.ID, mine.meetingType)
		secrets["second one-time token"] = link["token"].(string)
		wantStatus(t, h.bookThrough(a.key, mine.meetingType, a.member.ID, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC),
			link["id"].(string)), 201)
		// A credential revoked through the kill-switch.
		h.do(req{method: "POST", path: "/v4/credentials/revoke", body: map[string]any{"credentials": []string{a.memberPAT}}})
		h.get("/v4/user/me", a.memberPAT, "")

		ctx := context.Background()
		if err := h.usage.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var places []string
		places = append(places, "log: "+h.logs.String())
		entries, err := h.db.Audit(ctx, meetd.AuditFilter{CompanyID: a.company.ID, Limit: 1000})
		if err != nil || len(entries) < 10 {
			t.Fatalf("%d audit entries, %v", len(entries), err)
		}
		for _, e := range entries {
			places = append(places, fmt.Sprintf("audit entry: %+v", e))
		}
		deliveries, err := h.db.ClaimWebhookDeliveries(ctx, 1000, time.Minute)
		if err != nil || len(deliveries) == 0 {
			t.Fatalf("%d webhook deliveries, %v", len(deliveries), err)
		}
		for _, d := range deliveries {
			places = append(places, "webhook payload: "+string(d.Payload)+" "+d.Endpoint)
		}
		if !strings.Contains(places[0], "/v4/public/calendar-feed.ics") || !strings.Contains(places[0], `"credential_id"`) {
			t.Fatal("the log does not carry the requests; the test is not looking at it")
		}
		for _, place := range places {
			for what, s := range secrets {
				if s != "" && strings.Contains(place, s) {
					t.Errorf("the %s is in a %.600s", what, place)
				}
			}
		}
	})
}
