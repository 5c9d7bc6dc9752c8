package mail

import (
	"strings"

	"github.com/meetd/meetd"
)

// words are one language's texts. In subjects and intros, {type} is the
// meeting type, {when} the start, {previous} the old start of a
// rescheduled meeting, {attendee} the person who booked, {host} the main
// host and {expires} the end of a double opt-in link.
type words struct {
	subjects, intros                       map[string]string
	guestIntro                             string // a guest's confirmation
	hello, what, when, where, with, reason string
	reschedule, cancel, confirm, expires   string
	linkNote, footer                       string
}

var languages = map[string]words{
	"en": {
		subjects: map[string]string{
			meetd.MailConfirmation: "Confirmed: {type} on {when}",
			meetd.MailHostBooked:   "New booking: {type} with {attendee} on {when}",
			meetd.MailOptIn:        "Please confirm your booking: {type} on {when}",
			meetd.MailRescheduled:  "Rescheduled: {type} now on {when}",
			meetd.MailHostMoved:    "Rescheduled: {type} with {attendee} now on {when}",
			meetd.MailCancelled:    "Cancelled: {type} on {when}",
			meetd.MailHostCanceled: "Cancelled: {type} with {attendee} on {when}",
			meetd.MailReminder:     "Reminder: {type} on {when}",
		},
		intros: map[string]string{
			meetd.MailConfirmation: "Your booking is confirmed. The invitation is attached for your calendar.",
			meetd.MailHostBooked:   "{attendee} booked {type}.",
			meetd.MailOptIn:        "Please confirm your booking with the button below. Until you do, the time is not reserved for you.",
			meetd.MailRescheduled:  "Your meeting has moved from {previous} to the time below. The attached invitation updates your calendar.",
			meetd.MailHostMoved:    "The meeting with {attendee} has moved from {previous} to the time below.",
			meetd.MailCancelled:    "Your meeting has been cancelled. The attached cancellation removes it from your calendar.",
			meetd.MailHostCanceled: "The meeting with {attendee} has been cancelled.",
			meetd.MailReminder:     "This is a reminder of your upcoming meeting.",
		},
		guestIntro: "{attendee} invited you to {type}. The invitation is attached for your calendar.",
		hello:      "Hello {name},", what: "What", when: "When", where: "Where", with: "With", reason: "Reason",
		reschedule: "Reschedule", cancel: "Cancel", confirm: "Confirm my booking",
		expires:  "The link works until {expires}.",
		linkNote: "Keep this e-mail: its links are yours alone and let you change your booking.",
		footer:   "Sent by meetd on behalf of {host}.",
	},
	"de": {
		subjects: map[string]string{
			meetd.MailConfirmation: "Bestätigt: {type} am {when}",
			meetd.MailHostBooked:   "Neue Buchung: {type} mit {attendee} am {when}",
			meetd.MailOptIn:        "Bitte bestätigen Sie Ihre Buchung: {type} am {when}",
			meetd.MailRescheduled:  "Verschoben: {type} jetzt am {when}",
			meetd.MailHostMoved:    "Verschoben: {type} mit {attendee} jetzt am {when}",
			meetd.MailCancelled:    "Abgesagt: {type} am {when}",
			meetd.MailHostCanceled: "Abgesagt: {type} mit {attendee} am {when}",
			meetd.MailReminder:     "Erinnerung: {type} am {when}",
		},
		intros: map[string]string{
			meetd.MailConfirmation: "Ihre Buchung ist bestätigt. Die Einladung für Ihren Kalender ist angehängt.",
			meetd.MailHostBooked:   "{attendee} hat {type} gebucht.",
			meetd.MailOptIn:        "Bitte bestätigen Sie Ihre Buchung mit der Schaltfläche unten. Bis dahin ist der Termin nicht für Sie reserviert.",
			meetd.MailRescheduled:  "Ihr Termin wurde von {previous} auf die unten genannte Zeit verschoben. Die angehängte Einladung aktualisiert Ihren Kalender.",
			meetd.MailHostMoved:    "Der Termin mit {attendee} wurde von {previous} auf die unten genannte Zeit verschoben.",
			meetd.MailCancelled:    "Ihr Termin wurde abgesagt. Die angehängte Absage entfernt ihn aus Ihrem Kalender.",
			meetd.MailHostCanceled: "Der Termin mit {attendee} wurde abgesagt.",
			meetd.MailReminder:     "Wir erinnern Sie an Ihren bevorstehenden Termin.",
		},
		guestIntro: "{attendee} hat Sie zu {type} eingeladen. Die Einladung für Ihren Kalender ist angehängt.",
		hello:      "Hallo {name},", what: "Was", when: "Wann", where: "Wo", with: "Mit", reason: "Grund",
		reschedule: "Verschieben", cancel: "Absagen", confirm: "Buchung bestätigen",
		expires:  "Der Link gilt bis {expires}.",
		linkNote: "Bewahren Sie diese E-Mail auf: Mit ihren Links, die nur Ihnen gehören, können Sie Ihre Buchung ändern.",
		footer:   "Gesendet von meetd im Auftrag von {host}.",
	},
}

// wordsOf are the texts of language lang (English when meetd has none).
func wordsOf(lang string) words {
	if w, ok := languages[lang]; ok {
		return w
	}
	return languages["en"]
}

// fill replaces the placeholders of s with the facts, times written in
// the recipient's zone and language.
func fill(s, lang string, f Facts) string {
	r := []string{"{type}", f.MeetingType, "{when}", When(f.Start, f.TimeZone, lang),
		"{attendee}", f.Attendee.Display(), "{host}", f.Host.Display(), "{name}", f.Recipient.Display()}
	if f.PreviousStart != nil {
		r = append(r, "{previous}", When(*f.PreviousStart, f.TimeZone, lang))
	}
	if f.ExpiresAt != nil {
		r = append(r, "{expires}", When(*f.ExpiresAt, f.TimeZone, lang))
	}
	return strings.NewReplacer(r...).Replace(s)
}

// Subject is the subject of a message of kind to a reader of language
// lang ("en" or "de", see Language). Quick mails bring their own.
func Subject(kind, lang string, f Facts) string {
	return fill(wordsOf(lang).subjects[kind], lang, f)
}
