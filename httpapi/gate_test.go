package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// badBody is a request body the input gate refuses, and the field its
// refusal names.
type badBody struct {
	name, body, field, message string
}

// badBodies is the malformed corpus sent to every body-taking route. Each
// hides its fault in a field no route interprets (or in one every route
// bounds), so the gate alone can refuse it.
var badBodies = []badBody{
	{"invalid UTF-8 in a string", `{"zz":"a` + "\xff" + `b"}`, "zz", "zz must be valid UTF-8 text without NUL characters"},
	{"invalid UTF-8 in a key", `{"z` + "\xff" + `":"a"}`, "z\uFFFD", "z\uFFFD must be valid UTF-8 text without NUL characters"},
	{"a UTF-8 encoded surrogate", `{"zz":"` + "\xed\xa0\x80" + `"}`, "zz", "zz must be valid UTF-8 text without NUL characters"},
	{"a NUL byte", `{"zz":"a` + "\x00" + `b"}`, "zz", "zz must be valid UTF-8 text without NUL characters"},
	{"an escaped NUL", `{"zz":"a\u0000b"}`, "zz", "zz must be valid UTF-8 text without NUL characters"},
	{"an escaped NUL in a key", `{"z\u0000":1}`, "z\uFFFD", "z\uFFFD must be valid UTF-8 text without NUL characters"},
	{"half a surrogate pair", `{"zz":"\ud800x"}`, "zz", "zz must be valid UTF-8 text without NUL characters"},
	{"a nested escaped NUL", `{"attendee":{"notes":{"answer":"\u0000"}}}`, "attendee.notes.answer",
		"attendee.notes.answer must be valid UTF-8 text without NUL characters"},
	{"invalid UTF-8 in a list", `{"zz":["ok","` + "\xc3" + `"]}`, "zz.1", "zz.1 must be valid UTF-8 text without NUL characters"},
	{"a slug of 101 characters", `{"slug":"` + strings.Repeat("s", 101) + `"}`, "slug", "slug must be at most 100 characters"},
	{"a slug of 900 KB", `{"slug":"` + strings.Repeat("s", 900<<10) + `"}`, "slug", "slug must be at most 100 characters"},
	{"an email of 255 characters", `{"email":"` + strings.Repeat("e", 243) + `@example.com"}`, "email", "email must be at most 254 characters"},
	{"a string of 10001 characters", `{"zz":"` + strings.Repeat("é", 10001) + `"}`, "zz", "zz must be at most 10000 characters"},
	{"a key of 201 characters", `{"` + strings.Repeat("k", 201) + `":1}`, strings.Repeat("k", 100) + "…",
		strings.Repeat("k", 100) + "… must be a key of at most 200 characters"},
	{"nesting 40 levels deep", `{"zz":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
		"zz" + strings.Repeat(".0", 31), "zz" + strings.Repeat(".0", 31) + " must not nest deeper than 32 levels"},
}

// extrasBody keeps 18 KB of fields no route interprets: each string is
// short enough, together they are too much for a meeting type to keep.
var extrasBody = badBody{"18 KB of unknown fields",
	`{"yy":"` + strings.Repeat("y", 9000) + `","zz":"` + strings.Repeat("z", 9000) + `"}`, "yy",
	"fields meetd does not interpret may take at most 16384 bytes together; the largest is yy"}

// badQueries are the malformed query strings sent to every /v4 and
// /webhooks route.
var badQueries = []badBody{
	{"a NUL in an id parameter", "existingAppointmentId=%00", "existingAppointmentId",
		"existingAppointmentId must be valid UTF-8 text without NUL characters"},
	{"a NUL in meetingTypeId", "meetingTypeId=ab%00cd", "meetingTypeId", "meetingTypeId must be valid UTF-8 text without NUL characters"},
	{"invalid UTF-8", "zz=%FF%FE", "zz", "zz must be valid UTF-8 text without NUL characters"},
	{"invalid UTF-8 in a name", "z%FF=1", "z\uFFFD", "z\uFFFD must be valid UTF-8 text without NUL characters"},
	{"a value of 2001 bytes", "zz=" + strings.Repeat("q", 2001), "zz", "zz must be at most 2000 bytes"},
	{"a slug of 101 characters", "slug=" + strings.Repeat("s", 101), "slug", "slug must be at most 100 characters"},
}

// takesBody reports whether a route reads a JSON body.
func takesBody(rt httpapi.Route) bool {
	return rt.Method == "POST" || rt.Method == "PATCH" || rt.Method+" "+rt.Pattern == "DELETE /v4/appointment/{id}"
}

// wantRefused fails t unless r is the gate's 400 naming field with message.
func wantRefused(t *testing.T, r response, field, message string) {
	t.Helper()
	var body struct {
		StatusCode int
		Message    []string
		Error      string
		Errors     []struct{ Field, Message string }
	}
	if r.status != 400 || json.Unmarshal(r.body, &body) != nil || len(body.Message) != len(body.Errors) || body.Error != "Bad Request" {
		t.Fatalf("got %d %.300s, want the gate's 400", r.status, r.body)
	}
	for _, e := range body.Errors {
		if e.Field == field && e.Message == message {
			return
		}
	}
	t.Fatalf("errors %+v do not name %q with %q", body.Errors, field, message)
}

// TestInputGateRefusesBadTextOnEveryRoute sends the malformed corpus to
// every body-taking and every query-taking route of the table, on both
// engines: each is a 400 naming the field, never a 5xx, and both engines
// answer byte for byte alike.
func TestInputGateRefusesBadTextOnEveryRoute(t *testing.T) {
	answers := map[string]map[string]string{} // backend → case → status and body
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		unlimited := func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 1 << 20, Burst: 1 << 20} }
		h := newHarness(t, b, allowPrivate, unlimited)
		h.clock.Set(monday)
		o := h.objectsOf(h.a, h.a.owner.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		got := map[string]string{}
		answers[b.Name] = got
		send := func(t *testing.T, name string, rt httpapi.Route, query, body string, want badBody) {
			t.Helper()
			path, ok := o.path(t, rt.Pattern)
			if !ok {
				return
			}
			r := req{method: rt.Method, path: path}
			if query != "" {
				r.path += "?" + query
			}
			if body != "" {
				r.body = body
			}
			switch rt.Access {
			case httpapi.ActingUser:
				r.token, r.acting = h.a.key, h.a.owner.ID
			case httpapi.Credential:
				r.token = h.a.key
			}
			res := h.do(r)
			got[name] = fmt.Sprintf("%d %s", res.status, res.body)
			wantRefused(t, res, want.field, want.message)
		}
		for _, rt := range httpapi.Routes() {
			route := rt.Method + " " + rt.Pattern
			if strings.HasPrefix(rt.Pattern, "/v4/") || strings.HasPrefix(rt.Pattern, "/webhooks") {
				for _, c := range badQueries {
					t.Run(route+" query "+c.name, func(t *testing.T) { send(t, route+" query "+c.name, rt, c.body, "", c) })
				}
			}
			// Path values are ids: one that is no UUID names nothing,
			// whatever bytes it holds, and costs no lookup that could fail.
			if strings.Contains(rt.Pattern, "{") {
				for _, bad := range []string{"%00", "ab%00cd", "%FF%FE", strings.Repeat("a", 3000)} {
					name := route + " path " + bad[:min(len(bad), 8)]
					t.Run(name, func(t *testing.T) {
						path, ok := o.path(t, rt.Pattern)
						if !ok {
							return
						}
						segs := strings.Split(path, "/")
						for i, seg := range strings.Split(rt.Pattern, "/") {
							if strings.HasPrefix(seg, "{") {
								segs[i] = bad
								break
							}
						}
						r := req{method: rt.Method, path: strings.Join(segs, "/"), token: h.a.key}
						if rt.Access == httpapi.ActingUser {
							r.acting = h.a.owner.ID
						}
						res := h.do(r)
						got[name] = fmt.Sprintf("%d %s", res.status, res.body)
						if res.status >= 500 || res.status < 400 {
							t.Fatalf("got %d %.300s, want a refusal", res.status, res.body)
						}
					})
				}
			}
			if !takesBody(rt) {
				continue
			}
			cases := badBodies
			if strings.HasPrefix(rt.Pattern, "/v4/meeting-type") {
				cases = append(cases[:len(cases):len(cases)], extrasBody)
			}
			for _, c := range cases {
				t.Run(route+" body "+c.name, func(t *testing.T) { send(t, route+" body "+c.name, rt, "", c.body, c) })
			}
		}
	})
	sqlite, postgres := answers[sqldbtest.SQLite.Name], answers[sqldbtest.Postgres.Name]
	if postgres == nil {
		t.Log("MEETD_TEST_POSTGRES is not set: the engines were not compared")
		return
	}
	for name, a := range sqlite {
		if p := postgres[name]; p != a {
			t.Errorf("%s: SQLite answered %.200s, PostgreSQL %.200s", name, a, p)
		}
	}
}

// TestInputGateRefusesBadHeaders: a bad Idempotency-Key and a second
// Authorization or x-meetergo-api-user-id header are refused before the
// credential is looked up.
func TestInputGateRefusesBadHeaders(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		raw := func(method, path string, header http.Header, body string) response {
			t.Helper()
			hr, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			hr.Header = header
			if body != "" {
				hr.Header.Set("Content-Type", "application/json")
			}
			resp, err := h.client.Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			return response{status: resp.StatusCode, header: resp.Header, body: got}
		}
		user := `{"email":"new@a.example.com","givenName":"New","familyName":"User","timezone":"Europe/Berlin"}`
		for _, key := range []string{"ключ", "a\xffb"} {
			wantExact(t, raw("POST", "/v4/user", http.Header{"Authorization": {"Bearer " + h.a.key}, "Idempotency-Key": {key}}, user),
				400, `{"statusCode":400,"message":"Idempotency-Key must be printable ASCII","error":"Bad Request"}`)
		}
		wantExact(t, raw("POST", "/v4/user", http.Header{"Authorization": {"Bearer " + h.a.key}, "Idempotency-Key": {strings.Repeat("k", 256)}}, user),
			400, `{"statusCode":400,"message":"Idempotency-Key must be at most 255 characters","error":"Bad Request"}`)

		// Which of two headers wins is up to the reader: neither does,
		// whether the two agree or not, and a valid one does not help.
		for _, hd := range []http.Header{
			{"Authorization": {"Bearer " + h.a.ownerPAT, "Bearer " + h.b.ownerPAT}},
			{"Authorization": {"Bearer " + h.a.ownerPAT, "Bearer " + h.a.ownerPAT}},
		} {
			wantRefused(t, raw("GET", "/v4/user/me", hd, ""), "Authorization", "Authorization must be sent once")
		}
		wantRefused(t, raw("GET", "/v4/user/me", http.Header{"Authorization": {"Bearer " + h.a.key},
			"X-Meetergo-Api-User-Id": {h.a.owner.ID, h.a.member.ID}}, ""), "x-meetergo-api-user-id", "x-meetergo-api-user-id must be sent once")
		wantRefused(t, raw("GET", "/v4/user/me", http.Header{"Authorization": {"Bearer " + h.a.key},
			"X-Meetergo-Api-User-Id": {"\xff" + h.a.owner.ID}}, ""), "x-meetergo-api-user-id",
			"x-meetergo-api-user-id must be at most 255 printable ASCII characters")
		// Public routes ignore credentials, so twice is nothing to them.
		wantStatus(t, raw("GET", "/v4/openapi.yaml", http.Header{"Authorization": {"a", "b"}}, ""), 200)
		// One of each is as before.
		wantStatus(t, raw("GET", "/v4/user/me", http.Header{"Authorization": {"Bearer " + h.a.key},
			"X-Meetergo-Api-User-Id": {h.a.member.ID}}, ""), 200)
	})
}

// TestInputGateStoresNothingRefused: what the gate refuses leaves no trace,
// on either engine: no meeting type, appointment, exception or user, and
// a meeting type's kept fields as they were.
func TestInputGateStoresNothingRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		key, owner := h.a.key, h.a.owner.ID
		mt := h.meetingType(key, owner, map[string]any{"slug": "intro", "custom": "kept"})
		lists := []string{"/v4/meeting-type", "/v4/appointment/paginated?page=0&pageSize=50", "/v4/user", "/v4/meeting-type/" + mt}
		snapshot := func() map[string]string {
			out := map[string]string{}
			for _, p := range lists {
				r := h.get(p, key, owner)
				wantStatus(t, r, 200)
				out[p] = string(r.body)
			}
			return out
		}
		before := snapshot()
		av := decode(t, h.get("/v4/meeting-type/"+mt, key, owner))["availabilityId"].(string)
		exceptions := "/v4/availability/" + av + "/exceptions"
		exBefore := h.get(exceptions, key, owner)
		wantStatus(t, exBefore, 200)

		start := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
		refused := []struct {
			r     req
			field string
		}{
			{req{method: "POST", path: "/v4/meeting-type", body: `{"meetingInfo":{"name":"Evil","duration":30,"description":"x\u0000"},"slug":"evil"}`},
				"meetingInfo.description"},
			{req{method: "POST", path: "/v4/booking", body: `{"meetingTypeId":"` + mt + `","start":"` + start + `","hostIds":["` + owner +
				`"],"attendee":{"email":"eve@guest.example","receiveReminders":true,"notes":{"answer":"` + "\xff" + `"}}}`}, "attendee.notes.answer"},
			{req{method: "POST", path: exceptions, body: `{"start":"2026-12-24","title":"Holi` + "\x00" + `day"}`}, "title"},
			{req{method: "POST", path: exceptions, body: `{"start":"2026-12-24","note":"\u0000"}`}, "note"},
			{req{method: "POST", path: "/v4/user", body: "email=eve%40a.example.com&givenName=Ev%00e&familyName=E&timezone=Europe%2FBerlin",
				contentType: "application/x-www-form-urlencoded"}, "givenName"},
			{req{method: "POST", path: "/v4/user", body: `{"email":"eve@a.example.com","givenName":"Eve","familyName":"E","timezone":"Europe/Berlin","slug":"` +
				strings.Repeat("s", 900<<10) + `"}`}, "slug"},
			{req{method: "PATCH", path: "/v4/meeting-type/" + mt, body: `{"custom":null,"big":"` + strings.Repeat("b", 9000) +
				`","bigger":"` + strings.Repeat("b", 9001) + `","meetingInfo":{"name":"Renamed"}}`}, "bigger"},
		}
		for _, c := range refused {
			c.r.token, c.r.acting = key, owner
			if c.r.path == "/v4/user" || c.r.path == "/v4/booking" {
				c.r.acting = ""
			}
			res := h.do(c.r)
			if res.status != 400 || !strings.Contains(string(res.body), `"field":"`+c.field+`"`) {
				t.Fatalf("%s %s: got %d %.300s, want a 400 naming %s", c.r.method, c.r.path, res.status, res.body, c.field)
			}
		}
		after := snapshot()
		for _, p := range lists {
			if before[p] != after[p] {
				t.Errorf("%s changed:\nbefore %s\nafter  %s", p, before[p], after[p])
			}
		}
		if exAfter := h.get(exceptions, key, owner); !bytes.Equal(exAfter.body, exBefore.body) {
			t.Errorf("exceptions changed: %s → %s", exBefore.body, exAfter.body)
		}
	})
}
