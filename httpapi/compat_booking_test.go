package httpapi_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// The request shapes meetergo's clients send for slots and bookings, one
// test per client, each checking the fields that client reads
// (docs/decisions.md, "What meetergo's clients send"). MCP is meetergo's
// own MCP server, MCP01 its first release, N8N the n8n node, PY the
// community Python client.

// compat is a company where the member owns a meeting type (mt) and the
// admin a queue meeting type (queueMT) whose queue holds the admin and the
// member; both have working hours Mon–Fri 09:00–17:00 Berlin.
type compat struct {
	*harness
	mt, queueMT, queueID string
}

func newCompat(t *testing.T, b sqldbtest.Backend) compat {
	t.Helper()
	h := newHarness(t, b)
	h.clock.Set(monday)
	a := h.a
	for _, u := range []string{a.member.ID, a.admin.ID} {
		wantStatus(t, h.do(req{method: "POST", path: "/v4/availability", token: a.key, acting: u,
			body: map[string]any{"name": "Hours", "timezone": "Europe/Berlin", "schedule": workweek()}}), 201)
	}
	c := compat{harness: h, mt: h.meetingType(a.memberPAT, "", nil),
		queueMT: h.meetingType(a.adminPAT, "", map[string]any{"slug": "team-call"})}
	for _, u := range []string{a.admin.ID, a.member.ID} {
		r := h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + c.queueMT, token: a.adminPAT, body: map[string]any{"userId": u}})
		wantStatus(t, r, 200)
		c.queueID = decode(t, r)["id"].(string)
	}
	return c
}

// slots asks for slots with the query as given and returns the start times.
func (c compat) slots(t *testing.T, query string) []string {
	t.Helper()
	r := c.get("/v4/booking-availability?"+query, c.a.key, "")
	wantStatus(t, r, 200)
	starts := slotStarts(t, r)
	if len(starts) == 0 {
		t.Fatalf("no slots for %s: %s", query, r.body)
	}
	return starts
}

// booked posts body as a booking, wants the confirmed answer the clients
// read (appointmentId and secret, and no bookingType, which MCP reads as
// "not booked yet") and returns the appointment.
func (c compat) booked(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	r := c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: body})
	wantStatus(t, r, 201)
	got := decode(t, r)
	if _, pending := got["bookingType"]; pending || got["appointmentId"] == nil || got["secret"] == nil {
		t.Fatalf("booking answer %s", r.body)
	}
	return decode(t, c.get("/v4/appointment/"+got["appointmentId"].(string), c.a.key, c.a.owner.ID))
}

func firstAttendee(t *testing.T, ap map[string]any) map[string]any {
	t.Helper()
	list, _ := ap["attendees"].([]any)
	if len(list) == 0 {
		t.Fatalf("appointment without attendees: %v", ap)
	}
	return list[0].(map[string]any)
}

// wantMessages fails unless r is a 400 validation failure whose message
// list, joined with "; " as MCP shows it, is want, and errors[] lists as
// many entries.
func wantMessages(t *testing.T, r response, want string) {
	t.Helper()
	var body struct {
		Message []string
		Errors  []struct{ Field, Message string }
	}
	if r.status != 400 || json.Unmarshal(r.body, &body) != nil {
		t.Fatalf("got %d %s, want a 400 validation failure", r.status, r.body)
	}
	if got := strings.Join(body.Message, "; "); got != want || len(body.Errors) != len(body.Message) {
		t.Fatalf("message %q with %d errors, want %q", got, len(body.Errors), want)
	}
}

// Tuesday 3 March 2026 in Berlin (UTC+1).
func tuesdayAt(hour, min int) string {
	return time.Date(2026, 3, 3, hour-1, min, 0, 0, time.UTC).Format(time.RFC3339)
}

func TestCompatMCPSlotsWithRepeatedHostIdsOrQueueId(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		q := url.Values{"meetingTypeId": {c.queueMT}, "hostIds": {c.a.admin.ID, c.a.member.ID},
			"start": {"2026-03-03"}, "end": {"2026-03-03"}, "timezone": {"Europe/Berlin"}}
		if starts := c.slots(t, q.Encode()); starts[0] != "2026-03-03T09:00:00.000+01:00" {
			t.Fatalf("repeated hostIds: %v", starts)
		}
		q.Del("hostIds")
		q.Set("queueId", c.queueID)
		if starts := c.slots(t, q.Encode()); starts[0] != "2026-03-03T09:00:00.000+01:00" {
			t.Fatalf("queueId: %v", starts)
		}
	})
}

func TestCompatMCPBookingWithHostIdsOrQueueId(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		ap := c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(10, 0), "hostIds": []string{c.a.member.ID},
			"attendee": map[string]any{"email": "ada@guest.example", "firstname": "Ada", "lastname": "Lovelace",
				"fullname": "Ada Lovelace", "phone": "+49301234567", "timezone": "Europe/Berlin", "receiveReminders": true,
				"dataPolicyAccepted": true, "notes": map[string]any{"What is it about?": "A demo"},
				"bringalongEmails": []string{"charles@guest.example"}}})
		at := firstAttendee(t, ap)
		if at["firstname"] != "Ada" || at["lastname"] != "Lovelace" || at["timezone"] != "Europe/Berlin" ||
			at["notes"].(map[string]any)["What is it about?"] != "A demo" {
			t.Fatalf("attendee %v", at)
		}
		ap = c.booked(t, map[string]any{"meetingTypeId": c.queueMT, "start": tuesdayAt(11, 0), "queueId": c.queueID,
			"attendee": map[string]any{"email": "grace@guest.example", "fullname": "Grace Hopper", "receiveReminders": true,
				"dataPolicyAccepted": true, "notes": map[string]any{}}})
		if host := ap["hostIds"].([]any)[0]; host != c.a.admin.ID && host != c.a.member.ID {
			t.Fatalf("queue booking went to %v", host)
		}
	})
}

func TestCompatMCPDoubleOptInAnswer(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		doi := c.meetingType(c.a.memberPAT, "", map[string]any{"slug": "confirm-first", "meetingOptions": map[string]any{"doubleOptIn": "enabled"}})
		r := c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{"meetingTypeId": doi,
			"start": tuesdayAt(10, 0), "hostIds": []string{c.a.member.ID},
			"attendee": map[string]any{"email": "ada@guest.example", "fullname": "Ada Lovelace", "receiveReminders": true,
				"dataPolicyAccepted": true, "notes": map[string]any{}}}})
		wantStatus(t, r, 201)
		got := decode(t, r)
		if got["bookingType"] != "doubleOptIn" || got["provisionalBookingId"] == nil || got["appointmentId"] != nil {
			t.Fatalf("double opt-in answer %s", r.body)
		}
	})
}

func TestCompatMCPValidationMessageJoinsIntoOneLine(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		r := c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{"meetingTypeId": c.mt,
			"start": tuesdayAt(10, 0), "hostIds": []string{c.a.member.ID},
			"attendee": map[string]any{"email": "not-an-email", "timezone": "Mars/Olympus", "receiveReminders": "yes"}}})
		wantMessages(t, r, "attendee.email must be an email; attendee.timezone: Invalid timezone; "+
			"attendee.receiveReminders must be a boolean")
		// Other errors keep meetergo's string message.
		q := url.Values{"meetingTypeId": {"00000000-0000-4000-8000-000000000000"}, "start": {"2026-03-03"}, "end": {"2026-03-03"}}
		wantExact(t, c.get("/v4/booking-availability?"+q.Encode(), c.a.key, ""), 400,
			`{"statusCode":400,"message":"Meeting Type Not Found","error":"Bad Request"}`)
	})
}

func TestCompatN8NSlotsWithCommaJoinedHostIdsQueueIdOrNeither(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		base := "start=2026-03-03&end=2026-03-03&meetingDuration=30&timezone=Europe%2FBerlin"
		joined := c.slots(t, "meetingTypeId="+c.queueMT+"&hostIds="+c.a.admin.ID+","+c.a.member.ID+"&"+base)
		queue := c.slots(t, "meetingTypeId="+c.queueMT+"&queueId="+c.queueID+"&"+base)
		if strings.Join(joined, ",") != strings.Join(queue, ",") {
			t.Fatalf("comma-joined hostIds %v, queueId %v: want the same slots", joined, queue)
		}
		// Neither: the queue of a queue meeting type, the owner otherwise.
		if neither := c.slots(t, "meetingTypeId="+c.queueMT+"&"+base); strings.Join(neither, ",") != strings.Join(queue, ",") {
			t.Fatalf("neither on the queue meeting type %v, want the queue's %v", neither, queue)
		}
		owner := c.slots(t, "meetingTypeId="+c.mt+"&hostIds="+c.a.member.ID+"&"+base)
		if neither := c.slots(t, "meetingTypeId="+c.mt+"&"+base); strings.Join(neither, ",") != strings.Join(owner, ",") {
			t.Fatalf("neither on the member's meeting type %v, want the owner's %v", neither, owner)
		}
	})
}

func TestCompatN8NBookingWithSplitHostIdsOrQueueId(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		ap := c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(10, 0), "hostIds": []string{c.a.member.ID},
			"duration": 30, "attendee": map[string]any{"email": "ada@guest.example", "fullname": "Ada King Lovelace",
				"receiveReminders": true, "notes": map[string]any{}, "timezone": "Europe/London"}})
		at := firstAttendee(t, ap)
		if at["firstname"] != "Ada King" || at["lastname"] != "Lovelace" || at["fullname"] != "Ada King Lovelace" ||
			at["timezone"] != "Europe/London" {
			t.Fatalf("a full name alone must split into first and last name: %v", at)
		}
		ap = c.booked(t, map[string]any{"meetingTypeId": c.queueMT, "start": tuesdayAt(11, 0), "queueId": c.queueID,
			"duration": 30, "attendee": map[string]any{"email": "plato@guest.example", "fullname": "Plato",
				"receiveReminders": true, "notes": map[string]any{}}})
		if at := firstAttendee(t, ap); at["firstname"] != "Plato" || at["lastname"] != "" {
			t.Fatalf("one word is a first name: %v", at)
		}
		// An array element is split at commas, as the query's hostIds is:
		// an unsplit option string still names its hosts.
		c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(12, 0), "hostIds": []string{c.a.member.ID + ","},
			"attendee": map[string]any{"email": "ada@guest.example", "fullname": "Ada", "receiveReminders": true, "notes": map[string]any{}}})
	})
}

func TestCompatPYSlotsWithOnlyMeetingTypeAndDates(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		q := url.Values{"meetingTypeId": {c.mt}, "start": {"2026-03-03"}, "end": {"2026-03-04"}, "timezone": {"America/New_York"}}
		starts := c.slots(t, q.Encode())
		if starts[0] != "2026-03-03T03:00:00.000-05:00" { // 09:00 Berlin
			t.Fatalf("slots %v", starts)
		}
	})
}

func TestCompatPYBookingWithTopLevelTimezoneAndNotes(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		ap := c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(10, 0),
			"attendee": map[string]any{"email": "ada@guest.example", "firstname": "Ada", "lastname": "Lovelace"},
			"timezone": "America/New_York", "notes": "Looking forward to it"})
		if ap["hostIds"].([]any)[0] != c.a.member.ID {
			t.Fatalf("booked %v, want the meeting type's owner", ap["hostIds"])
		}
		at := firstAttendee(t, ap)
		if at["fullname"] != "Ada Lovelace" || at["timezone"] != "America/New_York" || at["receiveReminders"] != true ||
			at["notes"].(map[string]any)["notes"] != "Looking forward to it" {
			t.Fatalf("attendee %v", at)
		}
		// Without hostIds a queue meeting type books through its queue.
		ap = c.booked(t, map[string]any{"meetingTypeId": c.queueMT, "start": tuesdayAt(11, 0),
			"attendee": map[string]any{"email": "grace@guest.example", "firstname": "Grace", "lastname": "Hopper"}})
		if ap["queueId"] != c.queueID {
			t.Fatalf("booked %v, want through the queue", ap)
		}
		wantMessages(t, c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{"meetingTypeId": c.mt,
			"start": tuesdayAt(12, 0), "attendee": map[string]any{"email": "ada@guest.example"}, "timezone": "Nowhere/Else"}}),
			"timezone: Invalid timezone")
	})
}

func TestCompatMCP01ShapesAreRefusedNamingTheFix(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		q := url.Values{"meetingTypeId": {c.mt}, "from": {"2026-03-03"}, "to": {"2026-03-04"}, "timezone": {"Europe/Berlin"}}
		r := c.get("/v4/booking-availability?"+q.Encode(), c.a.key, "")
		if wantStatus(t, r, 400); !strings.Contains(string(r.body), "use start and end, not from and to") {
			t.Fatalf("from/to answer %s", r.body)
		}
		wantMessages(t, c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{"meetingTypeId": c.mt,
			"start": tuesdayAt(10, 0), "name": "Ada Lovelace", "email": "ada@guest.example", "timezone": "Europe/Berlin",
			"notes": "Hello"}}), "attendee should not be empty")
	})
}

func TestCompatRetryAfterIsWholeSeconds(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) {
		c.RateLimit = httpapi.RateLimit{PerMinute: 1, Burst: 1}
		c.KillSwitchRateLimit = httpapi.RateLimit{PerMinute: 1, Burst: 1}
	})
	digits := regexp.MustCompile(`^[1-9][0-9]*$`)
	for _, send := range []func() response{
		func() response { return h.get("/v4/user/me", h.a.ownerPAT, "") },
		func() response {
			return h.do(req{method: "POST", path: "/v4/credentials/revoke", body: map[string]any{"credentials": []string{"x"}}})
		},
	} {
		send()
		r := send()
		if wantStatus(t, r, 429); !digits.MatchString(r.header.Get("Retry-After")) {
			t.Fatalf("Retry-After %q, want whole seconds", r.header.Get("Retry-After"))
		}
	}
}
