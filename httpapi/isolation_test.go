package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// objects are one user's scheduling objects and their company's webhook
// and GDPR export, made through the API, with the secrets that open the
// public links of the appointment and the provisional booking.
type objects struct {
	user, meetingType, availability, exception, appointment, queue string
	provisional, webhook, export                                   string
	appointmentSecret, confirmToken                                string
	oneTimeToken                                                   string
	dataField, routingForm                                         string
	contact                                                        string
	calendar                                                       string
}

func (h *harness) objectsOf(tn tenant, user string, slot time.Time) objects {
	h.t.Helper()
	o := objects{user: user}
	o.meetingType = h.meetingType(tn.key, user, map[string]any{"slug": "iso-" + user[:8]})
	mt := decode(h.t, h.get("/v4/meeting-type/"+o.meetingType, tn.key, user))
	o.availability = mt["availabilityId"].(string)
	r := h.do(req{method: "POST", path: "/v4/availability/" + o.availability + "/exceptions", token: tn.key, acting: user,
		body: map[string]any{"start": "2026-12-24", "title": "Holiday"}})
	wantStatus(h.t, r, 201)
	o.exception = fmt.Sprint(decode(h.t, r)["id"])
	r = h.book(tn.key, o.meetingType, user, slot, nil)
	wantStatus(h.t, r, 201)
	booked := decode(h.t, r)
	o.appointment, o.appointmentSecret = booked["appointmentId"].(string), booked["secret"].(string)
	qmt := h.meetingType(tn.key, user, map[string]any{"slug": "queue-" + user[:8]})
	r = h.do(req{method: "PATCH", path: "/v4/queue/meeting-type/" + qmt, token: tn.key, acting: user, body: map[string]any{"userId": user}})
	wantStatus(h.t, r, 200)
	o.queue = decode(h.t, r)["id"].(string)

	doi := h.meetingType(tn.key, user, map[string]any{"slug": "doi-" + user[:8], "meetingOptions": map[string]any{"doubleOptIn": "enabled"}})
	r = h.book(tn.key, doi, user, slot.Add(time.Hour), nil)
	wantStatus(h.t, r, 201)
	pending := decode(h.t, r)
	o.provisional = pending["provisionalBookingId"].(string)
	link, err := url.Parse(pending["confirmationUrl"].(string))
	if err != nil {
		h.t.Fatal(err)
	}
	o.confirmToken = link.Query().Get("token")
	r = h.do(req{method: "POST", path: "/webhooks", token: tn.key,
		body: map[string]any{"endpoint": "https://127.0.0.1:9/in-" + user[:8], "eventTypes": []string{"booking_created"}}})
	wantStatus(h.t, r, 201)
	o.webhook = decode(h.t, r)["id"].(string)
	o.export, _ = h.export(tn.key, "", "ada@guest.example")
	r = h.do(req{method: "POST", path: "/v4/one-time-booking-link/create/" + o.meetingType, token: tn.key, acting: user})
	wantStatus(h.t, r, 201)
	o.oneTimeToken = decode(h.t, r)["token"].(string)
	r = h.do(req{method: "POST", path: "/v4/data-field", token: tn.key,
		body: map[string]any{"label": "Budget " + user[:8], "fieldType": "number"}})
	wantStatus(h.t, r, 201)
	o.dataField = fmt.Sprint(decode(h.t, r)["id"])
	r = h.do(req{method: "POST", path: "/v4/routing-form", token: tn.key,
		body: map[string]any{"name": "Qualify", "structureType": "FORM_ONLY", "fields": []map[string]any{{"dataFieldId": decode(h.t, r)["id"]}}}})
	wantStatus(h.t, r, 201)
	o.routingForm = decode(h.t, r)["id"].(string)
	r = h.do(req{method: "POST", path: "/crm", token: tn.key, acting: user,
		body: map[string]any{"email": "iso-" + user[:8] + "@contact.example", "accountOwnerId": user}})
	wantStatus(h.t, r, 201)
	o.contact = decode(h.t, r)["item"].(map[string]any)["id"].(string)
	o.calendar = h.feedConnection(tn.key, user, "iso-"+user[:8])
	return o
}

// ids names the object that fills each path parameter of the API, keyed by
// the route pattern up to and including the parameter.
func (o objects) ids() map[string]string {
	return map[string]string{
		"/v4/user/{id}":                                    o.user,
		"/v4/meeting-type/{id}":                            o.meetingType,
		"/v4/availability/{id}":                            o.availability,
		"/v4/availability/{id}/exceptions/{exceptionId}":   o.exception,
		"/v4/public/provisional-booking/{id}":              o.provisional,
		"/v4/appointment/{id}":                             o.appointment,
		"/v4/public/appointment/{id}":                      o.appointment,
		"/v4/queue/meeting-type/{id}":                      o.meetingType,
		"/v4/queue/{id}":                                   o.queue,
		"/v4/gdpr/export/{id}":                             o.export,
		"/webhooks/{id}":                                   o.webhook,
		"/v4/one-time-booking-link/create/{meetingTypeId}": o.meetingType,
		"/v4/personal-page/{userId}":                       o.user,
		"/v4/data-field/{id}":                              o.dataField,
		"/v4/routing-form/{id}":                            o.routingForm,
		"/crm/{id}":                                        o.contact,
		"/crm/contacts/{id}":                               o.contact,
		"/v4/calendar-connections/connections/{id}":        o.calendar,
	}
}

// path is pattern with its parameters naming o's objects. When a parameter
// names no object it fails t and reports false, so a new route needs an
// entry in ids.
func (o objects) path(t *testing.T, pattern string) (string, bool) {
	t.Helper()
	ids := o.ids()
	segs := strings.Split(pattern, "/")
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = s
		if strings.HasPrefix(s, "{") {
			key := strings.Join(segs[:i+1], "/")
			id, ok := ids[key]
			if !ok {
				t.Errorf("%s: no object fills %s; add %q to objects.ids in isolation_test.go", pattern, s, key)
				return "", false
			}
			out[i] = id
		}
	}
	return strings.Join(out, "/"), true
}

// hasParams reports whether a route pattern addresses an object by id.
func hasParams(pattern string) bool { return strings.Contains(pattern, "{") }

// isolationBodies are the bodies that get a request past validation, so
// that what it meets is the lookup of the object. Other routes send none.
var isolationBodies = map[string]any{
	"PATCH /v4/user/{id}":                             map[string]any{"givenName": "Taken"},
	"PATCH /v4/meeting-type/{id}":                     map[string]any{"meetingInfo": map[string]any{"name": "Taken over"}},
	"PATCH /v4/availability/{id}":                     map[string]any{"name": "Taken over"},
	"POST /v4/availability/{id}/exceptions":           map[string]any{"start": "2026-12-31"},
	"POST /v4/appointment/{id}/cancel":                map[string]any{},
	"POST /v4/appointment/{id}/reschedule":            map[string]any{"start": "2026-03-05T10:00:00Z"},
	"PATCH /v4/appointment/{id}/guest":                map[string]any{"email": "intruder@guest.example"},
	"PATCH /v4/appointment/{id}/guest-emails":         map[string]any{"emails": []string{"intruder@guest.example"}},
	"PATCH /v4/appointment/{id}/notes":                map[string]any{"note": "mine now"},
	"PATCH /v4/appointment/{id}/transcription":        map[string]any{"summary": "mine now"},
	"PATCH /v4/queue/meeting-type/{id}":               map[string]any{"type": "equalDistribution"},
	"PATCH /webhooks/{id}":                            map[string]any{"description": "mine now"},
	"PATCH /v4/data-field/{id}":                       map[string]any{"label": "Mine now"},
	"PATCH /v4/routing-form/{id}":                     map[string]any{"name": "Mine now"},
	"POST /v4/routing-form/{id}/send":                 map[string]any{"recipientName": "Intruder", "deliveryMethod": "link"},
	"PATCH /crm/{id}":                                 map[string]any{"notes": "mine now"},
	"PATCH /v4/calendar-connections/connections/{id}": map[string]any{"name": "mine now"},
	"POST /v4/public/appointment/{id}/cancel":         map[string]any{},
	"POST /v4/public/appointment/{id}/reschedule":     map[string]any{"start": "2026-03-05T10:00:00Z"},
}

// requests lists every route that takes a user id in its query, aimed at
// userID: listing another user's objects is looking that user up.
func requests(userID string) []req {
	return []req{
		{method: "GET", path: "/v4/meeting-type?userId=" + userID},
		{method: "GET", path: "/v4/availability?userId=" + userID},
		{method: "GET", path: "/v4/appointment/paginated?page=0&pageSize=10&userId=" + userID},
		{method: "GET", path: "/v4/provisional-booking/paginated?page=0&pageSize=10&userId=" + userID},
		{method: "GET", path: "/v4/calendar-connections/connections?userId=" + userID},
	}
}

// TestTenantIsolation aims every id-taking route of the table at company
// B's objects with each kind of company A's credentials (404, as if they
// did not exist, even where the credential may never do the action), and a
// member's PAT at a colleague's objects (403: roles are enforced within a
// company).
func TestTenantIsolation(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, allowPrivate)
		h.clock.Set(monday)
		theirs := h.objectsOf(h.b, h.b.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		colleague := h.objectsOf(h.a, h.a.admin.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		for _, cred := range []struct {
			name, token, acting string
		}{
			{"A's key acting as A's owner", h.a.key, h.a.owner.ID},
			{"A's key acting as A's member", h.a.key, h.a.member.ID},
			{"A's admin PAT", h.a.adminPAT, ""},
			{"A's member PAT", h.a.memberPAT, ""},
		} {
			for _, route := range httpapi.Routes() {
				if route.Access == httpapi.Public || !hasParams(route.Pattern) {
					continue
				}
				key := route.Method + " " + route.Pattern
				path, ok := theirs.path(t, route.Pattern)
				if !ok {
					continue
				}
				r := req{method: route.Method, path: path, body: isolationBodies[key], token: cred.token, acting: cred.acting}
				t.Run(cred.name+" "+key, func(t *testing.T) {
					wantStatus(t, h.do(r), 404)
				})
			}
			for _, r := range requests(h.b.member.ID) {
				t.Run(cred.name+" "+r.method+" "+r.path, func(t *testing.T) {
					r.token, r.acting = cred.token, cred.acting
					wantStatus(t, h.do(r), 404)
				})
			}
			wantStatus(t, h.book(cred.token, theirs.meetingType, h.b.member.ID, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), nil), 404)
			wantExact(t, h.get("/v4/booking-availability?meetingTypeId="+theirs.meetingType+"&hostIds="+h.b.member.ID+
				"&start=2026-03-04&end=2026-03-04", cred.token, cred.acting), 400,
				`{"statusCode":400,"message":"Meeting Type Not Found","error":"Bad Request"}`)
		}

		// The public links open another object only with its own secret:
		// none, or the secret of an object of ours, is a 404.
		for _, route := range httpapi.Routes() {
			if route.Access != httpapi.Public || !hasParams(route.Pattern) {
				continue
			}
			key := route.Method + " " + route.Pattern
			withSecret, ok := publicRequests[key]
			if !ok {
				t.Errorf("%s: public and takes an id, but publicRequests (isolation_test.go) does not say how it takes its secret", key)
				continue
			}
			path, ok := theirs.path(t, route.Pattern)
			if !ok {
				continue
			}
			for _, secrets := range []struct {
				name string
				of   *objects
			}{{"without a secret", nil}, {"with the secret of another object", &colleague}} {
				t.Run(key+" "+secrets.name, func(t *testing.T) {
					wantStatus(t, h.do(withSecret(path, secrets.of)), 404)
				})
			}
		}

		for _, route := range httpapi.Routes() {
			if route.Access == httpapi.Public || !hasParams(route.Pattern) {
				continue
			}
			key := route.Method + " " + route.Pattern
			path, ok := colleague.path(t, route.Pattern)
			if !ok {
				continue
			}
			r := req{method: route.Method, path: path, body: isolationBodies[key], token: h.a.memberPAT}
			t.Run("member PAT on a colleague's "+key, func(t *testing.T) {
				wantStatus(t, h.do(r), 403)
			})
		}
		for _, r := range requests(h.a.admin.ID) {
			t.Run("member PAT on a colleague's "+r.method+" "+r.path, func(t *testing.T) {
				r.token = h.a.memberPAT
				wantStatus(t, h.do(r), 403)
			})
		}
		// Webhooks are company-wide: another company's are not listed, and
		// a member's PAT may not manage them at all.
		for _, cred := range []struct{ token, acting string }{{h.a.key, ""}, {h.a.adminPAT, ""}} {
			list := h.get("/webhooks", cred.token, cred.acting)
			wantStatus(t, list, 200)
			if strings.Contains(string(list.body), theirs.webhook) {
				t.Fatalf("company A lists company B's webhook: %s", list.body)
			}
		}
		wantStatus(t, h.get("/webhooks", h.a.memberPAT, ""), 403)
		// Nothing of B's was changed by any of it.
		if got := decode(t, h.get("/v4/meeting-type/"+theirs.meetingType, h.b.key, h.b.member.ID)); got["meetingInfo"].(map[string]any)["name"] != "Intro Call" {
			t.Fatalf("B's meeting type changed: %v", got)
		}
		if got := decode(t, h.get("/v4/appointment/"+theirs.appointment, h.b.key, h.b.member.ID)); got["isCancelled"] != false {
			t.Fatalf("B's appointment changed: %v", got)
		}
		if got := decode(t, h.get("/v4/provisional-booking/paginated?page=0&pageSize=10&status=pending", h.b.key, h.b.member.ID)); got["total"] != 1.0 {
			t.Fatalf("B's provisional booking changed: %v", got)
		}
	})
}

// publicRequests build, for each public route that takes an id, the
// request to path carrying the secret of mine's object the way the route
// takes it, or no secret when mine is nil.
var publicRequests = map[string]func(path string, mine *objects) req{
	"GET /v4/public/provisional-booking/{id}/confirm": func(path string, mine *objects) req {
		if mine != nil {
			path += "?token=" + mine.confirmToken
		}
		return req{method: "GET", path: path}
	},
	"POST /v4/public/appointment/{id}/cancel": func(path string, mine *objects) req {
		body := map[string]any{}
		if mine != nil {
			body["secret"] = mine.appointmentSecret
		}
		return req{method: "POST", path: path, body: body}
	},
	"POST /v4/public/appointment/{id}/reschedule": func(path string, mine *objects) req {
		body := map[string]any{"start": "2026-03-05T10:00:00Z"}
		if mine != nil {
			body["secret"] = mine.appointmentSecret
		}
		return req{method: "POST", path: path, body: body}
	},
}

// TestEveryRouteEnforcesItsAccess calls every route of the table that
// needs a credential without one (meetergo's 401), and with an API key that
// names no acting user: an ActingUser route refuses it with meetergo's 400,
// a Credential route serves it as the company owner.
func TestEveryRouteEnforcesItsAccess(t *testing.T) {
	const (
		missing      = `{"statusCode":401,"message":"Missing authorization header","error":"Unauthorized"}`
		actingNeeded = `{"statusCode":400,"message":"Missing required header 'x-meetergo-api-user-id' for API key authentication","error":"Bad Request"}`
	)
	h := newHarness(t, sqldbtest.SQLite)
	nobody := objects{user: meetd.NewID(), meetingType: meetd.NewID(), availability: meetd.NewID(), exception: "1",
		provisional: meetd.NewID(), appointment: meetd.NewID(), queue: meetd.NewID(), export: meetd.NewID(), webhook: meetd.NewID(),
		dataField: "999999", routingForm: meetd.NewID(), contact: meetd.NewID(), calendar: meetd.NewID()}
	for _, route := range httpapi.Routes() {
		key := route.Method + " " + route.Pattern
		switch route.Access {
		case httpapi.Public:
			continue
		case httpapi.Credential, httpapi.ActingUser:
		default:
			t.Errorf("%s: unknown access %v", key, route.Access)
			continue
		}
		path, ok := nobody.path(t, route.Pattern)
		if !ok {
			continue
		}
		// Each route spends one of the address's failed authentications:
		// let the budget refill, so the table may grow past its burst.
		h.clock.Advance(2 * time.Second)
		t.Run(key, func(t *testing.T) {
			wantExact(t, h.do(req{method: route.Method, path: path}), 401, missing)
			r := h.do(req{method: route.Method, path: path, token: h.a.key})
			if route.Access == httpapi.ActingUser {
				wantExact(t, r, 400, actingNeeded)
			} else if string(r.body) == actingNeeded {
				t.Fatalf("a Credential route refuses an API key without an acting user")
			}
		})
	}
}
