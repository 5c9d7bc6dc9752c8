package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/meetd/meetd"
)

// TestBookingPagesSetting: owners and admins set the origins that may
// frame the booking pages; members cannot; a value that is not an origin
// is refused with the reason and nothing is saved.
func TestBookingPagesSetting(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _, admin, member := h.company("fa", meetd.PlanEnterprise)

	m := h.loggedIn(member)
	want(t, m.get("/dashboard/settings/booking-pages"), http.StatusForbidden, "Owners and admins only")
	want(t, m.post("/dashboard/settings/booking-pages", url.Values{"frame_ancestors": {"https://evil.example"}}), http.StatusForbidden)

	b := h.loggedIn(admin)
	want(t, b.get("/dashboard/settings/booking-pages"), http.StatusOK, "Web sites that may embed your booking pages")
	want(t, b.post("/dashboard/settings/booking-pages", url.Values{"frame_ancestors": {"https://ok.example\n*"}}),
		http.StatusBadRequest, "is not an origin")
	p := b.follow(b.post("/dashboard/settings/booking-pages",
		url.Values{"frame_ancestors": {"https://www.example.com\r\nhttp://localhost:3000"}}))
	want(t, p, http.StatusOK, "Saved", "https://www.example.com\nhttp://localhost:3000")
	got, err := h.db.CompanyByID(context.Background(), c.ID)
	if err != nil || !slices.Equal(got.FrameAncestors, []string{"https://www.example.com", "http://localhost:3000"}) {
		t.Fatalf("stored %v, %v", got.FrameAncestors, err)
	}
}
