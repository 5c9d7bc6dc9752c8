package pages_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// questions are the data fields withQuestions asks, by name.
type questions map[string]meetd.DataField

// withQuestions gives the harness's meeting type a booking form: a
// required radio, a bounded number, several choices, a required
// checkbox, a yes-or-no, a select, a date, a URL, a long text, a field
// named "name" (which must not take the attendee's name) and a hidden
// required field the page does not ask.
func withQuestions(h *harness) questions {
	h.t.Helper()
	lo, hi := 0.0, 100000.0
	opts := func(vals ...string) []meetd.FieldOption {
		var out []meetd.FieldOption
		for _, v := range vals {
			out = append(out, meetd.FieldOption{Label: strings.ToUpper(v[:1]) + v[1:], Value: v})
		}
		return out
	}
	specs := []meetd.DataField{
		{Label: "Company size", FieldType: meetd.FieldRadio, Required: true, Options: opts("small", "big")},
		{Label: "Budget", FieldType: meetd.FieldNumber, Min: &lo, Max: &hi},
		{Label: "Topics", FieldType: meetd.FieldCheckboxMulti, Options: opts("pricing", "security", "support")},
		{Label: "I accept the terms", Name: "terms", FieldType: meetd.FieldCheckboxSingle, Required: true},
		{Label: "Existing customer", FieldType: meetd.FieldYesNo},
		{Label: "Country", FieldType: meetd.FieldSelect, Options: opts("de", "at")},
		{Label: "Preferred start", FieldType: meetd.FieldDate},
		{Label: "Website", FieldType: meetd.FieldURL},
		{Label: "Details", FieldType: meetd.FieldTextMulti},
		{Label: "Team name", Name: "name", FieldType: meetd.FieldTextSingle},
	}
	out := questions{}
	var refs []meetd.FieldRef
	for i, f := range specs {
		f.CompanyID = h.tenant.Company.ID
		if f.Name == "" {
			f.Name = meetd.FieldName(f.Label)
		}
		made, err := h.db.CreateDataField(context.Background(), meetd.CLIActor, f)
		if err != nil {
			h.t.Fatal(err)
		}
		out[made.Name] = made
		refs = append(refs, meetd.FieldRef{DataFieldID: made.ID, Order: i})
	}
	// The source of a lead: required, hidden, so only a routing form's
	// answers (or the API) can give it.
	source, err := h.db.CreateDataField(context.Background(), meetd.CLIActor, meetd.DataField{CompanyID: h.tenant.Company.ID,
		Label: "Lead source", Name: "source", FieldType: meetd.FieldTextSingle, Required: true, Hidden: true})
	if err != nil {
		h.t.Fatal(err)
	}
	out["source"] = source
	refs = append(refs, meetd.FieldRef{DataFieldID: source.ID, Order: len(refs)})
	raw, _ := json.Marshal(refs)
	h.change(func(m *meetd.MeetingType) {
		if m.Extra == nil {
			m.Extra = map[string]json.RawMessage{}
		}
		m.Extra["dataFields"] = raw
	})
	return out
}

// answered is a booking form with good answers to withQuestions' fields,
// the hidden one aside.
func answered(slot string) url.Values {
	f := bookingForm(slot, "Ann Attendee", "ann@example.org")
	f.Set("notes", "Looking forward to it")
	f.Set("q.companySize", "big")
	f.Set("q.budget", "5000")
	f["q.topics"] = []string{"pricing", "security"}
	f.Set("q.terms", "yes")
	f.Set("q.existingCustomer", "no")
	f.Set("q.country", "at")
	f.Set("q.preferredStart", "2026-04-01")
	f.Set("q.website", "https://ann.example.org")
	f.Set("q.details", "Two teams")
	f.Set("q.name", "Platform")
	return f
}

// notesOf decodes an attendee's notes.
func notesOf(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("notes %s: %v", raw, err)
	}
	return m
}

// booked counts the company's appointments.
func (h *harness) booked() int {
	h.t.Helper()
	_, n, err := h.db.ListAppointments(context.Background(), meetd.AppointmentFilter{CompanyID: h.tenant.Company.ID, Limit: 10})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// firstSlot opens the booking page (with query, if any) and returns the
// first slot's link.
func (h *harness) firstSlot(query string, header ...string) string {
	h.t.Helper()
	p := h.get(links.New(h.base).Booking(h.host.Slug, h.mt.Slug)+query, header...).want(h.t, 200)
	s := p.links("slot=")
	if len(s) == 0 {
		h.t.Fatalf("no slots:\n%s", p.body)
	}
	return s[0]
}

// invalidRE finds the controls marked invalid: their element ids.
var invalidRE = regexp.MustCompile(`id="([^"]+)"[^>]*aria-invalid="true"`)

func invalidIDs(p page) []string {
	var out []string
	for _, m := range invalidRE.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestBookingQuestionsAreAskedWithLabelsInBothLanguages(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		withQuestions(h)
		slot := h.firstSlot("")
		h.get(slot).want(t, 200,
			`<legend>Company size <span class="muted">(required)</span></legend>`,
			`<label class="choice" for="q-companySize-1"><input type="radio" id="q-companySize-1" name="q.companySize" value="big" required> Big</label>`,
			`<label for="q-budget">Budget</label>`,
			`<input id="q-budget" name="q.budget" type="number" value="" min="0" max="100000" step="any">`,
			`<input type="checkbox" id="q-topics-2" name="q.topics" value="support">`,
			`<input type="checkbox" id="q-terms" name="q.terms" value="yes" required> I accept the terms <span class="muted">(required)</span>`,
			`<input type="radio" id="q-existingCustomer-yes" name="q.existingCustomer" value="yes"> Yes`,
			`<label for="q-country">Country</label>`, `<option value="">Please choose</option>`, `<option value="at">At</option>`,
			`<input id="q-preferredStart" name="q.preferredStart" type="date"`,
			`<input id="q-website" name="q.website" type="url"`,
			`<textarea id="q-details" name="q.details"`,
			// A field named "name" takes a prefixed name beside the
			// attendee's own.
			`<label for="q-name">Team name</label>`, `<input id="q-name" name="q.name" type="text"`,
			`<input id="name" name="name" autocomplete="name" required`, `<label for="notes">`)
		if p := h.get(slot); strings.Contains(p.body, "Lead source") {
			t.Fatal("the page asks a hidden field")
		}

		h.get(slot, "Accept-Language", "de-DE,de;q=0.9").want(t, 200,
			`<legend>Company size <span class="muted">(Pflichtfeld)</span></legend>`,
			`<option value="">Bitte wählen</option>`, `value="yes"> Ja</label>`, `value="no"> Nein</label>`)
	})
}

func TestBookingQuestionsRefuseMissingAndWrongAnswers(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		withQuestions(h)
		l := links.New(h.base)
		slot := slotOf(t, h.firstSlot(""))
		for _, tc := range []struct {
			name    string
			change  func(url.Values)
			lang    string
			message string
			invalid []string
		}{
			{"a required choice left out", func(f url.Values) { f.Del("q.companySize") }, "en",
				"Please answer “Company size”.", []string{"q-companySize-0", "q-companySize-1"}},
			{"a required checkbox not ticked", func(f url.Values) { f.Del("q.terms") }, "en",
				"Please answer “I accept the terms”.", []string{"q-terms"}},
			{"a number that is not one", func(f url.Values) { f.Set("q.budget", "lots") }, "en",
				"“Budget” must be a number from 0 to 100000.", []string{"q-budget"}},
			{"a number out of bounds", func(f url.Values) { f.Set("q.budget", "-1") }, "en",
				"“Budget” must be a number from 0 to 100000.", []string{"q-budget"}},
			{"an option that is not offered", func(f url.Values) { f.Set("q.country", "fr") }, "en",
				"“Country” must be one of its options.", []string{"q-country"}},
			{"a date that is not one", func(f url.Values) { f.Set("q.preferredStart", "soon") }, "en",
				"“Preferred start” must be a date (YYYY-MM-DD).", []string{"q-preferredStart"}},
			{"a wrong answer, in German", func(f url.Values) { f.Set("q.website", "ftp://x") }, "de",
				"Bitte prüfen Sie Ihre Antwort zu „Website“.", []string{"q-website"}},
			{"a missing answer, in German", func(f url.Values) { f.Del("q.companySize") }, "de",
				"Bitte beantworten Sie „Company size“.", []string{"q-companySize-0", "q-companySize-1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := answered(slot)
				tc.change(f)
				p := h.post(l.Booking(h.host.Slug, h.mt.Slug), f, "Accept-Language", tc.lang).
					want(t, http.StatusBadRequest, `role="alert"`, tc.message,
						// What was typed stays.
						`value="Ann Attendee"`, `value="Platform"`, `>Two teams</textarea>`)
				if got := invalidIDs(p); !reflect.DeepEqual(got, tc.invalid) {
					t.Fatalf("marked invalid: %v, want %v", got, tc.invalid)
				}
				if n := h.booked(); n != 0 {
					t.Fatalf("%d appointments booked", n)
				}
			})
		}
	})
}

func TestGoodAnswersReachTheAttendeeAndTheContact(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		withQuestions(h)
		l := links.New(h.base)
		slot := slotOf(t, h.firstSlot(""))

		// The hidden required field is the booking's to check: without a
		// routing form that gives it, the form comes back with the reason.
		p := h.post(l.Booking(h.host.Slug, h.mt.Slug), answered(slot)).want(t, http.StatusBadRequest,
			`<form method="post"`, "source should not be empty", `value="Platform"`)
		if ids := invalidIDs(p); len(ids) != 0 {
			t.Fatalf("fields marked for an answer the page does not ask: %v", ids)
		}
		if n := h.booked(); n != 0 {
			t.Fatalf("%d appointments booked", n)
		}
		h.change(func(m *meetd.MeetingType) {
			var refs []meetd.FieldRef
			_ = json.Unmarshal(m.Extra["dataFields"], &refs)
			m.Extra["dataFields"], _ = json.Marshal(refs[:len(refs)-1])
		})

		done := h.post(l.Booking(h.host.Slug, h.mt.Slug), answered(slot))
		if done.status != http.StatusSeeOther {
			t.Fatalf("booking: %d\n%s", done.status, done.body)
		}
		ap := h.appointmentOf(done.header.Get("Location"))
		want := map[string]any{"notes": "Looking forward to it", "companySize": "big", "budget": 5000.0,
			"topics": []any{"pricing", "security"}, "terms": true, "existingCustomer": false, "country": "at",
			"preferredStart": "2026-04-01", "website": "https://ann.example.org", "details": "Two teams", "name": "Platform"}
		if got := notesOf(t, ap.Attendees[0].Notes); !reflect.DeepEqual(got, want) {
			t.Fatalf("attendee notes %v, want %v", got, want)
		}
		if ap.Attendees[0].Fullname != "Ann Attendee" {
			t.Fatalf("the attendee is %q: a question named name took their name", ap.Attendees[0].Fullname)
		}
		c, err := h.db.ContactByAttendee(context.Background(), h.tenant.Company.ID, ap.Attendees[0].ID, h.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for k, raw := range c.Contact.AdditionalData {
			var v any
			_ = json.Unmarshal(raw, &v)
			got[k] = v
		}
		delete(want, "notes")
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("contact additionalData[%s] = %v, want %v", k, got[k], v)
			}
		}
	})
}
