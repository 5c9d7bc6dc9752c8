package httpapi

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/ratelimit"
)

// QuickMailRate bounds POST /v4/attendee/quick-mail per acting user
// (meetergo's 5 per 5 minutes).
var QuickMailRate = ratelimit.Rate{Limit: 5, Per: 5 * time.Minute, Burst: 5}

// validEmail reports whether s is one plain e-mail address.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == strings.TrimSpace(s) && meetd.ValidEmail(addr.Address)
}

// readFields decodes a JSON object body into fields.
func readFields(w http.ResponseWriter, r *http.Request) (fields, error) {
	var f fields
	if err := decodeJSON(w, r, &f); err != nil {
		return nil, err
	}
	if f == nil {
		f = fields{}
	}
	return f, nil
}

// editAppointment is the shape of every PATCH /v4/appointment/{id}/… form:
// it loads the appointment the caller may see (404 otherwise), reads the
// body's fields, lets edit validate them and make the change, and answers
// 200 with the appointment edit returns. An error from edit is the answer.
func (s *Server) editAppointment(w http.ResponseWriter, r *http.Request, p meetd.Principal,
	edit func(ap meetd.Appointment, f fields, a meetd.Actor) (meetd.Appointment, error)) error {
	ap, err := s.appointmentFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := readFields(w, r)
	if err != nil {
		return err
	}
	out, err := edit(ap, f, meetd.ActorOf(p, s.clientIP(r)))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAppointmentJSON(out))
	return nil
}

// PATCH /v4/appointment/{id}/guest {attendeeId, email} adds one guest of
// that attendee and answers the appointment.
func (s *Server) addGuest(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	return s.editAppointment(w, r, p, func(ap meetd.Appointment, f fields, a meetd.Actor) (meetd.Appointment, error) {
		var v meetd.Validation
		attendee, _ := f.str(&v, "attendeeId", "attendeeId")
		email, _ := f.str(&v, "email", "email")
		if email == nil || *email == "" {
			v.Add("email", "email should not be empty")
		} else if !validEmail(*email) {
			v.Add("email", "email must be an email")
		}
		if err := v.Err(); err != nil {
			return meetd.Appointment{}, err
		}
		var of string
		if attendee != nil {
			of = *attendee
		}
		return s.scheduler().AddGuests(r.Context(), a, ap, of, []string{strings.TrimSpace(*email)})
	})
}

// PATCH /v4/appointment/{id}/guest-emails {emails} is meetergo's older
// form: guests of the first attendee.
func (s *Server) addGuestEmails(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	return s.editAppointment(w, r, p, func(ap meetd.Appointment, f fields, a meetd.Actor) (meetd.Appointment, error) {
		var v meetd.Validation
		var emails []string
		if raw, ok := f.take("emails"); !ok || isNull(raw) {
			v.Add("emails", "emails should not be empty")
		} else if json.Unmarshal(raw, &emails) != nil {
			v.Add("emails", "emails must be an array of e-mail addresses")
		} else if len(emails) == 0 || len(emails) > meetd.MaxGuests {
			v.Add("emails", "emails must contain 1 to "+strconv.Itoa(meetd.MaxGuests)+" addresses")
		}
		for i, e := range emails {
			if !validEmail(e) {
				v.Add("emails."+strconv.Itoa(i), "each value in emails must be an email")
			}
			emails[i] = strings.TrimSpace(e)
		}
		if err := v.Err(); err != nil {
			return meetd.Appointment{}, err
		}
		return s.scheduler().AddGuests(r.Context(), a, ap, "", emails)
	})
}

// PATCH /v4/appointment/{id}/notes {note} replaces the host's note and
// answers the appointment.
func (s *Server) updateNotes(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	return s.editAppointment(w, r, p, func(ap meetd.Appointment, f fields, a meetd.Actor) (meetd.Appointment, error) {
		var v meetd.Validation
		note, _ := f.str(&v, "note", "note")
		if note == nil && v.Err() == nil {
			v.Add("note", "note must be a string")
		}
		if err := v.Err(); err != nil {
			return meetd.Appointment{}, err
		}
		return s.scheduler().UpdateTexts(r.Context(), a, ap, meetd.AppointmentTexts{SetNote: true, Note: *note})
	})
}

// PATCH /v4/appointment/{id}/transcription {transcription?, summary?}
// changes the keys present (null clears one) and answers the appointment;
// a body with neither is a 400.
func (s *Server) updateTranscription(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	return s.editAppointment(w, r, p, func(ap meetd.Appointment, f fields, a meetd.Actor) (meetd.Appointment, error) {
		var v meetd.Validation
		var u meetd.AppointmentTexts
		u.Transcription, u.SetTranscription = f.str(&v, "transcription", "transcription")
		u.Summary, u.SetSummary = f.str(&v, "summary", "summary")
		if !u.SetTranscription && !u.SetSummary {
			v.Add("transcription", "Send transcription, summary or both")
		}
		if err := v.Err(); err != nil {
			return meetd.Appointment{}, err
		}
		return s.scheduler().UpdateTexts(r.Context(), a, ap, u)
	})
}

// POST /v4/attendee/quick-mail {attendeeId, title, content} queues a
// message to an attendee of an appointment the caller may see and answers
// 202 {queued, id}; meetd keeps it in the outbox until it sends mail
// (docs/decisions.md#quick-mail). 5 per 5 minutes per acting user.
func (s *Server) quickMail(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := readFields(w, r)
	if err != nil {
		return err
	}
	var v meetd.Validation
	vals := map[string]string{}
	for _, k := range []struct {
		key string
		max int
	}{{"attendeeId", 36}, {"title", 200}, {"content", 10000}} {
		str, _ := f.str(&v, k.key, k.key)
		switch {
		case str == nil || strings.TrimSpace(*str) == "":
			v.Add(k.key, k.key+" should not be empty")
		case utf8.RuneCountInString(*str) > k.max && k.key != "attendeeId":
			v.Add(k.key, k.key+" must be at most "+strconv.Itoa(k.max)+" characters")
		default:
			vals[k.key] = *str
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if d := s.quickMailLimit.Take(p.Company.ID + "/" + p.User.ID); !d.Allowed {
		// The refusal's RateLimit-* headers and Retry-After describe the
		// quick-mail bucket, the one that refused.
		d.SetHeaders(w.Header())
		return errRateLimited
	}
	// The attendee must be on an appointment the caller may see; anything
	// else is the same 404.
	apID, err := s.cfg.Store.AttendeeAppointmentID(r.Context(), p.Company.ID, vals["attendeeId"])
	if err != nil {
		return err
	}
	ap, err := s.appointmentFor(r, p, apID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || meetd.ErrorCode(err) == meetd.EFORBIDDEN {
		return meetd.Errorf(meetd.ENOTFOUND, "Attendee not found")
	} else if err != nil {
		return err
	}
	m, err := s.cfg.Store.QueueQuickMail(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, ap.ID,
		vals["attendeeId"], vals["title"], vals["content"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": true, "id": m.ID})
	return nil
}
