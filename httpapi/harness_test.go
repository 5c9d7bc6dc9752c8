package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tenant is one company with an owner, an admin and a member, a PAT for each
// and one API key.
type tenant struct {
	company                       meetd.Company
	owner, admin, member          meetd.User
	ownerPAT, adminPAT, memberPAT string
	key                           string
	keyID                         string
}

// harness is a meetd API on a real database behind a real HTTP listener,
// with two tenants. Every response it sees is validated against the
// OpenAPI document.
type harness struct {
	t        *testing.T
	db       *sqldb.DB
	clock    *meetd.ManualClock
	verifier *auth.Verifier
	usage    *auth.Usage
	srv      *httptest.Server
	client   *http.Client
	logs     *syncBuffer
	a, b     tenant
	// feeds serves an iCalendar feed at every path, for calendar
	// connections (calendars_test.go).
	feeds *httptest.Server
	// calendars is the server's calendar service (nil when an option
	// removed it).
	calendars *calsync.Service
}

type option func(*httpapi.Config)

func newHarness(t *testing.T, backend sqldbtest.Backend, opts ...option) *harness {
	t.Helper()
	clock := meetd.NewManualClock(time.Now().Truncate(time.Millisecond))
	db := sqldbtest.Open(t, backend, clock)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	usage := auth.NewUsage(db, log)
	v, err := auth.NewVerifier(context.Background(), db, clock, usage, log)
	if err != nil {
		t.Fatal(err)
	}
	db.OnChange(v.AfterWrite)
	cfg := httpapi.Config{Store: db, Verifier: v, Usage: usage, Clock: clock, Log: log,
		PublicURL: "https://cal.example.test", Calendars: testCalendars(t, db, clock, log)}
	feeds := httptest.NewServer(http.HandlerFunc(serveFeed))
	t.Cleanup(feeds.Close)
	for _, o := range opts {
		o(&cfg)
	}
	srv := httptest.NewServer(httpapi.New(cfg).Handler())
	t.Cleanup(srv.Close)
	h := &harness{t: t, db: db, clock: clock, verifier: v, usage: usage, srv: srv, logs: logs, feeds: feeds, calendars: cfg.Calendars,
		client: &http.Client{Transport: oasTransport(t, nil)}}
	h.a = h.newTenant("a", meetd.PlanEnterprise)
	h.b = h.newTenant("b", meetd.PlanEnterprise)
	return h
}

// eachBackend runs fn once per database engine, one engine after the
// other, and marks t parallel: every harness has a database, servers and a
// clock of its own, so tests wait on their databases side by side.
func eachBackend(t *testing.T, fn func(t *testing.T, b sqldbtest.Backend)) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// newTenant makes a company on plan with the shared fixture
// (meetdtest.Tenant, with credentials).
func (h *harness) newTenant(name string, plan meetd.Plan) tenant {
	h.t.Helper()
	tn := meetdtest.Builder{Store: h.db, Clock: h.clock, Credentials: true}.Tenant(h.t, name, plan)
	return tenant{company: tn.Company, owner: tn.Owner, admin: tn.Admin, member: tn.Member,
		ownerPAT: tn.OwnerPAT, adminPAT: tn.AdminPAT, memberPAT: tn.MemberPAT, key: tn.Key, keyID: tn.KeyID}
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// req describes one request: credential ("" sends no Authorization), the
// x-meetergo-api-user-id value ("" sends none) and a body (a string is sent
// as is, anything else as JSON).
type req struct {
	method, path string
	token        string
	acting       string
	body         any
	contentType  string
	header       map[string]string
}

func (h *harness) do(r req) response {
	h.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(r.method, h.srv.URL+r.path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.acting != "" {
		hr.Header.Set("x-meetergo-api-user-id", r.acting)
	}
	if body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := h.client.Do(hr)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (h *harness) get(path, token, acting string) response {
	h.t.Helper()
	return h.do(req{method: "GET", path: path, token: token, acting: acting})
}

// wantStatus fails unless r has status.
func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// wantExact fails unless r has status and exactly body.
func wantExact(t *testing.T, r response, status int, body string) {
	t.Helper()
	if r.status != status || string(r.body) != body {
		t.Fatalf("got %d %s\nwant %d %s", r.status, r.body, status, body)
	}
}

// decode unmarshals r's body into a map.
func decode(t *testing.T, r response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return m
}
