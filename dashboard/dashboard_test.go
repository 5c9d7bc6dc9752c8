package dashboard_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/dashboard"
)

func TestSetup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	wantRedirect(t, b.get("/dashboard"), "/dashboard/")
	wantRedirect(t, b.get("/"), "/dashboard/")
	wantRedirect(t, b.get("/dashboard/"), "/dashboard/setup")
	wantRedirect(t, b.get("/dashboard/login"), "/dashboard/setup")
	want(t, b.get("/dashboard/setup"), http.StatusOK, `<label for="company">`, `value="enterprise" selected`)

	form := url.Values{"company": {"Acme"}, "plan": {"enterprise"}, "given_name": {"Olivia"},
		"family_name": {"Owner"}, "email": {"olivia@acme.example"}, "timezone": {"Europe/Berlin"},
		"password": {"short"}, "password_confirm": {"short"}}
	want(t, b.post("/dashboard/setup", form), http.StatusBadRequest, "at least 12 characters", `value="Acme"`)
	form.Set("password", "a long enough password")
	form.Set("password_confirm", "a different password!")
	want(t, b.post("/dashboard/setup", form), http.StatusBadRequest, "do not match")
	form.Set("password_confirm", "a long enough password")
	form.Set("timezone", "Mars/Olympus")
	want(t, b.post("/dashboard/setup", form), http.StatusBadRequest, "time zone")
	form.Set("timezone", "Europe/Berlin")
	if n, _ := h.db.CountCompanies(context.Background()); n != 0 {
		t.Fatalf("a refused setup created a company")
	}

	p := b.post("/dashboard/setup", form)
	wantRedirect(t, p, "/dashboard/integrations")
	c := b.cookie()
	if c == nil {
		t.Fatal("setup did not sign the owner in")
	}
	want(t, b.get("/dashboard/integrations"), http.StatusOK, "Welcome to meetd", "Acme", "Olivia Owner (owner)")

	u, err := h.db.UserByEmail(context.Background(), "olivia@acme.example")
	if err != nil || u.Role != meetd.RoleOwner {
		t.Fatalf("owner = %+v, %v", u, err)
	}
	co, _ := h.db.CompanyByID(context.Background(), u.CompanyID)
	if co.Plan != meetd.PlanEnterprise || co.Name != "Acme" {
		t.Fatalf("company = %+v", co)
	}
	entries, _ := h.db.Audit(context.Background(), meetd.AuditFilter{CompanyID: co.ID, Limit: 10})
	if len(entries) == 0 || entries[len(entries)-1].Action != "company.create" || entries[len(entries)-1].Source != "dashboard" ||
		entries[len(entries)-1].IP != "127.0.0.1" {
		t.Fatalf("audit = %+v", entries)
	}

	// Once a company exists, setup is gone, for everyone.
	other := h.browser()
	want(t, other.get("/dashboard/setup"), http.StatusNotFound)
	form.Set("email", "mallory@evil.example")
	want(t, other.post("/dashboard/setup", form), http.StatusNotFound)
	if n, _ := h.db.CountCompanies(context.Background()); n != 1 {
		t.Fatalf("companies = %d after a second setup, want 1", n)
	}
	wantRedirect(t, other.get("/dashboard/"), "/dashboard/login")
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	b := h.browser()

	want(t, b.get("/dashboard/login"), http.StatusOK, `<label for="email">`, `<label for="password">`)
	wrong := b.post("/dashboard/login", url.Values{"email": {owner.Email}, "password": {"wrong password!"}})
	unknown := b.post("/dashboard/login", url.Values{"email": {"nobody@a.example.com"}, "password": {"wrong password!"}})
	want(t, wrong, http.StatusUnauthorized, "Incorrect email or password.")
	want(t, unknown, http.StatusUnauthorized, "Incorrect email or password.")
	if strings.Replace(wrong.body, owner.Email, "X", 1) != strings.Replace(unknown.body, "nobody@a.example.com", "X", 1) {
		t.Fatal("a wrong password and an unknown email answer differently")
	}
	if b.cookie() != nil {
		t.Fatal("a failed sign-in set a session cookie")
	}

	// Signed out, a page sends the browser to sign in and back.
	wantRedirect(t, b.get("/dashboard/settings/api"), "/dashboard/login?next=%2Fdashboard%2Fsettings%2Fapi")
	p := b.post("/dashboard/login", url.Values{"email": {strings.ToUpper(owner.Email)}, "password": {owner.password},
		"next": {"/dashboard/settings/api"}})
	wantRedirect(t, p, "/dashboard/settings/api")
	c := b.cookie()
	if c == nil {
		t.Fatal("no session cookie after sign-in")
	}
	var setCookie string
	for _, v := range p.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, dashboard.SessionCookie+"=") {
			setCookie = v
		}
	}
	for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/dashboard"} {
		if !strings.Contains(setCookie, attr) {
			t.Fatalf("session cookie %q lacks %s", setCookie, attr)
		}
	}
	if strings.Contains(setCookie, "Secure") {
		t.Fatalf("session cookie %q is Secure over plain HTTP", setCookie)
	}
	want(t, b.get("/dashboard/settings/api"), http.StatusOK, "Settings → API")

	// Signing in again renews the token: the old one is dead.
	b.signIn(owner)
	if b.cookie().Value == c.Value {
		t.Fatal("sign-in kept the session token")
	}
	stale := h.browser()
	stale.client.Jar.SetCookies(mustURL(h.srv.URL+"/dashboard/"), []*http.Cookie{{Name: dashboard.SessionCookie, Value: c.Value}})
	wantRedirect(t, stale.get("/dashboard/integrations"), "/dashboard/login?next=%2Fdashboard%2Fintegrations")

	// An open redirect is not followed.
	for _, next := range []string{"https://evil.example/", "//evil.example/dashboard/", "/dashboard/\\evil", "/v4/user/me"} {
		p := b.post("/dashboard/login", url.Values{"email": {owner.Email}, "password": {owner.password}, "next": {next}})
		wantRedirect(t, p, "/dashboard/")
	}

	// Sign-out ends the session, in the database too.
	before := b.cookie().Value
	wantRedirect(t, b.post("/dashboard/logout", nil), "/dashboard/login")
	want(t, b.get("/dashboard/login"), http.StatusOK, "You are signed out.")
	stale.client.Jar.SetCookies(mustURL(h.srv.URL+"/dashboard/"), []*http.Cookie{{Name: dashboard.SessionCookie, Value: before}})
	wantRedirect(t, stale.get("/dashboard/integrations"), "/dashboard/login?next=%2Fdashboard%2Fintegrations")
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	if dashboard.DefaultLoginRate != (dashboard.Rate{Limit: 10, Per: time.Minute, Burst: 10}) {
		t.Fatalf("DefaultLoginRate = %+v, want 10 a minute in a burst of 10", dashboard.DefaultLoginRate)
	}
	// A smaller bucket keeps the test fast: each attempt runs argon2id.
	const burst = 3
	h := newHarness(t, trustLoopbackProxy, func(c *dashboard.Config) {
		c.LoginRate = dashboard.Rate{Limit: burst, Per: time.Minute, Burst: burst}
	})
	_, owner, admin, _ := h.company("a", meetd.PlanEnterprise)

	// Per client address: a burst of attempts, then 429 even with the
	// right password; the account is not locked.
	b := h.browser()
	b.header.Set("X-Forwarded-For", "203.0.113.7")
	for i := range burst {
		p := b.post("/dashboard/login", url.Values{"email": {"x" + string(rune('a'+i)) + "@a.example.com"}, "password": {"wrong password!"}})
		want(t, p, http.StatusUnauthorized)
	}
	p := b.post("/dashboard/login", url.Values{"email": {owner.Email}, "password": {owner.password}})
	want(t, p, http.StatusTooManyRequests, "Too many attempts")
	if ra := p.header.Get("Retry-After"); ra != "20" {
		t.Fatalf("Retry-After = %q, want 20", ra)
	}
	// Another address is not affected.
	other := h.browser()
	other.header.Set("X-Forwarded-For", "203.0.113.8")
	other.signIn(owner)
	// Time refills the bucket: no lockout.
	h.clock.Advance(20 * time.Second)
	b.signIn(owner)

	// Per email: failed attempts from many addresses slow down that email
	// only.
	for i := range burst {
		c := h.browser()
		c.header.Set("X-Forwarded-For", "198.51.100."+string(rune('1'+i)))
		want(t, c.post("/dashboard/login", url.Values{"email": {admin.Email}, "password": {"wrong password!"}}), http.StatusUnauthorized)
	}
	c := h.browser()
	c.header.Set("X-Forwarded-For", "192.0.2.55")
	want(t, c.post("/dashboard/login", url.Values{"email": {admin.Email}, "password": {admin.password}}), http.StatusTooManyRequests)
	c.signIn(owner)
	h.clock.Advance(20 * time.Second)
	c.signIn(admin)
}

func TestSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, trustLoopbackProxy)
	_, owner, admin, member := h.company("a", meetd.PlanEnterprise)
	b := h.browser()
	b.signIn(owner)
	token := b.cookie().Value

	// The database holds the token's SHA-256, never the token.
	raw, err := sql.Open("sqlite", "file:"+h.dsn+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	sum := sha256.Sum256([]byte(token))
	var n, plain int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sessions WHERE token = ?`, hex.EncodeToString(sum[:])).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sessions WHERE token = ?`, token).Scan(&plain); err != nil {
		t.Fatal(err)
	}
	if n != 1 || plain != 0 {
		t.Fatalf("stored by hash: %d, stored in plain: %d", n, plain)
	}

	// Sessions survive a restart of the process.
	h.start(trustLoopbackProxy)
	want(t, b.get("/dashboard/integrations"), http.StatusOK, "Olivia Owner")

	// The cookie is Secure when the request came over HTTPS (here: a
	// trusted proxy says so), or always when configured.
	s := h.browser()
	s.header.Set("X-Forwarded-Proto", "https")
	p := s.post("/dashboard/login", url.Values{"email": {admin.Email}, "password": {admin.password}})
	if sc := p.header.Get("Set-Cookie"); !strings.Contains(sc, "; Secure") {
		t.Fatalf("Set-Cookie over HTTPS = %q, want Secure", sc)
	}
	h.start(trustLoopbackProxy, func(c *dashboard.Config) { c.SecureCookies = true })
	p = h.browser().post("/dashboard/login", url.Values{"email": {admin.Email}, "password": {admin.password}})
	if sc := p.header.Get("Set-Cookie"); !strings.Contains(sc, "; Secure") {
		t.Fatalf("Set-Cookie with SecureCookies = %q, want Secure", sc)
	}
	h.start(trustLoopbackProxy)

	// A removed user's session ends on their next request.
	m := h.browser()
	m.signIn(member)
	want(t, m.get("/dashboard/integrations"), http.StatusOK)
	if err := h.db.RemoveUser(context.Background(), meetd.CLIActor, member.CompanyID, member.ID); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, m.get("/dashboard/integrations"), "/dashboard/login?next=%2Fdashboard%2Fintegrations")
	want(t, m.post("/dashboard/login", url.Values{"email": {member.Email}, "password": {member.password}}), http.StatusUnauthorized)

	// Idle sessions expire (12 hours by default).
	h.clock.Advance(13 * time.Hour)
	wantRedirect(t, b.get("/dashboard/integrations"), "/dashboard/login?next=%2Fdashboard%2Fintegrations")
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	one, two := h.browser(), h.browser()
	one.signIn(owner)
	two.signIn(owner)

	want(t, one.get("/dashboard/account"), http.StatusOK, owner.Email, `<label for="current_password">`)
	p := one.post("/dashboard/account/password", url.Values{"current_password": {"not it at all"},
		"password": {"a brand new password"}, "password_confirm": {"a brand new password"}})
	want(t, p, http.StatusUnauthorized, "current password is not correct")
	p = one.post("/dashboard/account/password", url.Values{"current_password": {owner.password},
		"password": {"too short"}, "password_confirm": {"too short"}})
	want(t, p, http.StatusBadRequest, "at least 12 characters")
	p = one.post("/dashboard/account/password", url.Values{"current_password": {owner.password},
		"password": {"a brand new password"}, "password_confirm": {"a brand new password"}})
	wantRedirect(t, p, "/dashboard/account")
	want(t, one.get("/dashboard/account"), http.StatusOK, "Your password was changed")
	// The other session ended; the old password no longer works.
	wantRedirect(t, two.get("/dashboard/account"), "/dashboard/login?next=%2Fdashboard%2Faccount")
	want(t, two.post("/dashboard/login", url.Values{"email": {owner.Email}, "password": {owner.password}}), http.StatusUnauthorized)
	owner.password = "a brand new password"
	two.signIn(owner)
}

// TestCrossOrigin sends every dashboard form cross-origin, as a hostile
// page would, and expects a 403 and no change.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	c, owner, _, member := h.company("a", meetd.PlanEnterprise)
	b := h.browser()
	b.signIn(owner)
	pat := secret(b.follow(b.post("/dashboard/integrations/tokens", url.Values{"name": {"t"}, "expiry": {"30d"}})).body)
	key := secret(b.follow(b.post("/dashboard/settings/api/keys", url.Values{"name": {"k"}, "days": {"30"}})).body)
	if pat == "" || key == "" {
		t.Fatal("could not create credentials")
	}
	pats, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: owner.CompanyID, Kind: meetd.KindPAT, UserID: owner.ID})
	keys, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: meetd.KindAPIKey})
	before, _ := h.db.Audit(ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 1000})

	forms := []struct {
		path string
		form url.Values
	}{
		{"/dashboard/setup", url.Values{"company": {"Evil"}}},
		{"/dashboard/login", url.Values{"email": {owner.Email}, "password": {owner.password}}},
		{"/dashboard/logout", nil},
		{"/dashboard/integrations/tokens", url.Values{"name": {"evil"}, "expiry": {"never"}}},
		{"/dashboard/integrations/tokens/" + pats[0].ID + "/revoke", nil},
		{"/dashboard/settings/api/keys", url.Values{"name": {"evil"}, "days": {"90"}}},
		{"/dashboard/settings/api/keys/" + keys[0].ID + "/deactivate", nil},
		{"/dashboard/settings/api/keys/" + keys[0].ID + "/reactivate", nil},
		{"/dashboard/settings/api/keys/" + keys[0].ID + "/roll", url.Values{"grace": {"0"}}},
		{"/dashboard/settings/api/keys/" + keys[0].ID + "/revoke", nil},
		{"/dashboard/users", url.Values{"email": {"evil@a.example.com"}, "given_name": {"E"}, "family_name": {"V"},
			"timezone": {"UTC"}, "role": {"admin"}, "type": {"standard"}}},
		{"/dashboard/users/" + member.ID + "/remove", nil},
		{"/dashboard/account/password", url.Values{"current_password": {owner.password},
			"password": {"evil password 123"}, "password_confirm": {"evil password 123"}}},
	}
	for _, f := range forms {
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"},
			{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
		} {
			p := b.post(f.path, f.form, append([]string{"Origin", "https://evil.example"}, hdr...)...)
			if p.status != http.StatusForbidden || !strings.Contains(p.body, "Cross-origin request refused") {
				t.Fatalf("POST %s with %v: status %d\n%s", f.path, hdr, p.status, p.body)
			}
		}
	}
	after, _ := h.db.Audit(ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 1000})
	if len(after) != len(before) {
		t.Fatalf("cross-origin forms changed something: %d audit entries, had %d", len(after), len(before))
	}
	if h.api("/v4/user/me", pat) != http.StatusOK || h.api("/v4/user/me", key) != http.StatusOK {
		t.Fatal("a credential stopped working")
	}
	want(t, b.get("/dashboard/integrations"), http.StatusOK, "Olivia Owner")
}

func TestPersonalAccessTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	c, owner, _, member := h.company("a", meetd.PlanEnterprise)
	_, otherOwner, _, _ := h.company("b", meetd.PlanEnterprise)
	b := h.browser()
	b.signIn(member)

	p := b.get("/dashboard/integrations")
	want(t, p, http.StatusOK, "Integrations → API", `<label for="name">`, `<label for="expiry">`, "You have no personal access tokens yet")
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control = %q", cc)
	}
	want(t, b.post("/dashboard/integrations/tokens", url.Values{"name": {""}, "expiry": {"30d"}}), http.StatusBadRequest, "needs a name")
	want(t, b.post("/dashboard/integrations/tokens", url.Values{"name": {"x"}, "expiry": {"forever"}}), http.StatusBadRequest, "Choose when")

	p = b.follow(b.post("/dashboard/integrations/tokens", url.Values{"name": {"CRM sync"}, "expiry": {"30d"}}))
	want(t, p, http.StatusOK, "Copy it now", "CRM sync")
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control on the secret's page = %q", cc)
	}
	token := secret(p.body)
	if !strings.HasPrefix(token, "rgo-") {
		t.Fatalf("token = %q", token)
	}
	if h.api("/v4/user/me", token) != http.StatusOK {
		t.Fatal("the new token does not work")
	}
	// Shown once: not on the next view of the page, not in the logs.
	p = b.get("/dashboard/integrations")
	if strings.Contains(p.body, token) || secret(p.body) != "" {
		t.Fatal("the token is shown again")
	}
	want(t, p, http.StatusOK, "CRM sync", "active")
	h.clock.Advance(time.Second)
	never := secret(b.follow(b.post("/dashboard/integrations/tokens", url.Values{"name": {"Forever"}, "expiry": {"never"}})).body)
	pats, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: member.CompanyID, Kind: meetd.KindPAT, UserID: member.ID})
	if len(pats) != 2 || pats[0].ExpiresAt != nil || pats[1].ExpiresAt == nil ||
		pats[1].ExpiresAt.Sub(h.clock.Now()) != 30*24*time.Hour-time.Second {
		t.Fatalf("tokens = %+v", pats)
	}
	tok := pats[1]

	// Someone else's token, another company's, an API key's id or
	// nonsense: all 404, and nothing changes.
	ob := h.loggedIn(owner)
	ownerTok := secret(ob.follow(ob.post("/dashboard/integrations/tokens", url.Values{"name": {"o"}, "expiry": {"7d"}})).body)
	ownerPATs, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: owner.CompanyID, Kind: meetd.KindPAT, UserID: owner.ID})
	h.loggedIn(otherOwner).post("/dashboard/settings/api/keys", url.Values{"name": {"k"}, "days": {"30"}})
	otherKeys, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: otherOwner.CompanyID, Kind: meetd.KindAPIKey})
	for _, id := range []string{ownerPATs[0].ID, otherKeys[0].ID, meetd.NewID(), "not-a-uuid"} {
		want(t, b.get("/dashboard/integrations/tokens/"+id+"/revoke"), http.StatusNotFound)
		want(t, b.post("/dashboard/integrations/tokens/"+id+"/revoke", nil), http.StatusNotFound)
	}
	if h.api("/v4/user/me", ownerTok) != http.StatusOK {
		t.Fatal("another user's token was revoked")
	}

	// Revoke with a confirmation step; the very next API call is refused.
	want(t, b.get("/dashboard/integrations/tokens/"+tok.ID+"/revoke"), http.StatusOK, "Revoke “CRM sync”?", "Revoke token")
	wantRedirect(t, b.post("/dashboard/integrations/tokens/"+tok.ID+"/revoke", nil), "/dashboard/integrations")
	if got := h.api("/v4/user/me", token); got != http.StatusUnauthorized {
		t.Fatalf("revoked token: status %d, want 401", got)
	}
	want(t, b.get("/dashboard/integrations"), http.StatusOK, "Token “CRM sync” revoked", "revoked")
	want(t, b.post("/dashboard/integrations/tokens/"+tok.ID+"/revoke", nil), http.StatusConflict)
	if h.api("/v4/user/me", never) != http.StatusOK {
		t.Fatal("revoking one token affected another")
	}

	// The audit log names the dashboard, the user and the address.
	entries, _ := h.db.Audit(ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 100})
	var created, revoked bool
	for _, e := range entries {
		if e.TargetID == tok.ID && e.Source == "dashboard" && e.UserID == member.ID && e.IP == "127.0.0.1" {
			created = created || e.Action == "pat.create"
			revoked = revoked || e.Action == "pat.revoke"
		}
	}
	if !created || !revoked {
		t.Fatalf("audit entries = %+v", entries)
	}
	if strings.Contains(h.logs.String(), token) || strings.Contains(h.logs.String(), never) ||
		strings.Contains(h.logs.String(), testPassword) {
		t.Fatal("a secret reached the logs")
	}
}

// loggedIn returns a browser signed in as p.
func (h *harness) loggedIn(p person) *browser {
	b := h.browser()
	b.signIn(p)
	return b
}

func TestPlanGating(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, free, _, _ := h.company("free", meetd.PlanFree)
	_, growth, _, _ := h.company("growth", meetd.PlanGrowth)

	b := h.loggedIn(free)
	want(t, b.get("/dashboard/integrations"), http.StatusOK, "personal access tokens need the Essentials plan")
	if strings.Contains(b.get("/dashboard/integrations").body, `action="/dashboard/integrations/tokens"`) {
		t.Fatal("the free plan is offered the create form")
	}
	want(t, b.post("/dashboard/integrations/tokens", url.Values{"name": {"x"}, "expiry": {"30d"}}),
		http.StatusForbidden, "Your plan does not include API access")

	g := h.loggedIn(growth)
	want(t, g.get("/dashboard/integrations"), http.StatusOK, `action="/dashboard/integrations/tokens"`)
	want(t, g.get("/dashboard/settings/api"), http.StatusOK, "platform API keys need the Enterprise or API Platform plan")
	want(t, g.post("/dashboard/settings/api/keys", url.Values{"name": {"x"}, "days": {"30"}}),
		http.StatusForbidden, "Your plan does not include API access")
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	c, owner, admin, member := h.company("a", meetd.PlanEnterprise)
	_, otherOwner, _, _ := h.company("b", meetd.PlanEnterprise)

	// Members cannot reach Settings → API at all.
	m := h.loggedIn(member)
	want(t, m.get("/dashboard/settings/api"), http.StatusForbidden, "Owners and admins only")
	want(t, m.post("/dashboard/settings/api/keys", url.Values{"name": {"x"}, "days": {"30"}}), http.StatusForbidden)
	if strings.Contains(m.get("/dashboard/integrations").body, `href="/dashboard/settings/api"`) {
		t.Fatal("a member's navigation links to Settings → API")
	}

	b := h.loggedIn(admin)
	want(t, b.get("/dashboard/settings/api"), http.StatusOK, "Settings → API", `<label for="days">`)
	for _, days := range []string{"0", "91", "x", ""} {
		want(t, b.post("/dashboard/settings/api/keys", url.Values{"name": {"x"}, "days": {days}}), http.StatusBadRequest, "1 to 90 days")
	}
	p := b.follow(b.post("/dashboard/settings/api/keys", url.Values{"name": {"Production"}, "days": {"30"}}))
	want(t, p, http.StatusOK, "Copy it now", "Production")
	key := secret(p.body)
	if !strings.HasPrefix(key, "ak_live:") {
		t.Fatalf("key = %q", key)
	}
	if strings.Contains(b.get("/dashboard/settings/api").body, key) {
		t.Fatal("the key is shown again")
	}
	keys, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: meetd.KindAPIKey})
	if len(keys) != 1 || keys[0].ExpiresAt.Sub(h.clock.Now()) != 30*24*time.Hour || keys[0].UserID != admin.ID {
		t.Fatalf("keys = %+v", keys)
	}
	id := keys[0].ID
	want(t, b.get("/dashboard/settings/api"), http.StatusOK, "Adam A")
	if h.api("/v4/user/me", key) != http.StatusOK {
		t.Fatal("the new key does not work")
	}

	step := func(action string, wantAPI int, flash string) {
		t.Helper()
		want(t, b.get("/dashboard/settings/api/keys/"+id+"/"+action), http.StatusOK, `method="post"`)
		wantRedirect(t, b.post("/dashboard/settings/api/keys/"+id+"/"+action, nil), "/dashboard/settings/api")
		if got := h.api("/v4/user/me", key); got != wantAPI {
			t.Fatalf("after %s: API status %d, want %d", action, got, wantAPI)
		}
		want(t, b.get("/dashboard/settings/api"), http.StatusOK, flash)
	}
	step("deactivate", http.StatusUnauthorized, "deactivated")
	want(t, b.get("/dashboard/settings/api/keys/"+id+"/deactivate"), http.StatusConflict, "cannot be deactivated")
	step("reactivate", http.StatusOK, "reactivated")

	// Roll with a grace period: both work until it ends.
	want(t, b.get("/dashboard/settings/api/keys/"+id+"/roll"), http.StatusOK, `<label for="grace">`)
	p = b.follow(b.post("/dashboard/settings/api/keys/"+id+"/roll", url.Values{"grace": {"1h"}}))
	want(t, p, http.StatusOK, "Copy it now", "keeps working until")
	rolled := secret(p.body)
	if rolled == "" || rolled == key {
		t.Fatalf("rolled key = %q", rolled)
	}
	if h.api("/v4/user/me", key) != http.StatusOK || h.api("/v4/user/me", rolled) != http.StatusOK {
		t.Fatal("after a roll with grace, both keys should work")
	}
	if strings.Contains(b.get("/dashboard/settings/api").body, `href="/dashboard/settings/api/keys/`+id+`/roll"`) {
		t.Fatal("a replaced key offers to be rolled again")
	}
	want(t, b.post("/dashboard/settings/api/keys/"+id+"/roll", url.Values{"grace": {"0"}}), http.StatusConflict)
	old, _ := h.db.CredentialByID(ctx, c.ID, id)
	if !old.ExpiresAt.Equal(h.clock.Now().Add(time.Hour)) {
		t.Fatalf("old key expires %v, want in 1h", old.ExpiresAt)
	}
	keys, _ = h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: meetd.KindAPIKey})
	var next string
	for _, k := range keys {
		if k.RolledFromID == id {
			next = k.ID
		}
	}
	want(t, b.post("/dashboard/settings/api/keys/"+next+"/roll", url.Values{"grace": {"192h"}}), http.StatusBadRequest, "0 to 7 days")

	// Another company's key, a PAT's id, an unknown action: 404.
	h.loggedIn(otherOwner).post("/dashboard/settings/api/keys", url.Values{"name": {"theirs"}, "days": {"30"}})
	theirs, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: otherOwner.CompanyID, Kind: meetd.KindAPIKey})
	h.loggedIn(owner).post("/dashboard/integrations/tokens", url.Values{"name": {"o"}, "expiry": {"7d"}})
	ownerPATs, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: owner.CompanyID, Kind: meetd.KindPAT, UserID: owner.ID})
	for _, path := range []string{theirs[0].ID + "/revoke", ownerPATs[0].ID + "/revoke", id + "/explode", meetd.NewID() + "/revoke"} {
		want(t, b.get("/dashboard/settings/api/keys/"+path), http.StatusNotFound)
		want(t, b.post("/dashboard/settings/api/keys/"+path, nil), http.StatusNotFound)
	}

	// Revoke is final.
	step("revoke", http.StatusUnauthorized, "revoked")
	want(t, b.get("/dashboard/settings/api/keys/"+id+"/reactivate"), http.StatusConflict)
	if h.api("/v4/user/me", rolled) != http.StatusOK {
		t.Fatal("revoking the old key affected the new one")
	}
	if strings.Contains(h.logs.String(), key) || strings.Contains(h.logs.String(), rolled) {
		t.Fatal("a key reached the logs")
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	c, owner, admin, member := h.company("a", meetd.PlanEnterprise)
	_, _, otherAdmin, _ := h.company("b", meetd.PlanEnterprise)

	m := h.loggedIn(member)
	for _, path := range []string{"/dashboard/users", "/dashboard/audit", "/dashboard/users/" + admin.ID + "/remove"} {
		want(t, m.get(path), http.StatusForbidden, "Owners and admins only")
	}
	want(t, m.post("/dashboard/users/"+admin.ID+"/remove", nil), http.StatusForbidden)
	memberPAT := secret(m.follow(m.post("/dashboard/integrations/tokens", url.Values{"name": {"mine"}, "expiry": {"never"}})).body)

	b := h.loggedIn(admin)
	want(t, b.get("/dashboard/users"), http.StatusOK, "People (3)", owner.Email, member.Email, "(you)")

	// Add a platform user with a generated password, shown once.
	form := url.Values{"email": {"pia@a.example.com"}, "given_name": {"Pia"}, "family_name": {"Platform"},
		"timezone": {"America/New_York"}, "role": {"member"}, "type": {"api-platform"}}
	p := b.follow(b.post("/dashboard/users", form))
	want(t, p, http.StatusOK, "Pia Platform was added", "shown only this once")
	pw := secret(p.body)
	if len(pw) < 12 {
		t.Fatalf("generated password = %q", pw)
	}
	if strings.Contains(b.get("/dashboard/users").body, pw) {
		t.Fatal("the generated password is shown again")
	}
	pia, err := h.db.UserByEmail(ctx, "pia@a.example.com")
	if err != nil || pia.Type != meetd.UserAPIPlatform || pia.Role != meetd.RoleMember || pia.CompanyID != c.ID ||
		pia.DefaultAvailabilityID == "" {
		t.Fatalf("added user = %+v, %v", pia, err)
	}
	h.loggedIn(person{User: pia, password: pw})

	// Add an admin with a password the admin chose.
	form = url.Values{"email": {"al@a.example.com"}, "given_name": {"Al"}, "family_name": {"Admin"},
		"timezone": {"UTC"}, "role": {"admin"}, "type": {"standard"}, "password": {"chosen by adam!"}}
	p = b.follow(b.post("/dashboard/users", form))
	want(t, p, http.StatusOK, "Al Admin was added", "the password you chose")
	if secret(p.body) != "" {
		t.Fatal("a chosen password is echoed")
	}
	al, _ := h.db.UserByEmail(ctx, "al@a.example.com")
	h.loggedIn(person{User: al, password: "chosen by adam!"})

	// Refusals: duplicate email, bad input, owner role.
	want(t, b.post("/dashboard/users", form), http.StatusConflict, "already exists")
	form.Set("email", "new@a.example.com")
	form.Set("role", "owner")
	want(t, b.post("/dashboard/users", form), http.StatusBadRequest, "member or admin")
	form.Set("role", "member")
	form.Set("given_name", "")
	want(t, b.post("/dashboard/users", form), http.StatusBadRequest, "enter a first name")

	// Remove: not the owner, not yourself, not another company's user.
	want(t, b.get("/dashboard/users/"+owner.ID+"/remove"), http.StatusForbidden, "owner cannot be removed")
	want(t, b.post("/dashboard/users/"+owner.ID+"/remove", nil), http.StatusForbidden)
	want(t, b.post("/dashboard/users/"+admin.ID+"/remove", nil), http.StatusForbidden, "cannot remove yourself")
	want(t, b.get("/dashboard/users/"+otherAdmin.ID+"/remove"), http.StatusNotFound)
	want(t, b.post("/dashboard/users/"+otherAdmin.ID+"/remove", nil), http.StatusNotFound)
	if u, _ := h.db.UserByID(ctx, otherAdmin.CompanyID, otherAdmin.ID); !u.Active() {
		t.Fatal("another company's user was removed")
	}

	// Removing the member kills their token and their session at once.
	if h.api("/v4/user/me", memberPAT) != http.StatusOK {
		t.Fatal("the member's token does not work")
	}
	want(t, b.get("/dashboard/users/"+member.ID+"/remove"), http.StatusOK, "Remove Mia A", "stop working at once")
	wantRedirect(t, b.post("/dashboard/users/"+member.ID+"/remove", nil), "/dashboard/users")
	if got := h.api("/v4/user/me", memberPAT); got != http.StatusUnauthorized {
		t.Fatalf("removed member's token: status %d, want 401", got)
	}
	wantRedirect(t, m.get("/dashboard/integrations"), "/dashboard/login?next=%2Fdashboard%2Fintegrations")
	p = b.get("/dashboard/users")
	want(t, p, http.StatusOK, "Mia A was removed")
	if strings.Contains(p.body, member.Email) {
		t.Fatal("a removed user is still listed")
	}
	want(t, b.post("/dashboard/users/"+member.ID+"/remove", nil), http.StatusNotFound)
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	b := h.loggedIn(owner)
	b.post("/dashboard/integrations/tokens", url.Values{"name": {"audited"}, "expiry": {"7d"}})
	p := b.get("/dashboard/audit")
	want(t, p, http.StatusOK, "Audit log", "Personal access token created", "Olivia Owner &lt;owner@a.example.com&gt;",
		"127.0.0.1", "dashboard", "User added", "<code>pat.create</code>")
	for range 60 {
		b.post("/dashboard/integrations/tokens", url.Values{"name": {"more"}, "expiry": {"7d"}})
	}
	want(t, b.get("/dashboard/audit"), http.StatusOK, `href="/dashboard/audit?page=1"`)
	want(t, b.get("/dashboard/audit?page=1"), http.StatusOK, `href="/dashboard/audit?page=0"`, "Company created")
}

func TestPagesAndAssets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	b := h.browser()

	p := b.get("/dashboard/static/style.css")
	want(t, p, http.StatusOK, "--accent")
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Fatalf("style.css Content-Type = %q", ct)
	}
	want(t, b.get("/dashboard/static/copy.js"), http.StatusOK, "clipboard")
	want(t, b.get("/dashboard/static/nope.css"), http.StatusNotFound)

	p = b.get("/dashboard/login")
	for _, hdr := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if p.header.Get(hdr) == "" {
			t.Fatalf("no %s header", hdr)
		}
	}
	want(t, p, http.StatusOK, `<a class="skip" href="#main">`, `<meta name="viewport"`, `lang="en"`)

	b.signIn(owner)
	p = b.get("/dashboard/nowhere")
	want(t, p, http.StatusNotFound, "Page not found")
	// The API's 404 stays JSON; the dashboard's cookie is not for /v4.
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/v4/user/me", nil)
	req.AddCookie(b.cookie())
	if got := b.do(req); got.status != http.StatusUnauthorized {
		t.Fatalf("a session cookie on /v4: status %d, want 401", got.status)
	}
}

func TestRequireHTTPS(t *testing.T) {
	t.Parallel()
	h := newHarness(t, trustLoopbackProxy, func(c *dashboard.Config) { c.RequireHTTPS = true })
	_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	b := h.browser()
	want(t, b.get("/dashboard/login"), http.StatusForbidden, "HTTPS is required")
	want(t, b.post("/dashboard/login", url.Values{"email": {owner.Email}, "password": {owner.password}}), http.StatusForbidden)
	b.header.Set("X-Forwarded-Proto", "https")
	b.signIn(owner)
}
