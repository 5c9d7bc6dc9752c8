package httpapi_test

import (
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestQueueMembershipIsTheirsOrAnAdmins: a member may put only themselves
// in or out of a queue, even of their own meeting type, so nobody books a
// colleague (or reads their free time) through a queue the colleague never
// joined; admins and the users concerned may.
func TestQueueMembershipIsTheirsOrAnAdmins(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		patch := func(token, acting, user string) response {
			return h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + mt, token: token, acting: acting,
				body: map[string]any{"userId": user}})
		}
		refused := `{"statusCode":403,"message":"Only company admins can add or remove other users in a queue","error":"Forbidden"}`

		wantExact(t, patch(a.memberPAT, "", a.owner.ID), 403, refused)
		wantExact(t, patch(a.key, a.member.ID, a.admin.ID), 403, refused)
		r := patch(a.memberPAT, "", a.member.ID)
		wantStatus(t, r, 200)
		queueID := decode(t, r)["id"].(string)

		// The owner's calendar is not reachable through the member's queue.
		start := monday.Add(3 * 24 * time.Hour).Add(8 * time.Hour) // Thursday 10:00 Berlin
		r = h.do(req{method: "POST", path: "/v4/booking", token: a.memberPAT, body: map[string]any{"meetingTypeId": mt,
			"start": start.Format(time.RFC3339), "queueId": queueID, "attendee": attendee("q@guest.example")}})
		wantStatus(t, r, 201)
		ap := decode(t, h.get("/v4/appointment/"+decode(t, r)["appointmentId"].(string), a.memberPAT, ""))
		if hosts := ap["hostIds"]; hosts == nil || len(hosts.([]any)) != 1 || hosts.([]any)[0] != a.member.ID {
			t.Fatalf("queue booking went to %v, want only the member", hosts)
		}

		// Admins may add and remove anyone; a member added by an admin may
		// leave, but may not remove a colleague.
		wantStatus(t, patch(a.adminPAT, "", a.owner.ID), 200)
		wantStatus(t, patch(a.key, a.admin.ID, a.admin.ID), 200)
		wantExact(t, patch(a.memberPAT, "", a.owner.ID), 403, refused)
		wantStatus(t, patch(a.ownerPAT, "", a.owner.ID), 200) // the owner leaves on their own
		wantStatus(t, patch(a.memberPAT, "", a.member.ID), 200)
		users := decode(t, patch(a.key, a.admin.ID, a.member.ID))["users"].([]any)
		if len(users) != 2 {
			t.Fatalf("queue members %v, want the admin and the member", users)
		}
	})
}
