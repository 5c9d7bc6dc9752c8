package httpapi_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// oneTimeLink makes a one-time link for mtID as token and returns its
// answer.
func (h *harness) oneTimeLink(token, acting, mtID string) map[string]any {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/v4/one-time-booking-link/create/" + mtID, token: token, acting: acting})
	wantStatus(h.t, r, 201)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		h.t.Fatalf("Cache-Control = %q, want no-store", cc)
	}
	return decode(h.t, r)
}

// bookThrough books mtID at start for hostID through the one-time link id.
func (h *harness) bookThrough(token, mtID, hostID string, start time.Time, linkID string) response {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/v4/booking", token: token, body: map[string]any{
		"meetingTypeId": mtID, "start": start.Format(time.RFC3339), "hostIds": []string{hostID},
		"attendee": attendee("ada@guest.example"), "oneTimeLinkId": linkID}})
}

const (
	linkUsed     = `{"statusCode":409,"message":"One-time booking link was already used","error":"Conflict"}`
	linkReplaced = `{"statusCode":409,"message":"One-time booking link was replaced by a newer one","error":"Conflict"}`
	linkExpired  = `{"statusCode":409,"message":"One-time booking link has expired","error":"Conflict"}`
	linkNotFound = `{"statusCode":404,"message":"One-time booking link not found","error":"Not Found"}`
)

var oneTimeURL = regexp.MustCompile(`^https://cal\.example\.test/1t/([0-9A-Za-z]{22})$`)

func TestOneTimeBookingLinks(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		slot := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

		first := h.oneTimeLink(a.memberPAT, "", mt)
		m := oneTimeURL.FindStringSubmatch(first["url"].(string))
		if m == nil || first["link"] != first["url"] || m[1] != first["token"] || first["meetingTypeId"] != mt ||
			first["expiresAt"] != meetd.FormatTime(monday.Add(30*24*time.Hour)) {
			t.Fatalf("created %v", first)
		}
		second := h.oneTimeLink(a.memberPAT, "", mt)
		if second["token"] == first["token"] {
			t.Fatal("two links share a token")
		}

		// The newest link books once; the one it replaced books nothing.
		wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot, first["id"].(string)), 409, linkReplaced)
		wantStatus(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot, second["id"].(string)), 201)
		wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), second["id"].(string)), 409, linkUsed)
		wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), meetd.NewID()), 404, linkNotFound)
		wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), "not-an-id"), 404, linkNotFound)
		other := h.meetingType(a.memberPAT, "", map[string]any{"slug": "other"})
		wrong := h.oneTimeLink(a.memberPAT, "", other)
		wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), wrong["id"].(string)), 404, linkNotFound)
		// Another company's link is none.
		theirs := h.oneTimeLink(h.b.key, h.b.member.ID, h.meetingType(h.b.key, h.b.member.ID, nil))
		wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), theirs["id"].(string)), 404, linkNotFound)

		// Thirty days on, an unused link is dead.
		late := h.oneTimeLink(a.memberPAT, "", other)
		h.clock.Advance(30 * 24 * time.Hour)
		wantExact(t, h.bookThrough(a.memberPAT, other, a.member.ID, time.Date(2026, 4, 7, 8, 0, 0, 0, time.UTC),
			late["id"].(string)), 409, linkExpired)
	})
}

func TestOneTimeBookingLinkRights(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	mine := h.meetingType(a.memberPAT, "", nil)
	colleagues := h.meetingType(a.adminPAT, "", nil)
	create := func(token, acting, mt string) response {
		return h.do(req{method: "POST", path: "/v4/one-time-booking-link/create/" + mt, token: token, acting: acting})
	}
	for _, c := range []struct {
		name, token, acting, mt string
		status                  int
	}{
		{"a member for their own meeting type", a.memberPAT, "", mine, 201},
		{"a member for a colleague's", a.memberPAT, "", colleagues, 403},
		{"a key acting as a member for a colleague's", a.key, a.member.ID, colleagues, 403},
		{"an admin for a member's", a.adminPAT, "", mine, 201},
		{"a key acting as the owner for a member's", a.key, a.owner.ID, mine, 201},
		{"another company's key", h.b.key, h.b.owner.ID, mine, 404},
		{"an unknown meeting type", a.ownerPAT, "", meetd.NewID(), 404},
	} {
		t.Run(c.name, func(t *testing.T) { wantStatus(t, create(c.token, c.acting, c.mt), c.status) })
	}
}

// TestOneTimeLinkDoubleOptIn: a double opt-in booking through a link
// uses it up when the attendee confirms, and a dead link is refused before
// a confirmation link is sent.
func TestOneTimeLinkDoubleOptIn(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", map[string]any{"meetingOptions": map[string]any{"doubleOptIn": "enabled"}})
	slot := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	link := h.oneTimeLink(a.memberPAT, "", mt)["id"].(string)

	r := h.bookThrough(a.memberPAT, mt, a.member.ID, slot, link)
	wantStatus(t, r, 201)
	first := strings.TrimPrefix(decode(t, r)["confirmationUrl"].(string), h.srv.URL)
	r = h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), link)
	wantStatus(t, r, 201) // not used up until a confirmation
	second := strings.TrimPrefix(decode(t, r)["confirmationUrl"].(string), h.srv.URL)

	wantStatus(t, h.get(first, "", ""), 200)
	wantExact(t, h.get(second, "", ""), 409, linkUsed)
	wantExact(t, h.bookThrough(a.memberPAT, mt, a.member.ID, slot.Add(2*time.Hour), link), 409, linkUsed)
}

// TestOneTimeLinkBody: the route reads no body, accepts an empty one or
// {} (what clients send), and refuses a malformed one as every write does.
func TestOneTimeLinkBody(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	mt := h.meetingType(h.a.memberPAT, "", nil)
	path := "/v4/one-time-booking-link/create/" + mt
	wantStatus(t, h.do(req{method: "POST", path: path, token: h.a.memberPAT, body: map[string]any{}}), 201)
	wantStatus(t, h.do(req{method: "POST", path: path, token: h.a.memberPAT, body: "  "}), 201)
	wantExact(t, h.do(req{method: "POST", path: path, token: h.a.memberPAT, body: `{"x":`}), 400,
		`{"statusCode":400,"message":"Malformed JSON body","error":"Bad Request"}`)
	wantExact(t, h.do(req{method: "POST", path: path, token: h.a.memberPAT, body: "x=1", contentType: "application/x-www-form-urlencoded"}), 400,
		`{"statusCode":400,"message":"Content-Type must be application/json","error":"Bad Request"}`)
}
