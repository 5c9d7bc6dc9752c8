package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestConfirmAfterHostRemovedIsRefused: a double opt-in booking whose host
// was removed from the workspace before the attendee clicked the link makes
// no appointment; it answers 409 and stays pending until it expires.
func TestConfirmAfterHostRemovedIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", map[string]any{"meetingOptions": map[string]any{"doubleOptIn": true}})
		r := h.book(a.key, mt, a.member.ID, time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC), nil)
		wantStatus(t, r, 201)
		p := decode(t, r)
		id, link := p["provisionalBookingId"].(string), strings.TrimPrefix(p["confirmationUrl"].(string), h.srv.URL)

		wantStatus(t, h.do(req{method: "DELETE", path: "/v4/user/" + a.member.ID, token: a.key, acting: a.admin.ID}), 200)
		wantExact(t, h.get(link, "", ""), 409,
			`{"statusCode":409,"message":"A host of this booking is no longer available; please book again","error":"Conflict"}`)
		pb, err := h.db.ProvisionalForAttendee(context.Background(), id)
		if err != nil || pb.Status != meetd.ProvisionalPending || pb.AppointmentID != "" {
			t.Fatalf("after the refusal the booking is %+v, %v; want pending without an appointment", pb, err)
		}
	})
}
