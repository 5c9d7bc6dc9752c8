package meetd_test

import (
	"testing"

	"github.com/meetd/meetd"
)

// TestReservedSlugsAreRefused: a user slug that names a top-level path
// meetd serves itself is refused, so no user page hides behind a route.
func TestReservedSlugsAreRefused(t *testing.T) {
	for _, slug := range []string{"dashboard", "webhooks", "healthz", "readyz", "metrics", "static", "appointment", "confirm"} {
		if msg := meetd.CheckSlug(slug); msg != "Slug "+slug+" is reserved" {
			t.Errorf("CheckSlug(%q) = %q", slug, msg)
		}
	}
	// Shorter reserved paths (v4, 1t) fail the length rule already.
	for _, slug := range []string{"v4", "1t"} {
		if meetd.CheckSlug(slug) == "" {
			t.Errorf("CheckSlug(%q) accepted", slug)
		}
	}
	if msg := meetd.CheckSlug("dashboard-anna"); msg != "" {
		t.Errorf("an ordinary slug refused: %s", msg)
	}
}

// TestFrameAncestorsAreOrigins: only http(s) origins pass, normalised and
// without duplicates; anything that could break out of the CSP header is
// refused.
func TestFrameAncestorsAreOrigins(t *testing.T) {
	got, err := meetd.CheckFrameAncestors([]string{"https://WWW.Example.com", "http://localhost:3000/", "https://www.example.com", " "})
	if err != nil || len(got) != 2 || got[0] != "https://www.example.com" || got[1] != "http://localhost:3000" {
		t.Fatalf("CheckFrameAncestors = %v, %v", got, err)
	}
	for _, bad := range []string{"*", "'self'", "www.example.com", "javascript:alert(1)", "https://a.example/path",
		"https://a.example?x", "https://a.example; script-src *", "ftp://a.example", "https://user@a.example",
		// A wildcard host would let any site frame the pages.
		"https://*", "https://*.com", "http://*:*", "https://a.example:*"} {
		if _, err := meetd.CheckFrameAncestors([]string{bad}); meetd.ErrorCode(err) != meetd.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
	many := make([]string, meetd.MaxFrameAncestors+1)
	for i := range many {
		many[i] = "https://a.example"
	}
	if _, err := meetd.CheckFrameAncestors(many); err == nil {
		t.Error("more than MaxFrameAncestors accepted")
	}
}
