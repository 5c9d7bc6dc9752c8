package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/links"
)

// The subscription feed's window and size (docs/decisions.md#calendar-feed).
const (
	// CalendarFeedPast and CalendarFeedAhead bound the appointments a
	// feed holds: from 30 days ago to 365 days ahead.
	CalendarFeedPast  = 30 * 24 * time.Hour
	CalendarFeedAhead = 365 * 24 * time.Hour
	// MaxCalendarFeedEvents bounds the events of one feed, the earliest
	// first.
	MaxCalendarFeedEvents = 2000
)

var errCalendarFeedNotFound = meetd.Errorf(meetd.ENOTFOUND, "Calendar feed not found")

// POST /v4/calendar-feed gives the acting user a new secret feed address,
// 201 {url, createdAt}; the address they had stops working. The token in
// url is shown only here.
func (s *Server) createCalendarFeed(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := ignoredBody(w, r); err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.OwnResources, p.User.ID); err != nil {
		return err
	}
	token := meetd.NewCalendarFeedToken()
	f, err := s.cfg.Store.SetCalendarFeed(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, p.User.ID,
		meetd.HashCalendarFeedToken(token))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"url": links.New(s.cfg.PublicURL).CalendarFeed(token),
		"createdAt": meetd.FormatTime(f.CreatedAt)})
	return nil
}

// DELETE /v4/calendar-feed revokes the acting user's feed address: 204,
// or 404 when they have none.
func (s *Server) deleteCalendarFeed(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.OwnResources, p.User.ID); err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteCalendarFeed(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, p.User.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /v4/public/calendar-feed.ics?token= is a user's subscription feed:
// their active appointments from CalendarFeedPast ago to CalendarFeedAhead
// ahead as one iCalendar file, each event with its appointment's UID. The
// token is the authority; a wrong one is 404. It is in the query, which
// the access log does not write.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	if err := s.writeCalendarFeed(w, r); err != nil {
		writeError(w, r, err)
	}
}

func (s *Server) writeCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if token == "" || len(token) > 100 {
		return errCalendarFeedNotFound
	}
	ctx := r.Context()
	f, err := s.cfg.Store.CalendarFeedByTokenHash(ctx, meetd.HashCalendarFeedToken(token))
	if err != nil {
		return err
	}
	u, err := s.cfg.Store.UserByID(ctx, f.CompanyID, f.UserID)
	if err != nil {
		return err
	}
	now := s.cfg.Clock.Now()
	from, to := now.Add(-CalendarFeedPast), now.Add(CalendarFeedAhead)
	aps, _, err := s.cfg.Store.ListAppointments(ctx, meetd.AppointmentFilter{CompanyID: f.CompanyID, HostID: u.ID,
		From: &from, To: &to, Status: "active", Limit: MaxCalendarFeedEvents})
	if err != nil {
		return err
	}
	types, err := s.cfg.Store.ListMeetingTypes(ctx, meetd.MeetingTypeFilter{CompanyID: f.CompanyID})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range types {
		names[m.ID] = m.Name
	}
	host := invite.Person{Name: strings.TrimSpace(u.GivenName + " " + u.FamilyName), Email: u.Email}
	events := make([]*ical.Event, 0, len(aps))
	for _, ap := range aps {
		e := invite.FromAppointment(ap)
		e.Summary, e.Organizer, e.Stamp = feedSummary(names[ap.MeetingTypeID], e.Attendees), host, now
		ev, err := e.VEvent()
		if err != nil {
			return err
		}
		events = append(events, ev)
	}
	cal := invite.Calendar("", events...)
	cal.Props.Set(extension("X-WR-CALNAME", "meetd: "+host.Name))
	// How often a subscribed application should fetch again; most take
	// their own interval whatever it says.
	cal.Props.Set(extension("X-PUBLISHED-TTL", "PT15M"))
	// RFC 7986 wants VALUE=DURATION on REFRESH-INTERVAL, which go-ical's
	// SetDuration leaves out.
	refresh := ical.NewProp(ical.PropRefreshInterval)
	refresh.Value = "PT15M"
	refresh.Params.Set(ical.ParamValue, string(ical.ValueDuration))
	cal.Props.Set(refresh)
	if len(cal.Children) == 0 {
		// A VCALENDAR must hold a component; an empty feed holds UTC's
		// zone, which every application reads as nothing to show.
		cal.Children = append(cal.Children, utcZone())
	}
	body, err := invite.Encode(cal)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// feedSummary names an appointment in the host's calendar: the meeting
// type and who booked it.
func feedSummary(meetingType string, attendees []invite.Person) string {
	if meetingType == "" {
		meetingType = "Appointment"
	}
	if len(attendees) > 0 {
		who := attendees[0].Name
		if who == "" {
			who = attendees[0].Email
		}
		return meetingType + " with " + who
	}
	return meetingType
}

// extension is a calendar property that calendar applications read
// without a VALUE parameter.
func extension(name, text string) *ical.Prop {
	p := ical.NewProp(name)
	p.SetText(text)
	p.Params.Del(ical.ParamValue)
	return p
}

// utcZone is a VTIMEZONE for UTC.
func utcZone() *ical.Component {
	std := ical.NewComponent(ical.CompTimezoneStandard)
	start := ical.NewProp(ical.PropDateTimeStart)
	start.Value = "19700101T000000"
	std.Props.Set(start)
	for _, name := range []string{ical.PropTimezoneOffsetFrom, ical.PropTimezoneOffsetTo} {
		p := ical.NewProp(name)
		p.Value = "+0000"
		std.Props.Set(p)
	}
	z := ical.NewComponent(ical.CompTimezone)
	z.Props.SetText(ical.PropTimezoneID, "UTC")
	z.Children = append(z.Children, std)
	return z
}
