package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/scheduling"
)

// toAppointmentJSON is the Appointment object of the API; webhook payloads
// render the same object.
func toAppointmentJSON(ap meetd.Appointment) map[string]any { return meetd.AppointmentPayload(ap) }

// appointmentFor loads an appointment of p's company that p may see: one
// it hosts, or any with an admin's rights.
func (s *Server) appointmentFor(r *http.Request, p meetd.Principal, id string) (meetd.Appointment, error) {
	return s.scheduler().Appointment(r.Context(), p, id)
}

// GET /v4/appointment/paginated?page=0&pageSize=20: page (0-based) and
// pageSize (1–100) are required, unless limit replaces pageSize: then page
// is 1-based and optional, as in meetergo's older form; start, end,
// meetingTypeId, status, search, sortBy, sortDirection and, for admins,
// userId filter (docs/decisions.md#listing-appointments).
func (s *Server) listAppointments(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	return s.listAppointmentsPaged(w, r, p, q.Has("limit") && !q.Has("pageSize"))
}

// GET /v4/appointment?page&limit: meetergo's oldest list, the 1-based form
// of listAppointments.
func (s *Server) listAppointmentsOld(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	return s.listAppointmentsPaged(w, r, p, true)
}

// Appointment list filter values (docs/decisions.md#listing-appointments).
var (
	appointmentStatuses = []string{"confirmed", "cancelled", "upcoming", "past"}
	appointmentSorts    = []string{"appointment.start", "appointment.createdAt"}
)

// listAppointmentsPaged answers an appointment list; oneBased takes page
// (from 1) and limit instead of page (from 0) and pageSize.
func (s *Server) listAppointmentsPaged(w http.ResponseWriter, r *http.Request, p meetd.Principal, oneBased bool) error {
	q := r.URL.Query()
	var v meetd.Validation
	var page, size, shownPage int
	if oneBased {
		shownPage = intParam(&v, q, "page", 1, 1, 1<<31-1)
		size = intParam(&v, q, "limit", 20, 1, 100)
		page = shownPage - 1
	} else {
		if !q.Has("page") {
			v.Add("page", "page should not be empty")
		}
		if !q.Has("pageSize") {
			v.Add("pageSize", "pageSize should not be empty")
		}
		page = intParam(&v, q, "page", 0, 0, 1<<31-1)
		size = intParam(&v, q, "pageSize", 20, 1, 100)
		shownPage = page
	}
	f := meetd.AppointmentFilter{CompanyID: p.Company.ID, MeetingTypeID: q.Get("meetingTypeId"), Limit: size, Offset: page * size}
	for key, dst := range map[string]**time.Time{"start": &f.From, "end": &f.To} {
		if raw := q.Get(key); raw != "" {
			t, _, ok := parseDateOrInstant(raw, time.UTC)
			if !ok {
				v.Add(key, key+" must be an ISO 8601 date or datetime")
			}
			*dst = &t
		}
	}
	now := s.cfg.Clock.Now()
	switch st := q.Get("status"); st {
	case "":
	case "active", "confirmed": // "active" is meetd's older spelling
		f.Status = "active"
	case "cancelled":
		f.Status = st
	case "upcoming": // not cancelled and not over yet
		f.Status = "active"
		if f.From == nil || f.From.Before(now) {
			f.From = &now
		}
	case "past": // not cancelled and over
		f.Status, f.Ended = "active", &now
		if f.To == nil || f.To.After(now) {
			f.To = &now
		}
	default:
		v.Add("status", "status must be one of the following values: "+strings.Join(appointmentStatuses, ", "))
	}
	switch q.Get("sortBy") {
	case "", "appointment.start":
	case "appointment.createdAt":
		f.ByCreation = true
	default:
		v.Add("sortBy", "sortBy must be one of the following values: "+strings.Join(appointmentSorts, ", "))
	}
	switch strings.ToUpper(q.Get("sortDirection")) {
	case "", "ASC":
	case "DESC":
		f.Descending = true
	default:
		v.Add("sortDirection", "sortDirection must be one of the following values: ASC, DESC")
	}
	if f.Search = strings.TrimSpace(q.Get("search")); len([]rune(f.Search)) > 200 {
		v.Add("search", "search must be at most 200 characters")
	}
	if err := v.Err(); err != nil {
		return err
	}
	host := p.User.ID
	if uid := q.Get("userId"); uid != "" {
		owner, err := s.ownerOf(r, p, uid, auth.OthersAppointments)
		if err != nil {
			return err
		}
		host = owner.ID
	}
	f.HostID = host
	list, total, err := s.cfg.Store.ListAppointments(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, ap := range list {
		out[i] = toAppointmentListJSON(ap)
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointments": out, "total": total, "page": shownPage, "pageSize": size})
	return nil
}

// GET /v4/appointment/today answers the acting user's active appointments
// of today in the user's time zone, as a bare array.
func (s *Server) todaysAppointments(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	loc, ok := meetd.LoadZone(p.User.Timezone)
	if !ok {
		loc = time.UTC
	}
	y, m, d := s.cfg.Clock.Now().In(loc).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 1)
	list, _, err := s.cfg.Store.ListAppointments(r.Context(), meetd.AppointmentFilter{CompanyID: p.Company.ID,
		HostID: p.User.ID, From: &from, To: &to, Status: "active", Limit: 1000})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, ap := range list {
		out[i] = toAppointmentListJSON(ap)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /v4/appointment/{id}
func (s *Server) getAppointment(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	ap, err := s.appointmentFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAppointmentJSON(ap))
	return nil
}

// toAppointmentListJSON is the Appointment object in a list: without the
// transcription and summary, which may be long (200,000 characters each),
// so a page stays small.
func toAppointmentListJSON(ap meetd.Appointment) map[string]any {
	out := toAppointmentJSON(ap)
	delete(out, "transcription")
	delete(out, "summary")
	return out
}

type cancelBody struct {
	Reason             string `json:"reason"`
	Secret             string `json:"secret"`
	AttendeeID         string `json:"attendeeId"`
	CancelAll          bool   `json:"cancelAll"`
	CancelEntireSeries bool   `json:"cancelEntireSeries"`
}

func readCancel(w http.ResponseWriter, r *http.Request) (cancelBody, error) {
	var body cancelBody
	if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
		if err := decodeJSON(w, r, &body); err != nil {
			return body, err
		}
	}
	if len(body.Reason) > 500 {
		var v meetd.Validation
		v.Add("reason", "reason must be at most 500 characters")
		return body, v.Err()
	}
	return body, nil
}

// POST /v4/appointment/{id}/cancel {attendeeId?, cancelAll?,
// cancelEntireSeries?, reason?} removes one attendee or cancels the
// appointment (scheduling.CancelFor) and answers the appointment;
// DELETE /v4/appointment/{id} cancels it for everyone with 204.
func (s *Server) cancelAppointment(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	ap, err := s.appointmentFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := readCancel(w, r)
	if err != nil {
		return err
	}
	a := meetd.ActorOf(p, s.clientIP(r))
	if r.Method == http.MethodDelete { // no body: the appointment, for everyone
		if _, err := s.scheduler().Cancel(r.Context(), a, ap, body.Reason, "host"); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	cancelled, err := s.scheduler().CancelFor(r.Context(), a, ap, scheduling.CancelRequest{AttendeeID: body.AttendeeID,
		CancelAll: body.CancelAll, CancelEntireSeries: body.CancelEntireSeries, Reason: body.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAppointmentJSON(cancelled))
	return nil
}

type rescheduleBody struct {
	Start              string `json:"start"`
	IgnoreAvailability bool   `json:"ignoreAvailability"`
	Secret             string `json:"secret"`
}

// reschedule moves ap to start (raw, still to be parsed), keeping its
// duration, after the same checks as a booking (ignoring ap's own slot).
func (s *Server) reschedule(r *http.Request, ap meetd.Appointment, raw string, ignore bool, a meetd.Actor) (meetd.Appointment, error) {
	start, ok := parseInstant(raw)
	if !ok {
		var v meetd.Validation
		v.Add("start", "start must be an ISO 8601 datetime with an offset")
		return ap, v.Err()
	}
	return s.scheduler().Reschedule(r.Context(), a, ap, start, ignore)
}

// POST /v4/appointment/{id}/reschedule {start, ignoreAvailability?}
// answers {appointment, previousStart}.
func (s *Server) rescheduleAppointment(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	ap, err := s.appointmentFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body rescheduleBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.IgnoreAvailability {
		if err := auth.Authorize(p, auth.IgnoreAvailability, ""); err != nil {
			return err
		}
	}
	moved, err := s.reschedule(r, ap, body.Start, body.IgnoreAvailability, meetd.ActorOf(p, s.clientIP(r)))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointment": toAppointmentJSON(moved), "previousStart": meetd.FormatTime(ap.Start)})
	return nil
}

// POST /v4/public/appointment/{id}/cancel {secret, reason?}: the attendee's
// cancel link, without a credential.
func (s *Server) publicCancel(w http.ResponseWriter, r *http.Request) {
	if err := func() error {
		body, err := readCancel(w, r)
		if err != nil {
			return err
		}
		ap, err := s.scheduler().AttendeeAppointment(r.Context(), r.PathValue("id"), body.Secret)
		if err != nil {
			return err
		}
		cancelled, err := s.scheduler().Cancel(r.Context(), meetd.Actor{IP: s.clientIP(r), Source: "attendee"},
			ap, body.Reason, "attendee")
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toAppointmentJSON(cancelled))
		return nil
	}(); err != nil {
		writeError(w, r, err)
	}
}

// POST /v4/public/appointment/{id}/reschedule {secret, start}: the
// attendee's reschedule link, within the meeting type's rules.
func (s *Server) publicReschedule(w http.ResponseWriter, r *http.Request) {
	if err := func() error {
		var body rescheduleBody
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		ap, err := s.scheduler().AttendeeAppointment(r.Context(), r.PathValue("id"), body.Secret)
		if err != nil {
			return err
		}
		moved, err := s.reschedule(r, ap, body.Start, false, meetd.Actor{IP: s.clientIP(r), Source: "attendee"})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"appointment": toAppointmentJSON(moved), "previousStart": meetd.FormatTime(ap.Start)})
		return nil
	}(); err != nil {
		writeError(w, r, err)
	}
}

// GET /v4/provisional-booking/paginated?page&pageSize&status&userId lists
// double opt-in bookings waiting for (or past) confirmation.
func (s *Server) listProvisional(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	var v meetd.Validation
	page := intParam(&v, q, "page", 0, 0, 1<<31-1)
	size := intParam(&v, q, "pageSize", 20, 1, 100)
	status := q.Get("status")
	switch status {
	case "", meetd.ProvisionalPending, meetd.ProvisionalConfirmed, meetd.ProvisionalExpired:
	default:
		v.Add("status", "status must be pending, confirmed or expired")
	}
	if err := v.Err(); err != nil {
		return err
	}
	owner, err := s.ownerOf(r, p, q.Get("userId"), auth.OthersAppointments)
	if err != nil {
		return err
	}
	list, total, err := s.cfg.Store.ListProvisional(r.Context(), meetd.ProvisionalFilter{CompanyID: p.Company.ID,
		HostID: owner.ID, Status: status, Limit: size, Offset: page * size})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, pb := range list {
		out[i] = toProvisionalJSON(pb)
	}
	writeJSON(w, http.StatusOK, map[string]any{"provisionalBookings": out, "total": total})
	return nil
}

// toProvisionalJSON renders a provisional booking as the API's
// ProvisionalBooking object.
func toProvisionalJSON(pb meetd.ProvisionalBooking) map[string]any {
	return map[string]any{"id": pb.ID, "dto": pb.Request, "type": "doubleOptIn", "status": pb.Status,
		"meetingTypeId": pb.MeetingTypeID, "hostIds": pb.HostIDs, "start": meetd.FormatTime(pb.Start),
		"end": meetd.FormatTime(pb.End), "appointmentId": nullable(pb.AppointmentID),
		"expiresAt": meetd.FormatTime(pb.ExpiresAt), "createdAt": meetd.FormatTime(pb.CreatedAt), "deletedAt": nil}
}
