package pages_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestMalformedLinksAreMissingPages: on both engines, every attendee
// address with an id or token that is malformed (not a UUID, NUL,
// invalid UTF-8, overlong, empty) or names nothing is a 404 page, GET and
// POST, never a 5xx; and a booking form with hostile values (times at the
// ends of the calendar, numbers past int64, unknown zones) books nothing
// it should not and never fails with a 5xx.
func TestMalformedLinksAreMissingPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, withRate(ratelimit.Rate{Limit: 1 << 20, Per: time.Hour, Burst: 1 << 20}))
		l := links.New(h.base)
		bad := []string{"not-a-uuid", "%00", "ab%00cd", "%FF%FE", "%ED%A0%80", strings.Repeat("a", 3000),
			"00000000-0000-0000-0000-000000000000", meetd.NewID(), "9223372036854775808"}
		for _, id := range bad {
			for _, path := range []string{"/1t/" + id, "/appointment/" + id + "?secret=x", "/appointment/" + id + "/cancel?secret=x",
				"/appointment/" + id + "/reschedule?secret=x", "/appointment/" + id + "/invite.ics?secret=x",
				"/confirm/" + id + "?token=x"} {
				t.Run(path[:min(len(path), 40)], func(t *testing.T) {
					// The confirmation page looks nothing up until its
					// button is pressed: any well-formed id shows it.
					if p := h.get(path); p.status != 404 && !(strings.HasPrefix(path, "/confirm/") && meetd.IsUUID(id)) {
						t.Fatalf("GET: %d %.200s", p.status, p.body)
					}
					if strings.HasSuffix(path, "invite.ics?secret=x") || strings.HasPrefix(path, "/appointment/"+id+"?") {
						return // no POST route
					}
					if p := h.post(path, url.Values{"secret": {"x"}, "token": {"x"}, "start": {"2026-03-03T09:00:00Z"}}); p.status != 404 {
						t.Fatalf("POST: %d %.200s", p.status, p.body)
					}
				})
			}
		}
		for _, tok := range []string{"", "%00", "%FF", strings.Repeat("x", 3000), "x%00y"} {
			t.Run("confirm token "+tok[:min(len(tok), 8)], func(t *testing.T) {
				if p := h.post("/confirm/"+meetd.NewID()+"?token="+tok, url.Values{}); p.status >= 500 || p.status < 400 {
					t.Fatalf("POST: %d", p.status)
				}
			})
		}
		book := l.Booking(h.host.Slug, h.mt.Slug)
		for field, values := range map[string][]string{
			"slot":     {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T09:00:00Z", "9223372036854775808", ""},
			"tz":       {"Not/AZone", "../../etc/passwd", strings.Repeat("z", 200)},
			"duration": {"9223372036854775808", "-1", "2147483648", "1e3"},
			"email":    {"not-an-email", strings.Repeat("e", 300) + "@x.example"},
			"name":     {strings.Repeat("n", 5000)},
			"lang":     {"xx", strings.Repeat("l", 300)},
		} {
			for _, v := range values {
				t.Run("booking "+field+"="+v[:min(len(v), 20)], func(t *testing.T) {
					f := bookingForm("2026-03-03T08:00:00Z", "Hos Tile", "hostile@example.org")
					f.Set(field, v)
					// A slot that is none leads back to the slots; nothing is
					// booked.
					p := h.post(book, f)
					if p.status >= 500 || field == "slot" && strings.Contains(p.header.Get("Location"), "/appointment/") {
						t.Fatalf("%d %s %.200s", p.status, p.header.Get("Location"), p.body)
					}
					if p := h.get(book + "?" + url.Values{field: {v}}.Encode()); p.status >= 500 {
						t.Fatalf("GET: %d %.200s", p.status, p.body)
					}
				})
			}
		}
	})
}
