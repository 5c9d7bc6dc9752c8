package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/metrics"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// withMetrics is the harness option that records into m.
func withMetrics(m *metrics.Metrics) option {
	return func(c *httpapi.Config) { c.Metrics = m }
}

// scrape returns what m's /metrics handler serves.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics answered %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// wantSeries fails unless the scrape has exactly the line series + " " + value.
func wantSeries(t *testing.T, text, series, value string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			if rest != value {
				t.Errorf("%s = %s, want %s", series, rest, value)
			}
			return
		}
	}
	t.Errorf("the scrape has no %s (want %s)", series, value)
}

// TestMetrics drives a few requests through a server with metrics on and
// checks the counters, and that no label carries a path, id, credential or
// email (docs/architecture.md#security-rules).
func TestMetrics(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		m := metrics.New()
		h := newHarness(t, b, withMetrics(m))
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		booked := h.book(a.key, mt, a.member.ID, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), nil)
		wantStatus(t, booked, 201)
		apID, secret := decode(t, booked)["appointmentId"].(string), decode(t, booked)["secret"].(string)

		wantStatus(t, h.get("/v4/appointment/"+apID, a.memberPAT, ""), 200)
		wantStatus(t, h.get("/v4/user/me", a.memberPAT, ""), 200)
		wantStatus(t, h.get("/v4/user/me", "", ""), 401)                                   // missing
		forged := a.memberPAT[:len(a.memberPAT)-1] + flip(a.memberPAT[len(a.memberPAT)-1]) // bad checksum
		wantStatus(t, h.get("/v4/user/me", forged, ""), 401)                               // invalid
		wantStatus(t, h.get("/v4/user/me", a.memberPAT, a.admin.ID), 403)                  // impersonation
		wantStatus(t, h.get("/v4/appointment/"+apID, a.key, h.b.member.ID), 403)           // acting_user
		wantStatus(t, h.get("/v4/no-such-route/"+apID+"/"+a.member.Email, a.memberPAT, ""), 404)
		wantStatus(t, h.do(req{method: "POST", path: "/v4/public/appointment/" + apID + "/cancel",
			body: map[string]any{"secret": secret}}), 200)

		text := scrape(t, m)
		for series, value := range map[string]string{
			`meetd_http_requests_total{method="POST",route="POST /v4/meeting-type",status="201"}`:                   "1",
			`meetd_http_requests_total{method="POST",route="POST /v4/booking",status="201"}`:                        "1",
			`meetd_http_requests_total{method="GET",route="GET /v4/appointment/{id}",status="200"}`:                 "1",
			`meetd_http_requests_total{method="GET",route="GET /v4/appointment/{id}",status="403"}`:                 "1",
			`meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="200"}`:                          "1",
			`meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="401"}`:                          "2",
			`meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="403"}`:                          "1",
			`meetd_http_requests_total{method="GET",route="unmatched",status="404"}`:                                "1",
			`meetd_http_requests_total{method="POST",route="POST /v4/public/appointment/{id}/cancel",status="200"}`: "1",
			`meetd_http_request_duration_seconds_count{method="GET",route="GET /v4/user/me"}`:                       "4",
			`meetd_auth_failures_total{reason="missing"}`:                                                           "1",
			`meetd_auth_failures_total{reason="invalid"}`:                                                           "1",
			`meetd_auth_failures_total{reason="impersonation"}`:                                                     "1",
			`meetd_auth_failures_total{reason="acting_user"}`:                                                       "1",
			`meetd_auth_failures_total{reason="expired"}`:                                                           "0",
			`meetd_auth_failures_total{reason="plan"}`:                                                              "0",
			`meetd_credential_requests_total{kind="personal_access_token"}`:                                         "3",
			`meetd_credential_requests_total{kind="api_key"}`:                                                       "1",
			`meetd_rate_limited_total`: "0",
		} {
			wantSeries(t, text, series, value)
		}

		secrets := []string{apID, secret, mt, forged}
		for _, tn := range []tenant{h.a, h.b} {
			secrets = append(secrets, tn.company.ID, tn.ownerPAT, tn.adminPAT, tn.memberPAT, tn.key, tn.keyID)
			for _, u := range []struct{ id, email string }{{tn.owner.ID, tn.owner.Email}, {tn.admin.ID, tn.admin.Email},
				{tn.member.ID, tn.member.Email}} {
				secrets = append(secrets, u.id, u.email)
			}
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("the scrape contains %q", s)
			}
		}
		if strings.Contains(text, "ada@guest.example") || strings.Contains(text, "/v4/no-such-route") {
			t.Error("the scrape contains an attendee email or a raw path")
		}
		// Every route label is a registered pattern or "unmatched".
		for _, match := range regexp.MustCompile(`route="([^"]*)"`).FindAllStringSubmatch(text, -1) {
			if r := match[1]; r != metrics.Unmatched && !regexp.MustCompile(`^[A-Z]+ /[a-z0-9/{}-]*$`).MatchString(r) {
				t.Errorf("route label %q is not a route pattern", r)
			}
		}
	})
}

// flip changes a base62 character into another.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestMetricsRateLimited(t *testing.T) {
	m := metrics.New()
	h := newHarness(t, sqldbtest.SQLite, withMetrics(m),
		func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 60, Burst: 2} })
	for range 2 {
		wantStatus(t, h.get("/v4/user/me", h.a.ownerPAT, ""), 200)
	}
	wantStatus(t, h.get("/v4/user/me", h.a.ownerPAT, ""), 429)
	text := scrape(t, m)
	wantSeries(t, text, `meetd_rate_limited_total`, "1")
	wantSeries(t, text, `meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="429"}`, "1")
}

// Without Metrics the server records nothing and needs nothing.
func TestMetricsOff(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	wantStatus(t, h.get("/v4/user/me", h.a.ownerPAT, ""), 200)
	wantStatus(t, h.get("/v4/nothing", "", ""), 404)
}
