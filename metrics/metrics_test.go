package metrics_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/metrics"
)

func TestAuthFailureReason(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{auth.ErrMissingAuthorization, metrics.ReasonMissing},
		{auth.ErrInvalidAPIKey, metrics.ReasonInvalid},
		{auth.ErrInvalidPAT, metrics.ReasonInvalid},
		{auth.ErrExpiredAPIKey, metrics.ReasonExpired},
		{auth.ErrExpiredPAT, metrics.ReasonExpired},
		{meetd.PlanError(meetd.KindPAT), metrics.ReasonPlan},
		{meetd.PlanError(meetd.KindAPIKey), metrics.ReasonPlan},
		{auth.ErrPATImpersonation, metrics.ReasonImpersonation},
		{auth.ErrActingUserMissing, metrics.ReasonActingUser},
		{auth.ErrActingUserNotUUID, metrics.ReasonActingUser},
		{auth.ErrActingUserForeign, metrics.ReasonActingUser},
	} {
		got, ok := metrics.AuthFailureReason(c.err)
		if !ok || got != c.want {
			t.Errorf("AuthFailureReason(%q) = %q, %v; want %q", meetd.ErrorMessage(c.err), got, ok, c.want)
		}
	}
	for _, err := range []error{nil, errors.New("database is down"), meetd.Errorf(meetd.EINTERNAL, "Internal server error"),
		meetd.Errorf(meetd.EFORBIDDEN, "HTTPS is required")} {
		if got, ok := metrics.AuthFailureReason(err); ok {
			t.Errorf("AuthFailureReason(%v) = %q, want no reason", err, got)
		}
	}
}

func TestCounters(t *testing.T) {
	m := metrics.New()
	m.ObserveRequest("GET /v4/appointment/{id}", "GET", 200, 3*time.Millisecond)
	m.ObserveRequest("GET /v4/appointment/{id}", "GET", 0, time.Millisecond) // nothing written: 200
	m.ObserveRequest("", "BREW", 404, time.Millisecond)
	m.AuthFailed(auth.ErrInvalidPAT)
	m.AuthFailed(auth.ErrExpiredAPIKey)
	m.AuthFailed(errors.New("database is down"))
	m.CredentialUsed(meetd.KindAPIKey)
	m.CredentialUsed(meetd.CredentialKind("something else"))
	m.RateLimited()
	m.WebhookResult(meetd.WebhookDelivered)
	m.WebhookResult(meetd.WebhookRetry)
	m.WebhookResult(meetd.WebhookRetry)
	m.WebhookResult(meetd.WebhookGone)
	m.WebhookResult(meetd.WebhookGiveUp)

	want := `
# HELP meetd_http_requests_total HTTP requests served, by route pattern, method and status code.
# TYPE meetd_http_requests_total counter
meetd_http_requests_total{method="GET",route="GET /v4/appointment/{id}",status="200"} 2
meetd_http_requests_total{method="OTHER",route="unmatched",status="404"} 1
# HELP meetd_auth_failures_total Requests refused by principal resolution, by reason.
# TYPE meetd_auth_failures_total counter
meetd_auth_failures_total{reason="acting_user"} 0
meetd_auth_failures_total{reason="expired"} 1
meetd_auth_failures_total{reason="impersonation"} 0
meetd_auth_failures_total{reason="invalid"} 1
meetd_auth_failures_total{reason="missing"} 0
meetd_auth_failures_total{reason="plan"} 0
# HELP meetd_credential_requests_total Requests whose credential resolved to a principal, by credential kind.
# TYPE meetd_credential_requests_total counter
meetd_credential_requests_total{kind="api_key"} 1
meetd_credential_requests_total{kind="personal_access_token"} 0
# HELP meetd_rate_limited_total Requests answered 429 by a rate limit (per credential, or the kill-switch's per client IP).
# TYPE meetd_rate_limited_total counter
meetd_rate_limited_total 1
# HELP meetd_webhook_deliveries_total Webhook delivery attempts, by result.
# TYPE meetd_webhook_deliveries_total counter
meetd_webhook_deliveries_total{result="delivered"} 1
meetd_webhook_deliveries_total{result="failed"} 2
meetd_webhook_deliveries_total{result="gave_up"} 1
meetd_webhook_deliveries_total{result="gone"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want),
		metrics.NameHTTPRequests, metrics.NameAuthFailures, metrics.NameCredentialRequests,
		metrics.NameRateLimited, metrics.NameWebhookDeliveries); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(m.Registry(), metrics.NameHTTPDuration); n != 2 {
		t.Errorf("%s has %d series, want 2", metrics.NameHTTPDuration, n)
	}
}

// A Route records what ObserveRequest records for its route and method,
// into the same series, and creates none before its first request.
func TestRouteRecordsAsObserveRequest(t *testing.T) {
	m := metrics.New()
	me := m.Route("GET /v4/user/me", "GET")
	head := m.Route("GET /v4/user/me", "HEAD")
	other := m.Route("", "BREW")
	if n := testutil.CollectAndCount(m.Registry(), metrics.NameHTTPRequests, metrics.NameHTTPDuration); n != 0 {
		t.Fatalf("%d series before any request, want 0", n)
	}
	me.Observe(200, time.Millisecond)
	me.Observe(0, time.Millisecond) // nothing written: 200
	me.Observe(401, time.Millisecond)
	m.ObserveRequest("GET /v4/user/me", "GET", 401, time.Millisecond)
	head.Observe(200, time.Millisecond)
	other.Observe(404, time.Millisecond)
	want := `
# HELP meetd_http_requests_total HTTP requests served, by route pattern, method and status code.
# TYPE meetd_http_requests_total counter
meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="200"} 2
meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="401"} 2
meetd_http_requests_total{method="HEAD",route="GET /v4/user/me",status="200"} 1
meetd_http_requests_total{method="OTHER",route="unmatched",status="404"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), metrics.NameHTTPRequests); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(m.Registry(), metrics.NameHTTPDuration); n != 3 {
		t.Errorf("%s has %d series, want 3", metrics.NameHTTPDuration, n)
	}
}

// Routes observed from many goroutines at once count every request once.
func TestRouteIsSafeForConcurrentUse(t *testing.T) {
	m := metrics.New()
	rt := m.Route("GET /healthz", "GET")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				rt.Observe(200+(g+i)%4, time.Millisecond)
			}
		})
	}
	wg.Wait()
	want := `
# HELP meetd_http_requests_total HTTP requests served, by route pattern, method and status code.
# TYPE meetd_http_requests_total counter
meetd_http_requests_total{method="GET",route="GET /healthz",status="200"} 200
meetd_http_requests_total{method="GET",route="GET /healthz",status="201"} 200
meetd_http_requests_total{method="GET",route="GET /healthz",status="202"} 200
meetd_http_requests_total{method="GET",route="GET /healthz",status="203"} 200
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), metrics.NameHTTPRequests); err != nil {
		t.Fatal(err)
	}
}

func TestMethodIsBounded(t *testing.T) {
	for in, want := range map[string]string{"GET": "GET", "PATCH": "PATCH", "DELETE": "DELETE", "get": "OTHER",
		"X-" + strings.Repeat("A", 100): "OTHER", "": "OTHER"} {
		if got := metrics.Method(in); got != want {
			t.Errorf("Method(%q) = %q, want %q", in, got, want)
		}
	}
}

// A nil *Metrics is "metrics off": every method is a no-op.
func TestNilIsOff(t *testing.T) {
	var m *metrics.Metrics
	m.ObserveRequest("GET /healthz", "GET", 200, time.Millisecond)
	m.AuthFailed(auth.ErrInvalidPAT)
	m.CredentialUsed(meetd.KindPAT)
	m.RateLimited()
	m.WebhookResult(meetd.WebhookDelivered)
	m.Route("GET /healthz", "GET").Observe(200, time.Millisecond)
	observe := m.WebhookResult // the method value serve hands the webhook worker
	observe(meetd.WebhookGone)
}

// Each Metrics has its own registry, and the handler serves it with the Go
// and process collectors.
func TestHandler(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.RateLimited()
	srv := httptest.NewServer(b.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	text := string(body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, text)
	}
	for _, want := range []string{"meetd_rate_limited_total 0", "go_goroutines ", "go_gc_duration_seconds",
		`meetd_auth_failures_total{reason="missing"} 0`, `meetd_webhook_deliveries_total{result="gave_up"} 0`} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if runtime.GOOS == "linux" && !strings.Contains(text, "process_open_fds ") {
		t.Error("scrape lacks the process collector's process_open_fds")
	}
}
