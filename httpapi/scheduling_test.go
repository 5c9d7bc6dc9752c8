package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// monday is the scheduling tests' "now": Monday 2 March 2026, 06:00 UTC
// (07:00 in Berlin), before the working day.
var monday = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

const slotTaken = `{"statusCode":409,"message":"Slot no longer available","error":"Conflict"}`

// meetingType creates a 30-minute meeting type (Mon–Fri 09:00–17:00
// Europe/Berlin) for the user token acts as and returns its id.
func (h *harness) meetingType(token, acting string, extra map[string]any) string {
	h.t.Helper()
	body := map[string]any{
		"meetingInfo":  map[string]any{"name": "Intro Call", "duration": 30, "channel": "zoom", "description": ""},
		"availability": map[string]any{"name": "Hours", "timezone": "Europe/Berlin", "schedule": workweek()},
	}
	for k, v := range extra {
		body[k] = v
	}
	r := h.do(req{method: "POST", path: "/v4/meeting-type", token: token, acting: acting, body: body})
	wantStatus(h.t, r, 201)
	return decode(h.t, r)["id"].(string)
}

func workweek() map[string]any {
	s := map[string]any{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		s[d] = map[string]any{"enabled": true, "hours": []any{map[string]any{"start": "09:00", "end": "17:00"}}}
	}
	return s
}

func attendee(email string) map[string]any {
	return map[string]any{"email": email, "firstname": "Ada", "lastname": "Guest", "receiveReminders": true, "notes": map[string]any{}}
}

func (h *harness) book(token, mtID, hostID string, start time.Time, header map[string]string) response {
	h.t.Helper()
	return h.do(req{method: "POST", path: "/v4/booking", token: token, header: header, body: map[string]any{
		"meetingTypeId": mtID, "start": start.Format(time.RFC3339), "hostIds": []string{hostID},
		"attendee": attendee("ada@guest.example")}})
}

func slotStarts(t *testing.T, r response) []string {
	t.Helper()
	var body struct {
		Dates []struct {
			Spots []struct{ StartTime string }
		}
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range body.Dates {
		for _, s := range d.Spots {
			out = append(out, s.StartTime)
		}
	}
	return out
}

// TestNewUserBookingFlow is the walk-through of the scheduling issue: list
// meeting types, fetch slots, book one, see it in the appointment list,
// cancel it with the secret, book the slot again.
func TestNewUserBookingFlow(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		list := h.get("/v4/meeting-type", a.memberPAT, "")
		wantStatus(t, list, 200)
		if !strings.Contains(string(list.body), mt) {
			t.Fatalf("meeting type list %s", list.body)
		}
		q := url.Values{"meetingTypeId": {mt}, "hostIds": {a.member.ID}, "start": {"2026-03-02"}, "end": {"2026-03-02"},
			"timezone": {"Europe/Berlin"}}
		r := h.get("/v4/booking-availability?"+q.Encode(), a.key, "")
		wantStatus(t, r, 200)
		starts := slotStarts(t, r)
		if len(starts) != 16 || starts[0] != "2026-03-02T09:00:00.000+01:00" || starts[15] != "2026-03-02T16:30:00.000+01:00" {
			t.Fatalf("slots %v", starts)
		}
		slot := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) // 10:30 Berlin
		r = h.book(a.key, mt, a.member.ID, slot, nil)
		wantStatus(t, r, 201)
		booked := decode(t, r)
		apID, secret := booked["appointmentId"].(string), booked["secret"].(string)
		if secret == "" {
			t.Fatal("no secret")
		}
		wantExact(t, h.book(a.key, mt, a.member.ID, slot, nil), 409, slotTaken)
		after := slotStarts(t, h.get("/v4/booking-availability?"+q.Encode(), a.key, ""))
		if len(after) != 15 || strings.Contains(strings.Join(after, ","), "10:30:00.000+01:00") {
			t.Fatalf("the booked slot is still offered: %v", after)
		}
		page := decode(t, h.get("/v4/appointment/paginated?page=0&pageSize=10", a.memberPAT, ""))
		if page["total"] != 1.0 || page["appointments"].([]any)[0].(map[string]any)["id"] != apID {
			t.Fatalf("appointment list %v", page)
		}
		wantStatus(t, h.do(req{method: "POST", path: "/v4/public/appointment/" + apID + "/cancel",
			body: map[string]any{"secret": "wrong"}}), 404)
		r = h.do(req{method: "POST", path: "/v4/public/appointment/" + apID + "/cancel",
			body: map[string]any{"secret": secret, "reason": "Cannot make it"}})
		wantStatus(t, r, 200)
		if c := decode(t, r); c["isCancelled"] != true || c["cancel"].(map[string]any)["actionSource"] != "attendee" {
			t.Fatalf("cancelled %s", r.body)
		}
		wantStatus(t, h.book(a.key, mt, a.member.ID, slot, nil), 201)
	})
}

func TestBookingRules(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", map[string]any{"bookingMinimum": 120, "timeslotInterval": 15,
		"meetingOptions": map[string]any{"allowedDurations": []int{60}},
		"daysIntoFuture": map[string]any{"mode": "limit", "bookingLimit": 7 * 24 * 60}})
	at := func(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour-1, min, 0, 0, time.UTC) } // Berlin = UTC+1
	cases := []struct {
		name   string
		start  time.Time
		extra  map[string]any
		status int
	}{
		{"on the grid within hours", at(2, 9, 15), nil, 201},
		{"off the 15-minute grid", at(2, 9, 20), nil, 409},
		{"before working hours", at(2, 8, 0), nil, 409},
		{"ending after working hours", at(2, 16, 45), nil, 409},
		{"inside the minimum notice", at(2, 8, 45), nil, 409},
		{"on a Saturday", at(7, 10, 0), nil, 409},
		{"beyond the booking window", at(10, 10, 0), nil, 409},
		{"an allowed longer duration", at(3, 10, 0), map[string]any{"duration": 60}, 201},
		{"a duration not allowed", at(3, 14, 0), map[string]any{"duration": 45}, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"meetingTypeId": mt, "start": tc.start.Format(time.RFC3339), "hostIds": []string{a.member.ID},
				"attendee": attendee("x@guest.example")}
			for k, v := range tc.extra {
				body[k] = v
			}
			wantStatus(t, h.do(req{method: "POST", path: "/v4/booking", token: a.memberPAT, body: body}), tc.status)
		})
	}
	t.Run("an admin's key may ignore availability but never double-book", func(t *testing.T) {
		body := map[string]any{"meetingTypeId": mt, "start": at(7, 10, 0).Format(time.RFC3339), "hostIds": []string{a.member.ID},
			"attendee": attendee("x@guest.example"), "ignoreAvailability": true}
		wantStatus(t, h.do(req{method: "POST", path: "/v4/booking", token: a.memberPAT, body: body}), 403)
		wantStatus(t, h.do(req{method: "POST", path: "/v4/booking", token: a.key, body: body}), 201)
		wantExact(t, h.do(req{method: "POST", path: "/v4/booking", token: a.key, body: body}), 409, slotTaken)
	})
}

func TestBookingValidation(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", nil)
	start := "2026-03-02T10:00:00+01:00"
	cases := []struct {
		name   string
		body   map[string]any
		status int
		want   string
	}{
		{"neither hostIds nor queueId books the owner", map[string]any{"meetingTypeId": mt, "start": start, "attendee": attendee("a@b.example")}, 201, ""},
		{"flat attendee", map[string]any{"meetingTypeId": mt, "start": start, "hostIds": []string{a.member.ID}, "email": "a@b.example"}, 400,
			`{"statusCode":400,"message":["attendee should not be empty"],"error":"Bad Request","errors":[{"field":"attendee","message":"attendee should not be empty"}]}`},
		{"attendee without notes and reminders", map[string]any{"meetingTypeId": mt, "start": "2026-03-02T11:00:00+01:00", "hostIds": []string{a.member.ID},
			"attendee": map[string]any{"email": "a@b.example"}}, 201, ""},
		{"start without offset", map[string]any{"meetingTypeId": mt, "start": "2026-03-02T10:00:00", "hostIds": []string{a.member.ID},
			"attendee": attendee("a@b.example")}, 400, ""},
		{"unknown meeting type", map[string]any{"meetingTypeId": "00000000-0000-4000-8000-000000000000", "start": start,
			"hostIds": []string{a.member.ID}, "attendee": attendee("a@b.example")}, 404,
			`{"statusCode":404,"message":"Meeting type not found","error":"Not Found"}`},
		{"another company's host", map[string]any{"meetingTypeId": mt, "start": start, "hostIds": []string{h.b.member.ID},
			"attendee": attendee("a@b.example")}, 400, ""},
		{"a queue on a meeting type without one", map[string]any{"meetingTypeId": mt, "start": start,
			"queueId": "00000000-0000-4000-8000-000000000000", "attendee": attendee("a@b.example")}, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(req{method: "POST", path: "/v4/booking", token: a.key, body: tc.body})
			if tc.want != "" {
				wantExact(t, r, tc.status, tc.want)
			} else {
				wantStatus(t, r, tc.status)
			}
		})
	}
	q := url.Values{"meetingTypeId": {mt}, "start": {"2026-03-02"}, "end": {"2026-03-03"}}
	wantStatus(t, h.get("/v4/booking-availability?"+q.Encode(), a.key, ""), 200)
	q.Set("hostIds", a.member.ID)
	q.Set("meetingTypeId", "00000000-0000-4000-8000-000000000000")
	wantExact(t, h.get("/v4/booking-availability?"+q.Encode(), a.key, ""), 400,
		`{"statusCode":400,"message":"Meeting Type Not Found","error":"Bad Request"}`)
	q.Set("meetingTypeId", mt)
	q.Set("from", "2026-03-02")
	wantStatus(t, h.get("/v4/booking-availability?"+q.Encode(), a.key, ""), 400)
}

// TestNoDoubleBooking fires concurrent requests at one slot: exactly one
// booking, reschedule or confirmation wins.
func TestNoDoubleBooking(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		slot := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		race := func(n int, fn func(i int) response) (ok, taken int) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range n {
				wg.Go(func() {
					r := fn(i)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case r.status == 201 || r.status == 200:
						ok++
					case r.status == 409 && string(r.body) == slotTaken:
						taken++
					default:
						t.Errorf("unexpected %d %s", r.status, r.body)
					}
				})
			}
			wg.Wait()
			return ok, taken
		}
		t.Run("twenty concurrent bookings", func(t *testing.T) {
			ok, taken := race(20, func(int) response { return h.book(a.key, mt, a.member.ID, slot, nil) })
			if ok != 1 || taken != 19 {
				t.Fatalf("%d created, %d refused; want 1 and 19", ok, taken)
			}
		})
		t.Run("twenty concurrent reschedules into one slot", func(t *testing.T) {
			var ids []string
			for i := range 20 {
				day, half := 4+2*(i/16), i%16 // 16 half hours fill 09:00–17:00 Berlin
				r := h.book(a.key, mt, a.member.ID, time.Date(2026, 3, day, 8+half/2, 30*(half%2), 0, 0, time.UTC), nil)
				wantStatus(t, r, 201)
				ids = append(ids, decode(t, r)["appointmentId"].(string))
			}
			target := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
			ok, _ := race(20, func(i int) response {
				return h.do(req{method: "POST", path: "/v4/appointment/" + ids[i] + "/reschedule", token: a.key, acting: a.member.ID,
					body: map[string]any{"start": target.Format(time.RFC3339)}})
			})
			if ok != 1 {
				t.Fatalf("%d reschedules won, want 1", ok)
			}
		})
		t.Run("two provisional bookings of one slot confirmed at once", func(t *testing.T) {
			doi := h.meetingType(a.adminPAT, "", map[string]any{"slug": "doi", "meetingOptions": map[string]any{"doubleOptIn": "enabled"}})
			s2 := time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC)
			var links []string
			for range 2 {
				r := h.book(a.key, doi, a.admin.ID, s2, nil)
				wantStatus(t, r, 201)
				p := decode(t, r)
				if p["bookingType"] != "doubleOptIn" {
					t.Fatalf("booking %s", r.body)
				}
				links = append(links, p["confirmationUrl"].(string))
			}
			ok, taken := race(2, func(i int) response { return h.do(req{method: "GET", path: strings.TrimPrefix(links[i], h.srv.URL)}) })
			if ok != 1 || taken != 1 {
				t.Fatalf("%d confirmed, %d refused; want 1 and 1", ok, taken)
			}
		})
	})
}

func TestDoubleOptIn(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", map[string]any{"meetingOptions": map[string]any{"doubleOptIn": true}})
	slot := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	r := h.book(a.memberPAT, mt, a.member.ID, slot, nil)
	wantStatus(t, r, 201)
	p := decode(t, r)
	id, link := p["provisionalBookingId"].(string), p["confirmationUrl"].(string)
	pending := decode(t, h.get("/v4/provisional-booking/paginated?page=0&pageSize=10&status=pending", a.memberPAT, ""))
	if pending["total"] != 1.0 {
		t.Fatalf("pending %v", pending)
	}
	// A pending booking does not hold the slot.
	if starts := slotStarts(t, h.get("/v4/booking-availability?meetingTypeId="+mt+"&hostIds="+a.member.ID+
		"&start=2026-03-03&end=2026-03-03", a.memberPAT, "")); !strings.Contains(strings.Join(starts, ","), "2026-03-03T10:00:00.000Z") {
		t.Fatalf("a pending booking holds its slot: %v", starts)
	}
	path := strings.TrimPrefix(link, h.srv.URL)
	wantStatus(t, h.do(req{method: "HEAD", path: path}), 200) // a link checker's probe
	if p := decode(t, h.get("/v4/provisional-booking/paginated?page=0&pageSize=10&status=pending", a.memberPAT, "")); p["total"] != 1.0 {
		t.Fatal("a HEAD request confirmed the booking")
	}
	wantStatus(t, h.get(strings.Replace(path, "token=", "token=x", 1), "", ""), 404)
	first := h.get(path, "", "")
	wantStatus(t, first, 200)
	again := h.get(path, "", "")
	if decode(t, again)["appointmentId"] != decode(t, first)["appointmentId"] {
		t.Fatal("a second click made another appointment")
	}
	confirmed := decode(t, h.get("/v4/provisional-booking/paginated?page=0&pageSize=10&status=confirmed", a.memberPAT, ""))
	if confirmed["total"] != 1.0 || confirmed["provisionalBookings"].([]any)[0].(map[string]any)["id"] != id {
		t.Fatalf("confirmed %v", confirmed)
	}
	// An unconfirmed booking expires after 24 hours.
	r = h.book(a.memberPAT, mt, a.member.ID, slot.Add(time.Hour), nil)
	late := strings.TrimPrefix(decode(t, r)["confirmationUrl"].(string), h.srv.URL)
	h.clock.Advance(25 * time.Hour)
	wantExact(t, h.get(late, "", ""), 409, `{"statusCode":409,"message":"The provisional booking has expired","error":"Conflict"}`)
}

func TestIdempotencyKey(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", nil)
	slot := time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC)
	key := map[string]string{"Idempotency-Key": "booking-1"}
	first := h.book(a.key, mt, a.member.ID, slot, key)
	wantStatus(t, first, 201)
	replay := h.book(a.key, mt, a.member.ID, slot, key)
	if replay.status != 201 || string(replay.body) != string(first.body) || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay %d %s %v", replay.status, replay.body, replay.header)
	}
	wantExact(t, h.book(a.key, mt, a.member.ID, slot.Add(time.Hour), key), 422,
		`{"statusCode":422,"message":"Idempotency-Key was already used with a different request","error":"Unprocessable Entity"}`)
	// Keys belong to a credential: another one may reuse the string.
	wantExact(t, h.book(a.memberPAT, mt, a.member.ID, slot, key), 409, slotTaken)
	// Cancelling the booking frees the slot for a new key.
	apID := decode(t, first)["appointmentId"].(string)
	wantStatus(t, h.do(req{method: "DELETE", path: "/v4/appointment/" + apID, token: a.memberPAT}), 204)
	wantStatus(t, h.book(a.key, mt, a.member.ID, slot, map[string]string{"Idempotency-Key": "booking-2"}), 201)
	// A replayed double opt-in answer carries a fresh link; the first
	// one stops working, and no link is kept at rest.
	doi := h.meetingType(a.memberPAT, "", map[string]any{"slug": "doi", "meetingOptions": map[string]any{"doubleOptIn": "enabled"}})
	dkey := map[string]string{"Idempotency-Key": "doi-1"}
	d1 := decode(t, h.book(a.key, doi, a.member.ID, slot.Add(3*time.Hour), dkey))
	d2 := decode(t, h.book(a.key, doi, a.member.ID, slot.Add(3*time.Hour), dkey))
	if d1["provisionalBookingId"] != d2["provisionalBookingId"] || d1["confirmationUrl"] == d2["confirmationUrl"] || d2["confirmationUrl"] == nil {
		t.Fatalf("double opt-in replay: %v / %v", d1, d2)
	}
	wantStatus(t, h.get(strings.TrimPrefix(d1["confirmationUrl"].(string), h.srv.URL), "", ""), 404)
	wantStatus(t, h.get(strings.TrimPrefix(d2["confirmationUrl"].(string), h.srv.URL), "", ""), 200)
	// Concurrent requests with one key make one booking.
	var wg sync.WaitGroup
	results := make([]response, 8)
	for i := range results {
		wg.Go(func() {
			results[i] = h.book(a.key, mt, a.member.ID, slot.Add(4*time.Hour), map[string]string{"Idempotency-Key": "race"})
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, r := range results {
		switch r.status {
		case 201:
			ids[decode(t, r)["appointmentId"].(string)] = true
		case 409:
			if m := decode(t, r)["message"]; m != "A request with this Idempotency-Key is still being processed" {
				t.Fatalf("concurrent same-key request: %s", r.body)
			}
		default:
			t.Fatalf("concurrent same-key request: %d %s", r.status, r.body)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("one key made %d bookings", len(ids))
	}
	// The same key on POST /v4/user replays too.
	user := map[string]any{"email": "idem@a.example.com", "givenName": "I", "familyName": "D", "timezone": "UTC"}
	u1 := h.do(req{method: "POST", path: "/v4/user", token: a.key, body: user, header: map[string]string{"Idempotency-Key": "u"}})
	u2 := h.do(req{method: "POST", path: "/v4/user", token: a.key, body: user, header: map[string]string{"Idempotency-Key": "u"}})
	if u1.status != 201 || string(u1.body) != string(u2.body) {
		t.Fatalf("user replay: %d %s / %d %s", u1.status, u1.body, u2.status, u2.body)
	}
}

func TestRoundRobinQueue(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.adminPAT, "", nil)
	// The admin and the member both need working hours to take bookings.
	for _, u := range []string{a.member.ID, a.admin.ID} {
		r := h.do(req{method: "POST", path: "/v4/availability", token: a.key, acting: u,
			body: map[string]any{"name": "Hours", "timezone": "Europe/Berlin", "schedule": workweek()}})
		wantStatus(t, r, 201)
	}
	var queueID string
	for _, u := range []string{a.admin.ID, a.member.ID} {
		r := h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + mt, token: a.adminPAT, body: map[string]any{"userId": u}})
		wantStatus(t, r, 200)
		queueID = decode(t, r)["id"].(string)
	}
	r := h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + mt, token: a.adminPAT,
		body: map[string]any{"userPriorities": []any{map[string]any{"userId": a.member.ID, "priority": 5}}, "type": "simpleRoundRobin"}})
	wantStatus(t, r, 200)
	next := decode(t, h.get("/v4/queue/"+queueID+"/next", a.adminPAT, ""))["nextHosts"].([]any)
	if next[0].(map[string]any)["userId"] != a.member.ID {
		t.Fatalf("next hosts %v", next)
	}
	bookQueue := func(start time.Time) string {
		r := h.do(req{method: "POST", path: "/v4/booking", token: a.key, body: map[string]any{"meetingTypeId": mt,
			"start": start.Format(time.RFC3339), "queueId": queueID, "attendee": attendee("q@guest.example")}})
		wantStatus(t, r, 201)
		ap := decode(t, h.get("/v4/appointment/"+decode(t, r)["appointmentId"].(string), a.key, a.owner.ID))
		return ap["hostIds"].([]any)[0].(string)
	}
	slot := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	if host := bookQueue(slot); host != a.member.ID {
		t.Fatalf("first booking went to %s, want the higher-priority member", host)
	}
	// The member is busy at that time: the same slot goes to the admin.
	if host := bookQueue(slot); host != a.admin.ID {
		t.Fatalf("second booking went to %s, want the free admin", host)
	}
	q := decode(t, h.get("/v4/queue/"+queueID, a.adminPAT, ""))
	if len(q["users"].([]any)) != 2 {
		t.Fatalf("queue %v", q)
	}
	qs := url.Values{"meetingTypeId": {mt}, "queueId": {queueID}, "start": {"2026-03-03"}, "end": {"2026-03-03"}}
	if starts := slotStarts(t, h.get("/v4/booking-availability?"+qs.Encode(), a.key, "")); len(starts) == 0 ||
		strings.Contains(strings.Join(starts, ","), "2026-03-03T09:00:00.000Z") {
		t.Fatalf("queue slots %v: the slot both hosts are booked in must be gone", starts)
	}
}

func TestUsageMetering(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	p := h.newTenant("platform", "api-platform")
	mt := h.meetingType(p.memberPAT, "", nil)
	for i := range 3 {
		wantStatus(t, h.book(p.key, mt, p.member.ID, time.Date(2026, 3, 3, 9+i, 0, 0, 0, time.UTC), nil), 201)
	}
	wantStatus(t, h.book(p.memberPAT, mt, p.member.ID, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), nil), 201)
	u := decode(t, h.get("/v4/usage?from=2026-03-01&to=2026-03-31", p.key, ""))
	months := u["months"].([]any)
	if u["total"] != 4.0 || len(months) != 1 || months[0].(map[string]any)["month"] != "2026-03" {
		t.Fatalf("usage %v", u)
	}
	creds := months[0].(map[string]any)["credentials"].([]any)
	counts := map[string]float64{}
	for _, c := range creds {
		counts[c.(map[string]any)["credentialId"].(string)] = c.(map[string]any)["bookings"].(float64)
	}
	if counts[p.keyID] != 3 || len(counts) != 2 {
		t.Fatalf("per credential %v", counts)
	}
	// An enterprise company's bookings are not metered.
	mtA := h.meetingType(h.a.memberPAT, "", nil)
	wantStatus(t, h.book(h.a.key, mtA, h.a.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), nil), 201)
	if u := decode(t, h.get("/v4/usage?from=2026-03-01&to=2026-03-31", h.a.key, "")); u["total"] != 0.0 {
		t.Fatalf("enterprise usage %v", u)
	}
	wantStatus(t, h.get("/v4/usage", h.a.memberPAT, ""), 403)
}

func TestAvailabilityAndExceptions(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	r := h.do(req{method: "POST", path: "/v4/availability", token: a.memberPAT, body: map[string]any{"name": "Mornings",
		"timezone": "America/New_York", "schedule": []any{map[string]any{"dayOfWeek": "monday",
			"intervals": []any{map[string]any{"from": "08:00", "to": "12:00"}}}}}})
	wantStatus(t, r, 201)
	av := decode(t, r)
	id := av["id"].(string)
	if av["schedule"].(map[string]any)["monday"].(map[string]any)["enabled"] != true ||
		av["schedule"].(map[string]any)["sunday"].(map[string]any)["enabled"] != false {
		t.Fatalf("schedule %s", r.body)
	}
	wantStatus(t, h.do(req{method: "PATCH", path: "/v4/availability/" + id, token: a.memberPAT,
		body: map[string]any{"timezone": "Mars/Base"}}), 400)
	r = h.do(req{method: "PATCH", path: "/v4/availability/" + id, token: a.memberPAT,
		body: map[string]any{"schedule": map[string]any{"tuesday": map[string]any{"enabled": true,
			"hours": []any{map[string]any{"start": "10:00", "end": "11:00"}}}}}})
	wantStatus(t, r, 200)
	if s := decode(t, r)["schedule"].(map[string]any); s["monday"].(map[string]any)["enabled"] != false {
		t.Fatalf("a schedule PATCH replaces the week: %v", s)
	}
	r = h.do(req{method: "POST", path: "/v4/availability/" + id + "/exceptions", token: a.memberPAT,
		body: map[string]any{"available": false, "start": "2026-12-24", "end": "2026-12-26", "title": "Holidays"}})
	wantStatus(t, r, 201)
	ex := decode(t, r)
	if ex["start"] != "2026-12-24T05:00:00.000Z" || ex["end"] != "2026-12-27T05:00:00.000Z" {
		t.Fatalf("all-day exception in New York: %v", ex)
	}
	wantStatus(t, h.do(req{method: "POST", path: "/v4/availability/" + id + "/exceptions", token: a.memberPAT,
		body: map[string]any{"start": "2026-12-24T10:00:00Z", "end": "2026-12-24T09:00:00Z"}}), 400)
	got := decode(t, h.get("/v4/availability/"+id, a.memberPAT, ""))
	if len(got["exceptions"].([]any)) != 1 {
		t.Fatalf("exceptions %v", got["exceptions"])
	}
	exID := fmt.Sprint(ex["id"])
	wantStatus(t, h.do(req{method: "DELETE", path: "/v4/availability/" + id + "/exceptions/" + exID, token: a.memberPAT}), 204)
	wantStatus(t, h.do(req{method: "DELETE", path: "/v4/availability/" + id + "/exceptions/" + exID, token: a.memberPAT}), 404)
	wantStatus(t, h.do(req{method: "DELETE", path: "/v4/availability/" + id, token: a.memberPAT}), 204)
	wantStatus(t, h.get("/v4/availability/"+id, a.memberPAT, ""), 404)
}

func TestMeetingTypeLifecycle(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	id := h.meetingType(a.memberPAT, "", map[string]any{"slug": "Intro Call", "metadata": map[string]any{"crm": "42"},
		"meetingInfo": map[string]any{"name": "Intro", "duration": 30, "channel": "zoom", "color": "#00f", "description": ""}})
	got := decode(t, h.get("/v4/meeting-type/"+id, a.memberPAT, ""))
	if got["slug"] != "intro-call" || got["metadata"].(map[string]any)["crm"] != "42" ||
		got["meetingInfo"].(map[string]any)["color"] != "#00f" {
		t.Fatalf("created %v", got)
	}
	r := h.do(req{method: "POST", path: "/v4/meeting-type", token: a.memberPAT, body: map[string]any{"slug": "intro-call",
		"meetingInfo": map[string]any{"name": "X", "duration": 15, "channel": "zoom"}}})
	wantExact(t, r, 409, `{"statusCode":409,"message":"Slug Already Exists","error":"Conflict"}`)
	r = h.do(req{method: "PATCH", path: "/v4/meeting-type/" + id, token: a.memberPAT, body: map[string]any{
		"meetingInfo": map[string]any{"duration": 45, "color": nil}, "timeslotInterval": 15, "allowPhoneOnlyBooking": true}})
	wantStatus(t, r, 200)
	got = decode(t, r)
	info := got["meetingInfo"].(map[string]any)
	if info["duration"] != 45.0 || info["name"] != "Intro" || info["color"] != nil || got["timeslotInterval"] != 15.0 ||
		got["meetingOptions"].(map[string]any)["allowPhoneOnlyBooking"] != true {
		t.Fatalf("patched %v", got)
	}
	wantStatus(t, h.do(req{method: "PATCH", path: "/v4/meeting-type/" + id, token: a.memberPAT,
		body: map[string]any{"meetingInfo": map[string]any{"duration": 4}}}), 400)
	r = h.do(req{method: "DELETE", path: "/v4/meeting-type/" + id, token: a.memberPAT})
	if r.status != 200 || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	wantExact(t, h.get("/v4/meeting-type/"+id, a.memberPAT, ""), 404, `{"statusCode":404,"message":"Meeting type not found","error":"Not Found"}`)
}

// hostIds can name only the meeting type's own host (or its queue's
// members): nobody's calendar is bookable through a colleague's meeting type.
func TestHostsBelongToTheMeetingType(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", nil)
	h.meetingType(a.adminPAT, "", nil) // the admin has working hours too
	slot := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	r := h.book(a.memberPAT, mt, a.admin.ID, slot, nil)
	wantExact(t, r, 400, `{"statusCode":400,"message":["hostIds must name the meeting type's host or members of its queue"],"error":"Bad Request","errors":[{"field":"hostIds","message":"hostIds must name the meeting type's host or members of its queue"}]}`)
	// A repeated host is one host.
	r = h.do(req{method: "POST", path: "/v4/booking", token: a.key, body: map[string]any{"meetingTypeId": mt,
		"start": slot.Format(time.RFC3339), "hostIds": []string{a.member.ID, strings.ToUpper(a.member.ID), a.member.ID},
		"attendee": attendee("dup@guest.example")}})
	wantStatus(t, r, 201)
	q := url.Values{"meetingTypeId": {mt}, "hostIds": {a.admin.ID}, "start": {"2026-03-03"}, "end": {"2026-03-03"}}
	wantStatus(t, h.get("/v4/booking-availability?"+q.Encode(), a.memberPAT, ""), 400)
}

func TestQueueReadRules(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	mt := h.meetingType(a.adminPAT, "", nil)
	r := h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + mt, token: a.adminPAT, body: map[string]any{"userId": a.admin.ID}})
	wantStatus(t, r, 200)
	id := decode(t, r)["id"].(string)
	wantStatus(t, h.get("/v4/queue/"+id, a.memberPAT, ""), 403)
	wantStatus(t, h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + mt, token: a.adminPAT, body: map[string]any{"userId": a.member.ID}}), 200)
	wantStatus(t, h.get("/v4/queue/"+id, a.memberPAT, ""), 200) // now a member of it
	wantStatus(t, h.do(req{method: "DELETE", path: "/v4/meeting-type/" + mt, token: a.adminPAT}), 200)
	wantStatus(t, h.get("/v4/queue/"+id, a.memberPAT, ""), 404)
	wantStatus(t, h.get("/v4/queue/"+id, a.adminPAT, ""), 404)
}

// TestConcurrentPatches: many PATCHes of one meeting type at once all land,
// one after the other, and never starve the connection pool.
func TestConcurrentPatches(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 6000, Burst: 6000} })
		a := h.a
		mt := h.meetingType(a.memberPAT, "", nil)
		av := decode(t, h.get("/v4/meeting-type/"+mt, a.memberPAT, ""))["availabilityId"].(string)
		done := make(chan struct{})
		go func() {
			defer close(done)
			var wg sync.WaitGroup
			for i := range 30 {
				wg.Go(func() {
					r := h.do(req{method: "PATCH", path: "/v4/meeting-type/" + mt, token: a.memberPAT,
						body: map[string]any{"availabilityId": av, "meetingInfo": map[string]any{"bufferAfter": i}}})
					if r.status != 200 {
						t.Errorf("PATCH %d: %d %s", i, r.status, r.body)
					}
				})
			}
			wg.Wait()
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatal("concurrent PATCHes did not finish within a minute")
		}
	})
}
