package httpapi_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// countingLookup counts the credential lookups that reach the store.
type countingLookup struct {
	auth.Lookup
	n atomic.Int64
}

func (c *countingLookup) CredentialByHash(ctx context.Context, h []byte) (meetd.Credential, error) {
	c.n.Add(1)
	return c.Lookup.CredentialByHash(ctx, h)
}

func (c *countingLookup) CredentialByIDUnscoped(ctx context.Context, id string) (meetd.Credential, error) {
	c.n.Add(1)
	return c.Lookup.CredentialByIDUnscoped(ctx, id)
}

// withCountingVerifier gives the server a verifier whose credential
// lookups are counted in into.
func withCountingVerifier(t *testing.T, into **countingLookup) option {
	return func(c *httpapi.Config) {
		lookup := &countingLookup{Lookup: c.Store.(auth.Lookup)}
		v, err := auth.NewVerifier(context.Background(), lookup, c.Clock, c.Usage, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Verifier, *into = v, lookup
	}
}

// TestFailedAuthenticationsAreLimitedPerIP: 300 well-formed unknown
// tokens from one address reach the store at most the burst's number of
// times; the rest are 429 unread. A credential the server verified before
// still works from that address, one it never saw waits for the bucket,
// and other addresses are not affected.
func TestFailedAuthenticationsAreLimitedPerIP(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		var lookups *countingLookup
		trustLocal := func(c *httpapi.Config) { c.TrustedProxies = mustPrefixes("127.0.0.0/8", "::1/128") }
		h := newHarness(t, b, trustLocal, withCountingVerifier(t, &lookups))
		wantStatus(t, h.get("/v4/user/me", h.a.ownerPAT, ""), 200)
		before := lookups.n.Load()

		burst := httpapi.AuthFailureRateLimit.Burst
		statuses := map[int]int{}
		for i := 0; i < 300; i++ {
			pat, _ := auth.NewPAT()
			statuses[h.get("/v4/user/me", pat, "").status]++
		}
		if got := lookups.n.Load() - before; got > int64(burst) {
			t.Errorf("%d unknown tokens reached the store, want at most %d", got, burst)
		}
		if statuses[401] != burst || statuses[429] != 300-burst {
			t.Errorf("statuses %v, want %d × 401 then 429s", statuses, burst)
		}

		// Locked out: an unknown token is refused without a lookup, with
		// the headers of a 429.
		before = lookups.n.Load()
		r := h.get("/v4/user/me", h.b.memberPAT, "")
		wantExact(t, r, 429, `{"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}`)
		if r.header.Get("Retry-After") == "" || lookups.n.Load() != before {
			t.Errorf("Retry-After %q, %d lookups", r.header.Get("Retry-After"), lookups.n.Load()-before)
		}
		// The credential verified before is served as ever.
		wantStatus(t, h.get("/v4/user/me", h.a.ownerPAT, ""), 200)
		// Another client (through the trusted proxy) is not locked out.
		pat, _ := auth.NewPAT()
		wantStatus(t, h.do(req{method: "GET", path: "/v4/user/me", token: pat,
			header: map[string]string{"X-Forwarded-For": "198.51.100.7"}}), 401)
		wantStatus(t, h.do(req{method: "GET", path: "/v4/user/me", token: h.a.adminPAT,
			header: map[string]string{"X-Forwarded-For": "198.51.100.7"}}), 200)
		// Once the bucket refills a token, an unseen credential is
		// looked up again.
		h.clock.Advance(time.Minute / time.Duration(httpapi.AuthFailureRateLimit.PerMinute))
		wantStatus(t, h.get("/v4/user/me", h.b.memberPAT, ""), 200)
		// Public routes take no credential and are not limited by it.
		wantStatus(t, h.get("/healthz", pat, ""), 200)
	})
}

// TestSecurityHeaders: every response says nosniff; HSTS is sent when the
// request came over TLS, here through a trusted proxy saying https.
func TestSecurityHeaders(t *testing.T) {
	trustLocal := func(c *httpapi.Config) { c.TrustedProxies = mustPrefixes("127.0.0.0/8", "::1/128") }
	h := newHarness(t, sqldbtest.SQLite, trustLocal)
	https := map[string]string{"X-Forwarded-Proto": "https"}
	for _, c := range []struct {
		name string
		r    req
		hsts bool
	}{
		{"a 200 over plain HTTP", req{method: "GET", path: "/v4/user/me", token: h.a.ownerPAT}, false},
		{"a 200 over HTTPS", req{method: "GET", path: "/v4/user/me", token: h.a.ownerPAT, header: https}, true},
		{"a 401 over HTTPS", req{method: "GET", path: "/v4/user/me", header: https}, true},
		{"the catch-all 404 over HTTPS", req{method: "GET", path: "/v4/nothing", header: https}, true},
		{"a gate 400 over HTTPS", req{method: "GET", path: "/v4/user/me?x=%00", header: https}, true},
		{"the OpenAPI document", req{method: "GET", path: "/v4/openapi.yaml"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.do(c.r)
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			want := ""
			if c.hsts {
				want = "max-age=63072000; includeSubDomains"
			}
			if got := r.header.Get("Strict-Transport-Security"); got != want {
				t.Errorf("Strict-Transport-Security = %q, want %q", got, want)
			}
		})
	}
}
