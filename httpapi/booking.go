package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/slots"
)

// MaxHosts bounds the hosts one booking or slot query may name.
const MaxHosts = 50

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
}

// readAttendee validates the nested attendee: email, receiveReminders and
// notes are required (notes may be {}), names optional.
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
	if b, ok := f.boolean(v, "attendee.receiveReminders", "receiveReminders"); b != nil {
		a.ReceiveReminders = *b
	} else if !ok {
		v.Add("attendee.receiveReminders", "receiveReminders must be a boolean")
	}
	if notes, ok := f.take("notes"); !ok || isNull(notes) {
		v.Add("attendee.notes", "notes must be an object")
	} else if obj := map[string]json.RawMessage(nil); json.Unmarshal(notes, &obj) != nil || obj == nil {
		v.Add("attendee.notes", "notes must be an object")
	} else {
		a.Notes = notes
	}
	if a.Fullname == "" {
		a.Fullname = strings.TrimSpace(a.Firstname + " " + a.Lastname)
	}
	return a
}

// booking is a validated booking request.
type booking struct {
	m        meetd.MeetingType
	start    time.Time
	duration time.Duration
	hosts    []string
	queue    *meetd.Queue
	attendee meetd.Attendee
	body     bookingBody
}

// readBooking validates a booking request and picks its hosts: the given
// hostIds (all must be free), or the first free host of the queue in
// round-robin order.
func (s *Server) readBooking(ctx context.Context, p meetd.Principal, raw []byte) (booking, error) {
	var b booking
	if err := unmarshalBody(raw, &b.body); err != nil {
		return b, err
	}
	body := b.body
	if len(body.HostIDs) == 0 && body.QueueID == "" {
		return b, meetd.Errorf(meetd.EINVALID, "Expected hostIds or queueId")
	}
	var v meetd.Validation
	if body.MeetingTypeID == "" {
		v.Add("meetingTypeId", "meetingTypeId should not be empty")
	}
	start, ok := parseInstant(body.Start)
	if !ok {
		v.Add("start", "start must be an ISO 8601 datetime with an offset")
	}
	b.start = start
	b.attendee = readAttendee(&v, body.Attendee)
	if body.Channel != "" && !validChannel(body.Channel) {
		v.Add("channel", "channel must be one of "+strings.Join(Channels, ", "))
	}
	if err := v.Err(); err != nil {
		return b, err
	}
	m, err := s.cfg.Store.MeetingTypeByID(ctx, p.Company.ID, body.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return b, errMeetingTypeNotFound
	} else if err != nil {
		return b, err
	}
	if !m.Enabled {
		return b, meetd.Errorf(meetd.EINVALID, "Meeting type is disabled")
	}
	b.m = m
	minutes := m.Duration
	if body.Duration != 0 {
		if !m.DurationAllowed(body.Duration) {
			v.Add("duration", "duration must be the meeting type's duration or one of its allowedDurations")
			return b, v.Err()
		}
		minutes = body.Duration
	}
	b.duration = time.Duration(minutes) * time.Minute
	if m.QueueID == "" && body.QueueID != "" {
		v.Add("queueId", "this meeting type has no queue")
	} else if m.QueueID != "" && body.QueueID == "" {
		v.Add("queueId", "this meeting type has a queue: pass queueId")
	}
	if err := v.Err(); err != nil {
		return b, err
	}
	ids := hostIDsParam(url.Values{"hostIds": body.HostIDs})
	if len(ids) > MaxHosts {
		v.Add("hostIds", "hostIds may name at most 50 hosts")
		return b, v.Err()
	}
	b.hosts, b.queue, err = s.resolveHosts(ctx, p, m, ids, body.QueueID)
	if err != nil {
		return b, err
	}
	if body.IgnoreAvailability {
		// Skipping the rules is for the workspace's own tools; it never
		// skips the overlap check.
		if err := auth.Authorize(p, auth.IgnoreAvailability, ""); err != nil {
			return b, err
		}
		if b.queue != nil {
			b.hosts = b.hosts[:1]
		}
		return b, nil
	}
	method := slots.Everyone
	if b.queue != nil {
		method = slots.Anyone
	}
	free, err := s.freeHosts(ctx, m, b.hosts, method, b.start, b.duration, "")
	if err != nil {
		return b, err
	}
	if len(free) == 0 {
		return b, meetd.ErrSlotTaken
	}
	if b.queue != nil {
		b.hosts = firstInOrder(b.hosts, free)
	}
	return b, nil
}

// firstInOrder returns the first id of order that is in free, as a
// one-element list.
func firstInOrder(order, free []string) []string {
	for _, id := range order {
		for _, f := range free {
			if f == id {
				return []string{id}
			}
		}
	}
	return free[:1]
}

func (b booking) newAppointment(p meetd.Principal) meetd.NewAppointment {
	n := meetd.NewAppointment{CompanyID: b.m.CompanyID, MeetingTypeID: b.m.ID, HostIDs: b.hosts,
		Start: b.start, End: b.start.Add(b.duration),
		BufferBefore: time.Duration(b.m.BufferBefore) * time.Minute, BufferAfter: time.Duration(b.m.BufferAfter) * time.Minute,
		Channel: b.body.Channel, Location: b.body.Location, Attendee: b.attendee, CredentialID: p.CredentialID,
		Metered: p.Company.Plan == meetd.PlanAPIPlatform}
	if n.Channel == "" {
		n.Channel = b.m.Channel
	}
	if b.queue != nil {
		n.QueueID, n.SelectionReason = b.queue.ID, b.queue.Type
	}
	return n
}

// POST /v4/booking books a slot: 201 {appointmentId, secret}, or for a
// double opt-in meeting type 201 {bookingType:"DoubleOptIn",
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
		if ap, err := s.cfg.Store.AppointmentByIdempotencyKey(ctx, p.Company.ID, p.CredentialID, key); err == nil {
			writeJSON(w, http.StatusCreated, map[string]string{"appointmentId": ap.ID, "secret": ap.Secret})
			return nil
		} else if meetd.ErrorCode(err) != meetd.ENOTFOUND {
			return err
		}
	}
	b, err := s.readBooking(ctx, p, raw)
	if err != nil {
		return err
	}
	// Booking is what attendees do on public booking pages: any principal
	// of the company may book any of its meeting types.
	actor := meetd.ActorOf(p, s.clientIP(r))
	if b.m.RequiresDoubleOptIn() {
		token := randomToken()
		h := sha256.Sum256([]byte(token))
		pb, err := s.cfg.Store.CreateProvisional(ctx, actor, meetd.ProvisionalBooking{CompanyID: p.Company.ID,
			MeetingTypeID: b.m.ID, HostIDs: b.hosts, QueueID: b.m.QueueID, Start: b.start, End: b.start.Add(b.duration),
			Request: raw, AttendeeEmail: b.attendee.Email, TokenHash: h[:], CredentialID: p.CredentialID})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"bookingType": "DoubleOptIn", "provisionalBookingId": pb.ID,
			"expiresAt":       meetd.FormatTime(pb.ExpiresAt),
			"confirmationUrl": s.confirmationURL(r, pb.ID, token)})
		return nil
	}
	n := b.newAppointment(p)
	n.IdempotencyKey = key
	ap, err := s.cfg.Store.BookAppointment(ctx, actor, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"appointmentId": ap.ID, "secret": ap.Secret})
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
	token := randomToken()
	h := sha256.Sum256([]byte(token))
	if err := s.cfg.Store.ResetProvisionalToken(r.Context(), p.Company.ID, id, h[:]); err != nil {
		return err
	}
	body["confirmationUrl"] = s.confirmationURL(r, id, token)
	return nil
}

func (s *Server) confirmationURL(r *http.Request, id, token string) string {
	return s.apiBase(r) + "/v4/public/provisional-booking/" + id + "/confirm?token=" + token
}

// randomToken returns 32 random bytes, base64url: a confirmation token.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("httpapi: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
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
		ctx := r.Context()
		notFound := meetd.Errorf(meetd.ENOTFOUND, "Provisional booking not found")
		pb, err := s.cfg.Store.ProvisionalForAttendee(ctx, r.PathValue("id"))
		if meetd.ErrorCode(err) == meetd.ENOTFOUND {
			return notFound
		} else if err != nil {
			return err
		}
		h := sha256.Sum256([]byte(r.URL.Query().Get("token")))
		if subtle.ConstantTimeCompare(h[:], pb.TokenHash) != 1 {
			return notFound
		}
		var body bookingBody
		if err := json.Unmarshal(pb.Request, &body); err != nil {
			return err
		}
		var v meetd.Validation
		attendee := readAttendee(&v, body.Attendee)
		m, err := s.cfg.Store.MeetingTypeByID(ctx, pb.CompanyID, pb.MeetingTypeID)
		if meetd.ErrorCode(err) == meetd.ENOTFOUND {
			return errTypeDeleted
		} else if err != nil {
			return err
		}
		c, err := s.cfg.Store.CompanyByID(ctx, pb.CompanyID)
		if err != nil {
			return err
		}
		b := booking{m: m, start: pb.Start, duration: pb.End.Sub(pb.Start), hosts: pb.HostIDs, attendee: attendee, body: body}
		if pb.QueueID != "" {
			q, err := s.cfg.Store.QueueByID(ctx, pb.CompanyID, pb.QueueID)
			if err != nil {
				return err
			}
			b.queue = &q
		}
		n := b.newAppointment(meetd.Principal{CredentialID: pb.CredentialID, Company: c})
		ap, err := s.cfg.Store.ConfirmProvisional(ctx, meetd.Actor{IP: s.clientIP(r), Source: "attendee"}, pb.CompanyID, pb.ID, n)
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
