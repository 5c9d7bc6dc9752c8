package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestNoSecretInLogs runs the server with debug logging, uses real tokens and
// keys on every route of httpapi.Routes, aimed at real objects, and in every
// failure mode, and searches everything the server wrote for any secret or
// any distinctive part of one.
func TestNoSecretInLogs(t *testing.T) {
	// The sweep below sends each credential a few hundred requests.
	unlimited := func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 1 << 20, Burst: 1 << 20} }
	h := newHarness(t, sqldbtest.SQLite, allowPrivate, unlimited)
	h.clock.Set(monday)
	a := h.a
	secrets := []string{a.ownerPAT, a.adminPAT, a.memberPAT, a.key, h.b.key, h.b.memberPAT}
	hook := decode(t, h.do(req{method: "POST", path: "/webhooks", token: a.key,
		body: map[string]any{"endpoint": "https://127.0.0.1:9/in", "eventTypes": []string{"booking_created"}}}))
	webhookSecret := hook["secret"].(string)
	tampered := a.memberPAT[:len(a.memberPAT)-1] + otherChar(a.memberPAT[len(a.memberPAT)-1])
	mine := h.objectsOf(a, a.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
	// Deletions go last, so that every other route meets live objects.
	for _, deletes := range []bool{false, true} {
		for _, token := range secrets {
			for _, route := range httpapi.Routes() {
				if (route.Method == "DELETE") != deletes {
					continue
				}
				key := route.Method + " " + route.Pattern
				path, ok := mine.path(t, route.Pattern)
				if !ok {
					continue
				}
				if route.Access == httpapi.Public {
					// One call per token: the kill-switch's per-address
					// limit must leave room for the revocation below.
					r := req{method: route.Method, path: path, body: isolationBodies[key]}
					if withSecret, ok := publicRequests[key]; ok {
						r = withSecret(path, &mine)
					}
					r.token = token
					h.do(r)
					continue
				}
				for _, acting := range []string{"", a.member.ID, h.b.owner.ID, "not-a-uuid"} {
					h.do(req{method: route.Method, path: path, body: isolationBodies[key], token: token, acting: acting})
				}
			}
		}
	}
	for _, token := range secrets {
		for _, acting := range []string{"", a.member.ID, h.b.owner.ID, "not-a-uuid"} {
			h.do(req{method: "POST", path: "/v4/user", token: token, acting: acting, body: `{"email":`})
		}
		h.do(req{method: "GET", path: "/v4/user/me", header: map[string]string{"Authorization": "Basic " + token}})
		h.do(req{method: "GET", path: "/v4/user/me", header: map[string]string{"Authorization": token}})
	}
	h.get("/v4/user/me", tampered, "")
	h.do(req{method: "POST", path: "/v4/credentials/revoke", body: map[string]any{"credentials": []string{a.memberPAT, tampered}}})
	h.get("/v4/user/me", a.memberPAT, "")
	if err := h.usage.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"credential_id"`) || !strings.Contains(logs, a.keyID) {
		t.Fatal("the logs do not carry credential ids; the test is not looking at request logs")
	}
	if strings.Contains(logs, webhookSecret) || strings.Contains(logs, strings.TrimPrefix(webhookSecret, "whsec_")) {
		t.Fatal("a webhook secret reached the logs")
	}
	for _, s := range append(secrets, tampered, mine.appointmentSecret, mine.confirmToken) {
		secretPart := s[len(s)-32:] // the random part and checksum of either kind
		if strings.Contains(logs, s) || strings.Contains(logs, secretPart) || strings.Contains(logs, secretPart[:16]) {
			t.Fatalf("a secret reached the logs:\n%s", logs)
		}
	}
	if strings.Contains(logs, mine.oneTimeToken) {
		t.Fatal("a one-time link's token reached the logs")
	}
	entries, _ := h.db.Audit(context.Background(), meetd.AuditFilter{CompanyID: a.company.ID, Limit: 1000})
	for _, e := range entries {
		for _, s := range secrets {
			if strings.Contains(e.TargetID+e.CredentialID+e.IP+e.Action, s[len(s)-32:]) {
				t.Fatalf("a secret reached the audit log: %+v", e)
			}
		}
	}
}
