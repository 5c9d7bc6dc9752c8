package dashboard_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

// TestCalendarFeedOnTheAccountPage: the account page makes a feed address
// and shows it once, the address serves the user's calendar, a new one
// stops the old, and stopping the feed stops it; the address reaches no log.
func TestCalendarFeedOnTheAccountPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, _, _, member := h.company("a", meetd.PlanEnterprise)
	b := h.loggedIn(member)
	fetch := func(addr string) int {
		t.Helper()
		u, err := url.Parse(addr)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(h.srv.URL + u.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && !strings.HasPrefix(string(body), "BEGIN:VCALENDAR") {
			t.Fatalf("the feed is not a calendar: %s", body)
		}
		return resp.StatusCode
	}

	want(t, b.get("/dashboard/account"), http.StatusOK, "Calendar feed", "Make a feed address")
	p := b.follow(b.post("/dashboard/account/calendar-feed", nil))
	want(t, p, http.StatusOK, "Copy it now", "Stop the feed")
	first := secret(p.body)
	if !strings.Contains(first, "/v4/public/calendar-feed.ics?token=") {
		t.Fatalf("feed address = %q", first)
	}
	first = strings.ReplaceAll(first, "&amp;", "&")
	if got := fetch(first); got != http.StatusOK {
		t.Fatalf("the new address = %d", got)
	}
	p = b.get("/dashboard/account")
	if secret(p.body) != "" || strings.Contains(p.body, first) {
		t.Fatal("the address is shown again")
	}
	want(t, p, http.StatusOK, "Make a new address")

	second := strings.ReplaceAll(secret(b.follow(b.post("/dashboard/account/calendar-feed", nil)).body), "&amp;", "&")
	if second == "" || second == first {
		t.Fatalf("second address = %q", second)
	}
	if fetch(first) != http.StatusNotFound || fetch(second) != http.StatusOK {
		t.Fatal("a new address does not replace the old one")
	}
	want(t, b.follow(b.post("/dashboard/account/calendar-feed/revoke", nil)), http.StatusOK, "no longer works", "Make a feed address")
	if fetch(second) != http.StatusNotFound {
		t.Fatal("the stopped feed still answers")
	}
	for _, addr := range []string{first, second} {
		token := addr[strings.LastIndex(addr, "=")+1:]
		if strings.Contains(h.logs.String(), token) {
			t.Fatal("a feed token reached the logs")
		}
	}
}
