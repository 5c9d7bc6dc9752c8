package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

var errMeetingTypeNotFound = meetd.Errorf(meetd.ENOTFOUND, "Meeting type not found")

// maxBookingLimit bounds daysIntoFuture.bookingLimit: ten years in minutes.
const maxBookingLimit = 10 * 365 * 24 * 60

// toMeetingTypeJSON renders a meeting type: what the client sent and meetd
// keeps verbatim, overlaid with the fields meetd interprets.
func (s *Server) toMeetingTypeJSON(m meetd.MeetingType, owner meetd.User) map[string]any {
	info := map[string]any{}
	for k, v := range m.ExtraInfo {
		info[k] = v
	}
	info["name"], info["duration"], info["channel"] = m.Name, m.Duration, m.Channel
	info["bufferBefore"], info["bufferAfter"] = m.BufferBefore, m.BufferAfter
	if _, ok := info["description"]; !ok {
		info["description"] = m.Description
	}
	options := map[string]any{}
	for k, v := range m.ExtraOptions {
		options[k] = v
	}
	durations := m.AllowedDurations
	if durations == nil {
		durations = []int{}
	}
	options["allowedDurations"], options["doubleOptIn"] = durations, m.DoubleOptIn
	out := map[string]any{}
	for k, v := range m.Extra {
		out[k] = v
	}
	locations := m.Locations
	if locations == nil {
		locations = []string{}
	}
	var days any
	if len(m.DaysIntoFuture) > 0 && string(m.DaysIntoFuture) != "{}" {
		days = m.DaysIntoFuture
	}
	var interval any
	if m.TimeslotInterval > 0 {
		interval = m.TimeslotInterval
	}
	for k, v := range map[string]any{
		"id": m.ID, "slug": m.Slug, "userId": m.UserID, "companyId": m.CompanyID,
		"availabilityId": m.AvailabilityID, "queueId": nullable(m.QueueID), "enabled": m.Enabled, "spots": m.Spots,
		"locations": locations, "timeslotInterval": interval, "bookingMinimum": m.BookingMinimum,
		"daysIntoFuture": days, "meetingInfo": info, "meetingOptions": options,
		"bookingUrl": s.bookingURL(owner.Slug, m.Slug), "createdAt": meetd.FormatTime(m.CreatedAt),
		"updatedAt": meetd.FormatTime(m.UpdatedAt), "deletedAt": optTime(m.DeletedAt),
	} {
		out[k] = v
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ownerOf returns the user whose things id names in the path, after the
// policy check: the acting user, or with an admin's rights anyone in the
// company (another company's user is a 404).
func (s *Server) ownerOf(r *http.Request, p meetd.Principal, userID string, act auth.Action) (meetd.User, error) {
	if userID == "" || strings.EqualFold(userID, p.User.ID) {
		return p.User, nil
	}
	u, err := s.targetUser(r, p, userID)
	if err != nil {
		return meetd.User{}, err
	}
	return u, auth.Authorize(p, act, u.ID)
}

// bodyOwner returns whose object a create body makes: the acting user, or
// the user its "userId" names when p may manage others' resources.
func (s *Server) bodyOwner(r *http.Request, p meetd.Principal, body fields, v *meetd.Validation) (meetd.User, error) {
	userID, _ := body.str(v, "userId", "userId")
	if userID == nil {
		return p.User, nil
	}
	return s.ownerOf(r, p, *userID, auth.OthersResources)
}

// meetingTypeFor loads a meeting type of p's company that p may manage.
func (s *Server) meetingTypeFor(r *http.Request, p meetd.Principal, id string) (meetd.MeetingType, meetd.User, error) {
	m, err := s.cfg.Store.MeetingTypeByID(r.Context(), p.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return m, meetd.User{}, errMeetingTypeNotFound
	} else if err != nil {
		return m, meetd.User{}, err
	}
	if err := auth.Authorize(p, auth.OthersResources, m.UserID); err != nil {
		return m, meetd.User{}, err
	}
	owners, err := s.cfg.Store.UsersByIDs(r.Context(), m.CompanyID, []string{m.UserID})
	if err != nil {
		return m, meetd.User{}, err
	}
	if len(owners) == 0 {
		return m, meetd.User{}, meetd.Errorf(meetd.ENOTFOUND, "User not found")
	}
	return m, owners[0], nil
}

// GET /v4/meeting-type answers the acting user's meeting types (another
// user's with ?userId= and an admin's rights) as a bare array.
func (s *Server) listMeetingTypes(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	owner, err := s.ownerOf(r, p, r.URL.Query().Get("userId"), auth.OthersResources)
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.ListMeetingTypes(r.Context(), meetd.MeetingTypeFilter{CompanyID: p.Company.ID, UserID: owner.ID})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, m := range list {
		out[i] = s.toMeetingTypeJSON(m, owner)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /v4/meeting-type/{id}
func (s *Server) getMeetingType(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	m, owner, err := s.meetingTypeFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toMeetingTypeJSON(m, owner))
	return nil
}

// POST /v4/meeting-type
func (s *Server) createMeetingType(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	var v meetd.Validation
	owner, err := s.bodyOwner(r, p, body, &v)
	if err != nil {
		return err
	}
	m := meetd.MeetingType{CompanyID: p.Company.ID, UserID: owner.ID, Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled, Channel: "phone"}
	if raw, ok := body["meetingInfo"]; !ok || isNull(raw) {
		v.Add("meetingInfo", "meetingInfo should not be empty")
	}
	inline := s.applyMeetingType(&v, body, &m, true)
	if m.Slug == "" {
		m.Slug = meetd.Slugify(m.Name)
	}
	if m.Slug == "" { // a name with no Latin letters or digits
		m.Slug = strconv.Itoa(m.Duration) + "min-meeting"
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.checkQuestions(r, p, body); err != nil {
		return err
	}
	ctx := r.Context()
	switch {
	case inline != nil:
	case m.AvailabilityID != "":
		if err := s.checkAvailabilityOwner(r, p, m.AvailabilityID, owner.ID); err != nil {
			return err
		}
	case owner.DefaultAvailabilityID != "":
		m.AvailabilityID = owner.DefaultAvailabilityID
	default: // the owner's first availability: Mon–Fri 09:00–17:00 in their zone
		inline = &meetd.NewAvailability{Name: "Working Hours", Timezone: owner.Timezone, Schedule: meetd.DefaultSchedule()}
	}
	if inline != nil {
		inline.CompanyID, inline.UserID = p.Company.ID, owner.ID
	}
	created, err := s.cfg.Store.CreateMeetingType(ctx, meetd.ActorOf(p, s.clientIP(r)), m, inline)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.toMeetingTypeJSON(created, owner))
	return nil
}

// checkAvailabilityOwner makes sure an availability a client names belongs
// to the meeting type's owner (another company's is a 404).
func (s *Server) checkAvailabilityOwner(r *http.Request, p meetd.Principal, id, ownerID string) error {
	av, err := s.cfg.Store.AvailabilityByID(r.Context(), p.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return meetd.Errorf(meetd.ENOTFOUND, "Availability not found")
	} else if err != nil {
		return err
	}
	if av.UserID != ownerID {
		var v meetd.Validation
		v.Add("availabilityId", "availabilityId must name an availability of the meeting type's owner")
		return v.Err()
	}
	return nil
}

// PATCH /v4/meeting-type/{id}: every field optional, null clears.
func (s *Server) updateMeetingType(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	m, owner, err := s.meetingTypeFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	delete(body, "userId") // ownership does not move
	if err := s.checkQuestions(r, p, body); err != nil {
		return err
	}
	// An availability named in the body must be the owner's. Check it
	// before the update: the callback below runs inside the store's
	// transaction and must not use the store itself.
	if raw, ok := body["availabilityId"]; ok && !isNull(raw) {
		var id string
		if json.Unmarshal(raw, &id) == nil {
			if err := s.checkAvailabilityOwner(r, p, id, m.UserID); err != nil {
				return err
			}
		}
	}
	// The patch is applied to the row as the store reads it inside its
	// transaction, so concurrent PATCHes of other fields are not lost. The
	// store may run the callback again (a retried transaction), so it
	// works on a copy of the body.
	updated, err := s.cfg.Store.UpdateMeetingType(r.Context(), meetd.ActorOf(p, s.clientIP(r)), m.CompanyID, m.ID, func(m *meetd.MeetingType) error {
		var v meetd.Validation
		if inline := s.applyMeetingType(&v, maps.Clone(body), m, false); inline != nil {
			v.Add("availability", "use availabilityId on update")
		}
		return v.Err()
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.toMeetingTypeJSON(updated, owner))
	return nil
}

// DELETE /v4/meeting-type/{id}?deleteAvailability=true answers 200 with an
// empty body, as meetergo does.
func (s *Server) deleteMeetingType(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	m, _, err := s.meetingTypeFor(r, p, r.PathValue("id"))
	if err != nil {
		if meetd.ErrorCode(err) == meetd.EFORBIDDEN {
			return meetd.Errorf(meetd.EFORBIDDEN, "Not authorized to delete this meeting type")
		}
		return err
	}
	withAv, _ := strconv.ParseBool(r.URL.Query().Get("deleteAvailability"))
	if err := s.cfg.Store.DeleteMeetingType(r.Context(), meetd.ActorOf(p, s.clientIP(r)), m.CompanyID, m.ID, withAv); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// applyMeetingType reads a create (full) or update (partial) body into m
// and returns an inline availability to create, if the body has one. What
// meetd does not interpret is kept in m's extras.
func (s *Server) applyMeetingType(v *meetd.Validation, body fields, m *meetd.MeetingType, create bool) *meetd.NewAvailability {
	if info, _ := body.object(v, "meetingInfo", "meetingInfo"); info != nil {
		if name, ok := info.str(v, "meetingInfo.name", "name"); name != nil {
			if n := strings.TrimSpace(*name); n == "" || len(n) > 200 {
				v.Add("meetingInfo.name", "name must be 1 to 200 characters")
			} else {
				m.Name = n
			}
		} else if create || ok {
			v.Add("meetingInfo.name", "name should not be empty")
		}
		if d, ok := info.integer(v, "meetingInfo.duration", "duration", 5, 480); d != nil {
			m.Duration = *d
		} else if create || ok && isNull(info["duration"]) {
			v.Add("meetingInfo.duration", "duration must be an integer from 5 to 480")
		}
		if ch, _ := info.str(v, "meetingInfo.channel", "channel"); ch != nil {
			if !validChannel(*ch) {
				v.Add("meetingInfo.channel", "channel must be one of "+strings.Join(Channels, ", "))
			}
			m.Channel = *ch
		}
		if raw, ok := info["description"]; ok {
			var d string
			if json.Unmarshal(raw, &d) == nil {
				delete(info, "description")
				m.Description = d
				delete(m.ExtraInfo, "description")
			}
		}
		if b, _ := info.integer(v, "meetingInfo.bufferBefore", "bufferBefore", 0, 120); b != nil {
			m.BufferBefore = *b
		}
		if b, _ := info.integer(v, "meetingInfo.bufferAfter", "bufferAfter", 0, 120); b != nil {
			m.BufferAfter = *b
		}
		m.ExtraInfo = merge(m.ExtraInfo, info.extras())
	}
	if opts, _ := body.object(v, "meetingOptions", "meetingOptions"); opts != nil {
		var durations []int
		if opts.decode(v, "meetingOptions.allowedDurations", "allowedDurations", &durations) {
			for _, d := range durations {
				if d < 5 || d > 480 {
					v.Add("meetingOptions.allowedDurations", "every duration must be from 5 to 480")
					break
				}
			}
			m.AllowedDurations = durations
		}
		if raw, ok := opts.take("doubleOptIn"); ok && !isNull(raw) {
			var b bool
			var str string
			switch {
			case json.Unmarshal(raw, &b) == nil && b:
				m.DoubleOptIn = meetd.DoubleOptInEnabled
			case json.Unmarshal(raw, &b) == nil:
				m.DoubleOptIn = meetd.DoubleOptInDisabled
			case json.Unmarshal(raw, &str) == nil && (str == meetd.DoubleOptInEnabled || str == meetd.DoubleOptInDisabled || str == meetd.DoubleOptInCompany):
				m.DoubleOptIn = str
			default:
				v.Add("meetingOptions.doubleOptIn", "doubleOptIn must be enabled, disabled or useCompanySettings")
			}
		}
		checkReminders(v, opts)
		m.ExtraOptions = merge(m.ExtraOptions, opts.extras())
	}
	// allowPhoneOnlyBooking belongs under meetingOptions (reference §7.16).
	if raw, ok := body.take("allowPhoneOnlyBooking"); ok {
		m.ExtraOptions = merge(m.ExtraOptions, map[string]json.RawMessage{"allowPhoneOnlyBooking": raw})
	}
	if slug, _ := body.str(v, "slug", "slug"); slug != nil {
		if m.Slug = meetd.Slugify(*slug); m.Slug == "" {
			v.Add("slug", "slug must contain letters or digits")
		}
	}
	if id, _ := body.str(v, "availabilityId", "availabilityId"); id != nil {
		m.AvailabilityID = *id
	}
	var inline *meetd.NewAvailability
	if av, _ := body.object(v, "availability", "availability"); av != nil {
		if m.AvailabilityID != "" {
			v.Add("availability", "availability and availabilityId are mutually exclusive")
		}
		inline = readAvailability(v, av, "availability.", true)
	}
	if n, ok := body.integer(v, "timeslotInterval", "timeslotInterval", 5, 60); n != nil {
		m.TimeslotInterval = *n
	} else if ok {
		m.TimeslotInterval = 0
	}
	if n, _ := body.integer(v, "bookingMinimum", "bookingMinimum", 0, 525600); n != nil {
		m.BookingMinimum = *n
	}
	if n, _ := body.integer(v, "spots", "spots", 1, 100); n != nil {
		m.Spots = *n
	}
	if b, _ := body.boolean(v, "enabled", "enabled"); b != nil {
		m.Enabled = *b
	}
	if raw, ok := body.take("daysIntoFuture"); ok {
		var days struct {
			BookingLimit *int `json:"bookingLimit"`
		}
		switch {
		case isNull(raw):
			m.DaysIntoFuture = nil
		case json.Unmarshal(raw, &days) != nil || days.BookingLimit != nil && (*days.BookingLimit < 0 || *days.BookingLimit > maxBookingLimit):
			v.Add("daysIntoFuture", "daysIntoFuture must be an object with a bookingLimit from 0 to 5256000 minutes (10 years)")
		default:
			m.DaysIntoFuture = raw
		}
	}
	var locations []string
	if body.decode(v, "locations", "locations", &locations) {
		m.Locations = locations
	}
	m.Extra = merge(m.Extra, body.extras())
	checkExtras(v, m)
	return inline
}

// merge overlays b on a; a null value in b removes the key.
func merge(a, b map[string]json.RawMessage) map[string]json.RawMessage {
	if a == nil {
		a = map[string]json.RawMessage{}
	}
	for k, v := range b {
		if isNull(v) {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return a
}
