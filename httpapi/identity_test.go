package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// The exact bodies of principal resolution, byte for byte
// (docs/architecture.md#principal-resolution).
const (
	bodyMissing       = `{"statusCode":401,"message":"Missing authorization header","error":"Unauthorized"}`
	bodyInvalidKey    = `{"statusCode":401,"message":"Invalid API key","error":"Unauthorized"}`
	bodyInvalidPAT    = `{"statusCode":401,"message":"Invalid personal access token","error":"Unauthorized"}`
	bodyExpiredKey    = `{"statusCode":401,"message":"API key has expired","error":"Unauthorized"}`
	bodyExpiredPAT    = `{"statusCode":401,"message":"Personal access token has expired","error":"Unauthorized"}`
	bodyPlanPAT       = `{"statusCode":403,"message":"Your plan does not include API access","error":"Forbidden","code":"PLAN_LIMIT_REACHED","feature":"personal_access_tokens"}`
	bodyPlanKey       = `{"statusCode":403,"message":"Your plan does not include API access","error":"Forbidden","code":"PLAN_LIMIT_REACHED","feature":"api_keys"}`
	bodyImpersonation = `{"statusCode":403,"message":"Personal access tokens cannot act on behalf of another user","error":"Forbidden"}`
	bodyNotUUID       = `{"statusCode":400,"message":"x-meetergo-api-user-id must be a UUID","error":"Bad Request"}`
	bodyForeign       = `{"statusCode":403,"message":"The acting user is not a member of your company","error":"Forbidden"}`
	bodyMissingUser   = `{"statusCode":400,"message":"Missing required header 'x-meetergo-api-user-id' for API key authentication","error":"Bad Request"}`
)

func TestPrincipalResolutionErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		forgedPAT := "rgo-" + strings.Repeat("A", 32)
		keyParts := strings.SplitN(a.key, ":", 3)
		wrongSecret := keyParts[0] + ":" + keyParts[1] + ":" + h.b.key[strings.LastIndex(h.b.key, ":")+1:]
		unknownKey := "ak_live:" + meetd.NewID() + ":" + keyParts[2]
		cases := []struct {
			name   string
			header map[string]string
			acting string
			path   string
			status int
			body   string
		}{
			{"no Authorization header", nil, "", "/v4/user/me", 401, bodyMissing},
			{"empty Authorization header", map[string]string{"Authorization": ""}, "", "/v4/user/me", 401, bodyMissing},
			{"Basic scheme with a PAT", map[string]string{"Authorization": "Basic " + a.ownerPAT}, "", "/v4/user/me", 401, bodyInvalidPAT},
			{"API-Key scheme with a key", map[string]string{"Authorization": "API-Key " + a.key}, "", "/v4/user/me", 401, bodyInvalidKey},
			{"bare token without scheme", map[string]string{"Authorization": a.ownerPAT}, "", "/v4/user/me", 401, bodyInvalidPAT},
			{"unknown prefix", map[string]string{"Authorization": "Bearer sk_live_123"}, "", "/v4/user/me", 401, bodyInvalidPAT},
			{"JWT-like bearer", map[string]string{"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"}, "", "/v4/user/me", 401, bodyInvalidPAT},
			{"PAT with bad checksum", map[string]string{"Authorization": "Bearer " + forgedPAT}, "", "/v4/user/me", 401, bodyInvalidPAT},
			{"API key with bad checksum", map[string]string{"Authorization": "Bearer " + a.key[:len(a.key)-1] + otherChar(a.key[len(a.key)-1])}, "", "/v4/user/me", 401, bodyInvalidKey},
			{"API key with another key's secret", map[string]string{"Authorization": "Bearer " + wrongSecret}, "", "/v4/user/me", 401, bodyInvalidKey},
			{"unknown API key id", map[string]string{"Authorization": "Bearer " + unknownKey}, "", "/v4/user/me", 401, bodyInvalidKey},
			{"PAT naming another user", map[string]string{"Authorization": "Bearer " + a.memberPAT}, a.owner.ID, "/v4/user/me", 403, bodyImpersonation},
			{"PAT naming a non-UUID", map[string]string{"Authorization": "Bearer " + a.memberPAT}, "me", "/v4/user/me", 403, bodyImpersonation},
			{"key naming a non-UUID", map[string]string{"Authorization": "Bearer " + a.key}, "owner", "/v4/user/me", 400, bodyNotUUID},
			{"key naming an unknown user", map[string]string{"Authorization": "Bearer " + a.key}, meetd.NewID(), "/v4/user/me", 403, bodyForeign},
			{"key naming another company's user", map[string]string{"Authorization": "Bearer " + a.key}, h.b.member.ID, "/v4/user/me", 403, bodyForeign},
			{"key without header on GET /v4/user", map[string]string{"Authorization": "Bearer " + a.key}, "", "/v4/user", 400, bodyMissingUser},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := h.do(req{method: "GET", path: tc.path, acting: tc.acting, header: tc.header})
				wantExact(t, r, tc.status, tc.body)
			})
		}

		t.Run("PAT naming its own owner proceeds", func(t *testing.T) {
			r := h.get("/v4/user/me", a.memberPAT, strings.ToUpper(a.member.ID))
			wantStatus(t, r, 200)
			if decode(t, r)["id"] != a.member.ID {
				t.Fatalf("acted as %s", r.body)
			}
		})

		t.Run("revoked and deactivated credentials", func(t *testing.T) {
			ctx := context.Background()
			c := h.newTenant("c", meetd.PlanEnterprise)
			pat, _ := h.db.CredentialByHash(ctx, hash(c.memberPAT))
			h.db.SetCredentialStatus(ctx, meetd.CLIActor, c.company.ID, pat.ID, meetd.CredentialRevoked)
			h.db.SetCredentialStatus(ctx, meetd.CLIActor, c.company.ID, c.keyID, meetd.CredentialDeactivated)
			h.verifier.Refresh(ctx)
			wantExact(t, h.get("/v4/user/me", c.memberPAT, ""), 401, bodyInvalidPAT)
			wantExact(t, h.get("/v4/user/me", c.key, ""), 401, bodyInvalidKey)
		})

		t.Run("expired credentials", func(t *testing.T) {
			c := h.newTenant("d", meetd.PlanEnterprise)
			wantStatus(t, h.get("/v4/user/me", c.key, ""), 200)
			h.clock.Advance(31 * 24 * time.Hour)
			defer h.clock.Advance(-31 * 24 * time.Hour)
			wantExact(t, h.get("/v4/user/me", c.key, ""), 401, bodyExpiredKey)
		})

		t.Run("removed owner's PAT", func(t *testing.T) {
			c := h.newTenant("e", meetd.PlanEnterprise)
			wantStatus(t, h.get("/v4/user/me", c.memberPAT, ""), 200)
			r := h.do(req{method: "DELETE", path: "/v4/user/" + c.member.ID, token: c.key, acting: c.admin.ID})
			wantStatus(t, r, 200)
			wantExact(t, h.get("/v4/user/me", c.memberPAT, ""), 401, bodyInvalidPAT)
			wantExact(t, h.get("/v4/user/me", c.key, c.member.ID), 403, bodyForeign)
		})

		t.Run("plan gates", func(t *testing.T) {
			ctx := context.Background()
			c := h.newTenant("f", meetd.PlanEnterprise)
			h.db.SetCompanyPlan(ctx, meetd.CLIActor, c.company.ID, meetd.PlanGrowth)
			h.verifier.Refresh(ctx)
			wantExact(t, h.get("/v4/user/me", c.key, ""), 403, bodyPlanKey)
			wantStatus(t, h.get("/v4/user/me", c.memberPAT, ""), 200)
			h.db.SetCompanyPlan(ctx, meetd.CLIActor, c.company.ID, meetd.PlanFree)
			h.verifier.Refresh(ctx)
			wantExact(t, h.get("/v4/user/me", c.memberPAT, ""), 403, bodyPlanPAT)
			h.db.SetCompanyPlan(ctx, meetd.CLIActor, c.company.ID, meetd.PlanAPIPlatform)
			h.verifier.Refresh(ctx)
			wantStatus(t, h.get("/v4/user/me", c.key, ""), 200)
			wantStatus(t, h.get("/v4/user/me", c.memberPAT, ""), 200)
		})
	})
}

// otherChar returns a base62 character different from c, so a changed
// credential is never accidentally the same one.
func otherChar(c byte) string {
	if c == 'x' {
		return "y"
	}
	return "x"
}

func TestExpiredPATBody(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	ctx := context.Background()
	is := issuer(h)
	out, err := is.CreatePAT(ctx, meetd.CLIActor, h.a.company.ID, h.a.member.ID, "short", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, h.get("/v4/user/me", out.Secret, ""), 200)
	h.clock.Advance(time.Hour)
	wantExact(t, h.get("/v4/user/me", out.Secret, ""), 401, bodyExpiredPAT)
}

// Endpoints that need no acting user act as the company owner for an API
// key without the header; all others answer the missing-header 400.
func TestAPIKeyHeaderRequirement(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	exempt := []req{
		{method: "GET", path: "/v4/user/me"},
		{method: "GET", path: "/v4/credential/current"},
		{method: "POST", path: "/v4/user", body: map[string]any{"email": "exempt@a.example.com", "givenName": "E",
			"familyName": "X", "timezone": "UTC"}},
	}
	for _, r := range exempt {
		r.token = a.key
		resp := h.do(r)
		if resp.status >= 400 {
			t.Fatalf("%s %s without header: %d %s", r.method, r.path, resp.status, resp.body)
		}
	}
	me := decode(t, h.get("/v4/user/me", a.key, ""))
	if me["id"] != a.owner.ID {
		t.Fatalf("an API key without header acted as %v, want the owner", me["id"])
	}
	required := []req{
		{method: "GET", path: "/v4/user"},
		{method: "PATCH", path: "/v4/user/" + a.member.ID, body: map[string]any{"givenName": "X"}},
		{method: "DELETE", path: "/v4/user/" + a.member.ID},
	}
	for _, r := range required {
		r.token = a.key
		wantExact(t, h.do(r), 400, bodyMissingUser)
	}
}

func TestUnknownRouteIsNestJS404(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	wantExact(t, h.get("/v4/nothing", "", ""), 404, `{"statusCode":404,"message":"Cannot GET /v4/nothing","error":"Not Found"}`)
	wantExact(t, h.do(req{method: "POST", path: "/v4/user/me"}), 404, `{"statusCode":404,"message":"Cannot POST /v4/user/me","error":"Not Found"}`)
}

func TestHealthz(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	wantExact(t, h.get("/healthz", "", ""), http.StatusOK, `{"status":"ok"}`)
	r := h.get("/v4/openapi.yaml", "", "")
	if r.status != 200 || !strings.HasPrefix(string(r.body), "openapi: 3") {
		t.Fatalf("openapi: %d %.40s", r.status, r.body)
	}
}
