package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
)

// Method is the iTIP method of the invitation a message of kind carries:
// REQUEST for an attendee's confirmation and reschedule, CANCEL for their
// cancellation, "" for a host's messages (a plain "add to calendar" file:
// the host is the organizer, whom an invitation would ask to accept their
// own meeting) and for messages that carry none.
func Method(kind string) string {
	switch kind {
	case meetd.MailConfirmation, meetd.MailRescheduled:
		return "REQUEST"
	case meetd.MailCancelled:
		return "CANCEL"
	}
	return ""
}

// HasCalendar reports whether a message of kind carries the appointment's
// calendar file.
func HasCalendar(kind string) bool {
	switch kind {
	case meetd.MailConfirmation, meetd.MailRescheduled, meetd.MailCancelled,
		meetd.MailHostBooked, meetd.MailHostMoved, meetd.MailHostCanceled:
		return true
	}
	return false
}

// From is the sender of every message: --mail-from.
type From = Person

// Composer turns claimed outbox messages into e-mails.
type Composer struct {
	From From
	// PublicURL is --public-url: the links' base.
	PublicURL string
}

// row is one line of a message's summary.
type row struct{ Label, Value string }

// action is a link a message offers.
type action struct{ Label, URL string }

// view is what the templates render.
type view struct {
	Lang, Subject, Greeting string
	Paragraphs              []string
	Rows                    []row
	Actions                 []action
	Notes                   []string
	Footer                  string
}

var plainTemplate = texttemplate.Must(texttemplate.New("plain").Parse(`{{.Greeting}}

{{range .Paragraphs}}{{.}}

{{end}}{{range .Rows}}{{.Label}}: {{.Value}}
{{end}}{{if .Rows}}
{{end}}{{range .Actions}}{{.Label}}: {{.URL}}
{{end}}{{if .Actions}}
{{end}}{{range .Notes}}{{.}}

{{end}}{{if .Footer}}-- 
{{.Footer}}
{{end}}`))

var htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;color:#1f2328;font-family:system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif;font-size:16px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<p>{{.Greeting}}</p>
{{range .Paragraphs}}<p style="white-space:pre-line">{{.}}</p>
{{end}}{{if .Rows}}<table role="presentation" style="border-collapse:collapse;margin:16px 0">
{{range .Rows}}<tr><th scope="row" style="text-align:left;padding:4px 16px 4px 0;vertical-align:top;color:#57606a;font-weight:600">{{.Label}}</th><td style="padding:4px 0">{{.Value}}</td></tr>
{{end}}</table>
{{end}}{{range .Actions}}<p><a href="{{.URL}}" style="display:inline-block;padding:10px 18px;background:#0b57d0;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">{{.Label}}</a></p>
{{end}}{{range .Notes}}<p style="color:#57606a;font-size:14px">{{.}}</p>
{{end}}{{if .Footer}}<p style="color:#57606a;font-size:13px;border-top:1px solid #d0d7de;padding-top:12px">{{.Footer}}</p>{{end}}
</div>
</body>
</html>
`))

// Compose builds the e-mail of a claimed message. The links it adds (the
// attendee's cancel and reschedule pages, the double opt-in page) carry
// secrets: the message goes to its recipient and nowhere else. They carry
// the recipient's language too (Facts.PageLanguage), so the page opens in
// the language the attendee chose rather than their browser's.
func (c Composer) Compose(cl meetd.OutboxClaim, now time.Time) (*gomail.Msg, error) {
	m := cl.Message
	f, err := ParseFacts(m.Data)
	if err != nil {
		return nil, err
	}
	lang := Language(m.Language)
	w := wordsOf(lang)
	if f.Recipient.Email == "" {
		f.Recipient.Email = m.Recipient
	}
	v := view{Lang: lang, Subject: m.Subject, Greeting: fill(w.hello, lang, f), Footer: fill(w.footer, lang, f)}
	if f.Host.Email == "" && f.Host.Name == "" {
		v.Footer = ""
	}
	base := links.New(c.PublicURL)
	if m.Kind == meetd.MailQuick || m.Kind == meetd.MailRoutingForm {
		v.Paragraphs = []string{m.Body}
	} else {
		intro := w.intros[m.Kind]
		if m.Kind == meetd.MailConfirmation && f.Attendee.Email != "" && !strings.EqualFold(f.Recipient.Email, f.Attendee.Email) {
			intro = w.guestIntro // a guest booked nothing: they were brought
		}
		if intro == "" {
			return nil, fmt.Errorf("mail: message %s: unknown kind %q", m.ID, m.Kind)
		}
		v.Paragraphs = []string{fill(intro, lang, f)}
		v.Rows = []row{{w.what, f.MeetingType}, {w.when, When(f.Start, f.TimeZone, lang) + " – " +
			f.End.In(location(f.TimeZone)).Format("15:04")}}
		if f.Location != "" {
			v.Rows = append(v.Rows, row{w.where, f.Location})
		}
		with := f.Host
		if strings.HasPrefix(m.Kind, "host-") {
			with = f.Attendee
		}
		if with.Email != "" {
			v.Rows = append(v.Rows, row{w.with, withAddress(with)})
		}
		if f.CancelReason != "" && m.Kind != meetd.MailReminder {
			v.Rows = append(v.Rows, row{w.reason, f.CancelReason})
		}
	}
	switch {
	case m.Kind == meetd.MailOptIn:
		if cl.Token == "" || cl.ProvisionalID == "" {
			return nil, fmt.Errorf("mail: message %s: the confirmation token is gone", m.ID)
		}
		v.Actions = []action{{w.confirm, links.WithLanguage(base.Confirm(cl.ProvisionalID, cl.Token), f.PageLanguage)}}
		if f.ExpiresAt != nil {
			v.Notes = append(v.Notes, fill(w.expires, lang, f))
		}
	case f.Links && cl.AppointmentSecret != "" && m.Kind != meetd.MailCancelled:
		v.Actions = []action{
			{w.reschedule, links.WithLanguage(base.Reschedule(m.AppointmentID, cl.AppointmentSecret), f.PageLanguage)},
			{w.cancel, links.WithLanguage(base.Cancel(m.AppointmentID, cl.AppointmentSecret), f.PageLanguage)}}
		v.Notes = append(v.Notes, w.linkNote)
	}
	var plain, html bytes.Buffer
	if err := plainTemplate.Execute(&plain, v); err != nil {
		return nil, fmt.Errorf("mail: message %s: %w", m.ID, err)
	}
	if err := htmlTemplate.Execute(&html, v); err != nil {
		return nil, fmt.Errorf("mail: message %s: %w", m.ID, err)
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(c.From.Name, c.From.Email); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.AddTo(m.Recipient); err != nil {
		return nil, fmt.Errorf("mail: message %s: recipient: %w", m.ID, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(now)
	if m.Kind != meetd.MailQuick {
		// RFC 3834: no vacation replies to messages a machine sent.
		msg.SetGenHeader("Auto-Submitted", "auto-generated")
	}
	msg.SetGenHeader("Content-Language", lang)
	msg.SetBodyString(gomail.TypeTextPlain, plain.String(), gomail.WithPartEncoding(gomail.EncodingQP))
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String(), gomail.WithPartEncoding(gomail.EncodingQP))
	if len(m.Calendar) > 0 && HasCalendar(m.Kind) {
		if method := Method(m.Kind); method != "" {
			// The part calendar programs read as the invitation itself.
			msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+method), string(m.Calendar),
				gomail.WithPartEncoding(gomail.EncodingB64))
		}
		name := "invite.ics"
		if m.Kind == meetd.MailCancelled || m.Kind == meetd.MailHostCanceled {
			name = "cancel.ics"
		}
		if err := msg.AttachReader(name, bytes.NewReader(m.Calendar),
			gomail.WithFileContentType("application/ics")); err != nil {
			return nil, fmt.Errorf("mail: message %s: invitation: %w", m.ID, err)
		}
	}
	return msg, nil
}

// withAddress is "Name <address>", or the address.
func withAddress(p Person) string {
	if p.Name == "" {
		return p.Email
	}
	return p.Name + " <" + p.Email + ">"
}
