package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// credentialsOf are each kind of a tenant's credentials.
func credentialsOf(tn tenant) []struct{ name, token, acting string } {
	return []struct{ name, token, acting string }{
		{"key acting as the owner", tn.key, tn.owner.ID},
		{"key acting as the member", tn.key, tn.member.ID},
		{"key", tn.key, ""},
		{"admin PAT", tn.adminPAT, ""},
		{"member PAT", tn.memberPAT, ""},
	}
}

// TestAnotherCompanysIDIsAnsweredLikeNoID: for every id-taking route of
// the table, another company's object gets the very answer a random id
// gets, status and body, so that no message or field tells that the object
// exists.
func TestAnotherCompanysIDIsAnsweredLikeNoID(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		unlimited := func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 1 << 20, Burst: 1 << 20} }
		h := newHarness(t, b, allowPrivate, unlimited)
		h.clock.Set(monday)
		theirs := h.objectsOf(h.b, h.b.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		nobody := objects{user: meetd.NewID(), meetingType: meetd.NewID(), availability: meetd.NewID(), exception: "999999",
			provisional: meetd.NewID(), appointment: meetd.NewID(), queue: meetd.NewID(), export: meetd.NewID(),
			webhook: meetd.NewID(), dataField: "999999", routingForm: meetd.NewID(), contact: meetd.NewID(), calendar: meetd.NewID()}
		// The exception of a missing availability is missing with it.
		for _, cred := range credentialsOf(h.a) {
			for _, route := range httpapi.Routes() {
				if route.Access == httpapi.Public || !hasParams(route.Pattern) {
					continue
				}
				key := route.Method + " " + route.Pattern
				their, ok := theirs.path(t, route.Pattern)
				none, ok2 := nobody.path(t, route.Pattern)
				if !ok || !ok2 {
					continue
				}
				t.Run(cred.name+" "+key, func(t *testing.T) {
					r := req{method: route.Method, body: isolationBodies[key], token: cred.token, acting: cred.acting}
					r.path = their
					got := h.do(r)
					r.path = none
					want := h.do(r)
					if got.status != want.status || string(got.body) != string(want.body) {
						t.Fatalf("another company's object: %d %s\na missing one:        %d %s", got.status, got.body,
							want.status, want.body)
					}
				})
			}
		}
	})
}

// TestTenantIsolationThroughReferences: company A's credentials meet
// company B only through ids and addresses inside a list, a query or a
// body, and never see, use or change B's objects that way. Every list
// route of the table (a GET without a path parameter) is searched for
// B's ids and addresses, so a new list whose query drops the company is
// caught without a change here.
func TestTenantIsolationThroughReferences(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		unlimited := func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 1 << 20, Burst: 1 << 20} }
		h := newHarness(t, b, allowPrivate, unlimited)
		h.clock.Set(monday)
		ctx := context.Background()
		theirs := h.objectsOf(h.b, h.b.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		mine := h.objectsOf(h.a, h.a.member.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		their := func(path string) map[string]any { return decode(t, h.get(path, h.b.key, h.b.member.ID)) }
		theirAttendee := attendeesOf(t, their("/v4/appointment/"+theirs.appointment))[0]["id"].(string)
		theirLink := h.oneTimeLink(h.b.key, h.b.member.ID, theirs.meetingType)["id"].(string)
		theirContactEmail := "iso-" + h.b.member.ID[:8] + "@contact.example"
		sub, err := h.db.SubmitForm(ctx, meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: h.b.company.ID,
			FormID: theirs.routingForm, Answers: meetd.Answers{"budget": 7.0}})
		if err != nil {
			t.Fatal(err)
		}
		secretsOfB := map[string]string{"user": h.b.member.ID, "owner": h.b.owner.ID, "admin": h.b.admin.ID,
			"meeting type": theirs.meetingType, "availability": theirs.availability, "appointment": theirs.appointment,
			"queue": theirs.queue, "provisional": theirs.provisional, "webhook": theirs.webhook, "export": theirs.export,
			"routing form": theirs.routingForm, "contact": theirs.contact, "calendar": theirs.calendar,
			"attendee": theirAttendee, "one-time link": theirLink, "submission": sub.ID, "contact email": theirContactEmail,
			"company": h.b.company.ID, "member email": h.b.member.Email,
			"data field": "Budget " + h.b.member.ID[:8]} // its numeric id could be anything's

		// Lists: none of B's objects, in any list, for any credential.
		for _, cred := range credentialsOf(h.a) {
			for _, route := range httpapi.Routes() {
				if route.Method != "GET" || route.Access == httpapi.Public || hasParams(route.Pattern) {
					continue
				}
				path := route.Pattern
				switch path {
				case "/v4/appointment/paginated", "/v4/provisional-booking/paginated":
					path += "?page=0&pageSize=100"
				case "/v4/appointment":
					path += "?page=1&limit=100"
				case "/v4/booking-availability", "/crm/details":
					continue // not lists: they answer one named object
				}
				t.Run(cred.name+" lists "+path, func(t *testing.T) {
					r := h.get(path, cred.token, cred.acting)
					for what, id := range secretsOfB {
						if strings.Contains(string(r.body), id) {
							t.Fatalf("%s answers company B's %s: %.500s", path, what, r.body)
						}
					}
				})
			}
		}

		// References to B's objects in queries and bodies.
		notFound := func(message string) func(t *testing.T, r response) {
			return func(t *testing.T, r response) {
				t.Helper()
				wantExact(t, r, 404, `{"statusCode":404,"message":"`+message+`","error":"Not Found"}`)
			}
		}
		refused := func(field string) func(t *testing.T, r response) {
			return func(t *testing.T, r response) {
				t.Helper()
				if r.status != 400 || !strings.Contains(string(r.body), field) {
					t.Fatalf("got %d %s, want a 400 naming %s", r.status, r.body, field)
				}
			}
		}
		empty := func(t *testing.T, r response) {
			t.Helper()
			wantStatus(t, r, 200)
			var page struct{ Total int }
			if json.Unmarshal(r.body, &page) != nil || page.Total != 0 {
				t.Fatalf("got %s, want an empty page", r.body)
			}
		}
		slot := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		mineBooking := func(extra map[string]any) map[string]any {
			body := map[string]any{"meetingTypeId": mine.meetingType, "start": slot.Format(time.RFC3339),
				"hostIds": []string{h.a.member.ID}, "attendee": attendee("ref@guest.example")}
			for k, v := range extra {
				body[k] = v
			}
			return body
		}
		for _, c := range []struct {
			name string
			r    req
			want func(t *testing.T, r response)
		}{
			{"contact details by B's contact id", req{method: "GET", path: "/crm/details?contactId=" + theirs.contact},
				notFound("Contact not found")},
			{"contact details by B's attendee id", req{method: "GET", path: "/crm/details?attendeeId=" + theirAttendee},
				notFound("Contact not found")},
			{"contacts owned by B's member", req{method: "GET", path: "/crm?ownerId=" + h.b.member.ID}, empty},
			{"contacts searched by B's contact's address", req{method: "GET", path: "/crm?searchTerm=" + theirContactEmail}, empty},
			{"bulk delete of B's contact", req{method: "POST", path: "/crm/bulk-delete",
				body: map[string]any{"contactIds": []string{theirs.contact}}}, func(t *testing.T, r response) {
				wantStatus(t, r, 200)
				if got := decode(t, r); got["deleted"] != 0.0 {
					t.Fatalf("deleted %v of B's contacts", got["deleted"])
				}
			}},
			{"a contact owned by B's member", req{method: "POST", path: "/crm",
				body: map[string]any{"email": "ref@contact.example", "accountOwnerId": h.b.member.ID}}, refused("accountOwnerId")},
			{"a bulk row owned by B's member", req{method: "POST", path: "/crm/bulk",
				body: map[string]any{"contacts": []any{map[string]any{"email": "ref-bulk@contact.example", "accountOwnerId": h.b.member.ID}}}},
				func(t *testing.T, r response) {
					wantStatus(t, r, 201)
					if got := decode(t, r); got["failed"] != 1.0 || got["created"] != 0.0 {
						t.Fatalf("a row owned by company B's member: %s", r.body)
					}
				}},
			{"a booking through B's one-time link", req{method: "POST", path: "/v4/booking",
				body: mineBooking(map[string]any{"oneTimeLinkId": theirLink})}, notFound("One-time booking link not found")},
			{"a booking carrying B's form submission", req{method: "POST", path: "/v4/booking",
				body: mineBooking(map[string]any{"routingFormSubmissionId": sub.ID})}, refused("routingFormSubmissionId")},
			{"slots avoiding B's appointment", req{method: "GET", path: "/v4/booking-availability?meetingTypeId=" +
				mine.meetingType + "&start=2026-03-03&end=2026-03-04&existingAppointmentId=" + theirs.appointment},
				func(t *testing.T, r response) {
					// An appointment of none of the hosts frees nothing: B's is
					// answered as a random id is.
					want := h.get("/v4/booking-availability?meetingTypeId="+mine.meetingType+
						"&start=2026-03-03&end=2026-03-04&existingAppointmentId="+meetd.NewID(), h.a.key, h.a.owner.ID)
					if r.status != want.status || string(r.body) != string(want.body) {
						t.Fatalf("B's appointment: %d %.300s\na random id: %d %.300s", r.status, r.body, want.status, want.body)
					}
				}},
			{"a meeting type asking B's data field", req{method: "POST", path: "/v4/meeting-type", acting: h.a.member.ID,
				body: map[string]any{"slug": "ref-df", "meetingInfo": map[string]any{"name": "Ref", "duration": 30},
					"dataFields": []any{map[string]any{"dataFieldId": json.Number(theirs.dataField), "order": 0}}}},
				refused("dataFields")},
			{"a routing form asking B's data field", req{method: "POST", path: "/v4/routing-form",
				body: map[string]any{"name": "Ref", "structureType": "FORM_ONLY",
					"fields": []any{map[string]any{"dataFieldId": json.Number(theirs.dataField)}}}}, refused("dataField")},
			{"a routing form sending to B's meeting type", req{method: "POST", path: "/v4/routing-form",
				body: map[string]any{"name": "Ref", "structureType": "FORM_ONLY", "qualifiers": []any{map[string]any{
					"routingAction": "eventRedirect", "meetingTypeId": theirs.meetingType, "isFallback": true}}}},
				refused("meetingTypeId")},
			{"a personal page listing B's meeting type", req{method: "PATCH", path: "/v4/personal-page/me", acting: h.a.member.ID,
				body: map[string]any{"meetingTypeOrder": []string{theirs.meetingType}}}, refused("meetingTypeOrder")},
			{"quick mail to B's attendee", req{method: "POST", path: "/v4/attendee/quick-mail", acting: h.a.member.ID,
				body: map[string]any{"attendeeId": theirAttendee, "title": "Hi", "content": "Hello"}},
				func(t *testing.T, r response) {
					if r.status != 404 && r.status != 400 {
						t.Fatalf("got %d %s, want B's attendee unknown", r.status, r.body)
					}
				}},
			{"a queue of B's member", req{method: "PATCH", path: "/v4/queue/meeting-type/" + mine.meetingType, acting: h.a.member.ID,
				body: map[string]any{"userId": h.b.member.ID}}, func(t *testing.T, r response) {
				if r.status != 404 && r.status != 400 {
					t.Fatalf("got %d %s, want B's member unknown", r.status, r.body)
				}
			}},
			{"an availability for B's member", req{method: "POST", path: "/v4/availability", acting: h.a.owner.ID,
				body: map[string]any{"name": "Ref", "timezone": "Europe/Berlin", "schedule": workweek(), "userId": h.b.member.ID}},
				func(t *testing.T, r response) {
					if r.status != 404 && r.status != 400 {
						t.Fatalf("got %d %s, want B's member unknown", r.status, r.body)
					}
				}},
			{"a calendar for B's member", req{method: "POST", path: "/v4/calendar-connections/connections", acting: h.a.owner.ID,
				body: map[string]any{"provider": "ics", "feedUrl": h.secretFeed("ref"), "userId": h.b.member.ID}},
				func(t *testing.T, r response) {
					if r.status != 404 && r.status != 400 {
						t.Fatalf("got %d %s, want B's member unknown", r.status, r.body)
					}
				}},
			{"audit entries of B's member", req{method: "GET", path: "/v4/audit?userId=" + h.b.member.ID}, empty},
			{"a GDPR export of B's attendee", req{method: "POST", path: "/v4/gdpr/export",
				body: map[string]any{"email": "ada@guest.example"}}, func(t *testing.T, r response) {
				wantStatus(t, r, 202)
				doc := h.get("/v4/gdpr/export/"+decode(t, r)["exportId"].(string), h.a.key, h.a.owner.ID)
				for what, id := range secretsOfB {
					if strings.Contains(string(doc.body), id) {
						t.Fatalf("A's export holds company B's %s", what)
					}
				}
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := c.r
				r.token = h.a.key
				if r.acting == "" && strings.HasPrefix(r.path, "/v4/") && !strings.HasPrefix(r.path, "/v4/routing-form") &&
					!strings.HasPrefix(r.path, "/v4/audit") && !strings.HasPrefix(r.path, "/v4/gdpr") && r.path != "/v4/booking" {
					r.acting = h.a.owner.ID
				}
				c.want(t, h.do(r))
			})
		}

		// Erasing B's attendee's address through A erases nothing of B's.
		wantStatus(t, h.do(req{method: "POST", path: "/v4/gdpr/erase", token: h.a.key, body: map[string]any{"email": "ada@guest.example"}}), 200)
		wantStatus(t, h.do(req{method: "POST", path: "/v4/gdpr/erase", token: h.a.key, body: map[string]any{"email": theirContactEmail}}), 200)
		if got := attendeesOf(t, their("/v4/appointment/"+theirs.appointment))[0]; got["email"] != "ada@guest.example" {
			t.Fatalf("A's erasure reached B's attendee: %v", got)
		}
		if got := decode(t, h.get("/crm/details?contactId="+theirs.contact, h.b.key, "")); got["item"].(map[string]any)["email"] != theirContactEmail {
			t.Fatalf("A's erasure or bulk delete reached B's contact: %v", got)
		}
		// B's form submission and one-time link still work for B.
		if _, err := h.db.FormSubmissionByID(ctx, h.b.company.ID, sub.ID); err != nil {
			t.Fatalf("B's submission: %v", err)
		}
	})
}
