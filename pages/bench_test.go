package pages_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// BenchmarkBookingPage renders a meeting type's page with a month of
// slots (the store reads and the slot query included) on SQLite: the
// server's part of opening a bookingUrl. Target: under 20 ms
// (BENCHMARKS.md).
func BenchmarkBookingPage(b *testing.B) {
	clock := meetd.NewManualClock(monday)
	db := sqldbtest.Open(b, sqldbtest.SQLite, clock)
	_, host, mt := seed(b, db, clock)
	p := pages.New(pages.Config{Store: db, Clock: clock, PublicURL: "https://cal.example.test", Details: httpapi.BookingDetailsOf})
	target := links.New("").Booking(host.Slug, mt.Slug)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		p.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "slot=") {
			b.Fatalf("status %d without slots", w.Code)
		}
	}
}
