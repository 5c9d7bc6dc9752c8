package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestErasureLeavesIDsAlone: a person's single names are erased from the
// texts about their records, and those texts hold ids and secrets; a name
// that happens to be part of an id (a short name, or hex-looking like
// "Ada", "Bea" or "Ed", is part of many) must leave the id whole. Here the
// person's first name is the first group of their earlier appointment's
// id: the erasure answers 200, and every appointment is still found by
// its id, with its attendee erased.
func TestErasureLeavesIDsAlone(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		mt := h.meetingType(h.a.key, h.a.member.ID, nil)
		book := func(start time.Time, first string) string {
			r := h.do(req{method: "POST", path: "/v4/booking", token: h.a.key, body: map[string]any{
				"meetingTypeId": mt, "start": start.Format(time.RFC3339), "hostIds": []string{h.a.member.ID},
				"attendee": map[string]any{"email": "erase-me@guest.example", "firstname": first, "lastname": "Doe"}}})
			wantStatus(t, r, 201)
			return decode(t, r)["appointmentId"].(string)
		}
		first := book(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), "Ann")
		second := book(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC), strings.ToUpper(first[:8]))
		r := h.do(req{method: "POST", path: "/v4/gdpr/erase", token: h.a.key, body: map[string]any{"email": "erase-me@guest.example"}})
		wantStatus(t, r, 200)
		for _, id := range []string{first, second} {
			r := h.get("/v4/appointment/"+id, h.a.key, h.a.member.ID)
			wantStatus(t, r, 200)
			ap := decode(t, r)
			if ap["id"] != id || attendeesOf(t, ap)[0]["email"] != "" {
				t.Fatalf("appointment %s after the erasure: %s", id, r.body)
			}
		}
	})
}
