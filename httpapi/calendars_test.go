package httpapi_test

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
	"github.com/meetd/meetd/webhook"
)

// testFeed is what the harness's feed server answers at every path: one
// busy hour.
const testFeed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//feed//EN\r\nBEGIN:VEVENT\r\n" +
	"UID:busy-1@feed.test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\n" +
	"SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// serveFeed answers testFeed, or 404 under /gone/ (a revoked address).
func serveFeed(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/gone/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/calendar")
	_, _ = w.Write([]byte(testFeed))
}

// testCalendars is a calendar service with a fresh random key that may
// reach loopback servers (the harness's feed server, Radicale).
func testCalendars(t testing.TB, db *sqldb.DB, clock meetd.Clock, log *slog.Logger) *calsync.Service {
	key := make([]byte, calsync.KeySize)
	_, _ = rand.Read(key)
	box, err := calsync.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return calsync.NewService(calsync.Service{Store: db, Box: box, Guard: webhook.Guard{AllowPrivate: true},
		Clock: clock, Log: log})
}

// secretFeed is a feed address with a secret in its path and query, as
// Google's and Outlook's are.
func (h *harness) secretFeed(tag string) string {
	return h.feeds.URL + "/calendar/ical/private-" + tag + "-s3cr3tPathPart/basic.ics?token=Q" + tag + "xyzSecretQuery"
}

// feedConnection connects a feed for user through the API and returns its
// id.
func (h *harness) feedConnection(token, acting, tag string) string {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/v4/calendar-connections/connections", token: token, acting: acting,
		body: map[string]any{"provider": "ics", "feedUrl": h.secretFeed(tag), "name": "Work " + tag}})
	wantStatus(h.t, r, 201)
	return decode(h.t, r)["id"].(string)
}

func TestCalendarConnectionLifecycleOverTheAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		id := h.feedConnection(a.memberPAT, "", "life")
		got := decode(t, h.get("/v4/calendar-connections/connections/"+id, a.memberPAT, ""))
		if got["provider"] != "ics" || got["isConnected"] != true || got["status"] != "pending" || got["userId"] != a.member.ID ||
			got["name"] != "Work life" || got["email"] != nil || got["serverUrl"] != nil {
			t.Fatalf("connection = %v", got)
		}
		list := decode(t, h.get("/v4/calendar-connections/connections", a.memberPAT, ""))
		if list["total"] != float64(1) || len(list["connections"].([]any)) != 1 {
			t.Fatalf("list = %v", list)
		}
		r := h.do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + id, token: a.memberPAT,
			body: map[string]any{"name": "Personal"}})
		wantStatus(t, r, 200)
		if decode(t, r)["name"] != "Personal" {
			t.Fatalf("patch answered %s", r.body)
		}
		r = h.do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + id, token: a.memberPAT,
			body: map[string]any{"feedUrl": h.feeds.URL + "/gone/x.ics"}})
		wantStatus(t, r, 400)
		if !strings.Contains(string(r.body), "feed address is no longer valid") {
			t.Fatalf("a revoked feed answered %s", r.body)
		}
		r = h.do(req{method: "POST", path: "/v4/calendar-connections/connections/" + id + "/test", token: a.memberPAT})
		wantStatus(t, r, 200)
		r = h.do(req{method: "DELETE", path: "/v4/calendar-connections/connections/" + id, token: a.memberPAT})
		wantStatus(t, r, 204)
		wantStatus(t, h.get("/v4/calendar-connections/connections/"+id, a.memberPAT, ""), 404)
	})
}

func TestCalendarConnectionRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		other := h.feedConnection(a.key, a.admin.ID, "admin")
		for _, tc := range []struct {
			name   string
			r      req
			status int
			says   string
		}{
			{"a member's PAT cannot connect a calendar for someone else",
				req{method: "POST", path: "/v4/calendar-connections/connections", token: a.memberPAT,
					body: map[string]any{"provider": "ics", "feedUrl": h.secretFeed("x"), "userId": a.admin.ID}},
				403, "Personal access tokens cannot manage other users' calendar connections"},
			{"an admin's PAT reads a colleague's connections",
				req{method: "GET", path: "/v4/calendar-connections/connections?userId=" + a.member.ID, token: a.adminPAT}, 200, "connections"},
			{"an admin's PAT cannot change a colleague's connection",
				req{method: "DELETE", path: "/v4/calendar-connections/connections/" + other, token: a.ownerPAT}, 403, "use a platform API key"},
			{"an API key acting as a member manages another user's connection",
				req{method: "PATCH", path: "/v4/calendar-connections/connections/" + other, token: a.key, acting: a.member.ID,
					body: map[string]any{"name": "by key"}}, 200, "by key"},
			{"a member's PAT cannot read a colleague's connections",
				req{method: "GET", path: "/v4/calendar-connections/connections?userId=" + a.admin.ID, token: a.memberPAT}, 403, "Only company admins"},
			{"an unknown provider is a 400",
				req{method: "POST", path: "/v4/calendar-connections/connections", token: a.memberPAT,
					body: map[string]any{"provider": "google"}}, 400, "provider must be one of the following values: caldav, ics"},
			{"a CalDAV connection needs its fields",
				req{method: "POST", path: "/v4/calendar-connections/connections", token: a.memberPAT,
					body: map[string]any{"provider": "caldav", "serverUrl": "ftp://x"}}, 400, "password should not be empty"},
			{"a private address is refused without --calendar-allow-private",
				req{method: "POST", path: "/v4/calendar-connections/connections", token: a.memberPAT,
					body: map[string]any{"provider": "ics", "feedUrl": "file:///etc/passwd"}}, 400, "feedUrl"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := h.do(tc.r)
				wantStatus(t, r, tc.status)
				if !strings.Contains(string(r.body), tc.says) {
					t.Fatalf("body %s does not say %q", r.body, tc.says)
				}
			})
		}
	})
}

// Without the operator's key no connection is stored: 422 naming the
// setting.
func TestCalendarConnectionsNeedTheOperatorsKey(t *testing.T) {
	h := newHarness(t, sqldbtest.Backends()[0], func(c *httpapi.Config) { c.Calendars = nil })
	r := h.do(req{method: "POST", path: "/v4/calendar-connections/connections", token: h.a.memberPAT,
		body: map[string]any{"provider": "ics", "feedUrl": h.secretFeed("nokey")}})
	wantStatus(t, r, 422)
	if !strings.Contains(string(r.body), "--secret-key-file") {
		t.Fatalf("answer %s does not name the setting", r.body)
	}
	list := decode(t, h.get("/v4/calendar-connections/connections", h.a.memberPAT, ""))
	if list["total"] != float64(0) {
		t.Fatalf("list = %v", list)
	}
}

// No connection secret (the feed address, its path or query) appears in
// any answer or log line.
func TestCalendarSecretsStayOutOfAnswersAndLogs(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		var bodies []string
		do := func(r req) response {
			resp := h.do(r)
			bodies = append(bodies, string(resp.body))
			return resp
		}
		r := do(req{method: "POST", path: "/v4/calendar-connections/connections", token: a.memberPAT,
			body: map[string]any{"provider": "ics", "feedUrl": h.secretFeed("leak")}})
		wantStatus(t, r, 201)
		id := decode(t, r)["id"].(string)
		do(req{method: "GET", path: "/v4/calendar-connections/connections", token: a.memberPAT})
		do(req{method: "GET", path: "/v4/calendar-connections/connections/" + id, token: a.memberPAT})
		do(req{method: "POST", path: "/v4/calendar-connections/connections/" + id + "/test", token: a.memberPAT})
		do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + id, token: a.memberPAT,
			body: map[string]any{"feedUrl": h.secretFeed("leak2")}})
		do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + id, token: a.memberPAT,
			body: map[string]any{"feedUrl": h.feeds.URL + "/gone/private-s3cr3tGone.ics"}})
		everything := strings.Join(bodies, "\n") + h.logs.String()
		for _, secret := range []string{"s3cr3tPathPart", "xyzSecretQuery", "s3cr3tGone"} {
			if strings.Contains(everything, secret) {
				t.Fatalf("%q appears in an answer or the log", secret)
			}
		}
	})
}
