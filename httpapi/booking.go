package httpapi

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/scheduling"
)

// bookingBody is meetergo's BookingDto, the fields meetd interprets.
type bookingBody struct {
	MeetingTypeID      string          `json:"meetingTypeId"`
	Start              string          `json:"start"`
	HostIDs            []string        `json:"hostIds"`
	QueueID            string          `json:"queueId"`
	Attendee           json.RawMessage `json:"attendee"`
	Duration           int             `json:"duration"`
	Channel            string          `json:"channel"`
	Location           string          `json:"location"`
	IgnoreAvailability bool            `json:"ignoreAvailability"`
	OneTimeLinkID      string          `json:"oneTimeLinkId"`
	// RoutingFormSubmissionID is meetd's: the submission of a routing form
	// whose answers the booking carries (docs/decisions.md#routing-forms).
	RoutingFormSubmissionID string `json:"routingFormSubmissionId"`
	// Timezone and Notes are not BookingDto fields: the community Python
	// client sends them next to attendee (docs/decisions.md, "Lenient
	// booking bodies").
	Timezone string          `json:"timezone"`
	Notes    json.RawMessage `json:"notes"`
}

// readAttendee validates the nested attendee: email is required, names
// optional; receiveReminders defaults to true and notes to {}, and a full
// name alone is split into first and last name (docs/decisions.md,
// "Lenient booking bodies").
func readAttendee(v *meetd.Validation, raw json.RawMessage) meetd.Attendee {
	var a meetd.Attendee
	if len(raw) == 0 || isNull(raw) {
		v.Add("attendee", "attendee should not be empty")
		return a
	}
	var f fields
	if json.Unmarshal(raw, &f) != nil || f == nil {
		v.Add("attendee", "attendee must be an object")
		return a
	}
	if email, _ := f.str(v, "attendee.email", "email"); email == nil || *email == "" {
		v.Add("attendee.email", "email should not be empty")
	} else if addr, err := mail.ParseAddress(*email); err != nil || addr.Address != strings.TrimSpace(*email) || !meetd.ValidEmail(addr.Address) {
		v.Add("attendee.email", "email must be an email")
	} else {
		a.Email = addr.Address
	}
	for key, dst := range map[string]*string{"firstname": &a.Firstname, "lastname": &a.Lastname, "fullname": &a.Fullname,
		"phone": &a.Phone, "language": &a.Language} {
		if s, _ := f.str(v, "attendee."+key, key); s != nil {
			*dst = *s
		}
	}
	if tz, _ := f.str(v, "attendee.timezone", "timezone"); tz != nil {
		if _, ok := meetd.LoadZone(*tz); !ok {
			v.Add("attendee.timezone", "Invalid timezone")
		}
		a.Timezone = *tz
	}
	a.ReceiveReminders = true
	if b, _ := f.boolean(v, "attendee.receiveReminders", "receiveReminders"); b != nil {
		a.ReceiveReminders = *b
	}
	if notes, ok := f.take("notes"); !ok || isNull(notes) {
		a.Notes = json.RawMessage(`{}`)
	} else if obj := map[string]json.RawMessage(nil); json.Unmarshal(notes, &obj) != nil || obj == nil {
		v.Add("attendee.notes", "notes must be an object")
	} else {
		a.Notes = notes
	}
	if a.Fullname == "" {
		a.Fullname = strings.TrimSpace(a.Firstname + " " + a.Lastname)
	} else if a.Firstname == "" && a.Lastname == "" {
		a.Firstname, a.Lastname = splitName(a.Fullname)
	}
	a.BringalongEmails = readBringalong(v, f)
	return a
}

// splitName splits a full name given alone: the last word is the last
// name, the words before it the first name; a single word is a first name.
func splitName(full string) (first, last string) {
	words := strings.Fields(full)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return words[0], ""
	}
	return strings.Join(words[:len(words)-1], " "), words[len(words)-1]
}

// bookingAttendee reads the attendee of a booking body with the top-level
// fields some clients send beside it: timezone is the attendee's when the
// attendee names none, and a string notes is kept in the attendee's notes
// under "notes" unless they hold that key already.
func bookingAttendee(v *meetd.Validation, body bookingBody) meetd.Attendee {
	a := readAttendee(v, body.Attendee)
	if body.Timezone != "" {
		if _, ok := meetd.LoadZone(body.Timezone); !ok {
			v.Add("timezone", "Invalid timezone")
		} else if a.Timezone == "" {
			a.Timezone = body.Timezone
		}
	}
	if len(body.Notes) == 0 || isNull(body.Notes) {
		return a
	}
	var text string
	if json.Unmarshal(body.Notes, &text) != nil {
		v.Add("notes", "notes must be a string")
		return a
	}
	var obj map[string]json.RawMessage
	if text == "" || a.Notes == nil || json.Unmarshal(a.Notes, &obj) != nil {
		return a
	}
	if _, taken := obj["notes"]; !taken {
		obj["notes"], _ = json.Marshal(text)
		a.Notes, _ = json.Marshal(obj)
	}
	return a
}

// readBringalong reads attendee.bringalongEmails, the guests asked for at
// booking: at most meetd.MaxBookingGuests addresses.
func readBringalong(v *meetd.Validation, f fields) []string {
	raw, ok := f.take("bringalongEmails")
	if !ok || isNull(raw) {
		return nil
	}
	var emails []string
	if json.Unmarshal(raw, &emails) != nil {
		v.Add("attendee.bringalongEmails", "bringalongEmails must be an array of e-mail addresses")
		return nil
	}
	if len(emails) > meetd.MaxBookingGuests {
		v.Add("attendee.bringalongEmails", "bringalongEmails must contain at most 5 addresses")
	}
	for i, e := range emails {
		if !validEmail(e) {
			v.Add("attendee.bringalongEmails", "each value in bringalongEmails must be an email")
			break
		}
		emails[i] = strings.TrimSpace(e)
	}
	return emails
}

// readBooking decodes a booking request and checks its form; the
// scheduling service checks its meaning.
func readBooking(raw []byte) (scheduling.BookRequest, error) {
	var body bookingBody
	if err := unmarshalBody(raw, &body); err != nil {
		return scheduling.BookRequest{}, err
	}
	var v meetd.Validation
	if body.MeetingTypeID == "" {
		v.Add("meetingTypeId", "meetingTypeId should not be empty")
	}
	start, ok := parseInstant(body.Start)
	if !ok {
		v.Add("start", "start must be an ISO 8601 datetime with an offset")
	}
	attendee := bookingAttendee(&v, body)
	if body.Channel != "" && !validChannel(body.Channel) {
		v.Add("channel", "channel must be one of "+strings.Join(Channels, ", "))
	}
	if err := v.Err(); err != nil {
		return scheduling.BookRequest{}, err
	}
	return scheduling.BookRequest{MeetingTypeID: body.MeetingTypeID, Start: start,
		HostIDs: hostIDsParam(url.Values{"hostIds": body.HostIDs}), QueueID: body.QueueID, Duration: body.Duration,
		BookingDetails: scheduling.BookingDetails{Channel: body.Channel, Location: body.Location, Attendee: attendee,
			OneTimeLinkID: body.OneTimeLinkID, SubmissionID: body.RoutingFormSubmissionID},
		IgnoreAvailability: body.IgnoreAvailability, Request: raw}, nil
}

// POST /v4/booking books a slot: 201 {appointmentId, secret}, or for a
// double opt-in meeting type 201 {bookingType:"doubleOptIn",
// provisionalBookingId, confirmationUrl}. A taken slot is 409.
func (s *Server) createBooking(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	var raw json.RawMessage
	if err := decodeJSON(w, r, &raw); err != nil {
		return err
	}
	ctx := r.Context()
	key := r.Header.Get("Idempotency-Key")
	if key != "" {
		// A booking this key already made, whose answer was never stored
		// (the process died in between), is answered again, not repeated.
		if ap, ok, err := s.scheduler().Replayed(ctx, p, key); err != nil {
			return err
		} else if ok {
			writeJSON(w, http.StatusCreated, map[string]string{"appointmentId": ap.ID, "secret": ap.Secret})
			return nil
		}
	}
	req, err := readBooking(raw)
	if err != nil {
		return err
	}
	req.IdempotencyKey = key
	res, err := s.scheduler().Book(ctx, p, meetd.ActorOf(p, s.clientIP(r)), req)
	if err != nil {
		return err
	}
	if pb := res.Provisional; pb != nil {
		writeJSON(w, http.StatusCreated, map[string]any{"bookingType": "doubleOptIn", "provisionalBookingId": pb.ID,
			"expiresAt":       meetd.FormatTime(pb.ExpiresAt),
			"confirmationUrl": s.confirmationURL(r, pb.ID, res.Token)})
		return nil
	}
	writeJSON(w, http.StatusCreated, map[string]string{"appointmentId": res.Appointment.ID, "secret": res.Appointment.Secret})
	return nil
}

// reissueConfirmation gives a replayed double opt-in answer a fresh
// confirmation link (the stored answer keeps none): the old link stops
// working. Other answers pass unchanged.
func (s *Server) reissueConfirmation(r *http.Request, p meetd.Principal, body map[string]any) error {
	id, ok := body["provisionalBookingId"].(string)
	if !ok {
		return nil
	}
	token, err := s.scheduler().ReissueToken(r.Context(), p, id)
	if err != nil {
		return err
	}
	body["confirmationUrl"] = s.confirmationURL(r, id, token)
	return nil
}

func (s *Server) confirmationURL(r *http.Request, id, token string) string {
	return s.apiBase(r) + "/v4/public/provisional-booking/" + id + "/confirm?token=" + token
}

// apiBase is the scheme and host this request reached, for links back to
// the API.
func (s *Server) apiBase(r *http.Request) string {
	return clientip.Proxies(s.cfg.TrustedProxies).BaseURL(r)
}

// GET /v4/public/provisional-booking/{id}/confirm?token=… is the double
// opt-in link: it turns the provisional booking into an appointment (200
// {appointmentId, secret}), again for a second click, or 409 if the slot
// was taken meanwhile or the link expired. A wrong token is a 404.
func (s *Server) confirmProvisional(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		// Link checkers and mail scanners probe with HEAD: it must not
		// confirm anything on the attendee's behalf.
		w.WriteHeader(http.StatusOK)
		return
	}
	err := func() error {
		ap, err := s.scheduler().Confirm(r.Context(), meetd.Actor{IP: s.clientIP(r), Source: "attendee"}, r.PathValue("id"),
			r.URL.Query().Get("token"), BookingDetailsOf)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]string{"appointmentId": ap.ID, "secret": ap.Secret})
		return nil
	}()
	if err != nil {
		writeError(w, r, err)
	}
}

// BookingDetailsOf reads the details of a booking request kept with a
// provisional booking (the body of POST /v4/booking, or the same shape
// written by the booking pages), for scheduling.Service.Confirm. The
// request was checked when it was made, so only a body that is not JSON
// fails.
func BookingDetailsOf(raw json.RawMessage) (scheduling.BookingDetails, error) {
	var body bookingBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return scheduling.BookingDetails{}, err
	}
	var v meetd.Validation
	return scheduling.BookingDetails{Channel: body.Channel, Location: body.Location,
		Attendee: bookingAttendee(&v, body), OneTimeLinkID: body.OneTimeLinkID,
		SubmissionID: body.RoutingFormSubmissionID}, nil
}
