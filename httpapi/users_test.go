package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

func TestCreatePlatformUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		r := h.do(req{method: "POST", path: "/v4/user", token: a.key, body: map[string]any{
			"email": "john@platform.example", "givenName": "John", "familyName": "Smith", "timezone": "America/New_York",
		}})
		wantStatus(t, r, 201)
		got := decode(t, r)
		if got["companyId"] != a.company.ID || got["bookingUrl"] != "https://cal.example.test/john-smith/30min-meeting" {
			t.Fatalf("body %s", r.body)
		}
		ctx := context.Background()
		u, err := h.db.UserByID(ctx, a.company.ID, got["userId"].(string))
		if err != nil || u.Type != "api-platform" || u.Role != "member" || u.Timezone != "America/New_York" ||
			u.DefaultAvailabilityID != got["availabilityId"] {
			t.Fatalf("stored user %+v, %v", u, err)
		}
		av, err := h.db.AvailabilityByID(ctx, a.company.ID, got["availabilityId"].(string))
		if err != nil || av.Timezone != "America/New_York" || av.Schedule["friday"].Hours[0].Start != "09:00" ||
			av.Schedule["friday"].Hours[0].End != "17:00" || av.Schedule["sunday"].Enabled {
			t.Fatalf("default availability %+v, %v", av, err)
		}
		mts, _ := h.db.ListMeetingTypes(ctx, meetd.MeetingTypeFilter{CompanyID: a.company.ID, UserID: u.ID})
		if len(mts) != 1 || mts[0].ID != got["meetingTypeId"] || mts[0].Name != "30min Meeting" || mts[0].Duration != 30 {
			t.Fatalf("default meeting type %+v", mts)
		}

		t.Run("duplicate email is 409", func(t *testing.T) {
			wantExact(t, h.do(req{method: "POST", path: "/v4/user", token: a.key, body: map[string]any{
				"email": "JOHN@platform.example", "givenName": "J", "familyName": "S", "timezone": "UTC"}}), 409,
				`{"statusCode":409,"message":"A user with this email already exists","error":"Conflict"}`)
		})
		t.Run("custom availability in the array format and meeting type", func(t *testing.T) {
			r := h.do(req{method: "POST", path: "/v4/user", token: a.key, acting: a.admin.ID, body: map[string]any{
				"email": "ana@platform.example", "givenName": "Ana", "familyName": "Lopez", "timezone": "Europe/Madrid",
				"availability": map[string]any{"name": "Mornings", "timezone": "Europe/Madrid", "schedule": []any{
					map[string]any{"dayOfWeek": "monday", "intervals": []any{map[string]any{"from": "08:00", "to": "12:00"}}}}},
				"meetingType": map[string]any{"name": "Intro Call", "duration": 45, "channel": "zoom"},
			}})
			wantStatus(t, r, 201)
			got := decode(t, r)
			if got["bookingUrl"] != "https://cal.example.test/ana-lopez/intro-call" {
				t.Fatalf("bookingUrl %v", got["bookingUrl"])
			}
			av, _ := h.db.AvailabilityByID(context.Background(), a.company.ID, got["availabilityId"].(string))
			if av.Name != "Mornings" || !av.Schedule["monday"].Enabled || av.Schedule["tuesday"].Enabled ||
				av.Schedule["monday"].Hours[0].End != "12:00" {
				t.Fatalf("availability %+v", av)
			}
		})
		t.Run("form bodies are accepted", func(t *testing.T) {
			r := h.do(req{method: "POST", path: "/v4/user", token: a.key, contentType: "application/x-www-form-urlencoded",
				body: "email=form%40platform.example&givenName=Form&familyName=User&timezone=UTC"})
			wantStatus(t, r, 201)
		})
	})
}

func TestCreatePlatformUserValidation(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	key := h.a.key
	cases := []struct {
		name   string
		r      req
		status int
		body   string
	}{
		{"missing fields", req{body: map[string]any{}}, 400,
			`{"statusCode":400,"message":["email should not be empty","givenName should not be empty","familyName should not be empty","timezone should not be empty"],"error":"Bad Request","errors":[{"field":"email","message":"email should not be empty"},{"field":"givenName","message":"givenName should not be empty"},{"field":"familyName","message":"familyName should not be empty"},{"field":"timezone","message":"timezone should not be empty"}]}`},
		{"bad email and zone", req{body: map[string]any{"email": "nope", "givenName": "A", "familyName": "B", "timezone": "Mars/Olympus"}}, 400,
			`{"statusCode":400,"message":["email must be an email","timezone: Invalid timezone"],"error":"Bad Request","errors":[{"field":"email","message":"email must be an email"},{"field":"timezone","message":"Invalid timezone"}]}`},
		{"bad meeting type", req{body: map[string]any{"email": "x@y.example", "givenName": "A", "familyName": "B", "timezone": "UTC",
			"meetingType": map[string]any{"duration": 2, "channel": "pigeon"}}}, 400, ""},
		{"bad schedule", req{body: map[string]any{"email": "x@y.example", "givenName": "A", "familyName": "B", "timezone": "UTC",
			"availability": map[string]any{"schedule": map[string]any{"monday": map[string]any{"enabled": true,
				"hours": []any{map[string]any{"start": "17:00", "end": "09:00"}}}}}}}, 400, ""},
		{"wrong type", req{body: `{"email": 5}`}, 400,
			`{"statusCode":400,"message":["email has the wrong type"],"error":"Bad Request","errors":[{"field":"email","message":"email has the wrong type"}]}`},
		{"malformed JSON", req{body: `{"email":`}, 400, `{"statusCode":400,"message":"Malformed JSON body","error":"Bad Request"}`},
		{"JSON array", req{body: `[]`}, 400, `{"statusCode":400,"message":"Malformed JSON body","error":"Bad Request"}`},
		{"wrong content type", req{body: `{}`, contentType: "text/plain"}, 400,
			`{"statusCode":400,"message":"Content-Type must be application/json","error":"Bad Request"}`},
		{"too large", req{body: `{"email":"` + strings.Repeat("a", 1<<20) + `"}`}, 413,
			`{"statusCode":413,"message":"Request body too large","error":"Payload Too Large"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.method, tc.r.path, tc.r.token = "POST", "/v4/user", key
			r := h.do(tc.r)
			if tc.body == "" {
				wantStatus(t, r, tc.status)
				if len(decode(t, r)["errors"].([]any)) == 0 {
					t.Fatalf("no field errors: %s", r.body)
				}
				return
			}
			wantExact(t, r, tc.status, tc.body)
		})
	}
}

func TestListUsers(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	for i := range 3 {
		wantStatus(t, h.do(req{method: "POST", path: "/v4/user", token: a.key, body: map[string]any{
			"email": fmt.Sprintf("p%d@a.example.com", i), "givenName": "P", "familyName": fmt.Sprint(i), "timezone": "UTC"}}), 201)
	}
	all := decode(t, h.get("/v4/user?limit=2&offset=1", a.adminPAT, ""))
	if all["total"] != 6.0 || all["count"] != 2.0 || all["offset"] != 1.0 || all["limit"] != 2.0 {
		t.Fatalf("page: %v", all)
	}
	users := all["users"].([]any)
	if users[0].(map[string]any)["id"] != a.admin.ID || users[0].(map[string]any)["isAdmin"] != true {
		t.Fatalf("second user should be the admin: %v", users[0])
	}
	platform := decode(t, h.get("/v4/user?userType=api-platform", a.adminPAT, ""))
	if platform["total"] != 3.0 {
		t.Fatalf("api-platform total = %v", platform["total"])
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "offset=-1", "userType=robot"} {
		r := h.get("/v4/user?"+q, a.adminPAT, "")
		wantStatus(t, r, 400)
		if _, ok := decode(t, r)["message"].([]any); !ok {
			t.Fatalf("%s: %s", q, r.body)
		}
	}
}

func TestUpdateUser(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	patch := func(body any) response {
		return h.do(req{method: "PATCH", path: "/v4/user/" + a.member.ID, token: a.key, acting: a.admin.ID, body: body})
	}
	r := patch(map[string]any{"slug": "Mia The Member", "familyName": "Muster"})
	wantStatus(t, r, 200)
	u := decode(t, r)
	if u["slug"] != "mia-the-member" || u["familyName"] != "Muster" || u["fullName"] != "Mia Muster" || u["email"] != a.member.Email {
		t.Fatalf("updated user %s", r.body)
	}
	wantExact(t, patch(map[string]any{}), 400,
		`{"statusCode":400,"message":"Request body must contain at least one of givenName, familyName, slug","error":"Bad Request"}`)
	wantExact(t, patch(map[string]any{"slug": "mia"}), 400,
		`{"statusCode":400,"message":["slug must be at least 5 characters"],"error":"Bad Request","errors":[{"field":"slug","message":"Slug must be at least 5 characters"}]}`)
	// A user page lives at /<slug>: meetd's own top-level paths are no slug.
	wantExact(t, patch(map[string]any{"slug": "Dashboard"}), 400,
		`{"statusCode":400,"message":["slug dashboard is reserved"],"error":"Bad Request","errors":[{"field":"slug","message":"Slug dashboard is reserved"}]}`)
	wantExact(t, patch(map[string]any{"slug": a.admin.Slug}), 400,
		`{"statusCode":400,"message":"Slug already taken","error":"Bad Request"}`)
	wantExact(t, patch(map[string]any{"givenName": ""}), 400,
		`{"statusCode":400,"message":["givenName should not be empty"],"error":"Bad Request","errors":[{"field":"givenName","message":"givenName should not be empty"}]}`)
	wantStatus(t, h.do(req{method: "PATCH", path: "/v4/user/not-a-uuid", token: a.key, acting: a.admin.ID, body: map[string]any{"givenName": "X"}}), 404)
}
