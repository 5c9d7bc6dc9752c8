package pages

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Languages the pages speak, the first the default.
var Languages = []string{"en", "de"}

// language picks the page's language: ?lang= (the switch on every page),
// else the first of Accept-Language's languages the pages speak (by
// quality), else English.
func language(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "de" {
		return l
	}
	if l := r.PostFormValue("lang"); l == "en" || l == "de" {
		return l
	}
	best, bestQ := "en", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == "en" || base == "de") && q > 0 && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// msgs are the pages' texts by language.
var msgs = map[string]map[string]string{
	"en": {
		"skip": "Skip to content", "language": "Language", "minutes": "min", "book": "Book",
		"meetingTypes": "Book a meeting", "noTypes": "There is nothing to book here at the moment.",
		"chooseDay": "Choose a day", "chooseTime": "Choose a time", "timezone": "Time zone", "show": "Show",
		"duration": "Duration", "prevMonth": "Previous month", "nextMonth": "Next month",
		"noSlots": "No free times this month.", "noSlotsDay": "No free times on this day.",
		"available": "times available", "yourDetails": "Your details", "name": "Name", "email": "E-mail",
		"phone": "Phone", "notes": "Anything the host should know?", "guests": "Guests' e-mail addresses (optional, up to 5, separated by commas)",
		"changeTime": "Choose another time", "confirmBooking": "Book this time", "required": "required",
		"booked": "You are booked", "bookedLead": "A confirmation is on its way to", "addToCalendar": "Add to calendar (.ics)",
		"reschedule": "Reschedule", "cancel": "Cancel", "cancelled": "This appointment is cancelled.",
		"cancelTitle": "Cancel this appointment?", "reason": "Reason (optional)", "cancelButton": "Cancel appointment",
		"keep": "Keep it", "cancelledTitle": "Appointment cancelled", "cancelledLead": "The time is free again. You can book a new one:",
		"rescheduleTitle": "Choose a new time", "rescheduled": "Your appointment was moved",
		"checkEmail": "Check your e-mail", "checkEmailLead": "We sent a link to %s. Your booking is made once you confirm it there.",
		"confirmTitle": "Confirm your booking", "confirmLead": "Press the button to confirm this booking.", "confirmButton": "Confirm booking",
		"passed": "This time has passed", "passedLead": "These times are still free:",
		"taken": "This time was just taken", "takenMove": "Your appointment stays where it was. Please choose another time.", "takenLead": "Someone booked it a moment before you. These times are still free:",
		"takenNone": "There are no free times in the next two weeks.", "bookAnother": "Back to the calendar",
		"errors": "Please check your entries", "notFound": "Page not found", "notFoundLead": "This link does not lead to anything (any more).",
		"gone": "This link no longer works", "goneUsed": "It was meant for one booking, and that booking has been made.",
		"goneExpired": "It was valid for 30 days, which have passed.", "goneReplaced": "A newer link has replaced it. Please ask for the current one.",
		"tooMany": "Too many requests", "tooManyLead": "Please wait a few minutes and try again.",
		"conflict": "This did not work", "error": "Something went wrong", "errorLead": "Please try again later.",
		"with": "with", "when": "When", "what": "What", "where": "Where", "selectedTime": "Your time",
		"errName": "Please enter your name.", "errEmail": "Please enter a valid e-mail address.", "errPhone": "Please enter a phone number.",
		"errGuests": "Guests must be at most 5 valid e-mail addresses.", "errNotes": "Notes are too long: at most %d characters.",
		"errNameLong": "Your name is too long: at most %d characters.", "errPhoneLong": "The phone number is too long: at most %d characters.",
		"errAnswerMissing": "Please answer “%s”.", "errAnswer": "Please check your answer to “%s”.",
		"choose": "Please choose", "yes": "Yes", "no": "No",
		"submissionGone": "The answers you gave in the form could not be found, so this booking will not include them.",
	},
	"de": {
		"skip": "Zum Inhalt springen", "language": "Sprache", "minutes": "Min.", "book": "Buchen",
		"meetingTypes": "Termin buchen", "noTypes": "Hier gibt es im Moment nichts zu buchen.",
		"chooseDay": "Tag wählen", "chooseTime": "Uhrzeit wählen", "timezone": "Zeitzone", "show": "Anzeigen",
		"duration": "Dauer", "prevMonth": "Voriger Monat", "nextMonth": "Nächster Monat",
		"noSlots": "Keine freien Zeiten in diesem Monat.", "noSlotsDay": "Keine freien Zeiten an diesem Tag.",
		"available": "freie Zeiten", "yourDetails": "Ihre Angaben", "name": "Name", "email": "E-Mail",
		"phone": "Telefon", "notes": "Was sollte der Gastgeber wissen?", "guests": "E-Mail-Adressen von Gästen (optional, bis zu 5, durch Kommas getrennt)",
		"changeTime": "Andere Zeit wählen", "confirmBooking": "Diese Zeit buchen", "required": "Pflichtfeld",
		"booked": "Ihr Termin ist gebucht", "bookedLead": "Eine Bestätigung geht an", "addToCalendar": "Zum Kalender hinzufügen (.ics)",
		"reschedule": "Verschieben", "cancel": "Absagen", "cancelled": "Dieser Termin ist abgesagt.",
		"cancelTitle": "Diesen Termin absagen?", "reason": "Grund (optional)", "cancelButton": "Termin absagen",
		"keep": "Behalten", "cancelledTitle": "Termin abgesagt", "cancelledLead": "Die Zeit ist wieder frei. Sie können neu buchen:",
		"rescheduleTitle": "Neue Zeit wählen", "rescheduled": "Ihr Termin wurde verschoben",
		"checkEmail": "Bitte prüfen Sie Ihre E-Mails", "checkEmailLead": "Wir haben einen Link an %s geschickt. Ihre Buchung gilt, sobald Sie sie dort bestätigen.",
		"confirmTitle": "Buchung bestätigen", "confirmLead": "Bestätigen Sie die Buchung mit dem Knopf.", "confirmButton": "Buchung bestätigen",
		"passed": "Diese Zeit ist vorbei", "passedLead": "Diese Zeiten sind noch frei:",
		"taken": "Diese Zeit wurde gerade vergeben", "takenMove": "Ihr Termin bleibt, wo er war. Bitte wählen Sie eine andere Zeit.", "takenLead": "Jemand hat sie kurz vor Ihnen gebucht. Diese Zeiten sind noch frei:",
		"takenNone": "In den nächsten zwei Wochen ist keine Zeit frei.", "bookAnother": "Zurück zum Kalender",
		"errors": "Bitte prüfen Sie Ihre Angaben", "notFound": "Seite nicht gefunden", "notFoundLead": "Dieser Link führt (nicht mehr) zu etwas.",
		"gone": "Dieser Link gilt nicht mehr", "goneUsed": "Er galt für eine Buchung, und diese wurde bereits gemacht.",
		"goneExpired": "Er galt 30 Tage, und diese sind vorbei.", "goneReplaced": "Ein neuerer Link hat ihn ersetzt. Bitte fragen Sie nach dem aktuellen.",
		"tooMany": "Zu viele Anfragen", "tooManyLead": "Bitte warten Sie einige Minuten und versuchen Sie es erneut.",
		"conflict": "Das hat nicht geklappt", "error": "Etwas ist schiefgegangen", "errorLead": "Bitte versuchen Sie es später erneut.",
		"with": "mit", "when": "Wann", "what": "Was", "where": "Wo", "selectedTime": "Ihre Zeit",
		"errName": "Bitte geben Sie Ihren Namen ein.", "errEmail": "Bitte geben Sie eine gültige E-Mail-Adresse ein.", "errPhone": "Bitte geben Sie eine Telefonnummer ein.",
		"errGuests": "Gäste: höchstens 5 gültige E-Mail-Adressen.", "errNotes": "Die Notiz ist zu lang: höchstens %d Zeichen.",
		"errNameLong": "Ihr Name ist zu lang: höchstens %d Zeichen.", "errPhoneLong": "Die Telefonnummer ist zu lang: höchstens %d Zeichen.",
		"errAnswerMissing": "Bitte beantworten Sie „%s“.", "errAnswer": "Bitte prüfen Sie Ihre Antwort zu „%s“.",
		"choose": "Bitte wählen", "yes": "Ja", "no": "Nein",
		"submissionGone": "Die Antworten aus dem Formular wurden nicht gefunden; diese Buchung enthält sie daher nicht.",
	},
}

var (
	monthNames = map[string][12]string{
		"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	}
	dayNames = map[string][7]string{
		"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		"de": {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
	}
)

// month names a month: "March 2026", "März 2026".
func month(lang string, t time.Time) string {
	return fmt.Sprintf("%s %d", monthNames[lang][t.Month()-1], t.Year())
}

// longDate names a day: "Tuesday, 3 March 2026", "Dienstag, 3. März 2026".
func longDate(lang string, t time.Time) string {
	if lang == "de" {
		return fmt.Sprintf("%s, %d. %s %d", dayNames[lang][t.Weekday()], t.Day(), monthNames[lang][t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%s, %d %s %d", dayNames[lang][t.Weekday()], t.Day(), monthNames[lang][t.Month()-1], t.Year())
}

// clock is a time of day: 24-hour in German, 12-hour in English.
func clock(lang string, t time.Time) string {
	if lang == "de" {
		return t.Format("15:04")
	}
	return t.Format("3:04 pm")
}

// span is a slot in the attendee's zone: "Tuesday, 3 March 2026, 9:00 am – 9:30 am".
func span(lang string, start, end time.Time) string {
	return longDate(lang, start) + ", " + clock(lang, start) + " – " + clock(lang, end)
}
