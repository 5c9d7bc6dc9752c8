package formpages_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestFormPageAnswersHostileInputWithoutFailing: on both engines, a page
// address that is no form's (NUL, invalid UTF-8, overlong, a random id)
// is the 404 page; a form holding NUL or invalid UTF-8 is a 400 page that
// stores nothing; and other hostile answers and recipient tokens (overlong,
// numbers out of range) are a 4xx page or a stored submission, never a
// 5xx.
func TestFormPageAnswersHostileInputWithoutFailing(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			f := newFixtureOn(t, b, ratelimit.Rate{Limit: 1 << 20, Per: 1, Burst: 1 << 20})
			for _, slug := range []string{"%00", "qu%00alify", "%FF%FE", "qualify%ED%A0%80", strings.Repeat("s", 3000),
				meetd.NewID(), "00000000-0000-0000-0000-000000000000", "%20"} {
				t.Run("address "+slug[:min(len(slug), 12)], func(t *testing.T) {
					if p := f.get("/book/f/"+slug, ""); p.status != 404 {
						t.Fatalf("GET: %d %.300s", p.status, p.body)
					}
					if p := f.post("/book/f/"+slug, url.Values{f.in(f.size): {"big"}}); p.status != 404 {
						t.Fatalf("POST: %d %.300s", p.status, p.body)
					}
				})
			}
			// Text PostgreSQL cannot store, or SQLite would serve back
			// broken, is refused wherever it is posted: a 400 page, nothing
			// stored.
			for _, bad := range []string{"a\x00b", "\xff\xfe", "\xed\xa0\x80"} {
				t.Run("unclean "+url.QueryEscape(bad), func(t *testing.T) {
					for _, form := range []url.Values{
						{f.in(f.size): {"small"}, f.in(f.notes): {bad}},
						{f.in(f.size): {"small"}, f.in(f.budget): {"1" + bad}},
						{f.in(f.size): {"small"}, "r": {bad}},
						{f.in(f.size): {"small"}, "z" + bad: {"1"}},
					} {
						if p := f.post("/book/f/qualify", form); p.status != 400 {
							t.Fatalf("%q: %d %.300s", form, p.status, p.body)
						}
					}
				})
			}
			if got := len(f.events()); got != 0 {
				t.Fatalf("%d submissions of unclean text were stored", got)
			}
			for _, bad := range []string{"a\x00b", "\xff\xfe", "\xed\xa0\x80", strings.Repeat("é", 70000), "9223372036854775808",
				"1e400", "-1", "NaN", "Infinity"} {
				t.Run("answer "+url.QueryEscape(bad[:min(len(bad), 12)]), func(t *testing.T) {
					for _, form := range []url.Values{
						{f.in(f.size): {bad}},
						{f.in(f.size): {"small"}, f.in(f.budget): {bad}},
						{f.in(f.size): {"small"}, f.in(f.notes): {bad}},
						{f.in(f.size): {"small"}, "r": {bad}},
						{f.in(f.size): {"small"}, bad: {bad}},
					} {
						if p := f.post("/book/f/qualify", form); p.status >= 500 {
							t.Fatalf("%v: %d %.300s", form, p.status, p.body)
						}
					}
					if p := f.get("/book/f/qualify?r="+url.QueryEscape(bad), ""); p.status >= 500 {
						t.Fatalf("GET ?r=: %d %.300s", p.status, p.body)
					}
				})
			}
		})
	}
}
