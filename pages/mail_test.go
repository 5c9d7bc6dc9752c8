package pages_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/mail/mailtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// mailWait bounds the wait for one message: the worker polls every
// 20 ms, so only a message that never comes takes this long.
const mailWait = 30 * time.Second

// letter is a received e-mail, its structure checked: plain text with an
// HTML alternative and, when it carries one, the invitation both as the
// alternative's text/calendar part and as an attachment.
type letter struct {
	plain, html string
	method      string      // the text/calendar part's method, "" without one
	event       *ical.Event // the invitation's event, nil without one
}

// calendarMethod is the method of m's text/calendar part, "" without one
// or when m does not parse.
func calendarMethod(m mailtest.Message) string {
	_, parts, err := mailtest.Parse(m.Data)
	if err != nil {
		return ""
	}
	p, _ := mailtest.Find(parts, "multipart/mixed/multipart/alternative/text/calendar")
	return p.Params["method"]
}

// waitLetter waits for the message to addr whose text/calendar part has
// method ("" for one without) and reads it.
func waitLetter(t *testing.T, srv *mailtest.Server, addr, method string) letter {
	t.Helper()
	m := srv.WaitFor(t, mailWait, "message to "+addr+" with method "+method, func(m mailtest.Message) bool {
		return slices.Contains(m.To, addr) && calendarMethod(m) == method
	})
	return readLetter(t, m)
}

func readLetter(t *testing.T, m mailtest.Message) letter {
	t.Helper()
	_, parts, err := mailtest.Parse(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range parts {
		paths = append(paths, p.Path)
	}
	root := "multipart/alternative/"
	if len(parts) > 0 && strings.HasPrefix(parts[0].Path, "multipart/mixed/") {
		root = "multipart/mixed/multipart/alternative/"
	}
	plain, okPlain := mailtest.Find(parts, root+"text/plain")
	htm, okHTML := mailtest.Find(parts, root+"text/html")
	if !okPlain || !okHTML || paths[0] != plain.Path || paths[1] != htm.Path {
		t.Fatalf("the message is not plain text with an HTML alternative first: %v", paths)
	}
	l := letter{plain: plain.Body, html: htm.Body}
	cal, ok := mailtest.Find(parts, root+"text/calendar")
	if !ok {
		return l
	}
	att, ok := mailtest.Find(parts, "multipart/mixed/application/ics")
	if !ok || att.Disposition != "attachment" || att.Body != cal.Body {
		t.Fatalf("the invitation is not attached as well: %v", paths)
	}
	c, err := ical.NewDecoder(strings.NewReader(cal.Body)).Decode()
	if err != nil {
		t.Fatalf("the invitation does not parse: %v\n%s", err, cal.Body)
	}
	if p := c.Props.Get(ical.PropMethod); p == nil || p.Value != cal.Params["method"] {
		t.Fatalf("the part says method=%s, the calendar %v", cal.Params["method"], p)
	}
	evs := c.Events()
	if len(evs) != 1 {
		t.Fatalf("the invitation holds %d events, want 1", len(evs))
	}
	l.method, l.event = cal.Params["method"], &evs[0]
	return l
}

// matches fails unless the letter's invitation is ap's: its UID and
// start, and its first attendee among those invited.
func (l letter) matches(t *testing.T, ap meetd.Appointment) {
	t.Helper()
	if l.event == nil {
		t.Fatal("the message carries no invitation")
	}
	uid := l.event.Props.Get(ical.PropUID)
	start, err := l.event.DateTimeStart(time.UTC)
	if uid == nil || uid.Value != invite.UID(ap.ID) || err != nil || !start.Equal(ap.Start) {
		t.Fatalf("invitation UID %v DTSTART %v (%v), want %s at %v", uid, start, err, invite.UID(ap.ID), ap.Start)
	}
	var invited bool
	for _, p := range l.event.Props.Values(ical.PropAttendee) {
		invited = invited || strings.EqualFold(p.Value, "mailto:"+ap.Attendees[0].Email)
	}
	if !invited {
		t.Fatalf("the invitation does not invite %s: %v", ap.Attendees[0].Email, l.event.Props.Values(ical.PropAttendee))
	}
}

var urlRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// link is the one link of the plain text that contains part; the HTML
// alternative must offer the same link.
func (l letter) link(t *testing.T, part string) string {
	t.Helper()
	var found []string
	for _, u := range urlRE.FindAllString(l.plain, -1) {
		if strings.Contains(u, part) {
			found = append(found, u)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the message has %d links with %q, want 1:\n%s", len(found), part, l.plain)
	}
	if !strings.Contains(l.html, `href="`+html.EscapeString(found[0])+`"`) {
		t.Fatalf("the HTML alternative lacks the link %s:\n%s", found[0], l.html)
	}
	return found[0]
}

// TestDoubleOptInByMail: a double opt-in booking made on the page says
// "check your e-mail"; the worker mails the link; its GET shows a button
// and books nothing; its POST books, and the one booking confirmation
// with the invitation follows; a second POST books nothing more. The
// link's token is in no log line.
func TestDoubleOptInByMail(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		srv := h.startMail()
		h.change(func(m *meetd.MeetingType) { m.DoubleOptIn = meetd.DoubleOptInEnabled })
		l := links.New(h.base)
		const dora = "dora@example.org"
		h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-02T09:00:00Z", "Dora", dora)).
			want(t, 200, "Check your e-mail", dora)

		optIn := waitLetter(t, srv, dora, "")
		confirm := optIn.link(t, "/confirm/")
		if !strings.HasPrefix(confirm, h.base+"/confirm/") {
			t.Fatalf("the opt-in link %s is not under the public URL %s", confirm, h.base)
		}
		cu, err := url.Parse(confirm)
		if err != nil {
			t.Fatal(err)
		}
		token := cu.Query().Get("token")
		if token == "" {
			t.Fatalf("the opt-in link %s has no token", confirm)
		}

		h.get(confirm).want(t, 200, "Confirm your booking", `id="confirm"`)
		booked := func() []meetd.Appointment {
			t.Helper()
			aps, _, err := h.db.ListAppointments(context.Background(), meetd.AppointmentFilter{CompanyID: h.tenant.Company.ID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return aps
		}
		if aps := booked(); len(aps) != 0 {
			t.Fatalf("the GET of the opt-in link booked %d appointments", len(aps))
		}

		done := h.post(confirm, url.Values{"token": {token}})
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", done.status, done.body)
		}
		ap := h.appointmentOf(done.header.Get("Location"))
		if ap.Attendees[0].Email != dora || !ap.Start.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("confirmed %v for %+v", ap.Start, ap.Attendees)
		}
		confirmation := waitLetter(t, srv, dora, "REQUEST")
		confirmation.matches(t, ap)
		confirmation.link(t, "/cancel?secret="+ap.Secret)

		// A second press answers the same appointment and books nothing.
		again := h.post(confirm, url.Values{"token": {token}})
		if again.status != http.StatusSeeOther || h.appointmentOf(again.header.Get("Location")).ID != ap.ID {
			t.Fatalf("a second POST: %d to %s, want the same appointment's page", again.status, again.header.Get("Location"))
		}
		if aps := booked(); len(aps) != 1 {
			t.Fatalf("%d appointments after two POSTs, want 1", len(aps))
		}
		// The host is told too. Once every due message is sent, what
		// reached Dora is final: no second confirmation among it.
		srv.WaitFor(t, mailWait, "the host's message", func(m mailtest.Message) bool {
			return slices.Contains(m.To, h.host.Email)
		})
		h.drainOutbox(t)
		var toDora []string
		for _, m := range srv.Messages() {
			if slices.Contains(m.To, dora) {
				toDora = append(toDora, calendarMethod(m))
			}
		}
		if !slices.Equal(toDora, []string{"", "REQUEST"}) {
			t.Fatalf("Dora got messages with methods %q, want the opt-in link and one confirmation", toDora)
		}
		logs := h.logs.String()
		if !strings.Contains(logs, `"msg":"mail sent"`) || !strings.Contains(logs, `"path":"/confirm/`) {
			t.Fatal("the captured log lacks the worker's or the confirmation's lines: the check below would prove nothing")
		}
		if strings.Contains(logs, token) || strings.Contains(logs, ap.Secret) {
			t.Fatal("the log holds the opt-in token or the appointment's secret")
		}
	})
}

// TestAGermanAttendeesLinksOpenInGermanWhateverTheBrowser: an attendee
// who booked in German gets the double opt-in link and then the cancel
// and reschedule links with lang=de, so the pages they open speak German
// even in a browser that asks for English.
func TestAGermanAttendeesLinksOpenInGermanWhateverTheBrowser(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		srv := h.startMail()
		h.change(func(m *meetd.MeetingType) { m.DoubleOptIn = meetd.DoubleOptInEnabled })
		l := links.New(h.base)
		const greta = "greta@example.de"
		h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-02T09:00:00Z", "Greta", greta),
			"Accept-Language", "de-DE,de;q=0.9").want(t, 200, greta)

		optIn := waitLetter(t, srv, greta, "")
		confirm := optIn.link(t, "/confirm/")
		cu, err := url.Parse(confirm)
		if err != nil {
			t.Fatal(err)
		}
		if cu.Query().Get("lang") != "de" || cu.Query().Get("token") == "" {
			t.Fatalf("the opt-in link %s does not carry lang=de beside its token", confirm)
		}
		english := []string{"Accept-Language", "en-US,en;q=0.9"}
		h.get(confirm, english...).want(t, 200, `lang="de"`, "Buchung bestätigen")
		done := h.post(confirm, url.Values{"token": {cu.Query().Get("token")}, "lang": {"de"}}, english...)
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", done.status, done.body)
		}
		ap := h.appointmentOf(done.header.Get("Location"))
		confirmation := waitLetter(t, srv, greta, "REQUEST")
		cancel := confirmation.link(t, "/cancel?secret=")
		reschedule := confirmation.link(t, "/reschedule?secret=")
		if cancel != l.Cancel(ap.ID, ap.Secret)+"&lang=de" || reschedule != l.Reschedule(ap.ID, ap.Secret)+"&lang=de" {
			t.Fatalf("the confirmation's links %s and %s do not carry lang=de", cancel, reschedule)
		}
		h.get(cancel, english...).want(t, 200, `lang="de"`)
	})
}
