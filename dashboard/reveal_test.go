package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// follow loads the page a POST redirected to, as a browser does after a
// 303, and fails unless p is a 303.
func (b *browser) follow(p page) page {
	b.h.t.Helper()
	if p.status != http.StatusSeeOther || p.location() == "" {
		b.h.t.Fatalf("status = %d, want a 303 to the page that shows the result\n%s", p.status, p.body)
	}
	return b.get(p.location())
}

// storedSession is the session's data as the database keeps it.
func (b *browser) storedSession() string {
	b.h.t.Helper()
	c := b.cookie()
	if c == nil {
		b.h.t.Fatal("no session cookie")
	}
	data, ok, err := b.h.db.Sessions().FindCtx(context.Background(), c.Value)
	if err != nil || !ok {
		b.h.t.Fatalf("session: %v, %v", ok, err)
	}
	return string(data)
}

// TestCreatesRedirectAndShowTheSecretOnce: every form that creates a secret
// answers with a 303; the page it leads to shows the secret once, a reload
// neither shows it again nor creates a second one, and in between the
// secret is in the session only sealed, with its key in a cookie.
func TestCreatesRedirectAndShowTheSecretOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	c, owner, _, _ := h.company("a", meetd.PlanEnterprise)
	b := h.loggedIn(owner)
	count := func(kind meetd.CredentialKind) int {
		creds, err := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		return len(creds)
	}
	users := func() int {
		_, n, err := h.db.ListUsers(ctx, meetd.UserFilter{CompanyID: c.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	keyID := func() string {
		creds, _ := h.db.ListCredentials(ctx, meetd.CredentialFilter{CompanyID: c.ID, Kind: meetd.KindAPIKey})
		return creds[0].ID
	}

	for _, tc := range []struct {
		name, path string
		form       url.Values
		page       string
		shown      string
		made       func() int
	}{
		{"a token", "/dashboard/integrations/tokens", url.Values{"name": {"CRM"}, "expiry": {"30d"}},
			"/dashboard/integrations", "Copy it now", func() int { return count(meetd.KindPAT) }},
		{"an API key", "/dashboard/settings/api/keys", url.Values{"name": {"Prod"}, "days": {"30"}},
			"/dashboard/settings/api", "Copy it now", func() int { return count(meetd.KindAPIKey) }},
		{"a rolled API key", "", url.Values{"grace": {"0"}},
			"/dashboard/settings/api", "Copy it now", func() int { return count(meetd.KindAPIKey) }},
		{"a user with a generated password", "/dashboard/users", url.Values{"email": {"pia@a.example.com"},
			"given_name": {"Pia"}, "family_name": {"P"}, "timezone": {"UTC"}, "role": {"member"}, "type": {"standard"}},
			"/dashboard/users", "shown only this once", users},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = "/dashboard/settings/api/keys/" + keyID() + "/roll"
			}
			before := tc.made()
			p := b.post(path, tc.form)
			wantRedirect(t, p, tc.page)
			if secret(p.body) != "" {
				t.Fatal("the POST's answer shows the secret")
			}
			if tc.made() != before+1 {
				t.Fatalf("made %d, want 1", tc.made()-before)
			}
			stored := b.storedSession()
			p = b.get(tc.page)
			want(t, p, http.StatusOK, tc.shown)
			s := secret(p.body)
			if len(s) < 12 {
				t.Fatalf("secret shown = %q", s)
			}
			if strings.Contains(stored, s) || strings.Contains(stored, s[len(s)-12:]) {
				t.Fatal("the session in the database holds the secret readable")
			}
			if strings.Contains(h.logs.String(), s) {
				t.Fatal("the secret reached the logs")
			}
			// The reload.
			p = b.get(tc.page)
			want(t, p, http.StatusOK)
			if secret(p.body) != "" || strings.Contains(p.body, s) || strings.Contains(p.body, tc.shown) {
				t.Fatal("the secret is shown again")
			}
			if tc.made() != before+1 {
				t.Fatal("the reload created another")
			}
		})
	}
}

// TestRevealNeedsBothHalves: the sealed secret opens only with the key
// cookie of the browser that made it, only for a while, and only once.
func TestRevealNeedsBothHalves(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, _, _, member := h.company("a", meetd.PlanEnterprise)
	create := func(b *browser) {
		t.Helper()
		wantRedirect(t, b.post("/dashboard/integrations/tokens", url.Values{"name": {"t"}, "expiry": {"7d"}}),
			"/dashboard/integrations")
	}
	shown := func(b *browser) bool {
		t.Helper()
		p := b.get("/dashboard/integrations")
		want(t, p, http.StatusOK)
		return secret(p.body) != ""
	}

	// The session cookie alone (say, the session stolen from the
	// database or the cookie copied to another client) shows nothing.
	b := h.loggedIn(member)
	create(b)
	thief := h.browser()
	u, _ := url.Parse(h.srv.URL + "/dashboard/")
	thief.client.Jar.SetCookies(u, []*http.Cookie{b.cookie()})
	if shown(thief) {
		t.Fatal("the secret was shown without its key cookie")
	}
	if shown(b) {
		t.Fatal("the secret was shown after its session copy was taken")
	}

	// Too late: the reveal has expired.
	create(b)
	h.clock.Advance(6 * time.Minute)
	if shown(b) {
		t.Fatal("an expired reveal was shown")
	}

	// In time, it is shown once.
	create(b)
	if !shown(b) || shown(b) {
		t.Fatal("want the secret shown exactly once")
	}
}
