package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

var errAvailabilityNotFound = meetd.Errorf(meetd.ENOTFOUND, "Availability not found")

// farPast and farFuture bound "every exception".
var (
	farPast   = time.Unix(0, 0)
	farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

func toExceptionJSON(e meetd.Exception, ownerID string) map[string]any {
	return map[string]any{"id": e.ID, "ownerId": ownerID, "ownerType": "user", "availabilityId": e.AvailabilityID,
		"available": e.Available, "start": meetd.FormatTime(e.Start), "end": meetd.FormatTime(e.End),
		"title": e.Title, "note": e.Note, "createdAt": meetd.FormatTime(e.CreatedAt), "deletedAt": nil}
}

func (s *Server) toAvailabilityJSON(r *http.Request, av meetd.Availability) (map[string]any, error) {
	out, err := s.availabilitiesJSON(r, []meetd.Availability{av})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// availabilitiesJSON renders availabilities of one company with their
// exceptions, read in one query.
func (s *Server) availabilitiesJSON(r *http.Request, list []meetd.Availability) ([]map[string]any, error) {
	out := make([]map[string]any, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]string, len(list))
	for i, av := range list {
		ids[i] = av.ID
	}
	exceptions, err := s.cfg.Store.ListExceptions(r.Context(), meetd.ExceptionFilter{CompanyID: list[0].CompanyID,
		AvailabilityIDs: ids, From: farPast, To: farFuture})
	if err != nil {
		return nil, err
	}
	byAv := map[string][]meetd.Exception{}
	for _, e := range exceptions {
		byAv[e.AvailabilityID] = append(byAv[e.AvailabilityID], e)
	}
	for i, av := range list {
		ex := make([]map[string]any, len(byAv[av.ID]))
		for j, e := range byAv[av.ID] {
			ex[j] = toExceptionJSON(e, av.UserID)
		}
		out[i] = map[string]any{"id": av.ID, "name": av.Name, "timezone": av.Timezone, "schedule": av.Schedule,
			"userId": av.UserID, "companyId": av.CompanyID, "exceptions": ex,
			"createdAt": meetd.FormatTime(av.CreatedAt), "updatedAt": meetd.FormatTime(av.UpdatedAt)}
	}
	return out, nil
}

// readAvailability reads {name, timezone, schedule} (prefix names the
// fields in errors). On create a missing schedule means every day closed,
// as meetergo does for inline availabilities, and timezone is required.
func readAvailability(v *meetd.Validation, f fields, prefix string, create bool) *meetd.NewAvailability {
	n := &meetd.NewAvailability{Name: "Working Hours", Schedule: meetd.Schedule{}}
	if name, _ := f.str(v, prefix+"name", "name"); name != nil {
		if t := strings.TrimSpace(*name); t == "" || len(t) > 200 {
			v.Add(prefix+"name", "name must be 1 to 200 characters")
		} else {
			n.Name = t
		}
	}
	if tz, _ := f.str(v, prefix+"timezone", "timezone"); tz != nil {
		if _, ok := meetd.LoadZone(*tz); !ok {
			v.Add(prefix+"timezone", "Invalid timezone")
		}
		n.Timezone = *tz
	} else if create {
		v.Add(prefix+"timezone", "timezone should not be empty")
	}
	var sched meetd.Schedule
	if f.decode(v, prefix+"schedule", "schedule", &sched) {
		if err := sched.Validate(); err != nil {
			v.Add(prefix+"schedule", err.Error())
		}
		n.Schedule = sched
	}
	return n
}

// availabilityFor loads an availability of p's company that p may manage.
func (s *Server) availabilityFor(r *http.Request, p meetd.Principal, id string) (meetd.Availability, error) {
	av, err := s.cfg.Store.AvailabilityByID(r.Context(), p.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return av, errAvailabilityNotFound
	} else if err != nil {
		return av, err
	}
	return av, auth.Authorize(p, auth.OthersResources, av.UserID)
}

func (s *Server) writeAvailability(w http.ResponseWriter, r *http.Request, status int, av meetd.Availability) error {
	out, err := s.toAvailabilityJSON(r, av)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

// GET /v4/availability lists the acting user's availabilities (another
// user's with ?userId= and an admin's rights).
func (s *Server) listAvailabilities(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	owner, err := s.ownerOf(r, p, r.URL.Query().Get("userId"), auth.OthersResources)
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.ListAvailabilities(r.Context(), meetd.AvailabilityFilter{CompanyID: p.Company.ID, UserID: owner.ID})
	if err != nil {
		return err
	}
	out, err := s.availabilitiesJSON(r, list)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// POST /v4/availability
func (s *Server) createAvailability(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	var v meetd.Validation
	owner, err := s.bodyOwner(r, p, body, &v)
	if err != nil {
		return err
	}
	n := readAvailability(&v, body, "", true)
	if err := v.Err(); err != nil {
		return err
	}
	n.CompanyID, n.UserID = p.Company.ID, owner.ID
	av, err := s.cfg.Store.CreateAvailability(r.Context(), meetd.ActorOf(p, s.clientIP(r)), *n)
	if err != nil {
		return err
	}
	return s.writeAvailability(w, r, http.StatusCreated, av)
}

// GET /v4/availability/{id}
func (s *Server) getAvailability(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	av, err := s.availabilityFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeAvailability(w, r, http.StatusOK, av)
}

// PATCH /v4/availability/{id} takes {name?, timezone?, schedule?}; the
// schedule replaces the whole week, in either format.
func (s *Server) updateAvailability(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	av, err := s.availabilityFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	present := func(k string) bool { raw, ok := body[k]; return ok && !isNull(raw) }
	hasName, hasTZ, hasSched := present("name"), present("timezone"), present("schedule")
	var v meetd.Validation
	n := readAvailability(&v, body, "", false)
	if err := v.Err(); err != nil {
		return err
	}
	var up meetd.AvailabilityUpdate
	if hasName {
		up.Name = &n.Name
	}
	if hasTZ && n.Timezone != "" {
		up.Timezone = &n.Timezone
	}
	if hasSched {
		up.Schedule = &n.Schedule
	}
	if up == (meetd.AvailabilityUpdate{}) {
		return meetd.Errorf(meetd.EINVALID, "Request body must contain at least one of name, timezone, schedule")
	}
	updated, err := s.cfg.Store.UpdateAvailability(r.Context(), meetd.ActorOf(p, s.clientIP(r)), av.CompanyID, av.ID, up)
	if err != nil {
		return err
	}
	return s.writeAvailability(w, r, http.StatusOK, updated)
}

// DELETE /v4/availability/{id} answers 204; an availability in use is 409.
func (s *Server) deleteAvailability(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	av, err := s.availabilityFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteAvailability(r.Context(), meetd.ActorOf(p, s.clientIP(r)), av.CompanyID, av.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// POST /v4/availability/{id}/exceptions adds a date override:
// {available, start, end, title?, note?}. Dates (YYYY-MM-DD) make an
// all-day exception in the availability's zone, end date included; an
// omitted end with a date start is that one day.
func (s *Server) createException(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	av, err := s.availabilityFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	var v meetd.Validation
	loc, _ := meetd.LoadZone(av.Timezone)
	if loc == nil {
		loc = time.UTC
	}
	e := meetd.Exception{AvailabilityID: av.ID}
	if b, _ := body.boolean(&v, "available", "available"); b != nil {
		e.Available = *b
	}
	startS, _ := body.str(&v, "start", "start")
	endS, _ := body.str(&v, "end", "end")
	var startIsDate bool
	if startS == nil {
		v.Add("start", "start should not be empty")
	} else if t, isDate, ok := parseDateOrInstant(*startS, loc); !ok {
		v.Add("start", "start must be an ISO 8601 date or datetime")
	} else {
		e.Start, startIsDate = t, isDate
	}
	switch {
	case endS == nil && startIsDate:
		e.End = e.Start.AddDate(0, 0, 1)
	case endS == nil:
		v.Add("end", "end should not be empty")
	default:
		if t, isDate, ok := parseDateOrInstant(*endS, loc); !ok {
			v.Add("end", "end must be an ISO 8601 date or datetime")
		} else if isDate {
			e.End = t.AddDate(0, 0, 1) // an end date is included
		} else {
			e.End = t
		}
	}
	if title, _ := body.str(&v, "title", "title"); title != nil {
		e.Title = *title
	}
	if note, _ := body.str(&v, "note", "note"); note != nil {
		e.Note = *note
	}
	if err := v.Err(); err != nil {
		return err
	}
	if !e.End.After(e.Start) || e.End.Sub(e.Start) > 366*24*time.Hour {
		v.Add("end", "end must be after start, at most a year later")
		return v.Err()
	}
	e.Start, e.End = e.Start.UTC(), e.End.UTC()
	created, err := s.cfg.Store.AddException(r.Context(), meetd.ActorOf(p, s.clientIP(r)), av.CompanyID, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toExceptionJSON(created, av.UserID))
	return nil
}

// GET /v4/availability/{id}/exceptions
func (s *Server) listExceptions(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	av, err := s.availabilityFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.ListExceptions(r.Context(), meetd.ExceptionFilter{CompanyID: av.CompanyID,
		AvailabilityIDs: []string{av.ID}, From: farPast, To: farFuture})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i] = toExceptionJSON(e, av.UserID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// DELETE /v4/availability/{id}/exceptions/{exceptionId} answers 204.
func (s *Server) deleteException(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	av, err := s.availabilityFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("exceptionId"), 10, 64)
	if err != nil {
		return meetd.Errorf(meetd.ENOTFOUND, "Exception not found")
	}
	if err := s.cfg.Store.DeleteException(r.Context(), meetd.ActorOf(p, s.clientIP(r)), av.CompanyID, av.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
