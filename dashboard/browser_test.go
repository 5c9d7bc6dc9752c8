package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/meetdtest/chromium"
)

// tab is one headless Chromium tab driven through the dashboard.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	n    int
}

// newTab starts a headless Chromium for the test and opens its tab.
func newTab(t *testing.T, base string) *tab {
	t.Helper()
	return &tab{t: t, ctx: chromium.NewTab(t, chromium.Start(t)), base: base}
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.shot("failed")
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to a dashboard path and returns the HTTP status.
func (b *tab) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	b.shot(strings.Trim(strings.ReplaceAll(path, "/", "-"), "-"))
	return resp.Status
}

// fill sets form fields by id.
func (b *tab) fill(fields ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		b.do("fill "+fields[i], chromedp.SetValue(chromedp.ID(fields[i]), fields[i+1]))
	}
}

// click clicks sel and waits for the page it leads to.
func (b *tab) click(sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		b.shot("failed")
		b.t.Fatalf("click %s: %v", sel, err)
	}
	b.shot("after-" + sel)
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.shot("failed")
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *tab) value(id string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID(id)))
	if err != nil {
		b.t.Fatalf("value of #%s: %v", id, err)
	}
	return s
}

func (b *tab) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(s, b.base)
}

func (b *tab) has(sel string) bool {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector(`+"`"+sel+"`"+`) !== null`))
	if err != nil {
		b.t.Fatal(err)
	}
	return ok
}

func (b *tab) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.shot("failed")
		b.t.Fatalf("%s says %q, want %q", sel, got, want)
	}
}

// shot saves a screenshot into $MEETD_SCREENSHOTS, when set.
func (b *tab) shot(name string) {
	dir := os.Getenv("MEETD_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return
	}
	b.n++
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(name))
	_ = os.WriteFile(filepath.Join(dir, b.t.Name()+"-"+string(rune('a'+b.n/26))+string(rune('a'+b.n%26))+"-"+name+".png"), buf, 0o644)
}

// me calls GET /v4/user/me over HTTP with credential and returns the
// status and body.
func me(t *testing.T, base, credential string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/v4/user/me", nil)
	req.Header.Set("Authorization", "Bearer "+credential)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestBrowser walks the dashboard as a new operator would, in real headless
// Chromium: set up a company, sign in, create a personal access token, read
// it from the page, use it, revoke it and see it refused; the same for a
// platform API key with deactivate and reactivate; and a member who cannot
// reach Settings → API.
func TestBrowser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.srv.URL
	b := newTab(t, base)

	// First run: the dashboard offers setup.
	b.open("/dashboard/")
	if loc := b.location(); loc != "/dashboard/setup" {
		t.Fatalf("a fresh instance shows %s, want /dashboard/setup", loc)
	}
	b.fill("company", "Browser Inc", "given_name", "Olivia", "family_name", "Owner",
		"email", "olivia@browser.example", "timezone", "Europe/Berlin",
		"password", "the owner's long password", "password_confirm", "the owner's long password")
	b.click(`form[action="/dashboard/setup"] button[type=submit]`)
	if loc := b.location(); loc != "/dashboard/integrations" {
		t.Fatalf("after setup: %s", loc)
	}
	b.wantText(".notice.ok", "Welcome")

	// Sign out and in again with the new password.
	b.click(`form[action="/dashboard/logout"] button`)
	b.wantText(".notice.ok", "signed out")
	b.fill("email", "olivia@browser.example", "password", "the owner's long password")
	b.click(`form[action="/dashboard/login"] button[type=submit]`)
	if loc := b.location(); loc != "/dashboard/integrations" {
		t.Fatalf("after sign-in: %s", loc)
	}

	// Integrations → API: create a token and read it from the page.
	b.fill("name", "Browser token", "expiry", "7d")
	b.click(`form[action="/dashboard/integrations/tokens"] button[type=submit]`)
	token := b.value("new-secret")
	if !strings.HasPrefix(token, "rgo-") {
		t.Fatalf("token on the page = %q", token)
	}
	// The copy button is the page's only script: it appears and works.
	b.do("copy", chromedp.Click(chromedp.CSS(`button[data-copy="new-secret"]`)))
	poll, err := chromedp.Run(b.ctx, chromedp.Poll[string](`document.getElementById("new-secret-status").textContent || null`))
	if err != nil || poll == "" {
		t.Fatalf("copy button: %q, %v", poll, err)
	}
	if status, body := me(t, base, token); status != http.StatusOK || !strings.Contains(body, "olivia@browser.example") {
		t.Fatalf("GET /v4/user/me with the new token: %d %s", status, body)
	}
	b.click(`a[aria-label="Revoke Browser token"]`)
	b.wantText("h1", "Revoke “Browser token”?")
	b.click(`main form button.danger`)
	b.wantText(".notice.ok", "revoked")
	if status, _ := me(t, base, token); status != http.StatusUnauthorized {
		t.Fatalf("GET /v4/user/me with the revoked token: %d, want 401", status)
	}

	// Settings → API: a key through its whole life.
	b.click(`nav a[href="/dashboard/settings/api"]`)
	b.fill("name", "Browser key", "days", "30")
	b.click(`form[action="/dashboard/settings/api/keys"] button[type=submit]`)
	key := b.value("new-secret")
	if !strings.HasPrefix(key, "ak_live:") {
		t.Fatalf("key on the page = %q", key)
	}
	if status, body := me(t, base, key); status != http.StatusOK || !strings.Contains(body, "olivia@browser.example") {
		t.Fatalf("GET /v4/user/me with the new key: %d %s", status, body)
	}
	step := func(action, button string, wantStatus int) {
		t.Helper()
		b.click(`a[aria-label="` + action + ` Browser key"]`)
		b.click(`main form button` + button)
		b.wantText(".notice.ok", strings.ToLower(action))
		if status, _ := me(t, base, key); status != wantStatus {
			t.Fatalf("after %s: GET /v4/user/me = %d, want %d", action, status, wantStatus)
		}
	}
	step("Deactivate", ".danger", http.StatusUnauthorized)
	step("Reactivate", "[type=submit]", http.StatusOK)
	step("Revoke", ".danger", http.StatusUnauthorized)

	// Users: add a member with a chosen password.
	b.click(`nav a[href="/dashboard/users"]`)
	b.fill("given_name", "Mia", "family_name", "Member", "email", "mia@browser.example",
		"timezone", "Europe/Berlin", "password", "the member's password")
	b.click(`form[action="/dashboard/users"] button[type=submit]`)
	b.wantText(".secret h2", "Mia Member was added")

	// The audit log shows what happened, by whom.
	b.click(`nav a[href="/dashboard/audit"]`)
	b.wantText("main table", "API key revoked")
	b.wantText("main table", "olivia@browser.example")

	// A member cannot reach Settings → API.
	b.click(`form[action="/dashboard/logout"] button`)
	b.fill("email", "mia@browser.example", "password", "the member's password")
	b.click(`form[action="/dashboard/login"] button[type=submit]`)
	b.wantText("h1", "Integrations → API")
	if b.has(`nav a[href="/dashboard/settings/api"]`) {
		t.Fatal("a member's navigation offers Settings → API")
	}
	if status := b.open("/dashboard/settings/api"); status != http.StatusForbidden {
		t.Fatalf("member on Settings → API: status %d, want 403", status)
	}
	b.wantText("h1", "Owners and admins only")
}

// TestBrowserPhone checks that the pages fit a 375 px wide phone screen:
// nothing wider than the viewport.
func TestBrowserPhone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("phone", "enterprise")
	h.book(owner.User) // the outbox has rows to lay out
	b := newTab(t, h.srv.URL)
	b.do("viewport", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.open("/dashboard/login")
	b.fill("email", owner.Email, "password", owner.password)
	b.click(`form[action="/dashboard/login"] button[type=submit]`)
	b.fill("name", "Phone token")
	b.click(`form[action="/dashboard/integrations/tokens"] button[type=submit]`)
	for _, path := range []string{"/dashboard/integrations", "/dashboard/settings/api", "/dashboard/users",
		"/dashboard/audit", "/dashboard/usage", "/dashboard/outbox", "/dashboard/account"} {
		b.open(path)
		width, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 375 {
			b.shot("too-wide")
			t.Fatalf("%s is %d px wide on a 375 px screen", path, width)
		}
	}
}

// TestBrowserReloadCreatesNoSecondToken creates a token, reloads the page
// that shows it, and finds one token and the secret gone: the create form
// answers with a redirect, so a reload is a GET.
func TestBrowserReloadCreatesNoSecondToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, _, _ := h.company("reload", "enterprise")
	b := newTab(t, h.srv.URL)
	b.open("/dashboard/login")
	b.fill("email", owner.Email, "password", owner.password)
	b.click(`form[action="/dashboard/login"] button[type=submit]`)
	b.fill("name", "Reloaded token", "expiry", "7d")
	b.click(`form[action="/dashboard/integrations/tokens"] button[type=submit]`)
	if loc := b.location(); loc != "/dashboard/integrations" {
		t.Fatalf("after creating: %s", loc)
	}
	token := b.value("new-secret")
	if !strings.HasPrefix(token, "rgo-") {
		t.Fatalf("token on the page = %q", token)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Reload())); err != nil {
		t.Fatalf("reload: %v", err)
	}
	b.shot("reloaded")
	if b.has("#new-secret") {
		t.Fatal("the secret is shown again after a reload")
	}
	body, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, token) {
		t.Fatal("the token is on the reloaded page")
	}
	if n := strings.Count(body, "Reloaded token"); n != 1 {
		t.Fatalf("the page lists %d tokens named “Reloaded token”, want 1", n)
	}
	pats, err := h.db.ListCredentials(context.Background(), meetd.CredentialFilter{CompanyID: owner.CompanyID,
		Kind: meetd.KindPAT, UserID: owner.ID})
	if err != nil || len(pats) != 1 {
		t.Fatalf("tokens after a reload = %d, %v; want 1", len(pats), err)
	}
	if status, _ := me(t, h.srv.URL, token); status != http.StatusOK {
		t.Fatalf("the token does not work: %d", status)
	}
}
