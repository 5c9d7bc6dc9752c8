package dashboard_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// syncBuffer collects the server's log lines, to search them for secrets.
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

// harness is meetd as cmd/meetd serves it: the v4 API and the dashboard on
// one mux, on a real SQLite file behind a real listener.
type harness struct {
	t        *testing.T
	dsn      string
	db       *sqldb.DB
	clock    *meetd.ManualClock
	verifier *auth.Verifier
	srv      *httptest.Server
	logs     *syncBuffer
	cfg      dashboard.Config
}

type option func(*dashboard.Config)

func trustLoopbackProxy(c *dashboard.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
}

func newHarness(t *testing.T, opts ...option) *harness {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	clock := meetd.NewManualClock(time.Now().Truncate(time.Millisecond))
	db := sqldbtest.OpenDSN(t, dsn, clock)
	h := &harness{t: t, dsn: dsn, db: db, clock: clock, logs: &syncBuffer{}}
	h.start(opts...)
	return h
}

// start serves a fresh API and dashboard on h's database, as a restart of
// the process would.
func (h *harness) start(opts ...option) {
	t := h.t
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	usage := auth.NewUsage(h.db, log)
	v, err := auth.NewVerifier(context.Background(), h.db, h.clock, usage, log)
	if err != nil {
		t.Fatal(err)
	}
	h.db.OnChange(v.AfterWrite)
	api := httpapi.New(httpapi.Config{Store: h.db, Verifier: v, Usage: usage, Clock: h.clock, Log: log,
		PublicURL: "https://cal.example.test"})
	cfg := dashboard.Config{Store: h.db, Sessions: h.db.Sessions(), Usage: usage, Clock: h.clock, Log: log,
		Passwords: meetdtest.Passwords()}
	for _, o := range opts {
		o(&cfg)
	}
	dashboard.New(cfg).Mount(api.Mux())
	if h.srv != nil {
		h.srv.Close()
	}
	h.srv = httptest.NewServer(api.Handler())
	t.Cleanup(h.srv.Close)
	h.verifier, h.cfg = v, cfg
}

// person is a user with a dashboard password.
type person struct {
	meetd.User
	password string
}

const testPassword = "correct horse battery"

// company creates a company with an owner, an admin and a member, each
// with the password testPassword, with the shared fixture
// (meetdtest.Tenant, without credentials).
func (h *harness) company(name string, plan meetd.Plan) (meetd.Company, person, person, person) {
	h.t.Helper()
	tn := meetdtest.Builder{Store: h.db, Clock: h.clock, Password: testPassword}.Tenant(h.t, name, plan)
	p := func(u meetd.User) person { return person{User: u, password: tn.Password} }
	return tn.Company, p(tn.Owner), p(tn.Admin), p(tn.Member)
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so each answer can be checked.
type browser struct {
	h      *harness
	client *http.Client
	// header is added to every request (e.g. X-Forwarded-For).
	header http.Header
}

func (h *harness) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return &browser{h: h, header: http.Header{}, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
	resp   *http.Response
}

func (p page) location() string { return p.header.Get("Location") }

func (b *browser) do(req *http.Request) page {
	b.h.t.Helper()
	for k, vs := range b.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(body), resp: resp}
}

func (b *browser) get(path string) page {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin browser would.
func (b *browser) post(path string, form url.Values, headers ...string) page {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.h.srv.URL)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	return b.do(req)
}

// signIn signs p in and checks the redirect.
func (b *browser) signIn(p person) {
	b.h.t.Helper()
	pg := b.post("/dashboard/login", url.Values{"email": {p.Email}, "password": {p.password}})
	if pg.status != http.StatusSeeOther {
		b.h.t.Fatalf("sign-in of %s: status %d\n%s", p.Email, pg.status, pg.body)
	}
}

func (b *browser) cookie() *http.Cookie {
	u, _ := url.Parse(b.h.srv.URL + "/dashboard/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == dashboard.SessionCookie {
			return c
		}
	}
	return nil
}

// api calls GET path on the v4 API with a bearer credential.
func (h *harness) api(path, credential string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+credential)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var secretRE = regexp.MustCompile(`id="new-secret"[^>]*value="([^"]+)"`)

// secret returns the secret shown on a page ("" when none).
func secret(body string) string {
	m := secretRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func want(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status = %d, want %d\n%s", p.status, status, p.body)
	}
	for _, s := range contains {
		if !strings.Contains(p.body, s) {
			t.Fatalf("page does not contain %q\n%s", s, p.body)
		}
	}
}

func wantRedirect(t *testing.T, p page, to string) {
	t.Helper()
	if p.status != http.StatusSeeOther && p.status != http.StatusMovedPermanently && p.status != http.StatusFound {
		t.Fatalf("status = %d, want a redirect to %s\n%s", p.status, to, p.body)
	}
	if got := p.location(); got != to {
		t.Fatalf("redirect to %q, want %q", got, to)
	}
}
