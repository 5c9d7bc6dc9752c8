package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// crashBeforeAnswer is a store whose CompleteResponse never runs: the
// state a process leaves when it dies between booking and storing the
// booking's answer (the key reserved, the appointment made).
type crashBeforeAnswer struct{ meetd.Store }

func (crashBeforeAnswer) CompleteResponse(context.Context, string, string, string, int, []byte) error {
	return nil
}

// TestIdempotencyKeyStaysBoundAfterACrash: after a crash between a booking
// and its stored answer, another request with the same Idempotency-Key is
// 422, even once the dead reservation could be taken over; the same
// request gets the first appointment again.
func TestIdempotencyKeyStaysBoundAfterACrash(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, func(c *httpapi.Config) { c.Store = crashBeforeAnswer{c.Store} })
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		key := map[string]string{"Idempotency-Key": "crash-1"}
		first := monday.Add(3*24*time.Hour + 8*time.Hour) // Thursday 09:00 Berlin
		r := h.book(a.key, mt, a.member.ID, first, key)
		wantStatus(t, r, 201)
		booked := decode(t, r)

		h.clock.Advance(meetd.IdempotencyPendingTTL + time.Second)
		wantExact(t, h.book(a.key, mt, a.member.ID, first.Add(time.Hour), key), 422,
			`{"statusCode":422,"message":"Idempotency-Key was already used with a different request","error":"Unprocessable Entity"}`)
		r = h.book(a.key, mt, a.member.ID, first, key)
		wantStatus(t, r, 201)
		if again := decode(t, r); again["appointmentId"] != booked["appointmentId"] || again["secret"] != booked["secret"] {
			t.Fatalf("the retry answered %v, want the first booking %v", again, booked)
		}
		// The refused request booked nothing.
		wantStatus(t, h.book(a.key, mt, a.member.ID, first.Add(time.Hour), nil), 201)
	})
}
