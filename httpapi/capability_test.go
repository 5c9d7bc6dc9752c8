package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestCapabilityTable walks every row of the capability comparison on
// meetergo's authentication page and the policy table of
// docs/architecture.md#the-policy-table, over HTTP on a real database.
func TestCapabilityTable(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		n := 0
		newUserBody := func() map[string]any {
			n++
			return map[string]any{"email": fmt.Sprintf("new%d@a.example.com", n), "givenName": "New",
				"familyName": fmt.Sprint(n), "timezone": "Europe/Berlin"}
		}

		t.Run("acts as: a PAT acts as its owner", func(t *testing.T) {
			for token, id := range map[string]string{a.ownerPAT: a.owner.ID, a.adminPAT: a.admin.ID, a.memberPAT: a.member.ID} {
				if got := decode(t, h.get("/v4/user/me", token, ""))["id"]; got != id {
					t.Fatalf("PAT acted as %v, want %s", got, id)
				}
			}
		})
		t.Run("acts as: an API key acts as any user of the company named in the header", func(t *testing.T) {
			for _, id := range []string{a.owner.ID, a.admin.ID, a.member.ID} {
				if got := decode(t, h.get("/v4/user/me", a.key, id))["id"]; got != id {
					t.Fatalf("key acted as %v, want %s", got, id)
				}
			}
		})

		t.Run("create users: refused to every PAT", func(t *testing.T) {
			for _, token := range []string{a.ownerPAT, a.adminPAT, a.memberPAT} {
				wantExact(t, h.do(req{method: "POST", path: "/v4/user", token: token, body: newUserBody()}), 403,
					`{"statusCode":403,"message":"Personal access tokens cannot create users; use a platform API key","error":"Forbidden"}`)
			}
		})
		t.Run("create users: an API key as owner (no header) or admin", func(t *testing.T) {
			wantStatus(t, h.do(req{method: "POST", path: "/v4/user", token: a.key, body: newUserBody()}), 201)
			wantStatus(t, h.do(req{method: "POST", path: "/v4/user", token: a.key, acting: a.admin.ID, body: newUserBody()}), 201)
			wantExact(t, h.do(req{method: "POST", path: "/v4/user", token: a.key, acting: a.member.ID, body: newUserBody()}), 403,
				`{"statusCode":403,"message":"Only company admins can create users","error":"Forbidden"}`)
		})

		t.Run("delete users: refused to every PAT", func(t *testing.T) {
			for _, token := range []string{a.ownerPAT, a.adminPAT, a.memberPAT} {
				wantExact(t, h.do(req{method: "DELETE", path: "/v4/user/" + a.member.ID, token: token}), 403,
					`{"statusCode":403,"message":"Personal access tokens cannot delete users; use a platform API key","error":"Forbidden"}`)
			}
		})
		t.Run("delete users: an API key acting as an admin, never the owner or itself", func(t *testing.T) {
			victim := decode(t, h.do(req{method: "POST", path: "/v4/user", token: a.key, body: newUserBody()}))["userId"].(string)
			wantExact(t, h.do(req{method: "DELETE", path: "/v4/user/" + victim, token: a.key, acting: a.member.ID}), 403,
				`{"statusCode":403,"message":"Only company admins can delete users","error":"Forbidden"}`)
			wantExact(t, h.do(req{method: "DELETE", path: "/v4/user/" + a.owner.ID, token: a.key, acting: a.admin.ID}), 403,
				`{"statusCode":403,"message":"The company owner cannot be deleted","error":"Forbidden"}`)
			wantExact(t, h.do(req{method: "DELETE", path: "/v4/user/" + a.admin.ID, token: a.key, acting: a.admin.ID}), 403,
				`{"statusCode":403,"message":"You cannot delete yourself","error":"Forbidden"}`)
			wantExact(t, h.do(req{method: "DELETE", path: "/v4/user/" + h.b.member.ID, token: a.key, acting: a.admin.ID}), 404,
				`{"statusCode":404,"message":"User not found","error":"Not Found"}`)
			wantExact(t, h.do(req{method: "DELETE", path: "/v4/user/" + victim, token: a.key, acting: a.admin.ID}), 200,
				`{"message":"User deleted successfully"}`)
			wantStatus(t, h.do(req{method: "DELETE", path: "/v4/user/" + victim, token: a.key, acting: a.admin.ID}), 404)
		})

		t.Run("update other users: refused to every PAT", func(t *testing.T) {
			for _, token := range []string{a.ownerPAT, a.adminPAT} {
				wantExact(t, h.do(req{method: "PATCH", path: "/v4/user/" + a.member.ID, token: token, body: map[string]any{"givenName": "X"}}), 403,
					`{"statusCode":403,"message":"Personal access tokens cannot update other users; use a platform API key","error":"Forbidden"}`)
			}
			wantExact(t, h.do(req{method: "PATCH", path: "/v4/user/" + a.admin.ID, token: a.memberPAT, body: map[string]any{"givenName": "X"}}), 403,
				`{"statusCode":403,"message":"Personal access tokens cannot update other users; use a platform API key","error":"Forbidden"}`)
		})
		t.Run("update own profile: any PAT, any acting user", func(t *testing.T) {
			r := h.do(req{method: "PATCH", path: "/v4/user/" + a.member.ID, token: a.memberPAT, body: map[string]any{"givenName": "Mina"}})
			wantStatus(t, r, 200)
			if decode(t, r)["givenName"] != "Mina" {
				t.Fatalf("body %s", r.body)
			}
			wantStatus(t, h.do(req{method: "PATCH", path: "/v4/user/" + a.member.ID, token: a.key, acting: a.member.ID, body: map[string]any{"familyName": "M"}}), 200)
		})
		t.Run("update other users: an API key acting as an admin", func(t *testing.T) {
			wantExact(t, h.do(req{method: "PATCH", path: "/v4/user/" + a.admin.ID, token: a.key, acting: a.member.ID, body: map[string]any{"givenName": "X"}}), 403,
				`{"statusCode":403,"message":"Only company admins can update other users","error":"Forbidden"}`)
			r := h.do(req{method: "PATCH", path: "/v4/user/" + a.member.ID, token: a.key, acting: a.admin.ID, body: map[string]any{"givenName": "Mia"}})
			wantStatus(t, r, 200)
			wantExact(t, h.do(req{method: "PATCH", path: "/v4/user/" + h.b.member.ID, token: a.key, acting: a.admin.ID, body: map[string]any{"givenName": "X"}}), 404,
				`{"statusCode":404,"message":"User not found","error":"Not Found"}`)
		})

		t.Run("header: rejected for a PAT if it names another user", func(t *testing.T) {
			wantExact(t, h.get("/v4/user/me", a.adminPAT, a.member.ID), 403, bodyImpersonation)
			wantExact(t, h.get("/v4/user", a.adminPAT, a.owner.ID), 403, bodyImpersonation)
			wantStatus(t, h.get("/v4/user", a.adminPAT, a.admin.ID), 200)
		})
		t.Run("header: required for an API key on most endpoints", func(t *testing.T) {
			wantExact(t, h.get("/v4/user", a.key, ""), 400, bodyMissingUser)
			wantStatus(t, h.get("/v4/user", a.key, a.admin.ID), 200)
		})

		t.Run("list users: admins' PATs and API keys acting as admins", func(t *testing.T) {
			wantExact(t, h.get("/v4/user", a.memberPAT, ""), 403,
				`{"statusCode":403,"message":"Only company admins can list users","error":"Forbidden"}`)
			wantStatus(t, h.get("/v4/user", a.adminPAT, ""), 200)
			wantStatus(t, h.get("/v4/user", a.ownerPAT, ""), 200)
			wantStatus(t, h.get("/v4/user", a.key, a.owner.ID), 200)
			wantExact(t, h.get("/v4/user", a.key, a.member.ID), 403,
				`{"statusCode":403,"message":"Only company admins can list users","error":"Forbidden"}`)
		})

		t.Run("owned by: a PAT stops working when its owner leaves; the key does not", func(t *testing.T) {
			c := h.newTenant("own", "enterprise")
			wantStatus(t, h.do(req{method: "DELETE", path: "/v4/user/" + c.admin.ID, token: c.key}), 400)
			wantStatus(t, h.do(req{method: "DELETE", path: "/v4/user/" + c.admin.ID, token: c.key, acting: c.owner.ID}), 200)
			wantExact(t, h.get("/v4/user/me", c.adminPAT, ""), 401, bodyInvalidPAT)
			wantStatus(t, h.get("/v4/user/me", c.key, ""), 200)
		})

		t.Run("tenant isolation: a key never reaches another company", func(t *testing.T) {
			wantExact(t, h.get("/v4/user/me", a.key, h.b.owner.ID), 403, bodyForeign)
			r := decode(t, h.get("/v4/user?limit=100", a.key, a.owner.ID))
			for _, u := range r["users"].([]any) {
				if u.(map[string]any)["companyId"] != a.company.ID {
					t.Fatalf("listed a user of another company: %v", u)
				}
			}
		})
	})
}
