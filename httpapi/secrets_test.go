package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestNoSecretInLogs runs the server with debug logging, uses real tokens and
// keys on every route and in every failure mode, and searches everything
// the server wrote for any secret or any distinctive part of one.
func TestNoSecretInLogs(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, allowPrivate)
	a := h.a
	secrets := []string{a.ownerPAT, a.adminPAT, a.memberPAT, a.key, h.b.key, h.b.memberPAT}
	hook := decode(t, h.do(req{method: "POST", path: "/webhooks", token: a.key,
		body: map[string]any{"endpoint": "https://127.0.0.1:9/in", "eventTypes": []string{"booking_created"}}}))
	webhookSecret := hook["secret"].(string)
	tampered := a.memberPAT[:len(a.memberPAT)-1] + otherChar(a.memberPAT[len(a.memberPAT)-1])
	for _, token := range secrets {
		for _, acting := range []string{"", a.member.ID, h.b.owner.ID, "not-a-uuid"} {
			h.get("/v4/user/me", token, acting)
			h.get("/v4/user", token, acting)
			h.get("/v4/credential/current", token, acting)
			h.do(req{method: "PATCH", path: "/v4/user/" + a.member.ID, token: token, acting: acting, body: map[string]any{"givenName": "Mia"}})
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
	for _, s := range append(secrets, tampered) {
		secretPart := s[len(s)-32:] // the random part and checksum of either kind
		if strings.Contains(logs, s) || strings.Contains(logs, secretPart) || strings.Contains(logs, secretPart[:16]) {
			t.Fatalf("a secret reached the logs:\n%s", logs)
		}
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
