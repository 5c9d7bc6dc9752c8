package mail_test

import (
	"bytes"
	"context"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	gomail "github.com/wneessen/go-mail"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/mail"
	"github.com/meetd/meetd/mail/mailtest"
)

const (
	apID   = "5f0c6f44-8a4c-4e0b-9d57-2f6d1c1f3a10"
	secret = "s3cr3t-appointment-secret"
)

var start = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// parse reads a message as the SMTP server got it into its header and
// leaves.
func parse(t *testing.T, data []byte) (netmail.Header, []mailtest.Part) {
	t.Helper()
	h, parts, err := mailtest.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return h, parts
}

func find(t *testing.T, parts []mailtest.Part, path string) mailtest.Part {
	t.Helper()
	if p, ok := mailtest.Find(parts, path); ok {
		return p
	}
	var paths []string
	for _, p := range parts {
		paths = append(paths, p.Path)
	}
	t.Fatalf("no part %s; have %v", path, paths)
	return mailtest.Part{}
}

// claim is a claimed outbox message of kind as sqldb queues it.
func claim(t *testing.T, kind, lang string, f mail.Facts, ap meetd.Appointment) meetd.OutboxClaim {
	t.Helper()
	m := meetd.OutboxMessage{ID: "0d4b2a4e-7a0e-4a57-bc56-1f43a3c6b3d2", CompanyID: "c", Kind: kind, Recipient: f.Recipient.Email,
		AppointmentID: ap.ID, Language: lang, Data: f.Marshal(), Attempts: 1, MessageID: "0d4b2a4e@meetd",
		Subject: mail.Subject(kind, lang, f)}
	if mail.HasCalendar(kind) {
		e := invite.FromAppointment(ap)
		e.Summary, e.Organizer = f.MeetingType, invite.Person{Name: f.Host.Name, Email: f.Host.Email}
		cal, err := invite.Render(mail.Method(kind), e)
		if err != nil {
			t.Fatal(err)
		}
		m.Calendar = cal
	}
	return meetd.OutboxClaim{Message: m, AppointmentSecret: secret}
}

func appointment(reschedules int, cancelled bool) meetd.Appointment {
	at := meetd.Attendee{Email: "ada@example.com", Fullname: "Ada Lovelace", Language: "de-AT"}
	return meetd.Appointment{ID: apID, Start: start, End: start.Add(30 * time.Minute), Attendee: at,
		Attendees: []meetd.Attendee{at}, RescheduleCount: reschedules, Cancelled: cancelled}
}

func facts(links bool) mail.Facts {
	return mail.Facts{MeetingType: "Intro call", Start: start, End: start.Add(30 * time.Minute),
		TimeZone: "Europe/Berlin", Host: mail.Person{Name: "Hanna Host", Email: "hanna@acme.example"},
		Attendee:  mail.Person{Name: "Ada Lovelace", Email: "ada@example.com"},
		Recipient: mail.Person{Name: "Ada Lovelace", Email: "ada@example.com"}, Links: links}
}

var composer = mail.Composer{From: mail.From{Name: "Acme Bookings", Email: "bookings@acme.example"},
	PublicURL: "https://cal.acme.example/book"}

// send composes claims and sends them through a real SMTP server that
// requires STARTTLS and a password; it returns what the server received.
func send(t *testing.T, claims ...meetd.OutboxClaim) []mailtest.Message {
	t.Helper()
	srv := mailtest.Start(t, mailtest.Options{TLS: "starttls", Username: "meetd", Password: "p@ss word"})
	s := &mail.SMTP{Server: mail.Server{Host: "127.0.0.1", Port: srv.Port, TLS: mail.StartTLS, Username: "meetd",
		Password: "p@ss word"}, TLSConfig: srv.ClientTLS}
	var msgs []*gomail.Msg
	for _, c := range claims {
		m, err := composer.Compose(c, start.Add(-48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	for i, err := range s.Send(t.Context(), msgs) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	return srv.Messages()
}

func decodeCalendar(t *testing.T, text string) (method string, ev *ical.Event) {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(text)).Decode()
	if err != nil {
		t.Fatalf("invitation does not parse: %v\n%s", err, text)
	}
	if p := cal.Props.Get(ical.PropMethod); p != nil {
		method = p.Value
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	return method, &evs[0]
}

func prop(ev *ical.Event, name string) string {
	if p := ev.Props.Get(name); p != nil {
		return p.Value
	}
	return ""
}

func TestConfirmationIsAlternativeTextHTMLAndInvitationWithLinks(t *testing.T) {
	got := send(t, claim(t, meetd.MailConfirmation, "en", facts(true), appointment(0, false)))
	if len(got) != 1 || got[0].From != "bookings@acme.example" || len(got[0].To) != 1 || got[0].To[0] != "ada@example.com" {
		t.Fatalf("envelope: %+v", got)
	}
	h, parts := parse(t, got[0].Data)
	if from := h.Get("From"); from != `"Acme Bookings" <bookings@acme.example>` {
		t.Errorf("From = %q", from)
	}
	if id := h.Get("Message-Id"); id != "<0d4b2a4e@meetd>" {
		t.Errorf("Message-ID = %q, want the outbox row's", id)
	}
	if h.Get("Auto-Submitted") != "auto-generated" || h.Get("Date") == "" {
		t.Errorf("headers: %v", h)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != "Confirmed: Intro call on Monday, 7 December 2026, 10:00 (Europe/Berlin)" {
		t.Errorf("Subject = %q, %v", subject, err)
	}
	plain := find(t, parts, "multipart/mixed/multipart/alternative/text/plain")
	html := find(t, parts, "multipart/mixed/multipart/alternative/text/html")
	cal := find(t, parts, "multipart/mixed/multipart/alternative/text/calendar")
	att := find(t, parts, "multipart/mixed/application/ics")
	if cal.Params["method"] != "REQUEST" || att.Disposition != "attachment" || cal.Body != att.Body {
		t.Errorf("calendar part %v, attachment %q", cal.Params, att.Disposition)
	}
	cancel := composer.PublicURL + "/appointment/" + apID + "/cancel?secret=" + secret
	reschedule := composer.PublicURL + "/appointment/" + apID + "/reschedule?secret=" + secret
	for _, want := range []string{"Hello Ada Lovelace,", "Your booking is confirmed.", "When: Monday, 7 December 2026, 10:00 (Europe/Berlin) – 10:30",
		"With: Hanna Host <hanna@acme.example>", "Cancel: " + cancel, "Reschedule: " + reschedule} {
		if !strings.Contains(plain.Body, want) {
			t.Errorf("plain text lacks %q:\n%s", want, plain.Body)
		}
	}
	for _, want := range []string{`<html lang="en">`, `href="` + strings.ReplaceAll(cancel, "&", "&amp;") + `"`, "Hanna Host &lt;hanna@acme.example&gt;"} {
		if !strings.Contains(html.Body, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html.Body)
		}
	}
	method, ev := decodeCalendar(t, cal.Body)
	if method != "REQUEST" || prop(ev, ical.PropUID) != invite.UID(apID) || prop(ev, ical.PropSequence) != "0" {
		t.Errorf("invitation: METHOD %s UID %s SEQUENCE %s", method, prop(ev, ical.PropUID), prop(ev, ical.PropSequence))
	}
}

func TestGermanRescheduleRaisesSequenceAndCancelCancels(t *testing.T) {
	prev := start.Add(-24 * time.Hour)
	f := facts(true)
	f.PreviousStart = &prev
	got := send(t, claim(t, meetd.MailRescheduled, "de", f, appointment(2, false)),
		claim(t, meetd.MailCancelled, "de", facts(true), appointment(2, true)))
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	h, parts := parse(t, got[0].Data)
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if subject != "Verschoben: Intro call jetzt am Montag, 7. Dezember 2026, 10:00 Uhr (Europe/Berlin)" || h.Get("Content-Language") != "de" {
		t.Errorf("Subject = %q, Content-Language %q", subject, h.Get("Content-Language"))
	}
	plain := find(t, parts, "multipart/mixed/multipart/alternative/text/plain").Body
	for _, want := range []string{"Hallo Ada Lovelace,", "von Sonntag, 6. Dezember 2026, 10:00 Uhr (Europe/Berlin)", "Absagen: ", "Verschieben: "} {
		if !strings.Contains(plain, want) {
			t.Errorf("German plain text lacks %q:\n%s", want, plain)
		}
	}
	if !strings.Contains(find(t, parts, "multipart/mixed/multipart/alternative/text/html").Body, `<html lang="de">`) {
		t.Error("German HTML is not lang=de")
	}
	method, ev := decodeCalendar(t, find(t, parts, "multipart/mixed/application/ics").Body)
	if method != "REQUEST" || prop(ev, ical.PropUID) != invite.UID(apID) || prop(ev, ical.PropSequence) != "2" {
		t.Errorf("reschedule: METHOD %s UID %s SEQUENCE %s", method, prop(ev, ical.PropUID), prop(ev, ical.PropSequence))
	}

	h, parts = parse(t, got[1].Data)
	subject, _ = new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if !strings.HasPrefix(subject, "Abgesagt: Intro call am ") {
		t.Errorf("Subject = %q", subject)
	}
	cal := find(t, parts, "multipart/mixed/multipart/alternative/text/calendar")
	method, ev = decodeCalendar(t, cal.Body)
	if cal.Params["method"] != "CANCEL" || method != "CANCEL" || prop(ev, ical.PropUID) != invite.UID(apID) ||
		prop(ev, ical.PropSequence) != "3" || prop(ev, ical.PropStatus) != "CANCELLED" {
		t.Errorf("cancellation: METHOD %s UID %s SEQUENCE %s STATUS %s", method, prop(ev, ical.PropUID),
			prop(ev, ical.PropSequence), prop(ev, ical.PropStatus))
	}
	if strings.Contains(string(got[1].Data), secret) {
		t.Error("a cancellation carries the cancel and reschedule links of an appointment that is gone")
	}
}

func TestHostMessageHasCalendarFileButNoMethodAndNoAttendeeLinks(t *testing.T) {
	f := facts(false)
	f.Recipient, f.TimeZone = f.Host, "America/New_York"
	got := send(t, claim(t, meetd.MailHostBooked, "en", f, appointment(0, false)))
	if strings.Contains(string(got[0].Data), secret) {
		t.Fatal("a host's message carries the attendee's secret")
	}
	h, parts := parse(t, got[0].Data)
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if subject != "New booking: Intro call with Ada Lovelace on Monday, 7 December 2026, 04:00 (America/New_York)" {
		t.Errorf("Subject = %q", subject)
	}
	for _, p := range parts {
		if p.ContentType == "text/calendar" {
			t.Errorf("a host's message has an invitation part (%v): the host would be asked to accept their own meeting", p.Params)
		}
	}
	method, _ := decodeCalendar(t, find(t, parts, "multipart/mixed/application/ics").Body)
	if method != "" {
		t.Errorf("host's calendar file has METHOD %s", method)
	}
	if !strings.Contains(find(t, parts, "multipart/mixed/multipart/alternative/text/plain").Body, "With: Ada Lovelace <ada@example.com>") {
		t.Error("host's message does not say who booked")
	}
}

func TestOptInCarriesConfirmLinkOnly(t *testing.T) {
	exp := start.Add(-24 * time.Hour)
	f := facts(false)
	f.ExpiresAt = &exp
	c := claim(t, meetd.MailOptIn, "en", f, appointment(0, false))
	c.Message.AppointmentID, c.AppointmentSecret = "", ""
	c.Token, c.ProvisionalID = "tok-en+/=", "9a1c5d7e-2f3b-4c6d-8e9f-0a1b2c3d4e5f"
	got := send(t, c)
	h, parts := parse(t, got[0].Data)
	plain := find(t, parts, "multipart/alternative/text/plain").Body
	want := "https://cal.acme.example/book/confirm/9a1c5d7e-2f3b-4c6d-8e9f-0a1b2c3d4e5f?token=tok-en%2B%2F%3D"
	if !strings.Contains(plain, "Confirm my booking: "+want) || !strings.Contains(plain, "The link works until Sunday, 6 December 2026") {
		t.Errorf("plain text:\n%s", plain)
	}
	if subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); !strings.HasPrefix(subject, "Please confirm your booking: Intro call") {
		t.Errorf("Subject = %q", subject)
	}
	if c.Token = ""; true {
		if _, err := composer.Compose(c, start); err == nil {
			t.Error("an opt-in message without its token composed")
		}
	}
}

func TestReminderAndQuickMailCarryTheAttendeesLinks(t *testing.T) {
	rem := claim(t, meetd.MailReminder, "en", facts(true), appointment(0, false))
	quick := claim(t, meetd.MailQuick, "de", facts(true), appointment(0, false))
	quick.Message.Subject, quick.Message.Body = "Unterlagen", "Bitte bringen Sie <Ihre Unterlagen> mit."
	guest := claim(t, meetd.MailReminder, "en", facts(false), appointment(0, false))
	got := send(t, rem, quick, guest)
	_, parts := parse(t, got[0].Data)
	if plain := find(t, parts, "multipart/alternative/text/plain").Body; !strings.Contains(plain, "This is a reminder") ||
		!strings.Contains(plain, "cancel?secret="+secret) {
		t.Errorf("reminder:\n%s", plain)
	}
	h, parts := parse(t, got[1].Data)
	if h.Get("Subject") != "Unterlagen" || h.Get("Auto-Submitted") != "" {
		t.Errorf("quick mail headers: %v", h)
	}
	if html := find(t, parts, "multipart/alternative/text/html").Body; !strings.Contains(html, "&lt;Ihre Unterlagen&gt;") ||
		!strings.Contains(html, "reschedule?secret="+secret) {
		t.Errorf("quick mail HTML:\n%s", html)
	}
	if strings.Contains(string(got[2].Data), secret) {
		t.Error("a guest's reminder carries the cancel link of the person who booked")
	}
}

func TestSMTPFailuresNeverShowThePassword(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{TLS: "starttls", Username: "meetd", Password: "right"})
	msg := func() []*gomail.Msg {
		m, err := composer.Compose(claim(t, meetd.MailReminder, "en", facts(true), appointment(0, false)), start)
		if err != nil {
			t.Fatal(err)
		}
		return []*gomail.Msg{m}
	}
	for name, s := range map[string]*mail.SMTP{
		"wrong password": {Server: mail.Server{Host: "127.0.0.1", Port: srv.Port, TLS: mail.StartTLS, Username: "meetd",
			Password: "wrong-hunter2"}, TLSConfig: srv.ClientTLS},
		"untrusted certificate": {Server: mail.Server{Host: "127.0.0.1", Port: srv.Port, TLS: mail.StartTLS,
			Username: "meetd", Password: "wrong-hunter2"}},
		"implicit TLS against STARTTLS": {Server: mail.Server{Host: "127.0.0.1", Port: srv.Port, TLS: mail.Implicit,
			Username: "meetd", Password: "wrong-hunter2"}, TLSConfig: srv.ClientTLS},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err := s.Send(ctx, msg())[0]
			if err == nil {
				t.Fatal("sent")
			}
			if strings.Contains(err.Error(), "hunter2") || mail.Permanent(err) {
				t.Errorf("error %q (permanent %v)", err, mail.Permanent(err))
			}
		})
	}
	plain := mailtest.Start(t, mailtest.Options{})
	s := &mail.SMTP{Server: mail.Server{Host: "127.0.0.1", Port: plain.Port, TLS: mail.StartTLS}}
	if err := s.Send(t.Context(), msg())[0]; err == nil {
		t.Error("smtp:// sent over a server without STARTTLS: TLS must be required")
	}
	implicit := mailtest.Start(t, mailtest.Options{TLS: "implicit", Username: "u", Password: "p"})
	s = &mail.SMTP{Server: mail.Server{Host: "127.0.0.1", Port: implicit.Port, TLS: mail.Implicit, Username: "u",
		Password: "p"}, TLSConfig: implicit.ClientTLS}
	if err := s.Send(t.Context(), msg())[0]; err != nil || len(implicit.Messages()) != 1 {
		t.Errorf("smtps://: %v, %d messages", err, len(implicit.Messages()))
	}
	plain.Reject("ada@example.com")
	s = &mail.SMTP{Server: mail.Server{Host: "127.0.0.1", Port: plain.Port, TLS: mail.NoTLS}}
	if err := s.Send(t.Context(), msg())[0]; !mail.Permanent(err) {
		t.Errorf("a refused recipient: %v, want a permanent error", err)
	}
}

func TestAQuickMailSubjectCannotAddHeaders(t *testing.T) {
	quick := claim(t, meetd.MailQuick, "en", facts(true), appointment(0, false))
	quick.Message.Subject, quick.Message.Body = "Hi\r\nBcc: evil@example.com", "Text"
	got := send(t, quick)
	h, _ := parse(t, got[0].Data)
	if h.Get("Bcc") != "" || len(got[0].To) != 1 || got[0].To[0] != "ada@example.com" {
		t.Fatalf("a subject added a recipient: %v, envelope %v", h, got[0].To)
	}
}

// TestAGuestIsToldWhoInvitedThem: a guest booked nothing, so their
// confirmation says who brought them, in either language; the person who
// booked still reads that their booking is confirmed.
func TestAGuestIsToldWhoInvitedThem(t *testing.T) {
	guest := func() mail.Facts {
		f := facts(false)
		f.Recipient = mail.Person{Email: "grace@example.com"}
		return f
	}
	for _, tc := range []struct {
		name, lang string
		facts      mail.Facts
		want, not  string
	}{
		{"a guest, English", "en", guest(), "Ada Lovelace invited you to Intro call.", "Your booking is confirmed."},
		{"a guest, German", "de", guest(), "Ada Lovelace hat Sie zu Intro call eingeladen.", "Ihre Buchung ist bestätigt."},
		{"the person who booked", "en", facts(true), "Your booking is confirmed.", "invited you"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := composer.Compose(claim(t, meetd.MailConfirmation, tc.lang, tc.facts, appointment(0, false)), start)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if _, err := m.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			_, parts := parse(t, []byte(b.String()))
			plain := find(t, parts, "multipart/mixed/multipart/alternative/text/plain").Body
			if !strings.Contains(plain, tc.want) || strings.Contains(plain, tc.not) {
				t.Errorf("want %q and not %q in:\n%s", tc.want, tc.not, plain)
			}
		})
	}
}

// TestAMessageWithoutAHostEndsWithoutAnEmptySignature: a routing form's
// invitation names no host, so it ends with its link, not with a
// signature separator over nothing.
func TestAMessageWithoutAHostEndsWithoutAnEmptySignature(t *testing.T) {
	cl := meetd.OutboxClaim{Message: meetd.OutboxMessage{ID: "9e0c", CompanyID: "c", Kind: meetd.MailRoutingForm,
		Recipient: "rec@example.com", Language: "en", Subject: "Intake", Body: "Please fill this in\n\nhttps://cal.acme.example/f/intake?r=x",
		Data: mail.Facts{Recipient: mail.Person{Name: "Rec", Email: "rec@example.com"}}.Marshal(), Attempts: 1, MessageID: "9e0c@meetd"}}
	m, err := composer.Compose(cl, start)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	_, parts := parse(t, []byte(b.String()))
	plain := find(t, parts, "multipart/alternative/text/plain").Body
	html := find(t, parts, "multipart/alternative/text/html").Body
	if !strings.Contains(plain, "intake?r=x") || strings.Contains(plain, "\n-- ") {
		t.Errorf("plain text:\n%q", plain)
	}
	if strings.Contains(html, "border-top") {
		t.Errorf("HTML has an empty footer:\n%s", html)
	}
}

// TestAttendeeLinksCarryTheirLanguage: the double opt-in link and the
// cancel and reschedule links open the pages in the attendee's language
// (lang=de for a German attendee, whatever their browser says), and carry
// none for an attendee whose language the pages do not speak.
func TestAttendeeLinksCarryTheirLanguage(t *testing.T) {
	const provisional = "9a1c5d7e-2f3b-4c6d-8e9f-0a1b2c3d4e5f"
	confirm := composer.PublicURL + "/confirm/" + provisional + "?token=tok"
	cancel := composer.PublicURL + "/appointment/" + apID + "/cancel?secret=" + secret
	reschedule := composer.PublicURL + "/appointment/" + apID + "/reschedule?secret=" + secret
	optIn := func(pageLang string) meetd.OutboxClaim {
		f := facts(false)
		f.PageLanguage = pageLang
		c := claim(t, meetd.MailOptIn, mail.Language(pageLang), f, appointment(0, false))
		c.Message.AppointmentID, c.AppointmentSecret = "", ""
		c.Token, c.ProvisionalID = "tok", provisional
		return c
	}
	withLinks := func(kind, pageLang string) meetd.OutboxClaim {
		f := facts(true)
		f.PageLanguage = pageLang
		return claim(t, kind, mail.Language(pageLang), f, appointment(0, false))
	}
	for _, tc := range []struct {
		name  string
		claim meetd.OutboxClaim
		want  []string
	}{
		{"a German attendee's opt-in link opens in German", optIn("de"), []string{confirm + "&lang=de"}},
		{"an English attendee's opt-in link opens in English", optIn("en"), []string{confirm + "&lang=en"}},
		{"another language's opt-in link follows the browser", optIn(""), []string{confirm + "\n"}},
		{"a German confirmation's links open in German", withLinks(meetd.MailConfirmation, "de"),
			[]string{cancel + "&lang=de", reschedule + "&lang=de"}},
		{"a German reminder's links open in German", withLinks(meetd.MailReminder, "de"),
			[]string{cancel + "&lang=de", reschedule + "&lang=de"}},
		{"a quick mail's links open in English for an English attendee", withLinks(meetd.MailQuick, "en"),
			[]string{cancel + "&lang=en", reschedule + "&lang=en"}},
		{"links without a page language follow the browser", withLinks(meetd.MailConfirmation, ""),
			[]string{cancel + "\n", reschedule + "\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.claim.Message.Kind == meetd.MailQuick {
				tc.claim.Message.Body = "See you."
			}
			m, err := composer.Compose(tc.claim, start.Add(-48*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := m.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			_, parts := parse(t, b.Bytes())
			var plain, html string
			for _, p := range parts {
				switch p.ContentType {
				case "text/plain":
					plain = strings.ReplaceAll(p.Body, "\r\n", "\n")
				case "text/html":
					html = p.Body
				}
			}
			for _, want := range tc.want {
				if !strings.Contains(plain, want) {
					t.Errorf("plain text lacks %q:\n%s", want, plain)
				}
				if !strings.Contains(html, `href="`+strings.ReplaceAll(strings.TrimSuffix(want, "\n"), "&", "&amp;")+`"`) {
					t.Errorf("HTML lacks a link to %q:\n%s", want, html)
				}
			}
		})
	}
}
