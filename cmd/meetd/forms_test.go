package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/mail/mailtest"
)

// TestARoutingFormBooksWithItsAnswers: on a running node, a visitor
// answers a routing form's page (mounted by serve under the public URL),
// is sent to the booking page of the meeting type its answers chose, and
// the booking made with the submission carries the answers.
func TestARoutingFormBooksWithItsAnswers(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	n, call := acmeNode(t, dsn)
	field := call("POST", "/v4/data-field", map[string]any{"label": "Company size", "fieldType": "radio", "required": true,
		"options": []map[string]any{{"label": "Small", "value": "small"}, {"label": "Big", "value": "big"}}}, 201)["id"]
	mt := call("POST", "/v4/meeting-type", map[string]any{
		"meetingInfo": map[string]any{"name": "Demo", "duration": 30, "channel": "zoom", "description": ""},
		"slug":        "demo-call", "dataFields": []map[string]any{{"dataFieldId": field, "order": 0}}}, 201)["id"].(string)
	form := call("POST", "/v4/routing-form", map[string]any{"name": "Intake", "structureType": "FORM_ONLY", "slug": "intake",
		"fields":     []map[string]any{{"dataFieldId": field, "order": 0}},
		"qualifiers": []map[string]any{{"routingAction": "eventRedirect", "meetingTypeId": mt, "isFallback": true}}}, 201)
	if form["publicUrl"] != n.url+"/f/intake" {
		t.Fatalf("publicUrl %v on a node at %s", form["publicUrl"], n.url)
	}

	page, err := http.Get(form["publicUrl"].(string))
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET the form page = %d %s", page.StatusCode, page.Header.Get("Content-Type"))
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(form["publicUrl"].(string), url.Values{fmt.Sprintf("f%v", field): {"big"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 303 || err != nil || !strings.HasSuffix(loc.Path, "/demo-call") || !strings.HasPrefix(loc.String(), n.url+"/") {
		t.Fatalf("submitting = %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	start := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Hour)
	booked := call("POST", "/v4/booking", map[string]any{"meetingTypeId": mt, "start": start.Format(time.RFC3339),
		"ignoreAvailability": true, "routingFormSubmissionId": loc.Query().Get("submission"),
		"attendee": map[string]any{"email": "ada@guest.example", "firstname": "Ada", "lastname": "Guest",
			"receiveReminders": true, "notes": map[string]any{}}}, 201)
	ap := call("GET", "/v4/appointment/"+booked["appointmentId"].(string), nil, 200)
	notes := ap["attendees"].([]any)[0].(map[string]any)["notes"].(map[string]any)
	if notes["companySize"] != "big" {
		t.Fatalf("the booking's notes %v do not carry the form's answer", notes)
	}

	// The booking made the attendee a contact, with the form's answer.
	attendee := ap["attendees"].([]any)[0].(map[string]any)["id"].(string)
	details := call("GET", "/crm/details?attendeeId="+attendee, nil, 200)
	item := details["item"].(map[string]any)
	if item["email"] != "ada@guest.example" || item["additionalData"].(map[string]any)["companySize"] != "big" {
		t.Fatalf("the attendee's contact %v does not carry the form's answer", item)
	}
	if page := call("GET", "/crm?searchTerm=ada%40guest.example", nil, 200); page["total"] != float64(1) {
		t.Fatalf("contacts for the address: %v, want exactly one", page)
	}
}

// apiCall sends a JSON request to a node with an admin's token and fails
// the test unless the answer has status want; it returns the decoded body.
type apiCall func(method, path string, body any, want int) map[string]any

// acmeNode creates the company Acme with an admin and a personal access
// token through the CLI on dsn, starts a node on it with the extra serve
// flags, and returns the node and a caller with that token.
func acmeNode(t *testing.T, dsn string, extra ...string) (*node, apiCall) {
	t.Helper()
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
	admin := cliJSON(t, dsn, "user", "create", "--company", co["companyId"].(string), "--email", "admin@acme.example",
		"--given-name", "Adam", "--family-name", "Admin", "--role", "admin")["userId"].(string)
	pat := cliJSON(t, dsn, "pat", "create", "--user", admin, "--name", "ci", "--expires-in", "1d")["token"].(string)
	n := startNode(t, dsn, extra...)
	return n, func(method, path string, body any, want int) map[string]any {
		t.Helper()
		text := ""
		if body != nil {
			b, _ := json.Marshal(body)
			text = string(b)
		}
		status, out := n.requestBody(t, method, path, pat, "", text)
		if status != want {
			t.Fatalf("%s %s = %d %s, want %d", method, path, status, out, want)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(out), &m)
		return m
	}
}

// TestAMailedRoutingFormOpensInTheRecipientsLanguage: a form sent by
// e-mail to a recipient whose language is German links to the form with
// lang=de beside their token; one sent without a language carries none,
// so the form follows the browser.
func TestAMailedRoutingFormOpensInTheRecipientsLanguage(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	srv := mailtest.Start(t, mailtest.Options{})
	_, call := acmeNode(t, dsn, "--smtp-url", "smtp+insecure://127.0.0.1:"+itoa(srv.Port),
		"--mail-from", "Acme Forms <forms@acme.example>")
	field := call("POST", "/v4/data-field", map[string]any{"label": "Company", "fieldType": "text-single"}, 201)["id"]
	form := call("POST", "/v4/routing-form", map[string]any{"name": "Intake", "structureType": "FORM_ONLY", "slug": "intake",
		"fields": []map[string]any{{"dataFieldId": field, "order": 0}}}, 201)["id"].(string)
	for _, tc := range []struct{ name, email, language, want string }{
		{"a German recipient's link opens in German", "greta@example.de", "de-DE", "de"},
		{"a recipient without a language gets the browser's", "ann@example.org", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"recipientName": "R", "email": tc.email, "deliveryMethod": "email"}
			if tc.language != "" {
				body["language"] = tc.language
			}
			sent := call("POST", "/v4/routing-form/"+form+"/send", body, 201)
			m := srv.WaitFor(t, 20*time.Second, "the form to "+tc.email, func(m mailtest.Message) bool {
				return slices.Contains(m.To, tc.email)
			})
			_, parts, err := mailtest.Parse(m.Data)
			if err != nil {
				t.Fatal(err)
			}
			plain, ok := mailtest.Find(parts, "multipart/alternative/text/plain")
			if !ok {
				t.Fatalf("no plain text in %v", parts)
			}
			var link string
			for _, f := range strings.Fields(plain.Body) {
				if strings.Contains(f, "/f/intake?") {
					link = f
				}
			}
			u, err := url.Parse(link)
			if err != nil || link == "" {
				t.Fatalf("no form link in:\n%s", plain.Body)
			}
			pub, _ := url.Parse(sent["publicUrl"].(string))
			if u.Query().Get("r") != pub.Query().Get("r") || u.Query().Get("lang") != tc.want {
				t.Fatalf("mailed link %s: want the token of %s and lang=%q", link, sent["publicUrl"], tc.want)
			}
		})
	}
}
