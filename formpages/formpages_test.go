package formpages_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/formpages"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// fixture is a company with a meeting type, two data fields, a form that
// routes big companies to the meeting type, a budget over 10k to another
// site and everyone else to a page of text, and a webhook subscription to
// form_submission; its pages are served under /book/f/.
type fixture struct {
	t      *testing.T
	db     *sqldb.DB
	srv    *httptest.Server
	client *http.Client
	c      meetd.Company
	host   meetd.User
	mt     meetd.MeetingType
	form   meetd.RoutingForm
	size   meetd.DataField
	budget meetd.DataField
	notes  meetd.DataField
}

func newFixture(t *testing.T, rate ratelimit.Rate) *fixture {
	t.Helper()
	return newFixtureOn(t, sqldbtest.SQLite, rate)
}

// newFixtureOn is newFixture on engine b.
func newFixtureOn(t *testing.T, b sqldbtest.Backend, rate ratelimit.Rate) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := meetd.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db := sqldbtest.Open(t, b, clock)
	tn := meetdtest.Builder{Store: db, Clock: clock}.Tenant(t, "acme", meetd.PlanEnterprise)
	f := &fixture{t: t, db: db, c: tn.Company, host: tn.Member}
	av, err := db.CreateAvailability(ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: f.c.ID, UserID: f.host.ID,
		Name: "Hours", Timezone: "Europe/Berlin", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		t.Fatal(err)
	}
	f.mt, err = db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: f.c.ID, UserID: f.host.ID,
		AvailabilityID: av.ID, Name: "Demo", Slug: "demo-call", Duration: 30, Channel: "zoom", Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		t.Fatal(err)
	}
	field := func(d meetd.DataField) meetd.DataField {
		d.CompanyID, d.Name = f.c.ID, meetd.FieldName(d.Label)
		made, err := db.CreateDataField(ctx, meetd.CLIActor, d)
		if err != nil {
			t.Fatal(err)
		}
		return made
	}
	f.size = field(meetd.DataField{Label: "Company size", FieldType: meetd.FieldRadio, Required: true,
		Options: []meetd.FieldOption{{Label: "Small", Value: "small"}, {Label: "Big", Value: "big"}}})
	f.budget = field(meetd.DataField{Label: "Budget", FieldType: meetd.FieldNumber})
	f.notes = field(meetd.DataField{Label: "Anything else?", FieldType: meetd.FieldTextMulti})
	expr := func(s string) *meetd.Expression {
		var e meetd.Expression
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			t.Fatal(err)
		}
		return &e
	}
	f.form, err = db.CreateRoutingForm(ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: f.c.ID, Name: "Qualify",
		StructureType: meetd.FunnelWithForm, Slug: "qualify",
		Fields:      []meetd.FieldRef{{DataFieldID: f.size.ID, Order: 0}, {DataFieldID: f.budget.ID, Order: 1}},
		FunnelSteps: []meetd.FunnelStep{{Index: 0, DataFields: []meetd.FieldRef{{DataFieldID: f.notes.ID}}}},
		Qualifiers: []meetd.Qualifier{
			{Index: 0, RoutingAction: meetd.ActionEventRedirect, MeetingTypeID: f.mt.ID,
				Expression: expr(`{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"big"}`)},
			{Index: 1, RoutingAction: meetd.ActionExternalRedirect, ExternalRedirectLink: "https://partner.example/intake",
				Expression: expr(`{"operator":"greaterThan","target":"attendeeOther","customTarget":"budget","value":10000}`)},
			{Index: 2, RoutingAction: meetd.ActionCustomPage, IsFallback: true,
				CustomPageContent: map[string]string{"en": "Thanks!\nWe will write to you.", "de": "Danke!\nWir schreiben Ihnen."}},
		},
		Settings: map[string]json.RawMessage{"title": json.RawMessage(`{"en":"Tell us about you","de":"Erzählen Sie uns von sich"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateWebhook(ctx, meetd.CLIActor, meetd.NewWebhook{CompanyID: f.c.ID, Endpoint: "https://hooks.example/in",
		EventTypes: []string{meetd.EventFormSubmission}, Secret: "whsec_dGVzdHRlc3R0ZXN0dGVzdA=="}); err != nil {
		t.Fatal(err)
	}
	if rate == (ratelimit.Rate{}) {
		rate = formpages.DefaultSubmitRate
	}
	pages := formpages.New(formpages.Config{Store: db, PublicURL: "https://cal.example.test/book", Clock: clock, SubmitRate: rate})
	mux := http.NewServeMux()
	pages.Mount(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

type page struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) get(path, lang string) page {
	f.t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return f.send(req)
}

func (f *fixture) post(path string, form url.Values) page {
	f.t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.send(req)
}

func (f *fixture) send(req *http.Request) page {
	f.t.Helper()
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// in is the name of a field's input.
func (f *fixture) in(d meetd.DataField) string { return "f" + strconv.FormatInt(d.ID, 10) }

func sha(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// events delivers the webhook events waiting for delivery and returns
// their payloads.
func (f *fixture) events() []map[string]any {
	f.t.Helper()
	ds, err := f.db.ClaimWebhookDeliveries(context.Background(), 100, time.Minute)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []map[string]any
	for _, d := range ds {
		if err := f.db.FinishWebhookDelivery(context.Background(), meetd.WebhookResult{DeliveryID: d.ID, Attempt: d.Attempt,
			Endpoint: d.Endpoint, Outcome: meetd.WebhookDelivered, Status: 200}); err != nil {
			f.t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(d.Payload, &m); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestFormPageAsksTheQuestionsWithLabels(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})
	for _, path := range []string{"/book/f/qualify", "/book/f/" + f.form.ID} {
		p := f.get(path, "en-GB,en;q=0.9")
		if p.status != 200 || !strings.Contains(p.body, `<html lang="en">`) || !strings.Contains(p.body, "Tell us about you") {
			t.Fatalf("GET %s = %d\n%s", path, p.status, p.body)
		}
		for _, want := range []string{
			`<legend id="` + f.in(f.size) + `-label">Company size`, // a radio group is a fieldset with a legend
			`<label for="` + f.in(f.budget) + `">Budget</label>`,
			`<input id="` + f.in(f.budget) + `" type="number" name="` + f.in(f.budget) + `"`,
			`<label for="` + f.in(f.notes) + `">Anything else?</label>`,
			`<textarea id="` + f.in(f.notes) + `"`,
			`<legend>Step 1</legend>`,
			`<button type="submit">Submit</button>`,
		} {
			if !strings.Contains(p.body, want) {
				t.Errorf("GET %s lacks %q", path, want)
			}
		}
		if p.header.Get("Content-Security-Policy") == "" || p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", p.header)
		}
	}
	de := f.get("/book/f/qualify", "de-DE,de;q=0.9,en;q=0.5")
	if !strings.Contains(de.body, `<html lang="de">`) || !strings.Contains(de.body, "Erzählen Sie uns von sich") ||
		!strings.Contains(de.body, "Absenden") {
		t.Fatalf("German page:\n%s", de.body)
	}
	if p := f.get("/book/f/nope", "de"); p.status != 404 || !strings.Contains(p.body, "Dieses Formular gibt es nicht") {
		t.Fatalf("unknown form = %d\n%s", p.status, p.body)
	}
}

func TestFormPageRefusesWrongAnswersWithTheFormAgain(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})
	p := f.post("/book/f/qualify", url.Values{f.in(f.budget): {"lots"}, f.in(f.notes): {"<script>x</script>"}})
	if p.status != 400 {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	for _, want := range []string{
		"companySize should not be empty", "budget must be a number", `aria-invalid="true"`,
		`aria-describedby="` + f.in(f.budget) + `-error"`, `value="lots"`, "&lt;script&gt;x&lt;/script&gt;",
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if strings.Contains(p.body, "<script>") {
		t.Fatal("an answer is echoed unescaped")
	}
	if ev := f.events(); len(ev) != 0 {
		t.Fatalf("a refused form fired %v", ev)
	}
}

func TestFormPageRoutesByTheQualifiers(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})

	// Big companies: the meeting type's booking page, with the submission.
	p := f.post("/book/f/qualify", url.Values{f.in(f.size): {"big"}, f.in(f.budget): {"500"}})
	if p.status != 303 {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	loc, err := url.Parse(p.header.Get("Location"))
	if err != nil || loc.Scheme+"://"+loc.Host+loc.Path != "https://cal.example.test/book/"+f.host.Slug+"/demo-call" {
		t.Fatalf("Location %q", p.header.Get("Location"))
	}
	sub, err := f.db.FormSubmissionByID(context.Background(), f.c.ID, loc.Query().Get("submission"))
	if err != nil || sub.Answers["companySize"] != "big" || sub.Answers["budget"] != 500.0 || sub.Outcome.MeetingTypeID != f.mt.ID {
		t.Fatalf("the submission = %+v, %v", sub, err)
	}
	ev := f.events()
	if len(ev) != 1 || ev[0]["webhookType"] != meetd.EventFormSubmission || ev[0]["submissionId"] != sub.ID ||
		ev[0]["answers"].(map[string]any)["companySize"] != "big" {
		t.Fatalf("webhook events %v", ev)
	}

	// A big budget: the other site.
	p = f.post("/book/f/qualify", url.Values{f.in(f.size): {"small"}, f.in(f.budget): {"20000"}})
	if p.status != 303 || p.header.Get("Location") != "https://partner.example/intake" {
		t.Fatalf("external redirect = %d %q", p.status, p.header.Get("Location"))
	}

	// Anyone else: the fallback's page of text, in their language.
	p = f.post("/book/f/qualify", url.Values{f.in(f.size): {"small"}})
	if p.status != 200 || !strings.Contains(p.body, "<p>Thanks!</p>") || !strings.Contains(p.body, "<p>We will write to you.</p>") {
		t.Fatalf("custom page = %d\n%s", p.status, p.body)
	}
	if ev := f.events(); len(ev) != 2 {
		t.Fatalf("%d events for two more submissions", len(ev))
	}
}

func TestFormPageCompletesTheRecipient(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})
	ctx := context.Background()
	token := "recipient-token"
	hash := sha(token)
	rec, err := f.db.SendRoutingForm(ctx, meetd.CLIActor, meetd.FormRecipient{CompanyID: f.c.ID, FormID: f.form.ID,
		RecipientName: "Ada", DeliveryMethod: "link", TokenHash: hash}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := f.get("/book/f/qualify?r="+token, "")
	if !strings.Contains(p.body, `<input type="hidden" name="r" value="`+token+`">`) {
		t.Fatalf("the token is not carried:\n%s", p.body)
	}
	list, _ := f.db.FormRecipients(ctx, f.c.ID, f.form.ID)
	if list[0].Status != meetd.RecipientOpened {
		t.Fatalf("after GET: %+v", list[0])
	}
	f.post("/book/f/qualify", url.Values{f.in(f.size): {"small"}, "r": {token}})
	list, _ = f.db.FormRecipients(ctx, f.c.ID, f.form.ID)
	if list[0].ID != rec.ID || list[0].Status != meetd.RecipientCompleted || list[0].SubmissionID == "" {
		t.Fatalf("after POST: %+v", list[0])
	}
}

func TestFormPageLimitsSubmissionsPerAddress(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{Limit: 2, Per: time.Hour, Burst: 2})
	for i := range 2 {
		if p := f.post("/book/f/qualify", url.Values{f.in(f.size): {"small"}}); p.status != 200 {
			t.Fatalf("submission %d: %d", i+1, p.status)
		}
	}
	p := f.post("/book/f/qualify", url.Values{f.in(f.size): {"small"}})
	if p.status != 429 || p.header.Get("Retry-After") == "" {
		t.Fatalf("third submission = %d %v", p.status, p.header)
	}
	if ev := f.events(); len(ev) != 2 {
		t.Fatalf("%d events, want 2", len(ev))
	}
	// Reading the form is not limited.
	if p := f.get("/book/f/qualify", ""); p.status != 200 {
		t.Fatalf("GET after the limit = %d", p.status)
	}
}

// TestFormPageMayBeFramedOnlyByTheCompanysOrigins: a form page is embedded
// like a booking page, so it names the same frame-ancestors: meetd itself
// and the origins the company allows, on the form, its errors and where it
// routes to; a page of no form allows only meetd itself.
func TestFormPageMayBeFramedOnlyByTheCompanysOrigins(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})
	frames := func(p page) string {
		_, v, _ := strings.Cut(p.header.Get("Content-Security-Policy"), "frame-ancestors ")
		v, _, _ = strings.Cut(v, ";")
		return v
	}
	if got := frames(f.get("/book/f/qualify", "")); got != "'self'" {
		t.Fatalf("before any origin is allowed: frame-ancestors %q, want 'self'", got)
	}
	if _, err := f.db.SetFrameAncestors(context.Background(), meetd.CLIActor, f.c.ID,
		[]string{"https://www.acme.example", "https://shop.acme.example:8443"}); err != nil {
		t.Fatal(err)
	}
	want := "'self' https://www.acme.example https://shop.acme.example:8443"
	for name, p := range map[string]page{
		"the form":         f.get("/book/f/qualify", ""),
		"a refused answer": f.post("/book/f/qualify", url.Values{f.in(f.budget): {"lots"}}),
		"the text page":    f.post("/book/f/qualify", url.Values{f.in(f.size): {"small"}}),
	} {
		if got := frames(p); got != want {
			t.Errorf("%s (%d): frame-ancestors %q, want %q", name, p.status, got, want)
		}
	}
	if p := f.get("/book/f/no-such-form", ""); frames(p) != "'self'" {
		t.Errorf("a missing form: frame-ancestors %q, want 'self'", frames(p))
	}
}

// TestFormPageLimitsAnIPv6ClientByItsSlash64: one host routinely holds a
// whole IPv6 /64, so the submissions of its addresses count together, as
// the booking pages count them; another /64 has its own allowance.
func TestFormPageLimitsAnIPv6ClientByItsSlash64(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})
	pages := formpages.New(formpages.Config{Store: f.db, PublicURL: "https://cal.example.test/book",
		SubmitRate: ratelimit.Rate{Limit: 1, Per: time.Hour, Burst: 1}})
	mux := http.NewServeMux()
	pages.Mount(mux)
	post := func(addr string) int {
		r := httptest.NewRequest("POST", "/book/f/qualify", strings.NewReader(url.Values{f.in(f.size): {"small"}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w.Code
	}
	for _, tc := range []struct {
		addr string
		want int
	}{
		{"[2001:db8:1:2::1]:4000", 200},
		{"[2001:db8:1:2:ffff::9]:4001", 429}, // the same /64
		{"[2001:db8:1:3::1]:4000", 200},      // another /64
	} {
		if got := post(tc.addr); got != tc.want {
			t.Errorf("POST from %s = %d, want %d", tc.addr, got, tc.want)
		}
	}
}

// TestFormPageSwitchesLanguage: a visitor whose browser asks for English
// may switch the form to German (and back); the choice holds for the
// answers sent back with an error and reaches the booking page the form
// leads to, and a recipient's link keeps its token across the switch.
func TestFormPageSwitchesLanguage(t *testing.T) {
	f := newFixture(t, ratelimit.Rate{})
	en := f.get("/book/f/qualify", "en-US")
	if !strings.Contains(en.body, `<a href="/book/f/qualify?lang=de" hreflang="de" lang="de">Deutsch</a>`) {
		t.Fatalf("the English form offers no switch to German:\n%s", en.body)
	}
	de := f.get("/book/f/qualify?lang=de", "en-US")
	for _, want := range []string{`<html lang="de">`, "Erzählen Sie uns von sich", `action="/book/f/qualify?lang=de"`,
		`<a href="/book/f/qualify?lang=en" hreflang="en" lang="en">English</a>`} {
		if !strings.Contains(de.body, want) {
			t.Errorf("?lang=de lacks %q", want)
		}
	}
	back := f.post("/book/f/qualify?lang=de", url.Values{f.in(f.budget): {"lots"}})
	if back.status != 400 || !strings.Contains(back.body, `<html lang="de">`) {
		t.Errorf("an error after switching: %d, not German", back.status)
	}
	routed := f.post("/book/f/qualify?lang=de", url.Values{f.in(f.size): {"big"}})
	if loc := routed.header.Get("Location"); routed.status != 303 || !strings.Contains(loc, "&lang=de") {
		t.Errorf("routed to %q (%d), want the booking page in German", loc, routed.status)
	}
	withToken := f.get("/book/f/qualify?r=tok123", "")
	if !strings.Contains(withToken.body, `href="/book/f/qualify?lang=de&amp;r=tok123"`) {
		t.Errorf("the switch drops a recipient's token")
	}
}
