package main

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestRoutingFormAnswersReachTheBookingAndTheContact walks the whole path
// as a visitor, on a running node of each engine: the routing form's page
// asks, its redirect opens the booking page with ?submission=, the
// meeting type's questions come prefilled with the form's answers, a
// slot is chosen and the form posted as a browser would; then, through
// the API as a client would, the appointment's attendee carries the
// answers (the form's own included) and exactly one contact holds them
// in its additionalData.
func TestRoutingFormAnswersReachTheBookingAndTheContact(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := dsnFor(t, b)
			n, call := acmeNode(t, dsn)
			size := call("POST", "/v4/data-field", map[string]any{"label": "Company size", "fieldType": "radio", "required": true,
				"options": []map[string]any{{"label": "Small", "value": "small"}, {"label": "Big", "value": "big"}}}, 201)["id"]
			budget := call("POST", "/v4/data-field", map[string]any{"label": "Budget", "fieldType": "number"}, 201)["id"]
			source := call("POST", "/v4/data-field", map[string]any{"label": "Lead source", "fieldType": "text-single"}, 201)["id"]
			// The meeting type asks size and budget; only the form asks
			// the source.
			mt := call("POST", "/v4/meeting-type", map[string]any{
				"meetingInfo": map[string]any{"name": "Demo", "duration": 30, "channel": "zoom", "description": ""},
				"slug":        "demo-call", "dataFields": []map[string]any{{"dataFieldId": size, "order": 0}, {"dataFieldId": budget, "order": 1}}},
				201)["id"].(string)
			call("POST", "/v4/routing-form", map[string]any{"name": "Intake", "structureType": "FORM_ONLY", "slug": "intake",
				"fields": []map[string]any{{"dataFieldId": size, "order": 0}, {"dataFieldId": budget, "order": 1},
					{"dataFieldId": source, "order": 2}},
				"qualifiers": []map[string]any{{"routingAction": "eventRedirect", "meetingTypeId": mt, "isFallback": true}}}, 201)

			visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			visit := func(method, target string, form url.Values) (int, http.Header, string) {
				t.Helper()
				if strings.HasPrefix(target, "/") {
					target = n.url + target
				}
				var resp *http.Response
				var err error
				if method == "POST" {
					resp, err = visitor.PostForm(target, form)
				} else {
					resp, err = visitor.Get(target)
				}
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header, string(body)
			}

			if status, _, _ := visit("GET", "/f/intake", nil); status != 200 {
				t.Fatalf("GET the form page = %d", status)
			}
			status, hdr, body := visit("POST", "/f/intake", url.Values{fmt.Sprintf("f%v", size): {"big"},
				fmt.Sprintf("f%v", budget): {"12000"}, fmt.Sprintf("f%v", source): {"trade fair"}})
			loc, err := url.Parse(hdr.Get("Location"))
			if status != 303 || err != nil || !strings.HasSuffix(loc.Path, "/demo-call") || loc.Query().Get("submission") == "" {
				t.Fatalf("submitting = %d, Location %q\n%s", status, hdr.Get("Location"), body)
			}
			sub := loc.Query().Get("submission")

			status, _, body = visit("GET", loc.String(), nil)
			slots := slotLinks(body)
			if status != 200 || len(slots) == 0 {
				t.Fatalf("the booking page = %d with %d slots\n%s", status, len(slots), body)
			}
			if !strings.Contains(slots[0], "submission="+sub) {
				t.Fatalf("slot link %s drops the submission", slots[0])
			}
			status, _, body = visit("GET", slots[0], nil)
			if status != 200 {
				t.Fatalf("the form = %d\n%s", status, body)
			}
			action, form := formOf(body)
			if form.Get("submission") != sub || form.Get("q.companySize") != "big" || form.Get("q.budget") != "12000" {
				t.Fatalf("the form is not prefilled from the submission: %v", form)
			}
			form.Set("name", "Ada Guest")
			form.Set("email", "ada@guest.example")
			status, hdr, body = visit("POST", action, form)
			if status != 303 || !strings.Contains(hdr.Get("Location"), "/appointment/") {
				t.Fatalf("booking = %d %s\n%s", status, hdr.Get("Location"), body)
			}
			booked, _ := url.Parse(hdr.Get("Location"))
			id := booked.Path[strings.LastIndex(booked.Path, "/")+1:]

			ap := call("GET", "/v4/appointment/"+id, nil, 200)
			if ap["meetingTypeId"] != mt {
				t.Fatalf("booked %v", ap)
			}
			attendee := ap["attendees"].([]any)[0].(map[string]any)
			want := map[string]any{"companySize": "big", "budget": 12000.0, "leadSource": "trade fair"}
			notes := attendee["notes"].(map[string]any)
			for k, v := range want {
				if notes[k] != v {
					t.Fatalf("the attendee's notes %v: %s is %v, want %v", notes, k, notes[k], v)
				}
			}
			details := call("GET", "/crm/details?attendeeId="+attendee["id"].(string), nil, 200)
			item := details["item"].(map[string]any)
			extra, _ := item["additionalData"].(map[string]any)
			for k, v := range want {
				if extra[k] != v {
					t.Fatalf("the contact's additionalData %v: %s is %v, want %v", extra, k, extra[k], v)
				}
			}
			if item["email"] != "ada@guest.example" {
				t.Fatalf("the attendee's contact is %v", item)
			}
			if page := call("GET", "/crm?searchTerm=ada%40guest.example", nil, 200); page["total"] != float64(1) {
				t.Fatalf("contacts for the address: %v, want exactly one", page)
			}
		})
	}
}

var (
	slotHref = regexp.MustCompile(`href="([^"]*slot=[^"]*)"`)
	inputTag = regexp.MustCompile(`<input [^>]*>`)
	attr     = regexp.MustCompile(`(\w+)(?:="([^"]*)")?`)
	formTag  = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

// slotLinks are a booking page's links to its slots.
func slotLinks(page string) []string {
	var out []string
	for _, m := range slotHref.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// formOf reads the booking form of a page as a browser would send it
// untouched: its action, the hidden and filled-in inputs, and the
// checked radios and boxes.
func formOf(page string) (string, url.Values) {
	action := ""
	if m := formTag.FindStringSubmatch(page); m != nil {
		action = html.UnescapeString(m[1])
	}
	form := url.Values{}
	for _, tag := range inputTag.FindAllString(page, -1) {
		a := map[string]string{}
		for _, m := range attr.FindAllStringSubmatch(strings.TrimSuffix(strings.TrimPrefix(tag, "<input "), ">"), -1) {
			a[m[1]] = html.UnescapeString(m[2])
			if m[2] == "" && !strings.Contains(m[0], "=") {
				a[m[1]] = "\x00"
			}
		}
		if a["name"] == "" {
			continue
		}
		if (a["type"] == "radio" || a["type"] == "checkbox") && a["checked"] == "" {
			continue
		}
		if a["value"] != "" {
			form.Add(a["name"], a["value"])
		}
	}
	return action, form
}
