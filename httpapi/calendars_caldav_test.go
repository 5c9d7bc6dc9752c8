package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/calsync/caldavtest"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// caldavConnection connects the Radicale account for acting (discovered
// from the server's root) with primary receiving new bookings, and returns
// the connection as the API answered it.
func (h *harness) caldavConnection(rad *caldavtest.Server, token, acting, primary string) map[string]any {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/v4/calendar-connections/connections", token: token, acting: acting,
		body: map[string]any{"provider": "caldav", "serverUrl": rad.URL, "username": rad.User, "password": rad.Password,
			"primaryCalendar": primary}})
	wantStatus(h.t, r, 201)
	return decode(h.t, r)
}

// writeBack runs the write-back worker until nothing is due.
func (h *harness) writeBack() {
	h.t.Helper()
	w := &calsync.Writer{Service: h.calendars, PublicURL: "https://cal.example.test"}
	for {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// eventOf is the one event of calendar, failing t unless there is exactly
// one.
func eventOf(t *testing.T, rad *caldavtest.Server, calendar string) *ical.Component {
	t.Helper()
	evs := rad.Events(t, calendar)
	if len(evs) != 1 {
		t.Fatalf("%s holds %d events, want 1", calendar, len(evs))
	}
	for _, cal := range evs {
		for _, c := range cal.Children {
			if c.Name == ical.CompEvent {
				return c
			}
		}
	}
	t.Fatal("no VEVENT")
	return nil
}

// Booking, rescheduling and cancelling show up in the host's Radicale
// calendar as one event created, updated and deleted.
func TestCalDAVWriteBackCreatesUpdatesAndDeletesOneEvent(t *testing.T) {
	rad := caldavtest.Start(t)
	work := rad.Calendar(t, "work")
	private := rad.Calendar(t, "private")
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		conn := h.caldavConnection(rad, a.key, a.member.ID, work)
		if cals := conn["calendars"].([]any); len(cals) != 2 || conn["email"] != rad.User || conn["isPrimary"] != true ||
			len(conn["selectedCalendars"].([]any)) != 2 {
			t.Fatalf("discovery found %v", conn)
		}
		_ = private
		mt := h.meetingType(a.key, a.member.ID, map[string]any{"slug": "wb-" + b.Name})
		slot := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
		r := h.book(a.key, mt, a.member.ID, slot, nil)
		wantStatus(t, r, 201)
		id := decode(t, r)["appointmentId"].(string)
		h.writeBack()
		ev := eventOf(t, rad, work)
		if uid, _ := ev.Props.Text(ical.PropUID); uid != id+"@meetd" {
			t.Fatalf("UID %q, want %s@meetd", uid, id)
		}
		if start, _ := ev.Props.DateTime(ical.PropDateTimeStart, time.UTC); !start.Equal(slot) {
			t.Fatalf("DTSTART %v, want %v", start, slot)
		}
		if desc, _ := ev.Props.Text(ical.PropDescription); !strings.Contains(desc, "Cancel: https://cal.example.test/") {
			t.Fatalf("description %q has no cancel link", desc)
		}

		// Another change of the appointment writes the same object again:
		// still one event.
		r = h.do(req{method: "PATCH", path: "/v4/appointment/" + id + "/notes", token: a.key, acting: a.member.ID,
			body: map[string]any{"note": "bring the contract"}})
		h.writeBack()
		eventOf(t, rad, work)

		moved := slot.Add(2 * time.Hour)
		r = h.do(req{method: "POST", path: "/v4/appointment/" + id + "/reschedule", token: a.key, acting: a.member.ID,
			body: map[string]any{"start": moved.Format(time.RFC3339)}})
		wantStatus(t, r, 200)
		h.writeBack()
		ev = eventOf(t, rad, work)
		if start, _ := ev.Props.DateTime(ical.PropDateTimeStart, time.UTC); !start.Equal(moved) {
			t.Fatalf("after the reschedule DTSTART %v, want %v", start, moved)
		}
		if seq := ev.Props.Get(ical.PropSequence); seq == nil || seq.Value != "1" {
			t.Fatalf("after the reschedule SEQUENCE %+v, want 1", seq)
		}

		r = h.do(req{method: "POST", path: "/v4/appointment/" + id + "/cancel", token: a.key, acting: a.member.ID,
			body: map[string]any{}})
		if r.status/100 != 2 {
			t.Fatalf("cancel answered %d %s", r.status, r.body)
		}
		h.writeBack()
		if evs := rad.Events(t, work); len(evs) != 0 {
			t.Fatalf("after the cancellation %d events remain", len(evs))
		}
		if n, err := h.db.PendingCalendarWrites(context.Background(), a.company.ID); err != nil || n != 0 {
			t.Fatalf("pending write-backs %d, %v", n, err)
		}
		if strings.Contains(h.logs.String(), rad.Password) {
			t.Fatal("the app password is in the log")
		}
	})
}

// A connection whose server starts refusing its password turns broken
// (shown in the API) and emits credential_error once, however often it is
// refreshed; a new password mends it.
func TestBrokenConnectionEmitsCredentialErrorOnce(t *testing.T) {
	rad := caldavtest.Start(t)
	rad.Calendar(t, "work")
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, func(c *httpapi.Config) { c.WebhookAllowPrivate = true })
		a := h.a
		rad.SetPassword(t, rad.Password)
		r := h.do(req{method: "POST", path: "/webhooks", token: a.key,
			body: map[string]any{"endpoint": "https://127.0.0.1:9/cred", "eventTypes": []string{"credential_error"}}})
		wantStatus(t, r, 201)
		hook := decode(t, r)["id"].(string)
		id := h.caldavConnection(rad, a.key, a.member.ID, "")["id"].(string)
		rad.SetPassword(t, "changed-"+b.Name)
		refresh := func() {
			t.Helper()
			h.clock.Advance(calsync.DefaultRefreshInterval)
			if _, err := (&calsync.Refresher{Service: h.calendars}).RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		refresh()
		got := decode(t, h.get("/v4/calendar-connections/connections/"+id, a.key, a.member.ID))
		if got["status"] != "broken" || got["isConnected"] != false || !strings.Contains(got["lastError"].(string), "refused") {
			t.Fatalf("after the refusal: %v", got)
		}
		refresh()
		refresh()
		stats, err := h.db.WebhookStats(context.Background(), a.company.ID, hook)
		if err != nil || stats.Pending != 1 {
			t.Fatalf("credential_error deliveries %+v, %v; want 1", stats, err)
		}
		rad.SetPassword(t, rad.Password)
		r = h.do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + id, token: a.key, acting: a.member.ID,
			body: map[string]any{"password": rad.Password}})
		wantStatus(t, r, 200)
		if got := decode(t, r); got["status"] != "pending" || got["isConnected"] != true {
			t.Fatalf("after a new password: %v", got)
		}
	})
}

// An erasure reaches the hosts' calendars too: the written-back event of
// an appointment the person booked is written again without their name
// or address.
func TestErasureRewritesTheHostsCalendarEvent(t *testing.T) {
	rad := caldavtest.Start(t)
	work := rad.Calendar(t, "work")
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		h.caldavConnection(rad, a.key, a.member.ID, work)
		mt := h.meetingType(a.key, a.member.ID, map[string]any{"slug": "erase-" + b.Name})
		r := h.book(a.key, mt, a.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), nil)
		wantStatus(t, r, 201)
		id := decode(t, r)["appointmentId"].(string)
		h.writeBack()
		text := func() string {
			var s strings.Builder
			for _, cal := range rad.Events(t, work) {
				b, err := invite.Encode(cal)
				if err != nil {
					t.Fatal(err)
				}
				s.Write(b)
			}
			return s.String()
		}
		if before := text(); !strings.Contains(before, "ada@guest.example") || !strings.Contains(before, id) {
			t.Fatalf("the written event does not name the attendee:\n%s", before)
		}
		wantStatus(t, h.do(req{method: "POST", path: "/v4/gdpr/erase", token: a.key,
			body: map[string]any{"email": "ada@guest.example"}}), 200)
		h.writeBack()
		after := text()
		if strings.Contains(after, "ada@guest.example") || strings.Contains(after, "Ada Guest") || !strings.Contains(after, id) {
			t.Fatalf("after the erasure the host's event is:\n%s", after)
		}
		// Clean up for the next backend: cancel, which deletes the event.
		r = h.do(req{method: "POST", path: "/v4/appointment/" + id + "/cancel", token: a.key, acting: a.member.ID,
			body: map[string]any{"cancelAll": true}})
		if r.status/100 != 2 {
			t.Fatalf("cancel answered %d %s", r.status, r.body)
		}
		h.writeBack()
	})
}
