package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// decodeList unmarshals a bare array answer.
func decodeList(t *testing.T, r response) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("not a bare array: %s", r.body)
	}
	return out
}

func idOf(m map[string]any) string { return fmt.Sprint(m["id"]) }

func hasID(list []map[string]any, id string) bool {
	for _, m := range list {
		if idOf(m) == id {
			return true
		}
	}
	return false
}

// TestDataFieldClientShapes sends each public client's data-field requests
// exactly as it sends them and reads what it reads.
func TestDataFieldClientShapes(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		tok := h.a.adminPAT

		// meetergo's MCP create_data_field: {label, fieldType, name?,
		// required?, options?, target?}; it shows the raw answer.
		r := h.do(req{method: "POST", path: "/v4/data-field", token: tok, body: map[string]any{
			"label": "Company size", "fieldType": "select", "name": "companySize", "required": true,
			"options": []map[string]any{{"label": "Small", "value": "small"}, {"label": "Enterprise", "value": "enterprise"}},
			"target":  "other"}})
		wantStatus(t, r, 201)
		mcp := decode(t, r)
		if _, isNumber := mcp["id"].(float64); !isNumber || mcp["name"] != "companySize" || mcp["fieldType"] != "select" ||
			mcp["required"] != true || mcp["target"] != "other" || len(mcp["options"].([]any)) != 2 {
			t.Fatalf("created %s", r.body)
		}

		// The Python MCP's create_data_field example: no name, derived
		// from the label.
		r = h.do(req{method: "POST", path: "/v4/data-field", token: tok, body: map[string]any{
			"label": "Budget Range", "fieldType": "select", "required": true,
			"options": []map[string]any{{"label": "< $10k", "value": "small"}, {"label": "$50k+", "value": "large"}}}})
		wantStatus(t, r, 201)
		py := decode(t, r)
		if py["name"] != "budgetRange" || py["id"].(float64) <= mcp["id"].(float64) {
			t.Fatalf("created %s", r.body)
		}

		// MCP list_data_fields sends limit and offset; the Python MCP none.
		page := decodeList(t, h.get("/v4/data-field?limit=1&offset=1", tok, ""))
		if len(page) != 1 || idOf(page[0]) != idOf(py) {
			t.Fatalf("limit=1&offset=1 = %v", page)
		}
		all := decodeList(t, h.get("/v4/data-field", tok, ""))
		if len(all) != 2 || !hasID(all, idOf(mcp)) || !hasID(all, idOf(py)) {
			t.Fatalf("list = %v", all)
		}
		wantStatus(t, h.get("/v4/data-field?limit=101", tok, ""), 400)

		// si0n's update_data_field: partial, with an integration mapping
		// kept as sent; delete_data_field; then it is gone.
		r = h.do(req{method: "PATCH", path: "/v4/data-field/" + idOf(py), token: tok, body: map[string]any{
			"label": "Budget", "hubspotContactField": "budget_range", "placeholder": "Pick one"}})
		wantStatus(t, r, 200)
		up := decode(t, r)
		if up["label"] != "Budget" || up["name"] != "budgetRange" || up["hubspotContactField"] != "budget_range" ||
			up["placeholder"] != "Pick one" || up["required"] != true {
			t.Fatalf("updated %s", r.body)
		}
		r = h.do(req{method: "PATCH", path: "/v4/data-field/" + idOf(py), token: tok, body: map[string]any{"placeholder": nil}})
		if got := decode(t, r); got["placeholder"] != nil || got["hubspotContactField"] != "budget_range" {
			t.Fatalf("null did not remove a kept key: %s", r.body)
		}
		wantStatus(t, h.do(req{method: "DELETE", path: "/v4/data-field/" + idOf(py), token: tok}), 204)
		wantStatus(t, h.get("/v4/data-field/"+idOf(py), tok, ""), 404)
		wantStatus(t, h.get("/v4/data-field/reorder", tok, ""), 404)

		// Refusals: a bare "text" (the MCP's own note), a choice field
		// without options, a name taken, a member's PAT.
		for name, tc := range map[string]struct {
			body   map[string]any
			status int
			says   string
		}{
			"a bare text type":         {map[string]any{"label": "X", "fieldType": "text"}, 400, "fieldType must be one of"},
			"a select without options": {map[string]any{"label": "X", "fieldType": "select"}, 400, "a select field needs options"},
			"no label":                 {map[string]any{"fieldType": "email"}, 400, "label should not be empty"},
			"a name taken":             {map[string]any{"label": "Other", "name": "companySize", "fieldType": "email"}, 409, "exists already"},
		} {
			t.Run(name, func(t *testing.T) {
				r := h.do(req{method: "POST", path: "/v4/data-field", token: tok, body: tc.body})
				if r.status != tc.status || !strings.Contains(string(r.body), tc.says) {
					t.Fatalf("got %d %s, want %d saying %q", r.status, r.body, tc.status, tc.says)
				}
			})
		}
		wantStatus(t, h.do(req{method: "POST", path: "/v4/data-field", token: h.a.memberPAT,
			body: map[string]any{"label": "X", "fieldType": "email"}}), 403)
		// An API key acting as a member may: like webhooks, forms are the
		// company's configuration, which API keys manage.
		wantStatus(t, h.do(req{method: "POST", path: "/v4/data-field", token: h.a.key, acting: h.a.member.ID,
			body: map[string]any{"label": "Y", "fieldType": "email"}}), 201)
	})
}

// TestRoutingFormClientShapes sends the routing-form requests of meetergo's
// MCP server and of the Python MCP exactly as they send them.
func TestRoutingFormClientShapes(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		tok := h.a.adminPAT
		mt := h.meetingType(tok, "", nil)
		r := h.do(req{method: "POST", path: "/v4/data-field", token: tok, body: map[string]any{
			"label": "Company Size", "fieldType": "select",
			"options": []map[string]any{{"label": "SMB", "value": "smb"}, {"label": "Enterprise", "value": "enterprise"}}}})
		wantStatus(t, r, 201)
		size := decode(t, r)["id"]

		// meetergo's MCP create_routing_form.
		r = h.do(req{method: "POST", path: "/v4/routing-form", token: tok, body: map[string]any{
			"name": "Qualify", "structureType": "FORM_ONLY", "showProgressBar": false, "skipForm": false, "slug": "qualify",
			"fields":      []map[string]any{{"dataFieldId": size, "order": 0}},
			"funnelSteps": []map[string]any{},
			"qualifiers": []map[string]any{
				{"routingAction": "eventRedirect", "meetingTypeId": mt, "expression": map[string]any{"operator": "and",
					"operands": []map[string]any{{"operator": "equals", "target": "attendeeOther", "customTarget": "Company Size", "value": "enterprise"}}}},
				{"routingAction": "customPage", "customPageContent": map[string]any{"en": "We will be in touch."}, "isFallback": true},
			}}})
		wantStatus(t, r, 201)
		form := decode(t, r)
		id := form["id"].(string)
		if form["publicUrl"] != "https://cal.example.test/f/qualify" || form["showProgressBar"] != false ||
			len(form["qualifiers"].([]any)) != 2 || form["fields"].([]any)[0].(map[string]any)["dataFieldId"] != size {
			t.Fatalf("created %s", r.body)
		}
		q0 := form["qualifiers"].([]any)[0].(map[string]any)
		if q0["id"] == "" || q0["meetingTypeId"] != mt || q0["expression"].(map[string]any)["operator"] != "and" {
			t.Fatalf("qualifier %v", q0)
		}

		// get_routing_form, list_routing_forms (limit/offset; PY none).
		if got := decode(t, h.get("/v4/routing-form/"+id, tok, "")); got["name"] != "Qualify" || got["slug"] != "qualify" {
			t.Fatalf("get = %v", got)
		}
		if list := decodeList(t, h.get("/v4/routing-form?limit=50&offset=0", tok, "")); len(list) != 1 || idOf(list[0]) != id {
			t.Fatalf("list = %v", list)
		}
		if list := decodeList(t, h.get("/v4/routing-form", tok, "")); len(list) != 1 {
			t.Fatalf("list = %v", list)
		}

		// The Python MCP's create_routing_form example: a funnel whose step
		// creates its data field inline.
		r = h.do(req{method: "POST", path: "/v4/routing-form", token: tok, body: map[string]any{
			"name": "Funnel", "structureType": "FUNNEL_WITH_FORM", "showProgressBar": true,
			"funnelSteps": []map[string]any{{"dataFields": []map[string]any{{"dataField": map[string]any{
				"label": "Team size", "fieldType": "number"}}}}},
			"fields":     []map[string]any{{"dataFieldId": size, "order": 1}},
			"qualifiers": []map[string]any{{"routingAction": "externalRedirect", "externalRedirectLink": "https://example.com/big", "isFallback": true}}}})
		wantStatus(t, r, 201)
		funnel := decode(t, r)
		inline := funnel["funnelSteps"].([]any)[0].(map[string]any)["dataFields"].([]any)[0].(map[string]any)["dataFieldId"]
		if got := decode(t, h.get(fmt.Sprintf("/v4/data-field/%v", inline), tok, "")); got["name"] != "teamSize" {
			t.Fatalf("the inline field = %v", got)
		}
		if !strings.HasPrefix(funnel["publicUrl"].(string), "https://cal.example.test/f/"+funnel["id"].(string)) {
			t.Fatalf("a form without slug: publicUrl %v", funnel["publicUrl"])
		}

		// The Python MCP's update_routing_form: qualifiers by declarative
		// sync, the one with its id kept, the others new, the rest gone.
		keep := form["qualifiers"].([]any)[1].(map[string]any)["id"].(string)
		r = h.do(req{method: "PATCH", path: "/v4/routing-form/" + id, token: tok, body: map[string]any{
			"qualifiers": []map[string]any{
				{"id": keep, "routingAction": "customPage", "customPageContent": map[string]any{"en": "Changed"}, "isFallback": true},
				{"routingAction": "externalRedirect", "externalRedirectLink": "https://example.com/x",
					"expression": map[string]any{"operator": "oneOf", "target": "attendeeOther", "customTarget": "companySize", "value": []string{"smb"}}},
			}}})
		wantStatus(t, r, 200)
		qs := decode(t, r)["qualifiers"].([]any)
		if len(qs) != 2 || qs[0].(map[string]any)["id"] != keep || qs[1].(map[string]any)["id"] == q0["id"] {
			t.Fatalf("synced qualifiers %v", qs)
		}
		// meetergo's MCP update_routing_form: only name and slug.
		r = h.do(req{method: "PATCH", path: "/v4/routing-form/" + id, token: tok, body: map[string]any{"name": "Qualify 2", "slug": "qualify-2"}})
		if got := decode(t, r); got["name"] != "Qualify 2" || got["publicUrl"] != "https://cal.example.test/f/qualify-2" || len(got["qualifiers"].([]any)) != 2 {
			t.Fatalf("renamed %s", r.body)
		}

		// Refusals: a redirect that is not http(s), an unknown operator, a
		// meeting type of another company, a slug taken.
		other := h.meetingType(h.b.key, h.b.member.ID, nil)
		for name, q := range map[string]map[string]any{
			"a javascript: redirect": {"routingAction": "externalRedirect", "externalRedirectLink": "javascript:alert(1)"},
			"an unknown operator": {"routingAction": "customPage", "customPageContent": "x",
				"expression": map[string]any{"operator": "matches", "target": "email", "value": "x"}},
			"another company's meeting type": {"routingAction": "eventRedirect", "meetingTypeId": other},
			"an unknown action":              {"routingAction": "teleport"},
		} {
			t.Run(name, func(t *testing.T) {
				wantStatus(t, h.do(req{method: "POST", path: "/v4/routing-form", token: tok, body: map[string]any{
					"name": "Bad", "structureType": "FORM_ONLY", "qualifiers": []map[string]any{q}}}), 400)
			})
		}
		wantStatus(t, h.do(req{method: "POST", path: "/v4/routing-form", token: tok, body: map[string]any{
			"name": "Taken", "structureType": "FORM_ONLY", "slug": "qualify-2"}}), 409)
		wantStatus(t, h.do(req{method: "POST", path: "/v4/routing-form", token: tok, body: map[string]any{"name": "No type"}}), 400)

		// send_routing_form: meetergo's MCP with link delivery; the Python
		// MCP with its default e-mail delivery; sms is refused.
		r = h.do(req{method: "POST", path: "/v4/routing-form/" + id + "/send", token: tok, body: map[string]any{
			"recipientName": "Ada", "deliveryMethod": "link", "contactId": meetd.NewID()}})
		wantStatus(t, r, 201)
		link := decode(t, r)
		u, err := url.Parse(link["publicUrl"].(string))
		if err != nil || u.Path != "/f/qualify-2" || u.Query().Get("r") != link["token"] || link["status"] != "sent" {
			t.Fatalf("link send = %s", r.body)
		}
		r = h.do(req{method: "POST", path: "/v4/routing-form/" + id + "/send", token: tok, body: map[string]any{
			"recipientName": "Grace", "deliveryMethod": "email", "email": "grace@example.com", "message": "Please fill this in"}})
		wantStatus(t, r, 201)
		if got := decode(t, r); got["email"] != "grace@example.com" || got["deliveryMethod"] != "email" || got["publicUrl"] == "" {
			t.Fatalf("email send = %s", r.body)
		}
		for name, body := range map[string]map[string]any{
			"sms":                     {"recipientName": "Ada", "deliveryMethod": "sms", "phone": "+4930123456"},
			"email without address":   {"recipientName": "Ada"},
			"no recipient name":       {"deliveryMethod": "link"},
			"an unknown method":       {"recipientName": "Ada", "deliveryMethod": "fax"},
			"a phone that isn't E164": {"recipientName": "Ada", "deliveryMethod": "link", "phone": "030 123"},
		} {
			t.Run("send "+name, func(t *testing.T) {
				wantStatus(t, h.do(req{method: "POST", path: "/v4/routing-form/" + id + "/send", token: tok, body: body}), 400)
			})
		}
		// list_form_recipients: newest first, with the fields si0n reads.
		recs := decodeList(t, h.get("/v4/routing-form/"+id+"/recipients", tok, ""))
		if len(recs) != 2 {
			t.Fatalf("recipients = %v", recs)
		}
		for _, rec := range recs {
			for _, k := range []string{"id", "recipientName", "email", "phone", "status", "sentAt", "openedAt", "completedAt"} {
				if _, ok := rec[k]; !ok {
					t.Fatalf("recipient without %s: %v", k, rec)
				}
			}
			if _, leaked := rec["token"]; leaked {
				t.Fatalf("the recipients list shows a token: %v", rec)
			}
		}

		// delete_routing_form: gone, and so is its page.
		wantStatus(t, h.do(req{method: "DELETE", path: "/v4/routing-form/" + id, token: tok}), 204)
		wantStatus(t, h.get("/v4/routing-form/"+id, tok, ""), 404)
		if _, err := h.db.RoutingFormForPage(context.Background(), "qualify-2"); meetd.ErrorCode(err) != meetd.ENOTFOUND {
			t.Fatalf("the deleted form's page: %v", err)
		}
	})
}

// TestBookingAnswersTheMeetingTypesQuestions: a meeting type names its
// questions with dataFields; POST /v4/booking checks the answers in
// attendee.notes (keyed by name or, as meetergo's MCP sends them, by
// label) and stores them under the field's name; a routing form
// submission's answers are carried in.
func TestBookingAnswersTheMeetingTypesQuestions(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.clock.Set(monday)
		tok := h.a.key
		field := func(body map[string]any) any {
			r := h.do(req{method: "POST", path: "/v4/data-field", token: tok, body: body})
			wantStatus(t, r, 201)
			return decode(t, r)["id"]
		}
		size := field(map[string]any{"label": "Company size", "fieldType": "radio", "required": true,
			"options": []map[string]any{{"label": "Small", "value": "small"}, {"label": "Big", "value": "big"}}})
		budget := field(map[string]any{"label": "Budget", "fieldType": "number"})
		mt := h.meetingType(tok, h.a.member.ID, map[string]any{"dataFields": []map[string]any{
			{"dataFieldId": size, "order": 0}, {"dataFieldId": budget, "order": 1}}})
		// A meeting type's questions must be the company's data fields.
		theirField := h.do(req{method: "POST", path: "/v4/data-field", token: h.b.key, body: map[string]any{"label": "X", "fieldType": "email"}})
		wantStatus(t, theirField, 201)
		r := h.do(req{method: "PATCH", path: "/v4/meeting-type/" + mt, token: tok, acting: h.a.member.ID,
			body: map[string]any{"dataFields": []map[string]any{{"dataFieldId": decode(t, theirField)["id"], "order": 0}}}})
		if r.status != 400 || !strings.Contains(string(r.body), "is not one of the company's data fields") {
			t.Fatalf("another company's field as a question: %d %s", r.status, r.body)
		}
		wantStatus(t, h.do(req{method: "PATCH", path: "/v4/meeting-type/" + mt, token: tok, acting: h.a.member.ID,
			body: map[string]any{"dataFields": "all of them"}}), 400)
		slot := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
		book := func(notes map[string]any, extra map[string]any) response {
			a := attendee("ada@guest.example")
			a["notes"] = notes
			body := map[string]any{"meetingTypeId": mt, "start": slot.Format(time.RFC3339), "hostIds": []string{h.a.member.ID},
				"attendee": a}
			for k, v := range extra {
				body[k] = v
			}
			return h.do(req{method: "POST", path: "/v4/booking", token: tok, body: body})
		}

		for name, tc := range map[string]struct {
			notes map[string]any
			says  string
		}{
			"a required answer missing": {map[string]any{"budget": 10}, "attendee.notes.companySize should not be empty"},
			"an option not offered":     {map[string]any{"companySize": "huge"}, "attendee.notes.companySize must be one of its options"},
			"a wrong type by label":     {map[string]any{"Company size": "big", "Budget": "lots"}, "attendee.notes.Budget must be a number"},
		} {
			t.Run(name, func(t *testing.T) {
				r := book(tc.notes, nil)
				if r.status != 400 || !strings.Contains(string(r.body), tc.says) {
					t.Fatalf("got %d %s, want 400 saying %q", r.status, r.body, tc.says)
				}
			})
		}

		// meetergo's MCP book_appointment keys notes by question label.
		r = book(map[string]any{"Company size": "Big", "Budget": "12000", "utm_source": "newsletter"}, nil)
		wantStatus(t, r, 201)
		ap := decode(t, h.get("/v4/appointment/"+decode(t, r)["appointmentId"].(string), tok, h.a.member.ID))
		att := attendeesOf(t, ap)[0]
		notes := att["notes"].(map[string]any)
		if notes["companySize"] != "big" || notes["budget"] != 12000.0 || notes["utm_source"] != "newsletter" || notes["Company size"] != nil {
			t.Fatalf("stored notes %v", notes)
		}
		answers, err := h.db.AttendeeAnswers(context.Background(), h.a.company.ID, att["id"].(string))
		if err != nil || answers["companySize"] != "big" || answers["budget"] != 12000.0 || len(answers) != 2 {
			t.Fatalf("AttendeeAnswers = %v, %v", answers, err)
		}
		// The booking made the attendee a contact carrying the answers,
		// and only the answers (not the other notes).
		details := decode(t, h.get("/crm/details?attendeeId="+att["id"].(string), tok, h.a.member.ID))
		extra := details["item"].(map[string]any)["additionalData"].(map[string]any)
		if extra["companySize"] != "big" || extra["budget"] != 12000.0 || extra["utm_source"] != nil {
			t.Fatalf("the contact's additionalData %v", extra)
		}

		// A routing form submission's answers fill what the booking leaves
		// out; an unknown submission is a 400.
		form, err := h.db.CreateRoutingForm(context.Background(), meetd.CLIActor, meetd.RoutingForm{CompanyID: h.a.company.ID,
			Name: "Q", StructureType: meetd.FormOnly})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := h.db.SubmitForm(context.Background(), meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: h.a.company.ID,
			FormID: form.ID, Answers: meetd.Answers{"companySize": "small", "budget": 50.0}})
		if err != nil {
			t.Fatal(err)
		}
		slot = slot.Add(time.Hour)
		r = book(map[string]any{"budget": 70}, map[string]any{"routingFormSubmissionId": sub.ID})
		wantStatus(t, r, 201)
		ap = decode(t, h.get("/v4/appointment/"+decode(t, r)["appointmentId"].(string), tok, h.a.member.ID))
		if notes := attendeesOf(t, ap)[0]["notes"].(map[string]any); notes["companySize"] != "small" || notes["budget"] != 70.0 {
			t.Fatalf("notes with a submission %v", notes)
		}
		// The same person booking again: still one contact, with the
		// latest answers.
		details = decode(t, h.get("/crm/details?attendeeId="+attendeesOf(t, ap)[0]["id"].(string), tok, h.a.member.ID))
		if item := details["item"].(map[string]any); item["id"] != decode(t, h.get("/crm/details?attendeeId="+att["id"].(string), tok, h.a.member.ID))["item"].(map[string]any)["id"] ||
			item["additionalData"].(map[string]any)["companySize"] != "small" || item["additionalData"].(map[string]any)["budget"] != 70.0 {
			t.Fatalf("the contact after a second booking %v", item)
		}
		slot = slot.Add(time.Hour)
		r = book(map[string]any{"companySize": "big"}, map[string]any{"routingFormSubmissionId": meetd.NewID()})
		if r.status != 400 || !strings.Contains(string(r.body), "routingFormSubmissionId") {
			t.Fatalf("an unknown submission: %d %s", r.status, r.body)
		}
		// Another company's submission is unknown too.
		theirs, err := h.db.CreateRoutingForm(context.Background(), meetd.CLIActor, meetd.RoutingForm{CompanyID: h.b.company.ID,
			Name: "Q", StructureType: meetd.FormOnly})
		if err != nil {
			t.Fatal(err)
		}
		theirSub, err := h.db.SubmitForm(context.Background(), meetd.Actor{Source: "form"}, meetd.FormSubmission{
			CompanyID: h.b.company.ID, FormID: theirs.ID, Answers: meetd.Answers{"companySize": "big"}})
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, book(map[string]any{"companySize": "big"}, map[string]any{"routingFormSubmissionId": theirSub.ID}), 400)
	})
}

// TestSendingARoutingFormIsLimited: meetergo's 20 sends a minute per
// acting user, answered like every 429.
func TestSendingARoutingFormIsLimited(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	r := h.do(req{method: "POST", path: "/v4/routing-form", token: h.a.adminPAT, body: map[string]any{"name": "F", "structureType": "FORM_ONLY"}})
	wantStatus(t, r, 201)
	send := "/v4/routing-form/" + decode(t, r)["id"].(string) + "/send"
	for i := range 20 {
		if r := h.do(req{method: "POST", path: send, token: h.a.adminPAT, body: map[string]any{"recipientName": fmt.Sprint("R", i), "deliveryMethod": "link"}}); r.status != 201 {
			t.Fatalf("send %d: %d %s", i+1, r.status, r.body)
		}
	}
	r = h.do(req{method: "POST", path: send, token: h.a.adminPAT, body: map[string]any{"recipientName": "R", "deliveryMethod": "link"}})
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("21st send: %d %v %s", r.status, r.header, r.body)
	}
	// Another user's sends are counted apart.
	wantStatus(t, h.do(req{method: "POST", path: send, token: h.a.ownerPAT, body: map[string]any{"recipientName": "R", "deliveryMethod": "link"}}), 201)
	h.clock.Advance(time.Minute)
	wantStatus(t, h.do(req{method: "POST", path: send, token: h.a.adminPAT, body: map[string]any{"recipientName": "R", "deliveryMethod": "link"}}), 201)
}
