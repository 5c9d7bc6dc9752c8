package pages_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestPagesRefuseUncleanText: a form or query value that is not valid
// UTF-8, or holds NUL, is a 400 page on both engines, as the API's input
// gate answers, and nothing is stored (PostgreSQL refused such a name with
// a 500; SQLite stored it and served it back).
func TestPagesRefuseUncleanText(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		l := links.New(h.base)
		book := l.Booking(h.host.Slug, h.mt.Slug)
		h.post(book, bookingForm("2026-03-03T08:00:00Z", "Bad\xffName", "b@example.org")).want(t, 400)
		f := bookingForm("2026-03-03T08:00:00Z", "Nul Notes", "n@example.org")
		f.Set("notes", "x\x00y")
		h.post(book, f).want(t, 400)
		h.get(book+"?tz=%ff").want(t, 400)
		done := h.post(book, bookingForm("2026-03-03T08:00:00Z", "Clean Name", "c@example.org")).want(t, 303)
		ap := h.appointmentOf(done.header.Get("Location"))
		h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"reason": {"weil\xff"}}).want(t, 400)
		if got, _ := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, ap.ID); got.Cancelled {
			t.Fatal("a refused cancellation cancelled")
		}
		list, _, err := h.db.ListAppointments(context.Background(), meetd.AppointmentFilter{CompanyID: h.tenant.Company.ID, Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("appointments %d %v, want only the clean one", len(list), err)
		}
	})
}

// TestCancelReasonIsBoundedLikeTheAPI: the page's cancel reason has the
// API's bound (500 characters, counted as characters so umlauts do not
// count twice); a longer one is a 400 page, never a reason cut in the
// middle of a character (which PostgreSQL refused with a 500).
func TestCancelReasonIsBoundedLikeTheAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		l := links.New(h.base)
		done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Rea Son", "r@example.org")).want(t, 303)
		ap := h.appointmentOf(done.header.Get("Location"))
		h.get(l.Cancel(ap.ID, ap.Secret)).want(t, 200, `maxlength="500"`)
		h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"reason": {strings.Repeat("ü", 501)}}).want(t, 400, "500")
		h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"reason": {strings.Repeat("ü", 500)}}).want(t, 303)
		got, err := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, ap.ID)
		if err != nil || !got.Cancelled {
			t.Fatalf("not cancelled: %v", err)
		}
	})
}
