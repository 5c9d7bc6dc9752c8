package scheduling_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/icalbusy"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/slots"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestCalendarBusyBlocksLikeAppointments: busy times cached from a host's
// external calendar remove that host's slots for anyone, everyone and
// queues, with the meeting type's buffers around them, and a booking or
// reschedule into them is the 409 of a taken slot.
func TestCalendarBusyBlocksLikeAppointments(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			clock := meetd.NewManualClock(now)
			db := sqldbtest.Open(t, b, clock)
			ctx := context.Background()
			w := newWorkspace(t, db, "cal", 2)
			svc := &scheduling.Service{Store: db, Clock: clock}
			day := now.Add(24 * time.Hour).Truncate(24 * time.Hour) // Tuesday, hours 09–17 UTC
			at := func(h float64) time.Time { return day.Add(time.Duration(h * float64(time.Hour))) }
			busy := func(user string, from, to float64) {
				t.Helper()
				if err := db.ReplaceCalendarBusy(ctx, w.company.ID, user, "cal-"+user, now, now.AddDate(0, 0, 30),
					[]meetd.BusyInterval{{Start: at(from), End: at(to)}}); err != nil {
					t.Fatal(err)
				}
			}
			h0, h1 := w.hosts[0], w.hosts[1]
			busy(h0, 10, 11)
			busy(w.owner.ID, 13, 14)

			hostsAt := func(method slots.Method, hosts []string, queue string) map[string][]string {
				t.Helper()
				list, err := svc.Slots(ctx, w.p, scheduling.SlotRequest{MeetingTypeID: w.mt.ID, HostIDs: hosts, QueueID: queue,
					Method: method, From: at(9), To: at(12)})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string][]string{}
				for _, s := range list {
					out[s.Start.Format("15:04")] = s.HostIDs
				}
				return out
			}
			anyone := hostsAt(slots.Anyone, []string{h0, h1}, "")
			if !slices.Equal(anyone["10:00"], []string{h1}) || !slices.Equal(anyone["10:30"], []string{h1}) ||
				!slices.Equal(anyone["11:00"], []string{h0, h1}) || !slices.Equal(anyone["09:30"], []string{h0, h1}) {
				t.Fatalf("anyone: %v; want h0 missing from 10:00 and 10:30 only", anyone)
			}
			everyone := hostsAt(slots.Everyone, []string{h0, h1}, "")
			if _, ok := everyone["10:00"]; ok || everyone["11:00"] == nil || everyone["09:30"] == nil {
				t.Fatalf("everyone: %v; want no 10:00 and 10:30", everyone)
			}
			if _, ok := everyone["10:30"]; ok {
				t.Fatalf("everyone: %v; want no 10:30", everyone)
			}

			// A queue booking at 10:00 goes to the member whose calendar
			// is free; the next one finds nobody.
			res, err := svc.Book(ctx, w.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: w.mt.ID, Start: at(10),
				QueueID: w.mt.QueueID, BookingDetails: attendee()})
			if err != nil || !slices.Equal(res.Appointment.HostIDs, []string{h1}) {
				t.Fatalf("queue booking at 10:00 = %+v, %v; want h1", res.Appointment.HostIDs, err)
			}
			_, err = svc.Book(ctx, w.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: w.mt.ID, Start: at(10),
				QueueID: w.mt.QueueID, BookingDetails: attendee()})
			if err != meetd.ErrSlotTaken {
				t.Fatalf("second queue booking at 10:00 = %v, want %v", err, meetd.ErrSlotTaken)
			}

			// The owner's own meeting type with a 15-minute buffer before:
			// the buffer keeps 14:00 free of the calendar's 13–14 event.
			solo, err := db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: w.company.ID, UserID: w.owner.ID,
				Name: "Solo", Slug: "solo", Duration: 30, Channel: "zoom", Enabled: true, Spots: 1, BufferBefore: 15,
				DoubleOptIn: meetd.DoubleOptInDisabled}, &meetd.NewAvailability{CompanyID: w.company.ID, UserID: w.owner.ID,
				Name: "Hours", Timezone: "UTC", Schedule: meetd.DefaultSchedule()})
			if err != nil {
				t.Fatal(err)
			}
			list, err := svc.Slots(ctx, w.p, scheduling.SlotRequest{MeetingTypeID: solo.ID, From: at(12), To: at(15)})
			if err != nil {
				t.Fatal(err)
			}
			var starts []string
			for _, s := range list {
				starts = append(starts, s.Start.Format("15:04"))
			}
			if fmt.Sprint(starts) != "[12:00 12:30 14:30]" {
				t.Fatalf("solo slots = %v, want [12:00 12:30 14:30]", starts)
			}
			for _, h := range []float64{13, 14} {
				_, err = svc.Book(ctx, w.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: solo.ID, Start: at(h), BookingDetails: attendee()})
				if err != meetd.ErrSlotTaken {
					t.Fatalf("booking the owner at %v:00 = %v, want %v", h, err, meetd.ErrSlotTaken)
				}
			}
			res, err = svc.Book(ctx, w.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: solo.ID, Start: at(12), BookingDetails: attendee()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Reschedule(ctx, meetd.CLIActor, res.Appointment, at(13.5), false); err != meetd.ErrSlotTaken {
				t.Fatalf("rescheduling into the calendar's event = %v, want %v", err, meetd.ErrSlotTaken)
			}
			if _, err := svc.Reschedule(ctx, meetd.CLIActor, res.Appointment, at(14.5), false); err != nil {
				t.Fatalf("rescheduling after it = %v", err)
			}

			// Once the calendar is disconnected, the time is free again.
			if err := db.DeleteCalendarBusy(ctx, w.company.ID, "cal-"+h0); err != nil {
				t.Fatal(err)
			}
			if got := hostsAt(slots.Anyone, []string{h0}, ""); got["10:30"] == nil {
				t.Fatalf("after disconnecting, h0's slots = %v; want 10:30", got)
			}
		})
	}
}

// TestGoogleExportRemovesExactlyItsSlots runs the whole way a feed takes:
// a Google Calendar export (a weekly lunch with one instance moved and one
// deleted, an all-day event, a transparent and a cancelled event) read by
// icalbusy, cached, and the host's slots in Berlin across the change to
// summer time.
func TestGoogleExportRemovesExactlyItsSlots(t *testing.T) {
	b := sqldbtest.Backends()[0]
	clock := meetd.NewManualClock(now)
	db := sqldbtest.Open(t, b, clock)
	ctx := context.Background()
	w := newWorkspace(t, db, "google", 0)
	svc := &scheduling.Service{Store: db, Clock: clock}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../icalbusy/testdata/google.ics")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := icalbusy.Parse(bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	busy, err := icalbusy.Busy(cal, from, to, berlin)
	if err != nil {
		t.Fatal(err)
	}
	var cached []meetd.BusyInterval
	for _, iv := range busy {
		cached = append(cached, meetd.BusyInterval{Start: iv.Start, End: iv.End})
	}
	if err := db.ReplaceCalendarBusy(ctx, w.company.ID, w.owner.ID, "google", from, to, cached); err != nil {
		t.Fatal(err)
	}
	m, err := db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: w.company.ID, UserID: w.owner.ID,
		Name: "Berlin", Slug: "berlin", Duration: 60, Channel: "zoom", Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, &meetd.NewAvailability{CompanyID: w.company.ID, UserID: w.owner.ID,
		Name: "Hours", Timezone: "Europe/Berlin", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		t.Fatal(err)
	}
	day := func(date string) string {
		t.Helper()
		d, err := time.ParseInLocation("2006-01-02", date, berlin)
		if err != nil {
			t.Fatal(err)
		}
		list, err := svc.Slots(ctx, w.p, scheduling.SlotRequest{MeetingTypeID: m.ID, From: d, To: d.AddDate(0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		var starts []string
		for _, s := range list {
			starts = append(starts, s.Start.In(berlin).Format("15"))
		}
		return strings.Join(starts, " ")
	}
	for _, c := range []struct{ date, want string }{
		{"2026-03-02", "09 10 11 13 14 15 16"}, // lunch 12–13
		{"2026-03-03", "09 10 11 12 13 14 15 16"},
		{"2026-03-04", ""},                        // the all-day offsite
		{"2026-03-05", "09 10 11 12 13 14 15 16"}, // a transparent birthday
		{"2026-03-16", "09 10 11 12 13 14 15 16"}, // lunch deleted (EXDATE)
		{"2026-03-23", "09 10 11 12 13 15 16"},    // lunch moved to 14–15
		{"2026-03-30", "09 10 11 13 14 15 16"},    // lunch 12–13 in summer time
	} {
		if got := day(c.date); got != c.want {
			t.Errorf("%s: slots at %q, want %q", c.date, got, c.want)
		}
	}
}
