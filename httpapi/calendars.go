package httpapi

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/calsync"
)

var errCalendarNotFound = meetd.Errorf(meetd.ENOTFOUND, "Calendar connection not found")

// toCalendarJSON renders a connection in meetergo's shape (id, provider,
// email, isPrimary, isConnected, selectedCalendars, createdAt, updatedAt)
// plus meetd's own fields. The secret (app password, feed URL) is never
// rendered; a feed shows no address at all.
func toCalendarJSON(c meetd.CalendarConnection) map[string]any {
	cals := make([]map[string]any, len(c.Calendars))
	for i, ref := range c.Calendars {
		cals[i] = map[string]any{"id": ref.Path, "name": ref.Name}
	}
	return map[string]any{"id": c.ID, "provider": string(c.Kind), "email": nullable(c.Username),
		"isPrimary": c.WriteCalendar != "", "isConnected": c.Status != meetd.CalendarBroken,
		"selectedCalendars": c.BusyCalendars, "primaryCalendar": nullable(c.WriteCalendar), "calendars": cals,
		"userId": c.UserID, "name": nullable(c.Name), "serverUrl": nullable(c.ServerURL),
		"status": string(c.Status), "lastError": nullable(c.LastError), "lastSyncAt": optTime(c.LastSyncAt),
		"createdAt": meetd.FormatTime(c.CreatedAt), "updatedAt": meetd.FormatTime(c.UpdatedAt)}
}

// calendarBody is a create or PATCH body. primaryCalendar and
// selectedCalendars are meetergo's names (the calendar receiving new
// events, the calendars that block time).
type calendarBody struct {
	UserID            *string   `json:"userId"`
	Provider          *string   `json:"provider"`
	Name              *string   `json:"name"`
	ServerURL         *string   `json:"serverUrl"`
	Username          *string   `json:"username"`
	Password          *string   `json:"password"`
	FeedURL           *string   `json:"feedUrl"`
	SelectedCalendars *[]string `json:"selectedCalendars"`
	PrimaryCalendar   *string   `json:"primaryCalendar"`
}

func (b calendarBody) input() calsync.Input {
	in := calsync.Input{Name: b.Name, ServerURL: b.ServerURL, Username: b.Username, Password: b.Password,
		FeedURL: b.FeedURL, WriteCalendar: b.PrimaryCalendar}
	if b.SelectedCalendars != nil {
		in.BusyCalendars = append([]string{}, *b.SelectedCalendars...)
	}
	if b.Provider != nil {
		in.Kind = meetd.CalendarKind(*b.Provider)
	}
	return in
}

// calendarFor loads a connection of p's company that p may act on: read
// (ReadCalendars) or change (ManageCalendars). Another company's is the
// same 404 as none.
func (s *Server) calendarFor(r *http.Request, p meetd.Principal, act auth.Action) (meetd.CalendarConnection, error) {
	c, err := s.cfg.Store.CalendarConnectionByID(r.Context(), p.Company.ID, r.PathValue("id"))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return c, errCalendarNotFound
	} else if err != nil {
		return c, err
	}
	return c, auth.Authorize(p, act, c.UserID)
}

// GET /v4/calendar-connections/connections?userId answers
// {connections, total}: the acting user's connections, or with userId
// another user's when the policy allows.
func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	owner, err := s.ownerOf(r, p, r.URL.Query().Get("userId"), auth.ReadCalendars)
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.CalendarConnections(r.Context(), p.Company.ID, owner.ID)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, c := range list {
		out[i] = toCalendarJSON(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"connections": out, "total": len(out)})
	return nil
}

// POST /v4/calendar-connections/connections {provider: caldav|ics, …}
// checks the server (discovery, or one fetch of the feed) and answers 201
// with the connection. Without the operator's key it is 422.
func (s *Server) createCalendar(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	var body calendarBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	owner, err := s.ownerOf(r, p, deref(body.UserID), auth.ManageCalendars)
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ManageCalendars, owner.ID); err != nil {
		return err
	}
	in := body.input()
	if body.Provider == nil {
		var v meetd.Validation
		v.Add("provider", "provider must be one of the following values: caldav, ics")
		return v.Err()
	}
	c, err := s.cfg.Calendars.Create(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, owner.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toCalendarJSON(c))
	return nil
}

// GET /v4/calendar-connections/connections/{id}.
func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	c, err := s.calendarFor(r, p, auth.ReadCalendars)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCalendarJSON(c))
	return nil
}

// PATCH /v4/calendar-connections/connections/{id} {selectedCalendars?,
// primaryCalendar?, name?, serverUrl?, username?, password?, feedUrl?}.
// meetergo's other booleans are accepted and ignored.
func (s *Server) updateCalendar(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	c, err := s.calendarFor(r, p, auth.ManageCalendars)
	if err != nil {
		return err
	}
	var body calendarBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.Provider != nil && meetd.CalendarKind(*body.Provider) != c.Kind {
		var v meetd.Validation
		v.Add("provider", "provider cannot be changed; remove the connection and create another")
		return v.Err()
	}
	c, err = s.cfg.Calendars.Update(r.Context(), meetd.ActorOf(p, s.clientIP(r)), c, body.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCalendarJSON(c))
	return nil
}

// DELETE /v4/calendar-connections/connections/{id} answers 204; the
// connection's cached busy times go with it.
func (s *Server) deleteCalendar(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	c, err := s.calendarFor(r, p, auth.ManageCalendars)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteCalendarConnection(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, c.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// POST /v4/calendar-connections/connections/{id}/test talks to the
// connection's server now and answers {ok, error, calendars, busyCount}.
func (s *Server) testCalendar(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := ignoredBody(w, r); err != nil {
		return err
	}
	c, err := s.calendarFor(r, p, auth.ManageCalendars)
	if err != nil {
		return err
	}
	res, err := s.cfg.Calendars.Test(r.Context(), c)
	if err != nil {
		return err
	}
	cals := []map[string]any{}
	for _, ref := range res.Calendars {
		cals = append(cals, map[string]any{"id": ref.Path, "name": ref.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": res.OK, "error": nullable(strings.TrimSpace(res.Error)),
		"calendars": cals, "busyCount": res.Busy})
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
