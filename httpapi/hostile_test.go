package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// hostileValues are JSON values of every type, at the edges of the integer
// types a store column may hold (int32, int64, beyond), ids that are no
// UUID or name nothing, and times at the ends of what a time can be. Each
// replaces one field of an otherwise valid body in turn.
var hostileValues = []json.RawMessage{
	json.RawMessage(`2147483648`), json.RawMessage(`-2147483649`), json.RawMessage(`9223372036854775807`),
	json.RawMessage(`9223372036854775808`), json.RawMessage(`-9223372036854775809`), json.RawMessage(`1e300`),
	json.RawMessage(`-1`), json.RawMessage(`0.5`),
	json.RawMessage(`"not-a-uuid"`), json.RawMessage(`""`), json.RawMessage(`"00000000-0000-0000-0000-000000000000"`),
	json.RawMessage(`"123456789012345678901234567890"`), json.RawMessage(`"0001-01-01T00:00:00Z"`),
	json.RawMessage(`"9999-12-31T23:59:59Z"`), json.RawMessage(`"2026-02-30"`),
	json.RawMessage(`true`), json.RawMessage(`null`), json.RawMessage(`[]`), json.RawMessage(`["not-a-uuid",9223372036854775808]`),
	json.RawMessage(`{}`), json.RawMessage(`{"zz":[{"zz":1}]}`),
}

// hostileQueryValues replace one query parameter in turn.
var hostileQueryValues = []string{"2147483648", "9223372036854775807", "9223372036854775808", "-1", "1e3",
	"not-a-uuid", "00000000-0000-0000-0000-000000000000", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
	"2026-02-30", "", " ", "[]"}

// bodyPaths lists the fields of a request body schema, nested objects and
// the objects of arrays included (an array's item is at index 0), to depth
// levels.
func bodyPaths(s *openapi3.Schema, prefix []string, depth int) [][]string {
	if s == nil || depth == 0 {
		return nil
	}
	props := map[string]*openapi3.SchemaRef{}
	for k, p := range s.Properties {
		props[k] = p
	}
	for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
		for _, sub := range group {
			if sub.Value != nil {
				for k, p := range sub.Value.Properties {
					props[k] = p
				}
			}
		}
	}
	var out [][]string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range props {
			if !yield(k) {
				return
			}
		}
	}) {
		path := append(slices.Clone(prefix), k)
		out = append(out, path)
		p := props[k].Value
		if p == nil {
			continue
		}
		out = append(out, bodyPaths(p, path, depth-1)...)
		if p.Items != nil && p.Items.Value != nil {
			out = append(out, bodyPaths(p.Items.Value, append(slices.Clone(path), "0"), depth-1)...)
		}
	}
	return out
}

// setPath returns a copy of body with value at path, making the objects and
// one-element arrays on the way that body lacks.
func setPath(body any, path []string, value json.RawMessage) any {
	if len(path) == 0 {
		return value
	}
	if path[0] == "0" {
		list, _ := body.([]any)
		out := slices.Clone(list)
		if len(out) == 0 {
			out = []any{map[string]any{}}
		}
		out[0] = setPath(out[0], path[1:], value)
		return out
	}
	m, _ := body.(map[string]any)
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out[path[0]] = setPath(m[path[0]], path[1:], value)
	return out
}

// jsonCopy is v through JSON and back: a deep copy of plain maps and lists.
func jsonCopy(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantClientError fails t unless r is a 2xx or a 4xx in meetergo's error
// shape whose message names nothing internal: hostile input is the
// client's fault, never the server's.
func wantClientError(t *testing.T, what string, r response) {
	t.Helper()
	if r.status < 400 {
		return
	}
	var body struct {
		StatusCode int             `json:"statusCode"`
		Message    json.RawMessage `json:"message"`
		Error      string          `json:"error"`
	}
	if r.status >= 500 || json.Unmarshal(r.body, &body) != nil || body.StatusCode != r.status || body.Error == "" ||
		len(body.Message) == 0 {
		t.Errorf("%s: got %d %.300s, want a 4xx in meetergo's error shape", what, r.status, r.body)
		return
	}
	low := strings.ToLower(string(body.Message))
	for _, leak := range []string{"sqlstate", "sql:", "pq:", "pgx", "sqlite", "syntax error", "strconv.", "json:"} {
		if strings.Contains(low, leak) {
			t.Errorf("%s: %d %.300s names the server's internals (%q)", what, r.status, r.body, leak)
		}
	}
}

// TestHostileInputIsAClientError sends every route of the table, on both
// engines, a valid request with one body field or query parameter of its
// OpenAPI operation replaced by each hostile value in turn (numbers past
// int32 and int64, non-UUID ids, ids of nothing, odd times, every JSON
// type): every answer is a success or a 4xx in meetergo's error shape, and
// none is a 5xx. The fields come from api/openapi.yaml, so a new route or
// field is covered without a change here.
func TestHostileInputIsAClientError(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a few thousand requests per engine")
	}
	doc, _, err := loadOAS()
	if err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		t.Parallel() // the engines' few thousand requests each, side by side
		unlimited := func(c *httpapi.Config) { c.RateLimit = httpapi.RateLimit{PerMinute: 1 << 20, Burst: 1 << 20} }
		h := newHarness(t, b, allowPrivate, unlimited)
		h.clock.Set(monday)
		a := h.a
		o := h.objectsOf(a, a.owner.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
		attendeeID := attendeesOf(t, decode(t, h.get("/v4/appointment/"+o.appointment, a.key, a.owner.ID)))[0]["id"]
		// Bookings each take a slot of their own: the meeting type offers
		// every weekday from 09:00 to 17:00 Berlin time (08:00 to 16:00 UTC
		// in winter, 07:00 to 15:00 in summer).
		mt := h.meetingType(a.key, a.owner.ID, map[string]any{"slug": "hostile"})
		slots := 0
		nextSlot := func() string {
			slots++
			day := monday.AddDate(0, 0, 7+(slots/12)/5*7+(slots/12)%5) // Mondays to Fridays from a week on
			return time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, time.UTC).
				Add(time.Duration(slots%12) * 30 * time.Minute).Format(time.RFC3339)
		}
		bookingBody := func() map[string]any {
			return map[string]any{"meetingTypeId": mt, "start": nextSlot(), "hostIds": []string{a.owner.ID},
				"attendee": attendee("hostile@guest.example")}
		}
		// appointment books one, for the routes that use theirs up.
		appointment := func() (id, secret string) {
			bb := bookingBody()
			r := h.do(req{method: "POST", path: "/v4/booking", token: a.key, body: bb})
			if r.status != 201 {
				t.Fatalf("booking %v: %d %s", bb, r.status, r.body)
			}
			m := decode(t, r)
			return m["appointmentId"].(string), m["secret"].(string)
		}
		n := 0
		unique := func() string { n++; return strconv.Itoa(n) }
		// bases are valid requests, where the table's isolation bodies
		// are not enough; a base returns the path and body of one request.
		type base func(path string) (string, map[string]any)
		fresh := func(body func() map[string]any) base {
			return func(path string) (string, map[string]any) { return path, body() }
		}
		onNewAppointment := func(body map[string]any, public bool) base {
			return func(path string) (string, map[string]any) {
				id, secret := appointment()
				segs := strings.Split(path, "/")
				for i, s := range segs {
					if s == o.appointment {
						segs[i] = id
					}
				}
				out := maps(body)
				if public {
					out["secret"] = secret
				}
				return strings.Join(segs, "/"), out
			}
		}
		bases := map[string]base{
			"POST /v4/user": fresh(func() map[string]any {
				return map[string]any{"email": "hostile" + unique() + "@a.example", "givenName": "Host", "familyName": "Ile",
					"timezone": "Europe/Berlin"}
			}),
			"POST /v4/meeting-type": fresh(func() map[string]any {
				return map[string]any{"slug": "hostile-" + unique(), "meetingInfo": map[string]any{"name": "Hostile", "duration": 30},
					"availability": map[string]any{"name": "Hours", "timezone": "Europe/Berlin", "schedule": workweek()}}
			}),
			"POST /v4/availability": fresh(func() map[string]any {
				return map[string]any{"name": "Hours", "timezone": "Europe/Berlin", "schedule": workweek()}
			}),
			"POST /v4/availability/{id}/exceptions": fresh(func() map[string]any {
				return map[string]any{"start": time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format("2006-01-02"),
					"title": "Off" + unique()}
			}),
			"POST /v4/booking":                        fresh(bookingBody),
			"POST /v4/appointment/{id}/cancel":        onNewAppointment(map[string]any{}, false),
			"DELETE /v4/appointment/{id}":             onNewAppointment(map[string]any{}, false),
			"POST /v4/appointment/{id}/reschedule":    onNewAppointment(map[string]any{"start": "2027-03-02T10:00:00Z"}, false),
			"POST /v4/public/appointment/{id}/cancel": onNewAppointment(map[string]any{}, true),
			"POST /v4/public/appointment/{id}/reschedule": onNewAppointment(map[string]any{"start": "2027-03-02T10:00:00Z"},
				true),
			"POST /v4/attendee/quick-mail": fresh(func() map[string]any {
				return map[string]any{"attendeeId": attendeeID, "title": "Hi", "content": "Hello"}
			}),
			"POST /webhooks": fresh(func() map[string]any {
				return map[string]any{"endpoint": "https://127.0.0.1:9/h" + unique(), "eventTypes": []string{"booking_created"}}
			}),
			"POST /v4/data-field": fresh(func() map[string]any {
				return map[string]any{"label": "Hostile " + unique(), "fieldType": "number"}
			}),
			"POST /v4/routing-form": fresh(func() map[string]any {
				return map[string]any{"name": "Hostile", "structureType": "FORM_ONLY", "slug": "hostile-" + unique(),
					"fields":     []any{map[string]any{"dataFieldId": json.Number(o.dataField), "order": 0}},
					"qualifiers": []any{map[string]any{"routingAction": "eventRedirect", "meetingTypeId": mt, "isFallback": true}}}
			}),
			"POST /crm": fresh(func() map[string]any {
				return map[string]any{"email": "hostile" + unique() + "@contact.example", "accountOwnerId": a.member.ID}
			}),
			"POST /crm/bulk": fresh(func() map[string]any {
				return map[string]any{"contacts": []any{map[string]any{"email": "bulk" + unique() + "@contact.example"}}}
			}),
			"POST /crm/bulk-delete": fresh(func() map[string]any { return map[string]any{"contactIds": []string{o.contact}} }),
			"POST /v4/gdpr/export":  fresh(func() map[string]any { return map[string]any{"email": "ada@guest.example"} }),
			"POST /v4/gdpr/erase":   fresh(func() map[string]any { return map[string]any{"email": "nobody@guest.example"} }),
			"POST /v4/calendar-connections/connections": fresh(func() map[string]any {
				return map[string]any{"provider": "ics", "feedUrl": h.secretFeed("hostile" + unique()), "name": "Hostile"}
			}),
			"POST /v4/credentials/revoke": fresh(func() map[string]any { return map[string]any{"credentials": []string{"rgo-x"}} }),
			"POST /v4/routing-form/{id}/send": fresh(func() map[string]any {
				return map[string]any{"recipientName": "Ada", "deliveryMethod": "link"}
			}),
		}
		// baseQueries make the routes that need parameters answer.
		baseQueries := map[string]url.Values{
			"GET /v4/appointment/paginated":                   {"page": {"0"}, "pageSize": {"10"}},
			"GET /v4/appointment":                             {"page": {"1"}, "limit": {"10"}},
			"GET /v4/provisional-booking/paginated":           {"page": {"0"}, "pageSize": {"10"}},
			"GET /v4/booking-availability":                    {"meetingTypeId": {mt}, "start": {"2026-03-03"}, "end": {"2026-03-04"}},
			"GET /crm/details":                                {"contactId": {o.contact}},
			"GET /v4/public/calendar-feed.ics":                {"token": {"x"}},
			"GET /v4/public/provisional-booking/{id}/confirm": {"token": {o.confirmToken}},
		}
		// Deletions go last, so that every other route meets live objects.
		routes := httpapi.Routes()
		slices.SortStableFunc(routes, func(x, y httpapi.Route) int {
			return boolInt(x.Method == "DELETE") - boolInt(y.Method == "DELETE")
		})
		for _, rt := range routes {
			key := rt.Method + " " + rt.Pattern
			item := doc.Paths.Value(rt.Pattern)
			if item == nil || item.GetOperation(rt.Method) == nil {
				continue // TestOpenAPIDocumentIsValid reports it
			}
			op := item.GetOperation(rt.Method)
			path, ok := o.path(t, rt.Pattern)
			if !ok {
				continue
			}
			send := func(p string, body any) response {
				r := req{method: rt.Method, path: p, body: body}
				switch rt.Access {
				case httpapi.ActingUser:
					r.token, r.acting = a.key, a.owner.ID
				case httpapi.Credential:
					r.token = a.key
				}
				return h.do(r)
			}
			mk := bases[key]
			if mk == nil {
				mk = func(p string) (string, map[string]any) {
					body, _ := isolationBodies[key].(map[string]any)
					return p, maps(body)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if media := op.RequestBody.Value.Content.Get("application/json"); media != nil && media.Schema != nil {
					for _, field := range bodyPaths(media.Schema.Value, nil, 3) {
						for _, v := range hostileValues {
							p, body := mk(path)
							what := fmt.Sprintf("%s %s=%s", key, strings.Join(field, "."), v)
							wantClientError(t, what, send(p, setPath(jsonCopy(t, body), field, v)))
						}
					}
				}
			}
			for _, param := range op.Parameters {
				if param.Value == nil || param.Value.In != "query" {
					continue
				}
				for _, v := range hostileQueryValues {
					q := url.Values{}
					for k, vs := range baseQueries[key] {
						q[k] = vs
					}
					q.Set(param.Value.Name, v)
					p, body := mk(path)
					var sent any
					if rt.Method != "GET" && rt.Method != "DELETE" {
						sent = body
					}
					what := fmt.Sprintf("%s ?%s=%q", key, param.Value.Name, v)
					wantClientError(t, what, send(p+"?"+q.Encode(), sent))
				}
			}
		}
	})
}

// maps is a shallow copy of m, never nil.
func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
