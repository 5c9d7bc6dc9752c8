package dashboard_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/dashboard"
)

// rawResult is an answer to a request sent from a goroutine other than the
// test's, where t.Fatal must not be called.
type rawResult struct {
	status int
	header http.Header
	body   string
	err    error
}

// rawDo sends a request with no cookie jar and no redirects followed.
func rawDo(method, target string, form url.Values, header http.Header) rawResult {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return rawResult{err: err}
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	u, _ := url.Parse(target)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return rawResult{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return rawResult{status: resp.StatusCode, header: resp.Header, body: string(b), err: err}
}

// sessionCookies returns the values of the session cookies a response sets.
func sessionCookies(h http.Header) []string {
	var out []string
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == dashboard.SessionCookie {
			out = append(out, c.Value)
		}
	}
	return out
}

// gateStore holds the commit of one session token until released, so a
// test can sign out while another request of that session is in flight.
type gateStore struct {
	dashboard.SessionStore
	mu      sync.Mutex
	token   string
	reached chan struct{}
	release chan struct{}
}

func (g *gateStore) arm(token string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.token, g.reached, g.release = token, make(chan struct{}), make(chan struct{})
}

func (g *gateStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	g.mu.Lock()
	hold := token != "" && token == g.token
	if hold {
		g.token = ""
	}
	reached, release := g.reached, g.release
	g.mu.Unlock()
	if hold {
		close(reached)
		<-release
	}
	return g.SessionStore.CommitCtx(ctx, token, b, expiry)
}

// TestSignOutInFlight: a request that loaded the session before sign-out
// and saves it afterwards (scs saves every loaded session, to renew the
// idle timeout) must not bring the session back, nor send its cookie again.
func TestSignOutInFlight(t *testing.T) {
	t.Parallel()
	gate := &gateStore{}
	h := newHarness(t, func(c *dashboard.Config) {
		gate.SessionStore = c.Sessions
		c.Sessions = gate
	})
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	b := h.browser()
	b.signIn(owner)
	token := b.cookie().Value
	withToken := func(v string) http.Header {
		return http.Header{"Cookie": {(&http.Cookie{Name: dashboard.SessionCookie, Value: v}).String()}}
	}

	gate.arm(token)
	inflight := make(chan rawResult, 1)
	go func() { inflight <- rawDo(http.MethodGet, h.srv.URL+"/dashboard/integrations", nil, withToken(token)) }()
	select {
	case <-gate.reached:
	case <-time.After(10 * time.Second):
		t.Fatal("the in-flight request never saved its session")
	}
	// The request has run and is about to save the session: sign out now.
	out := b.post("/dashboard/logout", nil)
	wantRedirect(t, out, "/dashboard/login")
	close(gate.release)
	res := <-inflight
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.status != http.StatusOK {
		t.Fatalf("in-flight request: status %d", res.status)
	}

	// The old token is dead, in every browser, and stays dead.
	for range 2 {
		p := rawDo(http.MethodGet, h.srv.URL+"/dashboard/integrations", nil, withToken(token))
		if p.err != nil || p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/dashboard/login") {
			t.Fatalf("old token after sign-out: %d %q %v, want a redirect to sign in", p.status, p.header.Get("Location"), p.err)
		}
	}
	for _, v := range sessionCookies(res.header) {
		if v == token {
			t.Fatal("the in-flight request sent the signed-out session's cookie again")
		}
	}
	want(t, b.get("/dashboard/login"), http.StatusOK, "You are signed out.")
	wantRedirect(t, b.get("/dashboard/integrations"), "/dashboard/login?next=%2Fdashboard%2Fintegrations")
}

// TestLoginEmailLimitConcurrent: simultaneous wrong guesses at one email,
// each from its own address, get no more attempts than the email's burst.
func TestLoginEmailLimitConcurrent(t *testing.T) {
	t.Parallel()
	const burst, guesses = 3, 40
	h := newHarness(t, trustLoopbackProxy, func(c *dashboard.Config) {
		c.LoginRate = dashboard.Rate{Limit: burst, Per: time.Minute, Burst: burst}
	})
	_, _, admin, _ := h.company("a", meetd.PlanEnterprise)

	results := make(chan rawResult, guesses)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() {
			<-ready
			results <- rawDo(http.MethodPost, h.srv.URL+"/dashboard/login",
				url.Values{"email": {admin.Email}, "password": {fmt.Sprintf("guess number %d", i)}},
				http.Header{"X-Forwarded-For": {fmt.Sprintf("203.0.113.%d", i+1)}})
		})
	}
	close(ready)
	wg.Wait()
	close(results)
	counts := map[int]int{}
	for r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		counts[r.status]++
	}
	if counts[http.StatusUnauthorized] != burst || counts[http.StatusTooManyRequests] != guesses-burst {
		t.Fatalf("answers to %d concurrent wrong passwords = %v, want %d × 401 and the rest 429",
			guesses, counts, burst)
	}

	// A success gives its token back: sign-ins do not drain the bucket.
	h.clock.Advance(time.Minute)
	for i := range 2 * burst {
		c := h.browser()
		c.header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		c.signIn(admin)
	}
}

// TestRateLimitIPv6: every per-address limiter (sign-in, setup, password
// change) counts an IPv6 /64 as one client.
func TestRateLimitIPv6(t *testing.T) {
	t.Parallel()
	const burst = 3
	rate := func(c *dashboard.Config) { c.LoginRate = dashboard.Rate{Limit: burst, Per: time.Minute, Burst: burst} }

	t.Run("setup", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, trustLoopbackProxy, rate)
		bad := url.Values{"company": {"Acme"}, "plan": {"enterprise"}, "given_name": {"Olivia"}, "family_name": {"Owner"},
			"email": {"olivia@acme.example"}, "timezone": {"UTC"}, "password": {"short"}, "password_confirm": {"short"}}
		s := h.browser()
		for i := range burst {
			s.header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:3:4::%x", i+1))
			want(t, s.post("/dashboard/setup", bad), http.StatusBadRequest)
		}
		s.header.Set("X-Forwarded-For", "2001:db8:3:4:ffff:ffff:ffff:fffe")
		want(t, s.post("/dashboard/setup", bad), http.StatusTooManyRequests, "Too many attempts")
		s.header.Set("X-Forwarded-For", "2001:db8:3:5::1") // the next /64
		want(t, s.post("/dashboard/setup", bad), http.StatusBadRequest)
	})

	t.Run("sign-in", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, trustLoopbackProxy, rate)
		_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
		b := h.browser()
		for i := range burst {
			b.header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i+1))
			want(t, b.post("/dashboard/login", url.Values{"email": {fmt.Sprintf("x%d@a.example.com", i)},
				"password": {"wrong password!"}}), http.StatusUnauthorized)
		}
		b.header.Set("X-Forwarded-For", "2001:db8:1:2:abcd::1")
		want(t, b.post("/dashboard/login", url.Values{"email": {owner.Email}, "password": {owner.password}}),
			http.StatusTooManyRequests, "Too many attempts")
		b.header.Set("X-Forwarded-For", "2001:db8:1:3::1") // the next /64
		b.signIn(owner)
		// IPv4 addresses stay separate.
		b.header.Set("X-Forwarded-For", "192.0.2.1")
		want(t, b.post("/dashboard/login", url.Values{"email": {"y@a.example.com"}, "password": {"wrong password!"}}),
			http.StatusUnauthorized)
		b.header.Set("X-Forwarded-For", "192.0.2.2")
		b.signIn(owner)
	})

	t.Run("password change", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, trustLoopbackProxy, rate)
		_, _, admin, _ := h.company("a", meetd.PlanEnterprise)
		a := h.browser()
		a.header.Set("X-Forwarded-For", "2001:db8:2::1")
		a.signIn(admin) // one token of this /64
		wrong := url.Values{"current_password": {"not it at all"}, "password": {"a brand new password"},
			"password_confirm": {"a brand new password"}}
		for i := range burst - 1 {
			a.header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:2::%x", i+2))
			want(t, a.post("/dashboard/account/password", wrong), http.StatusUnauthorized)
		}
		a.header.Set("X-Forwarded-For", "2001:db8:2:0:1:2:3:4")
		want(t, a.post("/dashboard/account/password", wrong), http.StatusTooManyRequests, "Too many attempts")
		a.header.Set("X-Forwarded-For", "2001:db8:2:1::1") // the next /64
		want(t, a.post("/dashboard/account/password", wrong), http.StatusUnauthorized)
	})
}

// TestLoginNoLockout: wrong guesses from anywhere empty an email's bucket,
// but a client whose address prefix signed in to that account before still
// reaches the password check; everyone else waits.
func TestLoginNoLockout(t *testing.T) {
	t.Parallel()
	const burst = 3
	h := newHarness(t, trustLoopbackProxy, func(c *dashboard.Config) {
		c.LoginRate = dashboard.Rate{Limit: burst, Per: time.Minute, Burst: burst}
	})
	_, _, admin, _ := h.company("a", meetd.PlanEnterprise)
	from := func(ip string) *browser {
		c := h.browser()
		c.header.Set("X-Forwarded-For", ip)
		return c
	}
	right := url.Values{"email": {admin.Email}, "password": {admin.password}}
	guess := url.Values{"email": {strings.ToUpper(admin.Email)}, "password": {"wrong password!"}}
	attack := func(round int) {
		t.Helper()
		for i := range burst {
			want(t, from(fmt.Sprintf("198.51.%d.%d", round, i+1)).post("/dashboard/login", guess), http.StatusUnauthorized)
		}
		want(t, from(fmt.Sprintf("198.51.%d.99", round)).post("/dashboard/login", guess), http.StatusTooManyRequests)
	}

	from("2001:db8:aa:1::1").signIn(admin) // the admin's usual network
	attack(1)
	// The admin, from another address of the same /64, still signs in.
	wantRedirect(t, from("2001:db8:aa:1::77").post("/dashboard/login", right), "/dashboard/")
	// A wrong password from there is checked, not refused unchecked.
	want(t, from("2001:db8:aa:1::78").post("/dashboard/login", guess), http.StatusUnauthorized, "Incorrect email or password.")
	// Anyone else, even with the right password, waits for the bucket.
	want(t, from("2001:db8:bb:1::1").post("/dashboard/login", right), http.StatusTooManyRequests, "Too many attempts")
	want(t, from("192.0.2.1").post("/dashboard/login", right), http.StatusTooManyRequests)

	// A prefix is remembered for 30 days after its last sign-in.
	h.clock.Advance(29 * 24 * time.Hour)
	attack(2)
	wantRedirect(t, from("2001:db8:aa:1::5").post("/dashboard/login", right), "/dashboard/") // refreshed
	h.clock.Advance(30*24*time.Hour + time.Minute)
	attack(3)
	want(t, from("2001:db8:aa:1::5").post("/dashboard/login", right), http.StatusTooManyRequests)

	// At most 8 prefixes an account: the least recent one is forgotten.
	h.clock.Advance(time.Minute)
	from("2001:db8:aa:1::5").signIn(admin)
	for i := range 8 {
		from(fmt.Sprintf("192.0.2.%d", 10+i)).signIn(admin)
	}
	attack(4)
	want(t, from("2001:db8:aa:1::5").post("/dashboard/login", right), http.StatusTooManyRequests)
	wantRedirect(t, from("192.0.2.10").post("/dashboard/login", right), "/dashboard/")
}

// TestSetupAcrossNodes: setups sent at once to several dashboards (nodes)
// on one database create one company; the others are told it is set up.
func TestSetupAcrossNodes(t *testing.T) {
	t.Parallel()
	const nodes = 4
	h := newHarness(t)
	var urls []string
	for range nodes {
		mux := http.NewServeMux()
		dashboard.New(h.cfg).Mount(mux)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	results := make(chan rawResult, nodes)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Go(func() {
			<-ready
			results <- rawDo(http.MethodPost, u+"/dashboard/setup", url.Values{"company": {fmt.Sprintf("Acme %d", i)},
				"plan": {"enterprise"}, "given_name": {"Olivia"}, "family_name": {"Owner"},
				"email": {fmt.Sprintf("olivia%d@acme.example", i)}, "timezone": {"UTC"},
				"password": {"a long enough password"}, "password_confirm": {"a long enough password"}}, nil)
		})
	}
	close(ready)
	wg.Wait()
	close(results)
	counts := map[int]int{}
	for r := range results {
		if r.err != nil {
			t.Fatal(r.err)
		}
		counts[r.status]++
		if r.status == http.StatusNotFound && !strings.Contains(r.body, "already set up") {
			t.Fatalf("a losing setup answered\n%s", r.body)
		}
	}
	if counts[http.StatusSeeOther] != 1 || counts[http.StatusNotFound] != nodes-1 {
		t.Fatalf("answers to %d concurrent setups = %v, want one 303 and 404s", nodes, counts)
	}
	if n, err := h.db.CountCompanies(context.Background()); err != nil || n != 1 {
		t.Fatalf("companies = %d, %v; want 1", n, err)
	}
}

// TestLogoutWithoutSession: a sign-out without a signed-in session writes
// nothing and sets no cookie; it only sends the browser to sign in.
func TestLogoutWithoutSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	raw, err := sql.Open("sqlite", "file:"+h.dsn+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows := func() int {
		t.Helper()
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	anon := h.browser()
	for range 5 {
		p := anon.post("/dashboard/logout", nil)
		wantRedirect(t, p, "/dashboard/login")
		if sc := p.header.Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("a sign-out without a session set cookies %q", sc)
		}
	}
	if n := rows(); n != 0 {
		t.Fatalf("sign-outs without a session wrote %d session rows", n)
	}

	// A signed-out session's stale cookie writes nothing either.
	b := h.browser()
	b.signIn(owner)
	stale := b.cookie().Value
	wantRedirect(t, b.post("/dashboard/logout", nil), "/dashboard/login")
	before := rows()
	p := rawDo(http.MethodPost, h.srv.URL+"/dashboard/logout", url.Values{},
		http.Header{"Cookie": {(&http.Cookie{Name: dashboard.SessionCookie, Value: stale}).String()}})
	if p.err != nil || p.status != http.StatusSeeOther || len(p.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("sign-out with a stale cookie: %d %q %v", p.status, p.header.Values("Set-Cookie"), p.err)
	}
	if n := rows(); n != before {
		t.Fatalf("session rows %d → %d after a sign-out with a stale cookie", before, n)
	}
	sum := sha256.Sum256([]byte(stale))
	var ended bool
	if err := raw.QueryRow(`SELECT ended FROM sessions WHERE token = ?`, hex.EncodeToString(sum[:])).Scan(&ended); err != nil || !ended {
		t.Fatalf("the signed-out session's row: ended = %v, %v; want a tombstone", ended, err)
	}
}
