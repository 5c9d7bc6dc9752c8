package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// text/calendar answers are checked against the OpenAPI document as
// strings that must be one iCalendar object.
func init() {
	openapi3filter.RegisterBodyDecoder("text/calendar", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef,
		_ openapi3filter.EncodingFn) (any, error) {
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if _, err := ical.NewDecoder(bytes.NewReader(data)).Decode(); err != nil {
			return nil, err
		}
		return string(data), nil
	})
}

var feedURL = regexp.MustCompile(`^https://cal\.example\.test/v4/public/calendar-feed\.ics\?token=([0-9A-Za-z]{22})$`)

// makeFeed makes the acting user's feed and returns its token.
func (h *harness) makeFeed(token, acting string) string {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/v4/calendar-feed", token: token, acting: acting})
	wantStatus(h.t, r, 201)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		h.t.Fatalf("Cache-Control = %q, want no-store", cc)
	}
	m := feedURL.FindStringSubmatch(decode(h.t, r)["url"].(string))
	if m == nil {
		h.t.Fatalf("url = %v, want the public feed address with a token", decode(h.t, r)["url"])
	}
	return m[1]
}

func (h *harness) feed(token string) response {
	h.t.Helper()
	return h.do(req{method: "GET", path: "/v4/public/calendar-feed.ics?token=" + token})
}

const feedNotFound = `{"statusCode":404,"message":"Calendar feed not found","error":"Not Found"}`

// TestCalendarFeed: a user's secret feed holds their active appointments
// with meetd's UIDs, is replaced by a new one and revoked, answers 404 to
// any other token, and its token never reaches the logs.
func TestCalendarFeed(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", nil)
	tuesday := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	kept := h.book(a.memberPAT, mt, a.member.ID, tuesday, nil)
	wantStatus(t, kept, 201)
	keptID := decode(t, kept)["appointmentId"].(string)
	gone := h.book(a.memberPAT, mt, a.member.ID, tuesday.Add(24*time.Hour), nil)
	wantStatus(t, gone, 201)
	wantStatus(t, h.do(req{method: "POST", path: "/v4/appointment/" + decode(t, gone)["appointmentId"].(string) + "/cancel",
		token: a.memberPAT, body: map[string]any{}}), 200)

	first := h.makeFeed(a.memberPAT, "")
	r := h.feed(first)
	wantStatus(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("Content-Type = %q", ct)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(r.body)).Decode()
	if err != nil {
		t.Fatalf("the feed is not iCalendar: %v\n%s", err, r.body)
	}
	if p := cal.Props.Get(ical.PropRefreshInterval); p == nil || p.Value != "PT15M" || p.Params.Get(ical.ParamValue) != "DURATION" {
		t.Fatalf("REFRESH-INTERVAL = %+v, want PT15M as a DURATION", p)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want the one active appointment:\n%s", len(events), r.body)
	}
	uid, _ := events[0].Props.Text(ical.PropUID)
	summary, _ := events[0].Props.Text(ical.PropSummary)
	start, err := events[0].DateTimeStart(nil)
	if uid != keptID+"@meetd" || summary != "Intro Call with Ada Guest" || err != nil || !start.Equal(tuesday) {
		t.Fatalf("event UID %q, SUMMARY %q, DTSTART %v (%v)", uid, summary, start, err)
	}

	// A new address replaces the old one; an API key makes any user's.
	second := h.makeFeed(a.key, a.member.ID)
	if second == first {
		t.Fatal("the new address has the old token")
	}
	if got := h.feed(first); got.status != 404 || string(got.body) != feedNotFound {
		t.Fatalf("the replaced address = %d %s", got.status, got.body)
	}
	wantStatus(t, h.feed(second), 200)
	ownerFeed := h.makeFeed(a.ownerPAT, "")
	if r := h.feed(ownerFeed); r.status != 200 || bytes.Contains(r.body, []byte(keptID)) {
		t.Fatalf("the owner's feed = %d, holds the member's appointment: %v", r.status, bytes.Contains(r.body, []byte(keptID)))
	}

	// Wrong, missing and revoked tokens are 404.
	for _, token := range []string{"", "nope", strings.Repeat("A", 22), strings.Repeat("x", 200)} {
		if got := h.feed(token); got.status != 404 || string(got.body) != feedNotFound {
			t.Fatalf("token %q = %d %s", token, got.status, got.body)
		}
	}
	wantStatus(t, h.do(req{method: "DELETE", path: "/v4/calendar-feed", token: a.memberPAT}), 204)
	wantStatus(t, h.feed(second), 404)
	if got := h.do(req{method: "DELETE", path: "/v4/calendar-feed", token: a.memberPAT}); got.status != 404 || string(got.body) != feedNotFound {
		t.Fatalf("revoking twice = %d %s", got.status, got.body)
	}
	wantStatus(t, h.feed(ownerFeed), 200)

	logs := h.logs.String()
	if !strings.Contains(logs, "/v4/public/calendar-feed.ics") {
		t.Fatal("the logs do not carry the feed's requests; the test is not looking at the access log")
	}
	for _, token := range []string{first, second, ownerFeed} {
		if strings.Contains(logs, token) {
			t.Fatalf("a feed token reached the logs")
		}
	}
}
