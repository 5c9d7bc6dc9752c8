package pages_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// submitted stores a submission of a one-field form of company with
// answers, as the routing form page would, and returns its id.
func submitted(h *harness, companyID string, field meetd.DataField, answers meetd.Answers) string {
	h.t.Helper()
	ctx := context.Background()
	f, err := h.db.CreateRoutingForm(ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: companyID, Name: "Intake",
		StructureType: meetd.FormOnly, Fields: []meetd.FieldRef{{DataFieldID: field.ID}}})
	if err != nil {
		h.t.Fatal(err)
	}
	s, err := h.db.SubmitForm(ctx, meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: companyID, FormID: f.ID, Answers: answers})
	if err != nil {
		h.t.Fatal(err)
	}
	return s.ID
}

// TestASubmissionIsCarriedThroughEveryStep: a booking page opened with
// ?submission= keeps it in every link and form of the flow (month, day,
// slot, zone and duration, the form, "just taken"), prefills the
// questions from its answers, and books with it: the form's answers the
// page does not ask (a hidden field) reach the attendee, and what the
// attendee changes on the page wins.
func TestASubmissionIsCarriedThroughEveryStep(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		qs := withQuestions(h)
		h.change(func(m *meetd.MeetingType) { m.AllowedDurations = []int{60} })
		sub := submitted(h, h.tenant.Company.ID, qs["companySize"],
			meetd.Answers{"companySize": "big", "budget": 7000.0, "topics": []string{"support"}, "source": "fair"})
		l := links.New(h.base)
		page := l.Booking(h.host.Slug, h.mt.Slug)

		month := h.get(page+"?submission="+sub).want(t, 200, `<input type="hidden" name="submission" value="`+sub+`">`)
		if strings.Contains(month.body, `class="notice"`) {
			t.Fatal("a valid submission is reported missing")
		}
		all := month.links(page)
		if len(all) < 5 {
			t.Fatalf("only %d links to the booking page", len(all))
		}
		for _, u := range all {
			if !strings.Contains(u, "submission="+sub) {
				t.Fatalf("link %s drops the submission", u)
			}
		}
		form := h.get(month.links("slot=")[0]).want(t, 200,
			`<input type="hidden" name="submission" value="`+sub+`">`,
			`name="q.companySize" value="big" checked required>`,
			`<input id="q-budget" name="q.budget" type="number" value="7000"`,
			`name="q.topics" value="support" checked>`)
		for _, u := range form.links(page) {
			if !strings.Contains(u, "submission="+sub) {
				t.Fatalf("form link %s drops the submission", u)
			}
		}

		slot := slotOf(t, month.links("slot=")[0])
		f := answered(slot)
		f.Set("submission", sub)
		f.Set("q.budget", "9000")
		done := h.post(page, f)
		if done.status != http.StatusSeeOther {
			t.Fatalf("booking: %d\n%s", done.status, done.body)
		}
		notes := notesOf(t, h.appointmentOf(done.header.Get("Location")).Attendees[0].Notes)
		if notes["source"] != "fair" || notes["budget"] != 9000.0 || notes["companySize"] != "big" {
			t.Fatalf("notes %v: want the form's source and the page's budget", notes)
		}

		f.Set("email", "bea@example.org")
		taken := h.post(page, f).want(t, http.StatusConflict)
		next := taken.links("slot=")
		if len(next) == 0 {
			t.Fatalf("no alternatives:\n%s", taken.body)
		}
		for _, u := range append(next, taken.links(page+"?")...) {
			if !strings.Contains(u, "submission="+sub) {
				t.Fatalf("alternative %s drops the submission", u)
			}
		}
	})
}

// TestAOneTimeLinkCarriesASubmission: the one-time link's page is the
// booking page; the submission rides along the same way.
func TestAOneTimeLinkCarriesASubmission(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		qs := withQuestions(h)
		sub := submitted(h, h.tenant.Company.ID, qs["companySize"], meetd.Answers{"companySize": "small", "source": "mail"})
		token := meetd.NewOneTimeToken()
		if _, err := h.db.CreateOneTimeLink(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.mt.ID,
			meetd.HashOneTimeToken(token)); err != nil {
			t.Fatal(err)
		}
		l := links.New(h.base)
		slotLink := h.get(l.OneTime(token)+"?submission="+sub).want(t, 200).links("slot=")[0]
		if !strings.HasPrefix(slotLink, l.OneTime(token)+"?") || !strings.Contains(slotLink, "submission="+sub) {
			t.Fatalf("slot link %s", slotLink)
		}
		h.get(slotLink).want(t, 200, `name="q.companySize" value="small" checked required>`)
		f := answered(slotOf(t, slotLink))
		f.Set("submission", sub)
		f.Del("q.companySize")
		f.Set("q.companySize", "small")
		done := h.post(l.OneTime(token), f)
		if done.status != http.StatusSeeOther {
			t.Fatalf("booking: %d\n%s", done.status, done.body)
		}
		if notes := notesOf(t, h.appointmentOf(done.header.Get("Location")).Attendees[0].Notes); notes["source"] != "mail" {
			t.Fatalf("notes %v without the form's answer", notes)
		}
	})
}

// TestAnUnknownSubmissionIsDroppedWithANotice: a submission id that names
// nothing, or another company's submission, does not break the page: it
// says the form's answers were not found and carries the id no further;
// a form posted with it comes back once with that message (nothing
// booked), and the attendee then books without it.
func TestAnUnknownSubmissionIsDroppedWithANotice(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		other := meetdtest.Builder{Store: h.db, Clock: h.clock}.Tenant(t, "other", meetd.PlanEnterprise)
		theirField, err := h.db.CreateDataField(context.Background(), meetd.CLIActor, meetd.DataField{CompanyID: other.Company.ID,
			Label: "Budget", Name: "budget", FieldType: meetd.FieldNumber})
		if err != nil {
			t.Fatal(err)
		}
		theirs := submitted(h, other.Company.ID, theirField, meetd.Answers{"budget": 1.0})
		l := links.New(h.base)
		page := l.Booking(h.host.Slug, h.mt.Slug)
		for i, id := range []string{meetd.NewID(), "not-an-id", theirs} {
			for _, tc := range []struct{ lang, notice string }{
				{"en", "The answers you gave in the form could not be found, so this booking will not include them."},
				{"de", "Die Antworten aus dem Formular wurden nicht gefunden; diese Buchung enthält sie daher nicht."},
			} {
				p := h.get(page+"?submission="+url.QueryEscape(id), "Accept-Language", tc.lang).
					want(t, 200, `<p class="notice" role="status">`+tc.notice+`</p>`)
				if strings.Contains(p.body, "submission=") || strings.Contains(p.body, `name="submission"`) {
					t.Fatalf("%s: the page still carries the submission", id)
				}
			}
			slot := slotOf(t, h.firstSlot(""))
			f := bookingForm(slot, "Ann Attendee", "ann@example.org")
			f.Set("submission", id)
			back := h.post(page, f).want(t, http.StatusBadRequest, `role="alert"`, "could not be found", `value="Ann Attendee"`)
			if strings.Contains(back.body, `name="submission"`) {
				t.Fatalf("%s: the form sent back still carries the submission", id)
			}
			if n := h.booked(); n != i {
				t.Fatalf("%d appointments booked, want %d", n, i)
			}
			f.Del("submission")
			if done := h.post(page, f); done.status != http.StatusSeeOther {
				t.Fatalf("booking without the submission: %d\n%s", done.status, done.body)
			}
		}
	})
}

// TestASubmissionFillsInWhoIsBooking: a routing form's answers to fields
// that target the attendee's e-mail, name or phone fill in those inputs of
// the booking form, so the visitor need not type them twice; first and
// last name make the name when no field targets it whole.
func TestASubmissionFillsInWhoIsBooking(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		ctx := context.Background()
		company := h.tenant.Company.ID
		var refs []meetd.FieldRef
		field := func(label, name, typ, target string) {
			d, err := h.db.CreateDataField(ctx, meetd.CLIActor, meetd.DataField{CompanyID: company, Label: label,
				Name: name, FieldType: typ, Target: target})
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, meetd.FieldRef{DataFieldID: d.ID, Order: len(refs)})
		}
		field("Work e-mail", "workEmail", meetd.FieldEmail, "email")
		field("First name", "first", meetd.FieldTextSingle, "firstname")
		field("Last name", "last", meetd.FieldTextSingle, "lastname")
		field("Mobile", "mobile", meetd.FieldPhone, "phone")
		form, err := h.db.CreateRoutingForm(ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: company, Name: "Intake",
			StructureType: meetd.FormOnly, Fields: refs})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := h.db.SubmitForm(ctx, meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: company, FormID: form.ID,
			Answers: meetd.Answers{"workEmail": "gina@example.org", "first": "Gina", "last": "Gross", "mobile": "+49 30 123"}})
		if err != nil {
			t.Fatal(err)
		}
		page := links.New(h.base).Booking(h.host.Slug, h.mt.Slug)
		slotLink := h.get(page+"?submission="+sub.ID).want(t, 200).links("slot=")[0]
		h.get(slotLink).want(t, 200, `autocomplete="name" required maxlength="200" value="Gina Gross">`,
			`autocomplete="email" required value="gina@example.org">`)
	})
}
