package httpapi

import (
	"fmt"
	"net/http"

	"github.com/meetd/meetd/api"
)

// Access says who may call a route.
type Access int

const (
	// Public routes take no credential; an Authorization header is ignored.
	Public Access = iota + 1
	// Credential routes take any valid credential. An API key without
	// x-meetergo-api-user-id acts as its company's owner.
	Credential
	// ActingUser routes take any valid credential, but an API key must name
	// the user it acts for in x-meetergo-api-user-id (a 400 otherwise).
	ActingUser
)

// String returns the constant's name.
func (a Access) String() string {
	switch a {
	case Public:
		return "Public"
	case Credential:
		return "Credential"
	case ActingUser:
		return "ActingUser"
	}
	return fmt.Sprintf("Access(%d)", int(a))
}

// Route is one route of the v4 API as the server registers it.
type Route struct {
	// Method is the HTTP method. A GET route also answers HEAD, as
	// net/http's ServeMux does.
	Method string
	// Pattern is the path in net/http ServeMux syntax ("/v4/user/{id}"),
	// which for every route here is also its OpenAPI path.
	Pattern string
	// Access is who may call it.
	Access Access
	// Expensive routes compute in proportion to what they are asked
	// (slots, lists, exports): their requests in flight are bounded per
	// credential and in total (Concurrency), beyond the rate limit.
	Expensive bool
}

// Routes returns every route the server registers, in registration order.
// It is the whole v4 API: the tests check it against api/openapi.yaml in
// both directions and aim every route of it at another company's objects
// and at the logs. The catch-all that answers unknown routes with a 404 is
// not a route and is not listed. The slice is a fresh copy on each call.
func Routes() []Route {
	table := (&Server{}).table()
	out := make([]Route, len(table))
	for i, r := range table {
		out[i] = r.Route
	}
	return out
}

// route is a table row: the route and what serves it. Exactly one of
// public and authed is set, matching Access.
type route struct {
	Route
	public http.HandlerFunc
	authed handlerFunc
}

func open(method, pattern string, h http.HandlerFunc) route {
	return route{Route: Route{Method: method, Pattern: pattern, Access: Public}, public: h}
}

func guarded(method, pattern string, access Access, h handlerFunc) route {
	return route{Route: Route{Method: method, Pattern: pattern, Access: access}, authed: h}
}

// expensive marks an authenticated route as Expensive.
func expensive(r route) route {
	r.Expensive = true
	return r
}

// table is the v4 API. The handlers are bound to s but not called, so a
// zero Server yields the same rows (which Routes relies on).
func (s *Server) table() []route {
	return []route{
		open("GET", "/healthz", s.healthz),
		open("GET", "/readyz", s.readyz),
		open("GET", "/v4/openapi.yaml", s.openAPI),
		open("POST", "/v4/credentials/revoke", s.revokeLeaked),

		guarded("GET", "/v4/user/me", Credential, s.getMe),
		guarded("GET", "/v4/user", ActingUser, s.listUsers),
		guarded("POST", "/v4/user", Credential, s.idempotent(s.createUser, nil)),
		guarded("PATCH", "/v4/user/{id}", ActingUser, s.updateUser),
		guarded("DELETE", "/v4/user/{id}", ActingUser, s.deleteUser),
		guarded("GET", "/v4/credential/current", Credential, s.currentCredential),

		guarded("GET", "/v4/meeting-type", ActingUser, s.listMeetingTypes),
		guarded("POST", "/v4/meeting-type", ActingUser, s.createMeetingType),
		guarded("GET", "/v4/meeting-type/{id}", ActingUser, s.getMeetingType),
		guarded("PATCH", "/v4/meeting-type/{id}", ActingUser, s.updateMeetingType),
		guarded("DELETE", "/v4/meeting-type/{id}", ActingUser, s.deleteMeetingType),

		guarded("GET", "/v4/availability", ActingUser, s.listAvailabilities),
		guarded("POST", "/v4/availability", ActingUser, s.createAvailability),
		guarded("GET", "/v4/availability/{id}", ActingUser, s.getAvailability),
		guarded("PATCH", "/v4/availability/{id}", ActingUser, s.updateAvailability),
		guarded("DELETE", "/v4/availability/{id}", ActingUser, s.deleteAvailability),
		guarded("GET", "/v4/availability/{id}/exceptions", ActingUser, s.listExceptions),
		guarded("POST", "/v4/availability/{id}/exceptions", ActingUser, s.createException),
		guarded("DELETE", "/v4/availability/{id}/exceptions/{exceptionId}", ActingUser, s.deleteException),

		expensive(guarded("GET", "/v4/booking-availability", Credential, s.bookingAvailability)),
		guarded("POST", "/v4/booking", Credential, s.idempotent(s.createBooking, s.reissueConfirmation)),
		open("GET", "/v4/public/provisional-booking/{id}/confirm", s.confirmProvisional),

		expensive(guarded("GET", "/v4/appointment/paginated", ActingUser, s.listAppointments)),
		expensive(guarded("GET", "/v4/appointment/today", ActingUser, s.todaysAppointments)),
		guarded("GET", "/v4/appointment/{id}", ActingUser, s.getAppointment),
		guarded("POST", "/v4/appointment/{id}/cancel", ActingUser, s.cancelAppointment),
		guarded("DELETE", "/v4/appointment/{id}", ActingUser, s.cancelAppointment),
		guarded("POST", "/v4/appointment/{id}/reschedule", ActingUser, s.rescheduleAppointment),
		expensive(guarded("GET", "/v4/appointment", ActingUser, s.listAppointmentsOld)),
		guarded("PATCH", "/v4/appointment/{id}/guest", ActingUser, s.addGuest),
		guarded("PATCH", "/v4/appointment/{id}/guest-emails", ActingUser, s.addGuestEmails),
		guarded("PATCH", "/v4/appointment/{id}/notes", ActingUser, s.updateNotes),
		guarded("PATCH", "/v4/appointment/{id}/transcription", ActingUser, s.updateTranscription),
		guarded("POST", "/v4/attendee/quick-mail", ActingUser, s.quickMail),
		open("POST", "/v4/public/appointment/{id}/cancel", s.publicCancel),
		open("POST", "/v4/public/appointment/{id}/reschedule", s.publicReschedule),
		expensive(guarded("GET", "/v4/provisional-booking/paginated", ActingUser, s.listProvisional)),

		guarded("PATCH", "/v4/queue/meeting-type/{id}", ActingUser, s.updateQueue),
		guarded("GET", "/v4/queue/{id}", ActingUser, s.getQueue),
		guarded("GET", "/v4/queue/{id}/next", ActingUser, s.nextHosts),

		guarded("POST", "/v4/one-time-booking-link/create/{meetingTypeId}", ActingUser, s.createOneTimeLink),
		guarded("GET", "/v4/personal-page/me", ActingUser, s.getMyPersonalPage),
		guarded("PATCH", "/v4/personal-page/me", ActingUser, s.updateMyPersonalPage),
		guarded("GET", "/v4/personal-page/{userId}", ActingUser, s.getPersonalPage),
		guarded("POST", "/v4/calendar-feed", ActingUser, s.createCalendarFeed),
		guarded("DELETE", "/v4/calendar-feed", ActingUser, s.deleteCalendarFeed),
		open("GET", "/v4/public/calendar-feed.ics", s.calendarFeed),

		guarded("GET", "/v4/data-field", Credential, s.listDataFields),
		guarded("POST", "/v4/data-field", Credential, s.createDataField),
		guarded("GET", "/v4/data-field/{id}", Credential, s.getDataField),
		guarded("PATCH", "/v4/data-field/{id}", Credential, s.updateDataField),
		guarded("DELETE", "/v4/data-field/{id}", Credential, s.deleteDataField),
		guarded("GET", "/v4/routing-form", Credential, s.listRoutingForms),
		guarded("POST", "/v4/routing-form", Credential, s.createRoutingForm),
		guarded("GET", "/v4/routing-form/{id}", Credential, s.getRoutingForm),
		guarded("PATCH", "/v4/routing-form/{id}", Credential, s.updateRoutingForm),
		guarded("DELETE", "/v4/routing-form/{id}", Credential, s.deleteRoutingForm),
		guarded("POST", "/v4/routing-form/{id}/send", Credential, s.sendRoutingForm),
		guarded("GET", "/v4/routing-form/{id}/recipients", Credential, s.listFormRecipients),

		guarded("GET", "/v4/usage", Credential, s.usage),
		guarded("GET", "/v4/audit", Credential, s.listAudit),
		expensive(guarded("POST", "/v4/gdpr/export", Credential, s.createGDPRExport)),
		expensive(guarded("GET", "/v4/gdpr/export/{id}", ActingUser, s.getGDPRExport)),
		expensive(guarded("POST", "/v4/gdpr/erase", Credential, s.eraseGDPR)),

		guarded("GET", "/v4/calendar-connections/connections", ActingUser, s.listCalendars),
		guarded("POST", "/v4/calendar-connections/connections", ActingUser, s.createCalendar),
		guarded("GET", "/v4/calendar-connections/connections/{id}", ActingUser, s.getCalendar),
		guarded("PATCH", "/v4/calendar-connections/connections/{id}", ActingUser, s.updateCalendar),
		guarded("DELETE", "/v4/calendar-connections/connections/{id}", ActingUser, s.deleteCalendar),
		guarded("POST", "/v4/calendar-connections/connections/{id}/test", ActingUser, s.testCalendar),

		guarded("POST", "/webhooks", Credential, s.createWebhook),
		guarded("GET", "/webhooks", Credential, s.listWebhooks),
		guarded("PATCH", "/webhooks/{id}", Credential, s.updateWebhook),
		guarded("DELETE", "/webhooks/{id}", Credential, s.deleteWebhook),

		expensive(guarded("GET", "/crm", Credential, s.searchContacts)),
		guarded("POST", "/crm", Credential, s.createContact),
		guarded("GET", "/crm/details", Credential, s.contactDetails),
		guarded("PATCH", "/crm/{id}", Credential, s.updateContact),
		guarded("DELETE", "/crm/{id}", Credential, s.deleteContact),
		expensive(guarded("POST", "/crm/bulk", Credential, s.bulkCreateContacts)),
		expensive(guarded("POST", "/crm/bulk-delete", Credential, s.bulkDeleteContacts)),
		guarded("GET", "/crm/contacts/{id}/activity", Credential, s.contactActivity),
	}
}

// routes registers the table, each route behind the input gate (gate.go),
// then the catch-all: any other method and
// path gets meetergo's NestJS-style 404, "Cannot <METHOD> <path>". The
// catch-all stays out of the table because it is no operation of the API;
// other surfaces (the dashboard) mount their own patterns beside it.
func (s *Server) routes() {
	for _, r := range s.table() {
		pattern := r.Method + " " + r.Pattern
		switch {
		case r.Access == Public && r.public != nil && r.authed == nil:
			s.mux.Handle(pattern, s.measured(r.Route, gated(r.Route, r.public)))
		case r.Access != Public && r.authed != nil && r.public == nil:
			h := r.authed
			if r.Expensive {
				h = s.bounded(h)
			}
			s.mux.Handle(pattern, s.measured(r.Route, gated(r.Route, s.authed(r.Access, h))))
		default:
			panic("httpapi: route " + pattern + ": its handler does not match its access " + r.Access.String())
		}
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.servesPage(r.URL.Path) {
			s.cfg.Pages.ServeHTTP(w, r)
			return
		}
		writeJSON(w, http.StatusNotFound, errorBody{StatusCode: http.StatusNotFound,
			Message: "Cannot " + r.Method + " " + r.URL.Path, Error: "Not Found"})
	})
}

// GET /healthz says the process serves requests; it touches no database.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSONBytes(w, http.StatusOK, healthy)
}

// healthy is GET /healthz's answer, encoded once.
var healthy = []byte(`{"status":"ok"}`)

// GET /v4/openapi.yaml is the API's OpenAPI document, naming as its server
// the scheme and host this request reached (as a trusted proxy tells them),
// so that clients generated from it call this server.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(api.WithServer(s.apiBase(r)))
}
