package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/calsync/caldavtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// newEvent is a VEVENT with uid, a start and an end.
func newEvent(uid string, start, end time.Time) *ical.Event {
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, uid)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	ev.Props.SetDateTime(ical.PropDateTimeStart, start)
	ev.Props.SetDateTime(ical.PropDateTimeEnd, end)
	ev.Props.SetText(ical.PropSummary, uid)
	return ev
}

func calendarOf(events ...*ical.Event) *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//meetd tests//EN")
	for _, e := range events {
		cal.Children = append(cal.Children, e.Component)
	}
	return cal
}

// The done-means of calendar connections: a Radicale calendar with a
// weekly lunch (Mondays 12:00–13:00 Berlin, one instance moved to 14:00,
// one deleted), an all-day event and a transparent event removes exactly
// the right slots, across the switch to summer time on 29 March 2026
// (the lunch is 11:00 UTC before it and 10:00 UTC after).
func TestCalDAVBusyTimesRemoveExactlyTheRightSlotsAcrossDST(t *testing.T) {
	rad := caldavtest.Start(t)
	cal := rad.Calendar(t, "busy")
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, berlin) }
	lunch := newEvent("lunch@test", at(16, 12), at(16, 13))
	rule := ical.NewProp(ical.PropRecurrenceRule)
	rule.SetValueType(ical.ValueRecurrence)
	rule.Value = "FREQ=WEEKLY;COUNT=5"
	lunch.Props.Set(rule)
	exdate := ical.NewProp(ical.PropExceptionDates)
	exdate.SetDateTime(time.Date(2026, 4, 6, 12, 0, 0, 0, berlin))
	lunch.Props.Add(exdate)
	moved := newEvent("lunch@test", at(23, 14), at(23, 15))
	rid := ical.NewProp(ical.PropRecurrenceID)
	rid.SetDateTime(at(23, 12))
	moved.Props.Add(rid)
	rad.Put(t, cal, "lunch", calendarOf(lunch, moved))
	allDay := ical.NewEvent()
	allDay.Props.SetText(ical.PropUID, "offsite@test")
	allDay.Props.SetDateTime(ical.PropDateTimeStamp, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	allDay.Props.SetDate(ical.PropDateTimeStart, time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))
	allDay.Props.SetDate(ical.PropDateTimeEnd, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	allDay.Props.SetText(ical.PropSummary, "Offsite")
	rad.Put(t, cal, "offsite", calendarOf(allDay))
	free := newEvent("reminder@test", time.Date(2026, 4, 1, 10, 0, 0, 0, berlin), time.Date(2026, 4, 1, 11, 0, 0, 0, berlin))
	free.Props.SetText(ical.PropTransparency, "TRANSPARENT")
	rad.Put(t, cal, "reminder", calendarOf(free))

	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC))
		a := h.a
		mt := h.meetingType(a.key, a.member.ID, map[string]any{"slug": "dst-" + b.Name})
		slotsNow := func() []time.Time {
			t.Helper()
			q := url.Values{"meetingTypeId": {mt}, "hostIds": {a.member.ID}, "start": {"2026-03-16"}, "end": {"2026-04-14"},
				"timezone": {"UTC"}}
			r := h.get("/v4/booking-availability?"+q.Encode(), a.key, "")
			wantStatus(t, r, 200)
			var out []time.Time
			for _, s := range slotStarts(t, r) {
				v, err := time.Parse(time.RFC3339, s)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, v.UTC())
			}
			return out
		}
		before := slotsNow()
		h.caldavConnection(rad, a.key, a.member.ID, "")
		if _, err := (&calsync.Refresher{Service: h.calendars, Cache: h.db}).RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		after := slotsNow()
		var removed []time.Time
		for _, s := range before {
			if !slices.ContainsFunc(after, s.Equal) {
				removed = append(removed, s)
			}
		}
		utc := func(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, time.UTC) }
		want := []time.Time{
			utc(16, 11, 0), utc(16, 11, 30), // lunch, winter time
			utc(23, 13, 0), utc(23, 13, 30), // the moved instance, 14:00 Berlin
			utc(30, 10, 0), utc(30, 10, 30), // lunch, summer time
		}
		for m := 7 * 60; m < 15*60; m += 30 { // all of 31 March: 09:00–17:00 Berlin is 07:00–15:00 UTC
			want = append(want, utc(31, 0, 0).Add(time.Duration(m)*time.Minute))
		}
		want = append(want, time.Date(2026, 4, 13, 10, 0, 0, 0, time.UTC), time.Date(2026, 4, 13, 10, 30, 0, 0, time.UTC))
		if !slices.EqualFunc(removed, want, time.Time.Equal) {
			t.Fatalf("removed slots\n%v\nwant\n%v", removed, want)
		}
		st := decode(t, h.get("/v4/calendar-connections/connections", a.key, a.member.ID))["connections"].([]any)[0].(map[string]any)
		if st["status"] != "ok" || st["lastSyncAt"] == nil {
			t.Fatalf("after the refresh: %v", st)
		}
	})
}

// At booking time the slot is checked against the calendar live: an event
// added after the last refresh makes it 409 Slot no longer available; a
// calendar that cannot be reached leaves the cache in charge and says so
// in the log.
func TestBookingRechecksTheCalendarLive(t *testing.T) {
	rad := caldavtest.Start(t)
	cal := rad.Calendar(t, "live")
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		a := h.a
		mt := h.meetingType(a.key, a.member.ID, map[string]any{"slug": "live-" + b.Name})
		// The account is reached through a proxy the test can take away.
		target, _ := url.Parse(rad.URL)
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		defer proxy.Close()
		via := *rad
		via.URL = proxy.URL
		h.caldavConnection(&via, a.key, a.member.ID, "")
		if _, err := (&calsync.Refresher{Service: h.calendars, Cache: h.db}).RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		slot := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		rad.Put(t, cal, "late-"+b.Name, calendarOf(newEvent("late-"+b.Name+"@test", slot, slot.Add(time.Hour))))
		r := h.book(a.key, mt, a.member.ID, slot, nil)
		wantStatus(t, r, 409)
		if string(r.body) != slotTaken {
			t.Fatalf("answer %s", r.body)
		}
		// The live answer is cached: slot queries no longer offer it.
		q := url.Values{"meetingTypeId": {mt}, "hostIds": {a.member.ID}, "start": {"2026-03-04"}, "end": {"2026-03-04"},
			"timezone": {"UTC"}}
		sr := h.get("/v4/booking-availability?"+q.Encode(), a.key, "")
		wantStatus(t, sr, 200)
		for _, s := range slotStarts(t, sr) {
			if v, _ := time.Parse(time.RFC3339, s); v.Equal(slot) {
				t.Fatal("the slot the live check found busy is still offered")
			}
		}

		// The server goes away: the booking goes by the cache.
		proxy.Close()
		r = h.book(a.key, mt, a.member.ID, slot.Add(2*time.Hour), nil)
		wantStatus(t, r, 201)
		if !strings.Contains(h.logs.String(), "calendar unreachable at booking time; using its cached busy times") {
			t.Fatal("the fallback to the cache is not logged")
		}
	})
}

// An Outlook feed (Windows zone names, a weekly meeting with an EXDATE)
// connected by its secret address blocks the right slots once refreshed.
func TestOutlookFeedBlocksSlots(t *testing.T) {
	outlook, err := os.ReadFile("../icalbusy/testdata/outlook.ics")
	if err != nil {
		t.Fatal(err)
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write(outlook)
	}))
	defer feed.Close()
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.key, a.member.ID, nil)
	r := h.do(req{method: "POST", path: "/v4/calendar-connections/connections", token: a.key, acting: a.member.ID,
		body: map[string]any{"provider": "ics", "feedUrl": feed.URL + "/owa/calendar/s3cret/reachcalendar.ics"}})
	wantStatus(t, r, 201)
	if _, err := (&calsync.Refresher{Service: h.calendars, Cache: h.db}).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"meetingTypeId": {mt}, "hostIds": {a.member.ID}, "start": {"2026-03-02"}, "end": {"2026-04-01"}, "timezone": {"UTC"}}
	r = h.get("/v4/booking-availability?"+q.Encode(), a.key, "")
	wantStatus(t, r, 200)
	free := map[time.Time]bool{}
	for _, s := range slotStarts(t, r) {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		free[v.UTC()] = true
	}
	for _, c := range []struct {
		at   time.Time
		free bool
	}{
		{time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC), false},  // Team sync, 12:00 W. Europe Standard Time
		{time.Date(2026, 3, 3, 10, 30, 0, 0, time.UTC), true},  // just before it
		{time.Date(2026, 3, 17, 11, 0, 0, 0, time.UTC), true},  // the EXDATE
		{time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC), false}, // after the switch to summer time
		{time.Date(2026, 3, 31, 11, 0, 0, 0, time.UTC), true},
	} {
		if free[c.at] != c.free {
			t.Errorf("slot %v free = %v, want %v", c.at, free[c.at], c.free)
		}
	}
}
