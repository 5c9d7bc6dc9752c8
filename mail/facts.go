// Package mail is meetd's e-mail: the messages (plain text and HTML,
// English and German, with the iCalendar invitation of package invite),
// the SMTP connection (--smtp-url) and the worker that drains the outbox.
//
// A message is written to the outbox in the transaction that causes it, as
// its facts (Facts: no secrets) and its invitation; the worker composes it
// when it sends it, adding the attendee's cancel and reschedule links (the
// appointment's secret) or the double opt-in link, which are read at that
// moment and never logged.
package mail

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Person is a name (may be empty) and an e-mail address.
type Person struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// Display is the person's name, or their address when they gave none.
func (p Person) Display() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// Facts are what a message says, kept in its outbox row. They hold no
// secret: links are added when the message is sent.
type Facts struct {
	MeetingType string    `json:"meetingType"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	// PreviousStart is the old time of a rescheduled meeting.
	PreviousStart *time.Time `json:"previousStart,omitempty"`
	// TimeZone is the recipient's IANA zone; times are shown in it (UTC
	// when empty or unknown).
	TimeZone string `json:"timeZone,omitempty"`
	Location string `json:"location,omitempty"`
	// Host is the main host; Attendee the person who booked (for the
	// hosts' messages).
	Host      Person `json:"host"`
	Attendee  Person `json:"attendee"`
	Recipient Person `json:"recipient"`
	// Links: the message carries the attendee's cancel and reschedule
	// links (the person who booked, not their guests, and never a host).
	Links bool `json:"links,omitempty"`
	// PageLanguage is the language the pages open in from the message's
	// links: links.Language of the recipient's own language setting, so
	// "" when they gave none or one the pages do not speak (the pages
	// then follow their browser). It is not Language's answer, which
	// writes English for both.
	PageLanguage string `json:"pageLanguage,omitempty"`
	CancelReason string `json:"cancelReason,omitempty"`
	// ExpiresAt is when a double opt-in link stops working.
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// Marshal is the JSON kept in the outbox row.
func (f Facts) Marshal() []byte {
	b, err := json.Marshal(f)
	if err != nil {
		panic("mail: facts: " + err.Error()) // only plain fields: cannot fail
	}
	return b
}

// ParseFacts reads an outbox row's facts.
func ParseFacts(b []byte) (Facts, error) {
	var f Facts
	if len(b) == 0 {
		return f, nil
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("mail: stored facts: %w", err)
	}
	return f, nil
}

// Language is the language of messages to a person whose language setting
// is tag (an attendee's "language", BCP 47 such as "de-AT"): German for
// German, English for everything else and for nothing.
func Language(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if primary == "de" {
		return "de"
	}
	return "en"
}

// location is the zone named tz, or UTC.
func location(tz string) *time.Location {
	if tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.UTC
}

var (
	germanDays   = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	germanMonths = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
		"Oktober", "November", "Dezember"}
)

// When writes a time for people: the day and the time of day in zone tz,
// and the zone's name, in language lang.
func When(t time.Time, tz, lang string) string {
	loc := location(tz)
	lt := t.In(loc)
	zone := loc.String()
	if lang == "de" {
		return fmt.Sprintf("%s, %d. %s %d, %s Uhr (%s)", germanDays[lt.Weekday()], lt.Day(), germanMonths[lt.Month()-1],
			lt.Year(), lt.Format("15:04"), zone)
	}
	return fmt.Sprintf("%s, %d %s %d, %s (%s)", lt.Weekday(), lt.Day(), lt.Month(), lt.Year(), lt.Format("15:04"), zone)
}
