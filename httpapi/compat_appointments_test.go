package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// These tests send the appointment requests of meetergo's public clients
// exactly as each sends them, and check the fields each reads: MCP
// (meetergo's MCP server), MCP 0.1 (its first release), PY (a community
// Python MCP) and N8N (the n8n node).

// apptCompat is a harness with a meeting type of tenant A's owner, booked
// through an API key acting as the owner.
type apptCompat struct {
	*harness
	mt string
}

func newApptCompat(t *testing.T, b sqldbtest.Backend) apptCompat {
	h := newHarness(t, b)
	h.clock.Set(monday)
	return apptCompat{h, h.meetingType(h.a.key, h.a.owner.ID, nil)}
}

// bookAt books the slot hour hours after Tuesday 09:00 UTC for email,
// with guests, and returns the appointment id.
func (c apptCompat) bookAt(hour int, email string, guests ...string) string {
	c.t.Helper()
	a := attendee(email)
	if guests != nil {
		a["bringalongEmails"] = guests
	}
	r := c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{
		"meetingTypeId": c.mt, "start": time.Date(2026, 3, 3, 9+hour, 0, 0, 0, time.UTC).Format(time.RFC3339),
		"hostIds": []string{c.a.owner.ID}, "attendee": a}})
	wantStatus(c.t, r, 201)
	return decode(c.t, r)["appointmentId"].(string)
}

// mcp sends a request as MCP does: an API key acting as the owner.
func (c apptCompat) mcp(method, path string, body any) response {
	c.t.Helper()
	return c.do(req{method: method, path: path, token: c.a.key, acting: c.a.owner.ID, body: body})
}

// py sends a request as PY does: the owner's personal access token.
func (c apptCompat) py(method, path string, body any) response {
	c.t.Helper()
	return c.do(req{method: method, path: path, token: c.a.ownerPAT, body: body})
}

func attendeesOf(t *testing.T, ap map[string]any) []map[string]any {
	t.Helper()
	raw, _ := ap["attendees"].([]any)
	out := make([]map[string]any, len(raw))
	for i, a := range raw {
		out[i] = a.(map[string]any)
	}
	return out
}

// wantValidation fails unless r is a 400 whose validation errors name
// field with a message containing text.
func wantValidation(t *testing.T, r response, field, text string) {
	t.Helper()
	wantStatus(t, r, 400)
	if !strings.Contains(string(r.body), `"field":"`+field+`"`) || !strings.Contains(string(r.body), text) {
		t.Fatalf("want a validation error on %s saying %q; got %s", field, text, r.body)
	}
}

func TestCompatMCPGetAppointmentShowsAttendeeIDsAndGuests(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example", "bob@guest.example")
		r := c.mcp("GET", "/v4/appointment/"+id, nil)
		wantStatus(t, r, 200)
		ap := decode(t, r)
		att := attendeesOf(t, ap)
		if len(att) != 2 {
			t.Fatalf("attendees = %v, want the booker and one guest", att)
		}
		first, _ := att[0]["id"].(string)
		if !meetd.IsUUID(first) || att[0]["email"] != "ada@guest.example" || att[0]["guestOf"] != nil {
			t.Errorf("booker = %v", att[0])
		}
		if g, _ := att[1]["id"].(string); !meetd.IsUUID(g) || g == first || att[1]["email"] != "bob@guest.example" ||
			att[1]["guestOf"] != first {
			t.Errorf("guest = %v, want guestOf %s", att[1], first)
		}
		if ap["note"] != nil || ap["transcription"] != nil || ap["summary"] != nil || ap["isCancelled"] != false {
			t.Errorf("note %v, transcription %v, summary %v, isCancelled %v", ap["note"], ap["transcription"], ap["summary"], ap["isCancelled"])
		}
		// The ids are stable: a second read shows the same.
		if again := attendeesOf(t, decode(t, c.mcp("GET", "/v4/appointment/"+id, nil))); again[0]["id"] != first {
			t.Errorf("attendee id changed: %v then %v", first, again[0]["id"])
		}
	})
}

func TestCompatMCPBookingRefusesASixthBringalongGuest(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		a := attendee("ada@guest.example")
		a["bringalongEmails"] = []string{"1@g.example", "2@g.example", "3@g.example", "4@g.example", "5@g.example", "6@g.example"}
		r := c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{
			"meetingTypeId": c.mt, "start": "2026-03-03T09:00:00Z", "hostIds": []string{c.a.owner.ID}, "attendee": a}})
		wantValidation(t, r, "attendee.bringalongEmails", "at most 5")
	})
}

// listQuery is MCP's (and PY's) list request: page, pageSize and the
// filters it was given.
func listQuery(page, size int, extra ...string) string {
	q := url.Values{"page": {fmt.Sprint(page)}, "pageSize": {fmt.Sprint(size)}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/v4/appointment/paginated?" + q.Encode()
}

func listIDs(t *testing.T, r response) ([]string, float64) {
	t.Helper()
	wantStatus(t, r, 200)
	body := decode(t, r)
	var out []string
	for _, a := range body["appointments"].([]any) {
		out = append(out, a.(map[string]any)["id"].(string))
	}
	return out, body["total"].(float64)
}

func TestCompatMCPListFiltersBySearchStatusAndSort(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		later := c.bookAt(2, "zoe@guest.example")
		c.clock.Advance(time.Minute)
		earlier := c.bookAt(0, "Ada.Lovelace@Guest.example")
		c.clock.Advance(time.Minute)
		gone := c.bookAt(1, "carl@guest.example")
		wantStatus(t, c.mcp("POST", "/v4/appointment/"+gone+"/cancel", map[string]any{"cancelAll": true}), 200)

		for _, tc := range []struct {
			name  string
			query []string
			want  []string
		}{
			{"confirmed by start", []string{"status", "confirmed", "sortBy", "appointment.start", "sortDirection", "ASC"}, []string{earlier, later}},
			{"cancelled", []string{"status", "cancelled"}, []string{gone}},
			{"upcoming", []string{"status", "upcoming"}, []string{earlier, later}},
			{"past", []string{"status", "past"}, nil},
			{"by creation, newest first", []string{"sortBy", "appointment.createdAt", "sortDirection", "DESC"}, []string{gone, earlier, later}},
			{"search by e-mail, any case", []string{"search", "LOVELACE"}, []string{earlier}},
			{"search by name", []string{"search", "ada guest", "status", "confirmed"}, []string{earlier, later}},
			{"search without a match", []string{"search", "nobody"}, nil},
		} {
			got, total := listIDs(t, c.mcp("GET", listQuery(0, 20, tc.query...), nil))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || int(total) != len(tc.want) {
				t.Errorf("%s: got %v (total %v), want %v", tc.name, got, total, tc.want)
			}
		}
		// Past appointments: once the clock passes them.
		c.clock.Set(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC))
		if got, _ := listIDs(t, c.mcp("GET", listQuery(0, 20, "status", "past"), nil)); fmt.Sprint(got) != fmt.Sprint([]string{earlier, later}) {
			t.Errorf("past: got %v", got)
		}
		wantValidation(t, c.mcp("GET", listQuery(0, 20, "status", "open"), nil), "status", "confirmed, cancelled, upcoming, past")
		wantValidation(t, c.mcp("GET", listQuery(0, 20, "sortBy", "start"), nil), "sortBy", "appointment.start, appointment.createdAt")
		wantValidation(t, c.mcp("GET", listQuery(0, 20, "sortDirection", "up"), nil), "sortDirection", "ASC, DESC")
	})
}

func TestCompatMCPCancelByAttendeeRemovesOnlyThatAttendee(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example", "bob@guest.example")
		att := attendeesOf(t, decode(t, c.mcp("GET", "/v4/appointment/"+id, nil)))
		path := "/v4/appointment/" + id + "/cancel"

		// Neither attendeeId nor cancelAll on a group: never a bulk cancel.
		wantValidation(t, c.mcp("POST", path, map[string]any{"reason": "?"}), "attendeeId", "several attendees")
		wantValidation(t, c.mcp("POST", path, map[string]any{"cancelEntireSeries": true}), "cancelEntireSeries", "not supported")
		wantStatus(t, c.mcp("POST", path, map[string]any{"attendeeId": meetd.NewID()}), 404)
		if r := c.mcp("POST", path, map[string]any{"attendeeId": "not-an-id"}); r.status != 404 ||
			!strings.Contains(string(r.body), "Attendee not found") {
			t.Fatalf("unknown attendee: %d %s", r.status, r.body)
		}

		r := c.mcp("POST", path, map[string]any{"attendeeId": att[1]["id"], "cancelAll": false, "cancelEntireSeries": false,
			"reason": "Cannot make it"})
		wantStatus(t, r, 200)
		ap := decode(t, r)
		if ap["isCancelled"] != false || ap["cancel"] != nil || len(attendeesOf(t, ap)) != 1 ||
			attendeesOf(t, ap)[0]["id"] != att[0]["id"] {
			t.Fatalf("after removing the guest: %s", r.body)
		}
		// The slot is still taken.
		wantStatus(t, c.do(req{method: "POST", path: "/v4/booking", token: c.a.key, body: map[string]any{
			"meetingTypeId": c.mt, "start": "2026-03-03T09:00:00Z", "hostIds": []string{c.a.owner.ID},
			"attendee": attendee("eve@guest.example")}}), 409)
		// The last attendee leaving cancels the appointment.
		r = c.mcp("POST", path, map[string]any{"attendeeId": strings.ToUpper(att[0]["id"].(string))})
		wantStatus(t, r, 200)
		if ap := decode(t, r); ap["isCancelled"] != true || ap["cancel"].(map[string]any)["actionAt"] == nil {
			t.Fatalf("after the last attendee left: %s", r.body)
		}
	})
}

func TestCompatMCPCancelAllCancelsEveryone(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example", "bob@guest.example")
		r := c.mcp("POST", "/v4/appointment/"+id+"/cancel", map[string]any{"cancelAll": true, "reason": "Host ill"})
		wantStatus(t, r, 200)
		ap := decode(t, r)
		if ap["isCancelled"] != true || ap["cancel"].(map[string]any)["reason"] != "Host ill" || len(attendeesOf(t, ap)) != 2 {
			t.Fatalf("cancelAll: %s", r.body)
		}
		wantStatus(t, c.mcp("POST", "/v4/appointment/"+id+"/cancel", map[string]any{"cancelAll": true}), 409)
	})
}

func TestCompatMCPAddGuest(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example")
		first := attendeesOf(t, decode(t, c.mcp("GET", "/v4/appointment/"+id, nil)))[0]["id"]
		r := c.mcp("PATCH", "/v4/appointment/"+id+"/guest", map[string]any{"attendeeId": first, "email": "bob@guest.example"})
		wantStatus(t, r, 200)
		att := attendeesOf(t, decode(t, r))
		if len(att) != 2 || att[1]["email"] != "bob@guest.example" || att[1]["guestOf"] != first {
			t.Fatalf("after adding a guest: %s", r.body)
		}
		// The same address again changes nothing.
		r = c.mcp("PATCH", "/v4/appointment/"+id+"/guest", map[string]any{"attendeeId": first, "email": "BOB@guest.example"})
		if wantStatus(t, r, 200); len(attendeesOf(t, decode(t, r))) != 2 {
			t.Fatalf("a repeated guest was added twice: %s", r.body)
		}
		wantStatus(t, c.mcp("PATCH", "/v4/appointment/"+id+"/guest", map[string]any{"attendeeId": meetd.NewID(), "email": "x@guest.example"}), 404)
		wantValidation(t, c.mcp("PATCH", "/v4/appointment/"+id+"/guest", map[string]any{"attendeeId": first, "email": "nope"}), "email", "email")
		// At most 10 guests.
		for i := 2; i <= 10; i++ {
			wantStatus(t, c.mcp("PATCH", "/v4/appointment/"+id+"/guest", map[string]any{"attendeeId": first,
				"email": fmt.Sprintf("g%d@guest.example", i)}), 200)
		}
		r = c.mcp("PATCH", "/v4/appointment/"+id+"/guest", map[string]any{"attendeeId": first, "email": "g11@guest.example"})
		if r.status != 400 || !strings.Contains(string(r.body), "at most 10 guests") {
			t.Fatalf("11th guest: %d %s", r.status, r.body)
		}
	})
}

func TestCompatMCPNotesReplaceTheHostNote(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example")
		for _, note := range []string{"First", "Second"} {
			r := c.mcp("PATCH", "/v4/appointment/"+id+"/notes", map[string]any{"note": note})
			if wantStatus(t, r, 200); decode(t, r)["note"] != note {
				t.Fatalf("note: %s", r.body)
			}
		}
		if ap := decode(t, c.mcp("GET", "/v4/appointment/"+id, nil)); ap["note"] != "Second" {
			t.Errorf("GET note = %v", ap["note"])
		}
		wantValidation(t, c.mcp("PATCH", "/v4/appointment/"+id+"/notes", map[string]any{"note": strings.Repeat("n", 10001)}), "note", "10000")
		wantValidation(t, c.mcp("PATCH", "/v4/appointment/"+id+"/notes", map[string]any{}), "note", "note")
	})
}

func TestCompatMCPTranscriptionSetsAndClears(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example")
		path := "/v4/appointment/" + id + "/transcription"
		r := c.mcp("PATCH", path, map[string]any{"transcription": "# Call", "summary": "- agreed"})
		if wantStatus(t, r, 200); decode(t, r)["transcription"] != "# Call" || decode(t, r)["summary"] != "- agreed" {
			t.Fatalf("set: %s", r.body)
		}
		r = c.mcp("PATCH", path, map[string]any{"summary": nil})
		if ap := decode(t, r); ap["transcription"] != "# Call" || ap["summary"] != nil {
			t.Fatalf("clear summary: %s", r.body)
		}
		if ap := decode(t, c.mcp("GET", "/v4/appointment/"+id, nil)); ap["transcription"] != "# Call" || ap["summary"] != nil {
			t.Errorf("GET: %v %v", ap["transcription"], ap["summary"])
		}
		wantValidation(t, c.mcp("PATCH", path, map[string]any{}), "transcription", "transcription, summary or both")
		wantValidation(t, c.mcp("PATCH", path, map[string]any{"summary": strings.Repeat("s", 200001)}), "summary", "200000")
	})
}

func TestCompatMCPQuickMailQueues(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example")
		att := attendeesOf(t, decode(t, c.mcp("GET", "/v4/appointment/"+id, nil)))[0]["id"]
		body := map[string]any{"attendeeId": att, "title": "Your meeting", "content": "See you tomorrow."}
		r := c.mcp("POST", "/v4/attendee/quick-mail", body)
		wantStatus(t, r, 202)
		if q := decode(t, r); q["queued"] != true || !meetd.IsUUID(fmt.Sprint(q["id"])) {
			t.Fatalf("answer: %s", r.body)
		}
		wantValidation(t, c.mcp("POST", "/v4/attendee/quick-mail", map[string]any{"attendeeId": att, "title": "x"}), "content", "should not be empty")

		// Another company's attendee is a 404, like one that does not exist.
		theirMT := c.meetingType(c.b.key, c.b.owner.ID, nil)
		r = c.book(c.b.key, theirMT, c.b.owner.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), nil)
		wantStatus(t, r, 201)
		theirAtt := attendeesOf(t, decode(t, c.do(req{method: "GET", path: "/v4/appointment/" + decode(t, r)["appointmentId"].(string),
			token: c.b.key, acting: c.b.owner.ID})))[0]["id"]
		wantStatus(t, c.mcp("POST", "/v4/attendee/quick-mail", map[string]any{"attendeeId": theirAtt, "title": "t", "content": "c"}), 404)

		// Five in five minutes per acting user; the first and the 404 count,
		// the refused body does not.
		for range 3 {
			wantStatus(t, c.mcp("POST", "/v4/attendee/quick-mail", body), 202)
		}
		r = c.mcp("POST", "/v4/attendee/quick-mail", body)
		if r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Fatalf("sixth: %d %v %s", r.status, r.header, r.body)
		}
		c.clock.Advance(time.Minute)
		wantStatus(t, c.mcp("POST", "/v4/attendee/quick-mail", body), 202)
	})
}

func TestCompatMCPRescheduleAnswersPreviousStart(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example")
		r := c.mcp("POST", "/v4/appointment/"+id+"/reschedule", map[string]any{"start": "2026-03-03T12:00:00Z"})
		wantStatus(t, r, 200)
		body := decode(t, r)
		if body["previousStart"] != "2026-03-03T09:00:00.000Z" || body["appointment"].(map[string]any)["start"] != "2026-03-03T12:00:00.000Z" {
			t.Fatalf("reschedule: %s", r.body)
		}
	})
}

func TestCompatMCP01GuestEmails(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example")
		r := c.mcp("PATCH", "/v4/appointment/"+id+"/guest-emails", map[string]any{"emails": []string{"bob@guest.example", "cy@guest.example"}})
		wantStatus(t, r, 200)
		att := attendeesOf(t, decode(t, r))
		if len(att) != 3 || att[1]["guestOf"] != att[0]["id"] || att[2]["guestOf"] != att[0]["id"] {
			t.Fatalf("guest-emails: %s", r.body)
		}
		wantValidation(t, c.mcp("PATCH", "/v4/appointment/"+id+"/guest-emails", map[string]any{"emails": []string{}}), "emails", "1 to 10")
	})
}

func TestCompatMCP01ListWithPageAndLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		var want []string
		for i := range 3 {
			want = append(want, c.bookAt(i, "ada@guest.example"))
		}
		got, total := listIDs(t, c.mcp("GET", "/v4/appointment?page=1&limit=2", nil))
		rest, _ := listIDs(t, c.mcp("GET", "/v4/appointment?page=2&limit=2", nil))
		if fmt.Sprint(append(got, rest...)) != fmt.Sprint(want) || total != 3 {
			t.Fatalf("pages %v + %v (total %v), want %v", got, rest, total, want)
		}
		if body := decode(t, c.mcp("GET", "/v4/appointment?page=2&limit=2", nil)); body["page"] != 2.0 || body["pageSize"] != 2.0 {
			t.Errorf("echo: page %v pageSize %v", body["page"], body["pageSize"])
		}
		// The documentation's older example: the same 1-based form.
		if docs, _ := listIDs(t, c.mcp("GET", "/v4/appointment/paginated?page=1&limit=20", nil)); fmt.Sprint(docs) != fmt.Sprint(want) {
			t.Errorf("paginated?page=1&limit=20: %v", docs)
		}
		wantValidation(t, c.mcp("GET", "/v4/appointment?page=0&limit=2", nil), "page", "from 1")
	})
}

func TestCompatPYListCancelAndQuickMail(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		id := c.bookAt(0, "ada@guest.example", "bob@guest.example")
		got, total := listIDs(t, c.py("GET", listQuery(0, 20, "status", "upcoming", "search", "bob", "sortBy", "appointment.start"), nil))
		if fmt.Sprint(got) != fmt.Sprint([]string{id}) || total != 1 {
			t.Fatalf("list: %v %v", got, total)
		}
		att := attendeesOf(t, decode(t, c.py("GET", "/v4/appointment/"+id, nil)))
		wantStatus(t, c.py("POST", "/v4/attendee/quick-mail", map[string]any{"attendeeId": att[1]["id"], "title": "Hi", "content": "Agenda attached."}), 202)
		wantStatus(t, c.py("PATCH", "/v4/appointment/"+id+"/notes", map[string]any{"note": "VIP"}), 200)
		wantStatus(t, c.py("PATCH", "/v4/appointment/"+id+"/transcription", map[string]any{"transcription": "text"}), 200)
		r := c.py("POST", "/v4/appointment/"+id+"/cancel", map[string]any{"attendeeId": att[1]["id"], "reason": "Busy"})
		if wantStatus(t, r, 200); decode(t, r)["isCancelled"] != false {
			t.Fatalf("cancel attendee: %s", r.body)
		}
		r = c.py("POST", "/v4/appointment/"+id+"/cancel", map[string]any{"cancelAll": true})
		if wantStatus(t, r, 200); decode(t, r)["isCancelled"] != true {
			t.Fatalf("cancelAll: %s", r.body)
		}
	})
}

func TestCompatN8NListLoopsPagesUntilAShortPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		var want []string
		for i := range 5 {
			want = append(want, c.bookAt(i, fmt.Sprintf("lead%d@guest.example", i)))
		}
		c.bookAt(6, "other@guest.example")
		seen := map[string]bool{}
		var got []string
		for page := 0; ; page++ {
			q := url.Values{"page": {fmt.Sprint(page)}, "pageSize": {"2"}, "start": {"2026-03-03T00:00:00.000Z"},
				"end": {"2026-03-04T00:00:00.000Z"}, "search": {"lead"}, "meetingTypeId": {c.mt}}
			ids, total := listIDs(t, c.do(req{method: "GET", path: "/v4/appointment/paginated?" + q.Encode(), token: c.a.key, acting: c.a.owner.ID}))
			if total != 5 {
				t.Fatalf("total %v", total)
			}
			for _, id := range ids {
				if seen[id] {
					t.Fatalf("page %d repeated %s", page, id)
				}
				seen[id] = true
				got = append(got, id)
			}
			if len(ids) < 2 {
				break
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}

func TestCompatN8NCancelWithItsOptions(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newApptCompat(t, b)
		group := c.bookAt(0, "ada@guest.example", "bob@guest.example")
		single := c.bookAt(1, "cy@guest.example")
		att := attendeesOf(t, decode(t, c.mcp("GET", "/v4/appointment/"+group, nil)))
		r := c.mcp("POST", "/v4/appointment/"+group+"/cancel", map[string]any{"attendeeId": att[0]["id"], "reason": "No show"})
		if wantStatus(t, r, 200); decode(t, r)["isCancelled"] != true { // the booker's guest goes with them
			t.Fatalf("group: %s", r.body)
		}
		// Only a reason, one attendee: cancelled as before.
		r = c.mcp("POST", "/v4/appointment/"+single+"/cancel", map[string]any{"reason": "Moved"})
		if wantStatus(t, r, 200); decode(t, r)["isCancelled"] != true {
			t.Fatalf("single: %s", r.body)
		}
	})
}
