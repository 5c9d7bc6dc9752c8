package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/metrics"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// The request-path benchmarks serve one request at a time through the
// server's whole Handler (logging, security headers, gate, principal
// resolution from the warm cache, rate limit, metrics, handler) into a
// recorder, as `meetd serve --log-level warn --metrics-addr …` would:
// the request line is not written, metrics are recorded. BENCHMARKS.md
// ("Request path") records their figures.

// benchServer is the API on a SQLite file with one tenant and a rate limit
// no benchmark reaches.
func benchServer(b *testing.B) (http.Handler, meetdtest.Tenant) {
	b.Helper()
	clock := meetd.NewManualClock(time.Now().Truncate(time.Millisecond))
	db := sqldbtest.Open(b, sqldbtest.SQLite, clock)
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	usage := auth.NewUsage(db, log)
	v, err := auth.NewVerifier(context.Background(), db, clock, usage, log)
	if err != nil {
		b.Fatal(err)
	}
	db.OnChange(v.AfterWrite)
	tn := meetdtest.Builder{Store: db, Clock: clock, Credentials: true}.Tenant(b, "bench", meetd.PlanEnterprise)
	srv := httpapi.New(httpapi.Config{Store: db, Verifier: v, Usage: usage, Clock: clock, Log: log,
		PublicURL: "https://cal.example.test", Metrics: metrics.New(),
		RateLimit: httpapi.RateLimit{PerMinute: 1 << 40, Burst: 1 << 40}})
	return srv.Handler(), tn
}

// benchRequest serves r through h until the benchmark ends, failing on any
// status but 200. The first request warms the credential cache.
func benchRequest(b *testing.B, h http.Handler, r *http.Request) {
	b.Helper()
	r.RemoteAddr = "192.0.2.1:4711"
	serve := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	serve()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve()
	}
}

// BenchmarkBareHandler is the yardstick: a bare net/http handler answering
// {"status":"ok"}, served the same way.
func BenchmarkBareHandler(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
	benchRequest(b, mux, httptest.NewRequest("GET", "/healthz", nil))
}

func BenchmarkHealthz(b *testing.B) {
	h, _ := benchServer(b)
	benchRequest(b, h, httptest.NewRequest("GET", "/healthz", nil))
}

func BenchmarkUserMePAT(b *testing.B) {
	h, tn := benchServer(b)
	r := httptest.NewRequest("GET", "/v4/user/me", nil)
	r.Header.Set("Authorization", "Bearer "+tn.MemberPAT)
	benchRequest(b, h, r)
}

func BenchmarkUserMeAPIKey(b *testing.B) {
	h, tn := benchServer(b)
	r := httptest.NewRequest("GET", "/v4/user/me", nil)
	r.Header.Set("Authorization", "Bearer "+tn.Key)
	r.Header.Set("X-Meetergo-Api-User-Id", tn.Member.ID)
	benchRequest(b, h, r)
}
