package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

func TestCurrentCredential(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	r := h.get("/v4/credential/current", a.key, a.member.ID)
	wantStatus(t, r, 200)
	c := decode(t, r)
	if c["id"] != a.keyID || c["kind"] != "api_key" || c["name"] != "key" || c["status"] != "active" ||
		c["actingUserId"] != a.member.ID || c["ownerUserId"] != nil || c["expiresAt"] == nil || c["lastUsedAt"] == nil {
		t.Fatalf("current key: %s", r.body)
	}
	if strings.Contains(string(r.body), a.key[45:]) {
		t.Fatal("the response repeats the secret")
	}
	r = h.get("/v4/credential/current", a.memberPAT, "")
	c = decode(t, r)
	if c["kind"] != "personal_access_token" || c["ownerUserId"] != a.member.ID || c["expiresAt"] != nil {
		t.Fatalf("current PAT: %s", r.body)
	}
}

func TestLeakKillSwitch(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		wantStatus(t, h.get("/v4/user/me", a.memberPAT, ""), 200)
		wantStatus(t, h.get("/v4/user/me", a.key, ""), 200)
		accepted := `{"message":"Accepted"}`
		// Unknown and malformed credentials answer exactly as real ones do.
		wantExact(t, h.do(req{method: "POST", path: "/v4/credentials/revoke",
			body: map[string]any{"credentials": []string{"rgo-" + strings.Repeat("x", 32), "junk"}}}), 202, accepted)
		wantExact(t, h.do(req{method: "POST", path: "/v4/credentials/revoke",
			body: map[string]any{"credentials": []string{a.memberPAT, a.key}}}), 202, accepted)
		wantExact(t, h.get("/v4/user/me", a.memberPAT, ""), 401, bodyInvalidPAT)
		wantExact(t, h.get("/v4/user/me", a.key, ""), 401, bodyInvalidKey)
		wantStatus(t, h.get("/v4/user/me", h.b.key, ""), 200)
		entries, err := h.db.Audit(context.Background(), meetd.AuditFilter{CompanyID: a.company.ID, Limit: 5})
		if err != nil || len(entries) < 2 || entries[0].Action != "api_key.revoke_leaked" || entries[1].Action != "pat.revoke_leaked" ||
			entries[0].Source != "kill-switch" {
			t.Fatalf("audit %+v, %v", entries, err)
		}
		wantStatus(t, h.do(req{method: "POST", path: "/v4/credentials/revoke", body: map[string]any{"credentials": []string{}}}), 400)
	})
}

func TestKillSwitchIsRateLimitedPerIP(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	body := map[string]any{"credentials": []string{"junk"}}
	for i := range httpapi.KillSwitchRateLimit.Burst {
		if r := h.do(req{method: "POST", path: "/v4/credentials/revoke", body: body}); r.status != 202 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := h.do(req{method: "POST", path: "/v4/credentials/revoke", body: body})
	wantExact(t, r, 429, `{"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}`)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

func TestKillSwitchTakesItsConfiguredLimit(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) { c.KillSwitchRateLimit = httpapi.RateLimit{PerMinute: 60, Burst: 2} })
	body := map[string]any{"credentials": []string{"junk"}}
	for i := range 2 {
		if r := h.do(req{method: "POST", path: "/v4/credentials/revoke", body: body}); r.status != 202 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	wantStatus(t, h.do(req{method: "POST", path: "/v4/credentials/revoke", body: body}), 429)
}

func TestRateLimitPerCredential(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 60, Burst: 3} })
	a := h.a
	for i := range 3 {
		r := h.get("/v4/user/me", a.memberPAT, "")
		wantStatus(t, r, 200)
		if r.header.Get("RateLimit-Limit") != "3" || r.header.Get("RateLimit-Remaining") != string(rune('2'-i)) {
			t.Fatalf("request %d headers: %v", i, r.header)
		}
	}
	r := h.get("/v4/user/me", a.memberPAT, "")
	wantExact(t, r, 429, `{"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}`)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	// Another credential of the same user has its own bucket; time refills.
	wantStatus(t, h.get("/v4/user/me", a.key, a.member.ID), 200)
	h.clock.Advance(1e9)
	wantStatus(t, h.get("/v4/user/me", a.memberPAT, ""), 200)
}

func TestRequireHTTPS(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) {
		c.RequireHTTPS = true
	})
	wantExact(t, h.get("/v4/user/me", h.a.memberPAT, ""), 403, `{"statusCode":403,"message":"HTTPS is required","error":"Forbidden"}`)
	// A forwarded-proto header from an untrusted peer changes nothing.
	r := h.do(req{method: "GET", path: "/v4/user/me", token: h.a.memberPAT, header: map[string]string{"X-Forwarded-Proto": "https"}})
	wantStatus(t, r, 403)
	wantStatus(t, h.get("/healthz", "", ""), 200)
}

func TestTrustedProxy(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) {
		c.RequireHTTPS = true
		c.TrustedProxies = mustPrefixes("127.0.0.0/8")
	})
	r := h.do(req{method: "GET", path: "/v4/user/me", token: h.a.memberPAT,
		header: map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9, 127.0.0.1"}})
	wantStatus(t, r, 200)
	p, _ := h.db.CredentialByHash(context.Background(), hash(h.a.memberPAT))
	if use, ok := h.usage.Pending(p.ID); !ok || use.IP != "203.0.113.9" {
		t.Fatalf("recorded client IP %+v", use)
	}
}
