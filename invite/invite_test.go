package invite

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd"
)

func sample() Event {
	ap := meetd.Appointment{ID: "8c1f7a52-0d7e-4f4e-9a51-2f3f0f9c1b10", Location: "Room 1",
		Start: time.Date(2026, 3, 29, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 29, 9, 30, 0, 0, time.UTC),
		RescheduleCount: 2,
		Attendees: []meetd.Attendee{{Email: "ada@example.test", Firstname: "Ada", Lastname: "Lovelace"},
			{Email: "guest@example.test"}}}
	e := FromAppointment(ap)
	e.Summary, e.Description = "Intro call; with Grace, Ada", "Line one\nLine two"
	e.Organizer = Person{Name: "Grace Hopper", Email: "grace@example.test"}
	e.URL = "https://cal.example.test/appointment/x/reschedule"
	e.Stamp = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return e
}

func decode(t *testing.T, b []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	return cal
}

func TestRenderedRequestParsesWithTheAppointmentsUIDSequenceAndPeople(t *testing.T) {
	b, err := Render(MethodRequest, sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("iCalendar lines must end in CRLF")
	}
	cal := decode(t, b)
	if m, _ := cal.Props.Text(ical.PropMethod); m != "REQUEST" {
		t.Errorf("METHOD = %q", m)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	for prop, want := range map[string]string{
		ical.PropUID: "8c1f7a52-0d7e-4f4e-9a51-2f3f0f9c1b10@meetd", ical.PropSequence: "2",
		ical.PropStatus: "CONFIRMED", ical.PropSummary: "Intro call; with Grace, Ada",
		ical.PropDescription: "Line one\nLine two", ical.PropLocation: "Room 1",
	} {
		got, _ := ev.Props.Text(prop)
		if prop == ical.PropSequence { // an INTEGER: Text refuses it
			got = ev.Props.Get(prop).Value
		}
		if got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}
	start, _ := ev.DateTimeStart(time.UTC)
	end, _ := ev.DateTimeEnd(time.UTC)
	if !start.Equal(sample().Start) || !end.Equal(sample().End) {
		t.Errorf("times %v–%v", start, end)
	}
	if org := ev.Props.Get(ical.PropOrganizer); org == nil || org.Value != "mailto:grace@example.test" || org.Params.Get(ical.ParamCommonName) != "Grace Hopper" {
		t.Errorf("ORGANIZER %+v", org)
	}
	atts := ev.Props.Values(ical.PropAttendee)
	if len(atts) != 2 || atts[0].Value != "mailto:ada@example.test" || atts[0].Params.Get(ical.ParamCommonName) != "Ada Lovelace" || atts[0].Params.Get(ical.ParamRSVP) != "TRUE" {
		t.Errorf("ATTENDEE %+v", atts)
	}
}

func TestCancellationKeepsTheUIDAndRaisesTheSequence(t *testing.T) {
	e := sample()
	e.Cancelled = true
	b, err := Render(MethodCancel, e)
	if err != nil {
		t.Fatal(err)
	}
	ev := decode(t, b).Events()[0]
	uid, _ := ev.Props.Text(ical.PropUID)
	seq := ev.Props.Get(ical.PropSequence).Value
	st, _ := ev.Props.Text(ical.PropStatus)
	if uid != UID(e.AppointmentID) || seq != "3" || st != "CANCELLED" {
		t.Errorf("UID %q SEQUENCE %q STATUS %q", uid, seq, st)
	}
	if !strings.Contains(string(b), "METHOD:CANCEL") || !strings.Contains(string(b), "\r\nSEQUENCE:3\r\n") {
		t.Error("no METHOD:CANCEL")
	}
}

func TestDownloadedCalendarHasNoMethod(t *testing.T) {
	b, err := Render("", sample())
	if err != nil {
		t.Fatal(err)
	}
	if decode(t, b).Props.Get(ical.PropMethod) != nil {
		t.Error("a downloaded calendar must not carry METHOD")
	}
}

func TestIncompleteEventsAreRefused(t *testing.T) {
	for name, mutate := range map[string]func(*Event){
		"no summary":         func(e *Event) { e.Summary = "" },
		"end before start":   func(e *Event) { e.End = e.Start.Add(-time.Minute) },
		"no organizer email": func(e *Event) { e.Organizer.Email = "" },
		"no appointment id":  func(e *Event) { e.AppointmentID = "" },
	} {
		e := sample()
		mutate(&e)
		if _, err := Render(MethodRequest, e); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
}

func TestNamesWithQuotesAndControlCharactersStillRender(t *testing.T) {
	e := sample()
	e.Organizer.Name = `Grace "Amazing" Hopper`
	e.Attendees[0].Name = "Ada\tLove\nlace \"<script>"
	b, err := Render(MethodRequest, e)
	if err != nil {
		t.Fatal(err)
	}
	ev := decode(t, b).Events()[0]
	if cn := ev.Props.Get(ical.PropOrganizer).Params.Get(ical.ParamCommonName); cn != "Grace 'Amazing' Hopper" {
		t.Errorf("organizer CN %q", cn)
	}
	if cn := ev.Props.Values(ical.PropAttendee)[0].Params.Get(ical.ParamCommonName); cn != "Ada Love lace '<script>" {
		t.Errorf("attendee CN %q", cn)
	}
}
