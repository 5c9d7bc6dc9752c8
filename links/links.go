// Package links builds the public addresses meetd hands to attendees: the
// booking pages, the attendee's cancel and reschedule pages, the double
// opt-in confirmation page and one-time links. The API (bookingUrl, url),
// the e-mails and the pages themselves all build them here, so an address
// in a message always matches a route the server serves.
//
// Secrets (an appointment's secret, a confirmation token) travel in the
// query string, never in the path: the access log writes paths, and a
// secret must never reach the log. A one-time link's token is the path's
// last segment because meetergo's format is /1t/<token>; its route logs
// the route pattern instead of the path.
package links

import (
	"net/url"
	"strings"
)

// Base is the public URL booking pages live under (--public-url), without
// a trailing slash. The zero value builds relative addresses ("/a/b").
type Base string

// New returns the Base of a public URL, trimming one trailing slash.
func New(publicURL string) Base { return Base(strings.TrimSuffix(publicURL, "/")) }

func (b Base) path(segments ...string) string {
	var s strings.Builder
	s.WriteString(string(b))
	for _, seg := range segments {
		s.WriteByte('/')
		s.WriteString(url.PathEscape(seg))
	}
	return s.String()
}

// User is a user's page listing their bookable meeting types.
func (b Base) User(userSlug string) string { return b.path(userSlug) }

// Booking is a meeting type's booking page: the bookingUrl of the API.
func (b Base) Booking(userSlug, meetingTypeSlug string) string {
	return b.path(userSlug, meetingTypeSlug)
}

// Form is the public page of a routing form, by its slug or, without one,
// its id; token, when not empty, is a recipient's token (POST
// /v4/routing-form/{id}/send), in the query.
func (b Base) Form(slugOrID, token string) string {
	u := b.path("f", slugOrID)
	if token != "" {
		u += "?r=" + url.QueryEscape(token)
	}
	return u
}

// OneTime is the booking page of a one-time link's token.
func (b Base) OneTime(token string) string { return b.path("1t", token) }

// Appointment is the attendee's page of a booked appointment: what was
// booked, "add to calendar" and the cancel and reschedule links. The
// booking page leads there once a booking is made.
func (b Base) Appointment(appointmentID, secret string) string {
	return b.path("appointment", appointmentID) + "?secret=" + url.QueryEscape(secret)
}

// Cancel is the attendee's cancel page of an appointment.
func (b Base) Cancel(appointmentID, secret string) string {
	return b.path("appointment", appointmentID, "cancel") + "?secret=" + url.QueryEscape(secret)
}

// Reschedule is the attendee's reschedule page of an appointment.
func (b Base) Reschedule(appointmentID, secret string) string {
	return b.path("appointment", appointmentID, "reschedule") + "?secret=" + url.QueryEscape(secret)
}

// Invitation is the appointment's iCalendar file ("add to calendar").
func (b Base) Invitation(appointmentID, secret string) string {
	return b.path("appointment", appointmentID, "invite.ics") + "?secret=" + url.QueryEscape(secret)
}

// Confirm is the double opt-in confirmation page of a provisional booking:
// a GET shows a button and only its POST confirms, so a mail scanner that
// follows the link confirms nothing.
func (b Base) Confirm(provisionalID, token string) string {
	return b.path("confirm", provisionalID) + "?token=" + url.QueryEscape(token)
}

// Language is the pages' language for a person whose language setting is
// tag (an attendee's "language", BCP 47 such as "de-AT"): "en" or "de",
// or "" when the pages do not speak it, so that the pages follow the
// browser's languages instead.
func Language(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if primary == "en" || primary == "de" {
		return primary
	}
	return ""
}

// WithLanguage adds lang to the query of u, an address of this package,
// when it is one of the pages' languages ("en", "de"); any other value
// leaves u as it is. The pages then open in that language whatever the
// browser asks for, and carry it on through their links and forms.
func WithLanguage(u, lang string) string {
	if lang != "en" && lang != "de" {
		return u
	}
	if strings.Contains(u, "?") {
		return u + "&lang=" + lang
	}
	return u + "?lang=" + lang
}
