package pages_test

import (
	"net/netip"
	"testing"

	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestSlotPagesAreLimitedPerAddress: the pages that compute free times
// answer a 429 page with Retry-After once a client address has spent
// PageViewRate's burst; another address is not affected, and pages that
// compute nothing (the user's page) are not counted.
func TestSlotPagesAreLimitedPerAddress(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite,
		func(c *pages.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	l := links.New(h.base)
	book := l.Booking(h.host.Slug, h.mt.Slug)
	for i := 0; i < pages.PageViewRate.Burst; i++ {
		h.get(book, "X-Forwarded-For", "203.0.113.7").want(t, 200)
	}
	tooMany := h.get(book, "X-Forwarded-For", "203.0.113.7").want(t, 429)
	if tooMany.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	h.get(l.User(h.host.Slug), "X-Forwarded-For", "203.0.113.7").want(t, 200)
	h.get(book, "X-Forwarded-For", "203.0.113.8").want(t, 200)
}
