package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// metricsAddr returns the address of the "metrics listening" log line.
func metricsAddr(t *testing.T, n *node) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, line := range strings.Split(n.Logs(), "\n") {
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "metrics listening" {
				return rec.Addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no \"metrics listening\" line:\n%s", n.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getText(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeMetrics: `serve --metrics-addr` serves /metrics on a listener of
// its own, counting the API's requests by route pattern and never naming a
// credential, id or email; the API port does not serve /metrics.
func TestServeMetrics(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
	companyID, ownerID := co["companyId"].(string), co["ownerId"].(string)
	pat := cliJSON(t, dsn, "pat", "create", "--user", ownerID, "--name", "ci", "--no-expiry")
	token, patID := pat["token"].(string), pat["id"].(string)

	n := startNode(t, dsn, "--metrics-addr", "127.0.0.1:0")
	addr := metricsAddr(t, n)
	if strings.HasSuffix(n.url, addr) {
		t.Fatalf("metrics share the API's address %s", addr)
	}
	if s := n.request(t, "GET", "/v4/user/me", token, ""); s != 200 {
		t.Fatalf("/v4/user/me = %d", s)
	}
	if s := n.request(t, "GET", "/v4/user/me", "", ""); s != 401 {
		t.Fatalf("/v4/user/me without a token = %d", s)
	}
	if s := n.request(t, "PATCH", "/v4/user/"+ownerID, token, ""); s != 400 {
		t.Fatalf("PATCH /v4/user/{id} without a body = %d", s)
	}
	if s, _ := getText(t, n.url+"/metrics"); s != 404 {
		t.Errorf("the API port answers /metrics with %d, want 404", s)
	}
	if s, _ := getText(t, "http://"+addr+"/debug/pprof/"); s != 404 {
		t.Errorf("the metrics port answers /debug/pprof/ without --pprof with %d, want 404", s)
	}

	status, text := getText(t, "http://"+addr+"/metrics")
	if status != 200 {
		t.Fatalf("/metrics = %d\n%s", status, text)
	}
	for _, want := range []string{
		`meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="200"} 1`,
		`meetd_http_requests_total{method="GET",route="GET /v4/user/me",status="401"} 1`,
		`meetd_http_requests_total{method="PATCH",route="PATCH /v4/user/{id}",status="400"} 1`,
		`meetd_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`meetd_auth_failures_total{reason="missing"} 1`,
		`meetd_credential_requests_total{kind="personal_access_token"} 2`,
		`meetd_webhook_deliveries_total{result="delivered"} 0`,
		"meetd_http_request_duration_seconds_bucket{",
		"go_goroutines ",
		"process_open_fds ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, secret := range []string{token, patID, ownerID, companyID, "owner@acme.example"} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics contains %q", secret)
		}
	}
}

// Without --metrics-addr nothing listens for metrics.
func TestServeWithoutMetrics(t *testing.T) {
	n := startNode(t, filepath.Join(t.TempDir(), "meetd.db"))
	if strings.Contains(n.Logs(), "metrics listening") {
		t.Fatalf("metrics listener started without --metrics-addr:\n%s", n.Logs())
	}
	if s, _ := getText(t, n.url+"/metrics"); s != 404 {
		t.Errorf("the API port answers /metrics with %d, want 404", s)
	}
}

// TestServePprof: `serve --pprof` adds Go's profiler to the metrics
// listener, and only there; without --metrics-addr it is refused.
func TestServePprof(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	if _, stderr, err := cliResult(dsn, "", "serve", "--addr", "127.0.0.1:0", "--pprof"); err == nil ||
		!strings.Contains(stderr, "--pprof needs --metrics-addr") {
		t.Fatalf("serve --pprof without --metrics-addr: err %v, stderr %q", err, stderr)
	}
	n := startNode(t, dsn, "--metrics-addr", "127.0.0.1:0", "--pprof")
	addr := metricsAddr(t, n)
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/goroutine?debug=1", "/debug/pprof/profile?seconds=1"} {
		if s, body := getText(t, "http://"+addr+path); s != 200 {
			t.Errorf("metrics port %s = %d: %.200s", path, s, body)
		}
	}
	if s, _ := getText(t, n.url+"/debug/pprof/"); s != 404 {
		t.Errorf("the API port answers /debug/pprof/ with %d, want 404", s)
	}
}
