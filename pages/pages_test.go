package pages_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

func eachBackend(t *testing.T, fn func(t *testing.T, b sqldbtest.Backend)) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// TestBookCancelAndBookAgain walks the attendee's journey over HTTP: the
// user's page lists the meeting type, its page offers today's slots, the
// form refuses a bad address, a booking leads to the confirmation page
// with a valid .ics, the cancel page asks and its POST cancels, and the
// slot is offered again.
func TestBookCancelAndBookAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		l := links.New(h.base)

		h.get(l.User(h.host.Slug)).want(t, 200, "Hanna Host", "30min Meeting", l.Booking(h.host.Slug, h.mt.Slug))
		bp := h.get(l.Booking(h.host.Slug, h.mt.Slug)).want(t, 200, "March 2026", `aria-current="date"`,
			"Monday, 2 March 2026", "9:00 am")
		slotLinks := bp.links("slot=")
		if len(slotLinks) != 16 {
			t.Fatalf("Monday offers %d slots, want 16 (09:00–17:00, 30 min)", len(slotLinks))
		}
		first := slotOf(t, slotLinks[0])
		if first != "2026-03-02T08:00:00Z" {
			t.Fatalf("first slot %s, want 09:00 Berlin", first)
		}
		h.get(slotLinks[0]).want(t, 200, `<form method="post"`, `name="slot" value="2026-03-02T08:00:00Z"`,
			`<label for="email">`, "Monday, 2 March 2026, 9:00 am – 9:30 am")

		h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm(first, "Ann Attendee", "not an address")).
			want(t, 400, `role="alert"`, "Please enter a valid e-mail address.", `value="Ann Attendee"`)

		done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm(first, "Ann Attendee", "ann@example.org"))
		if done.status != http.StatusSeeOther {
			t.Fatalf("booking: %d\n%s", done.status, done.body)
		}
		ap := h.appointmentOf(done.header.Get("Location"))
		if !ap.Start.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) || ap.Attendees[0].Email != "ann@example.org" ||
			ap.Attendees[0].Fullname != "Ann Attendee" || ap.Attendees[0].Timezone != "Europe/Berlin" {
			t.Fatalf("booked %+v", ap)
		}
		h.get(done.header.Get("Location")).want(t, 200, "You are booked", "ann@example.org",
			l.Invitation(ap.ID, ap.Secret), l.Cancel(ap.ID, ap.Secret), l.Reschedule(ap.ID, ap.Secret))

		ics := h.get(l.Invitation(ap.ID, ap.Secret)).want(t, 200)
		if ct := ics.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf(".ics Content-Type %q", ct)
		}
		cal, err := ical.NewDecoder(strings.NewReader(ics.body)).Decode()
		if err != nil {
			t.Fatalf(".ics does not parse: %v\n%s", err, ics.body)
		}
		ev := cal.Events()
		if len(ev) != 1 || ev[0].Props.Get(ical.PropUID).Value != invite.UID(ap.ID) ||
			ev[0].Props.Get(ical.PropSummary).Value != "30min Meeting" {
			t.Fatalf(".ics events %+v", ev)
		}
		h.get(l.Invitation(ap.ID, "wrong")).want(t, 404)

		// The slot is gone from the page while booked.
		if got := h.get(l.Booking(h.host.Slug, h.mt.Slug)).links("slot=" + url.QueryEscape(first)); len(got) != 0 {
			t.Fatalf("a booked slot is still offered: %v", got)
		}

		h.get(l.Cancel(ap.ID, "wrong")).want(t, 404)
		h.get(l.Cancel(ap.ID, ap.Secret)).want(t, 200, "Cancel this appointment?", `id="confirm-cancel"`)
		if got, _ := h.db.AppointmentByID(context.Background(), ap.CompanyID, ap.ID); got.Cancelled {
			t.Fatal("the cancel page's GET cancelled the appointment")
		}
		c := h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"secret": {ap.Secret}, "reason": {"plans changed"}})
		if c.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d\n%s", c.status, c.body)
		}
		if got, _ := h.db.AppointmentByID(context.Background(), ap.CompanyID, ap.ID); !got.Cancelled || got.CancelReason != "plans changed" {
			t.Fatalf("after cancel: %+v", got)
		}
		h.get(c.header.Get("Location")).want(t, 200, "Appointment cancelled")
		h.get(l.Booking(h.host.Slug, h.mt.Slug)).want(t, 200, "slot="+url.QueryEscape(first))
	})
}

// TestTheLastSlotGoesToOneOfTwo: two attendees post the same slot at once;
// one gets the confirmation, the other a 409 "just taken" page listing the
// next free times.
func TestTheLastSlotGoesToOneOfTwo(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		page := links.New(h.base).Booking(h.host.Slug, h.mt.Slug)
		slot := "2026-03-03T08:00:00Z"
		var wg sync.WaitGroup
		res := make([]page_, 2)
		for i := range res {
			wg.Go(func() {
				p := h.post(page, bookingForm(slot, "Racer", []string{"a@example.org", "b@example.org"}[i]))
				res[i] = page_{p.status, p.body}
			})
		}
		wg.Wait()
		var ok, taken int
		for _, r := range res {
			switch {
			case r.status == http.StatusSeeOther:
				ok++
			case r.status == http.StatusConflict && strings.Contains(r.body, "This time was just taken") &&
				strings.Contains(r.body, "Tuesday, 3 March 2026, 9:30 am – 10:00 am"):
				taken++
			default:
				t.Errorf("answer %d:\n%s", r.status, r.body)
			}
		}
		if ok != 1 || taken != 1 {
			t.Fatalf("%d booked, %d told it was taken; want one each", ok, taken)
		}
	})
}

type page_ struct {
	status int
	body   string
}

// TestRescheduleMovesTheAppointment: the reschedule page offers the
// month, and posting a slot moves the appointment there.
func TestRescheduleMovesTheAppointment(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		l := links.New(h.base)
		done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-02T08:00:00Z", "Ann", "ann@example.org"))
		ap := h.appointmentOf(done.header.Get("Location"))
		rp := h.get(l.Reschedule(ap.ID, ap.Secret)).want(t, 200, "Choose a new time", `name="start" value="2026-03-02T08:30:00Z"`)
		if days := rp.links("day=2026-03-04"); len(days) != 1 || !strings.Contains(days[0], "secret="+ap.Secret) {
			t.Fatalf("day links of the reschedule page: %v", days)
		}
		h.get(l.Reschedule(ap.ID, "nope")).want(t, 404)
		moved := h.post(l.Reschedule(ap.ID, ap.Secret), url.Values{"secret": {ap.Secret}, "start": {"2026-03-04T13:00:00Z"}})
		if moved.status != http.StatusSeeOther {
			t.Fatalf("reschedule: %d\n%s", moved.status, moved.body)
		}
		h.get(moved.header.Get("Location")).want(t, 200, "Your appointment was moved", "Wednesday, 4 March 2026, 2:00 pm")
		got, _ := h.db.AppointmentByID(context.Background(), ap.CompanyID, ap.ID)
		if !got.Start.Equal(time.Date(2026, 3, 4, 13, 0, 0, 0, time.UTC)) || got.RescheduleCount != 1 {
			t.Fatalf("after reschedule %+v", got)
		}
		// Outside working hours is refused by the same rules as the API's.
		h.post(l.Reschedule(ap.ID, ap.Secret), url.Values{"secret": {ap.Secret}, "start": {"2026-03-04T20:00:00Z"}}).
			want(t, 409, "Choose a new time")
	})
}

// TestOneTimeLinkBooksOnce: /1t/<token> offers the meeting type, books
// once, then answers 410; the access log never holds the token.
func TestOneTimeLinkBooksOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		token := meetd.NewOneTimeToken()
		if _, err := h.db.CreateOneTimeLink(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.mt.ID,
			meetd.HashOneTimeToken(token)); err != nil {
			t.Fatal(err)
		}
		l := links.New(h.base)
		p := h.get(l.OneTime(token)).want(t, 200, "30min Meeting")
		if back := p.links("/" + h.host.Slug + "\""); len(back) != 0 {
			t.Fatalf("a one-time page links to the user's page: %v", back)
		}
		slotLink := p.links("slot=")[0]
		if !strings.HasPrefix(slotLink, l.OneTime(token)+"?") {
			t.Fatalf("slot link %s leaves the one-time link", slotLink)
		}
		done := h.post(l.OneTime(token), bookingForm(slotOf(t, slotLink), "Otto", "otto@example.org"))
		if done.status != http.StatusSeeOther {
			t.Fatalf("one-time booking: %d\n%s", done.status, done.body)
		}
		h.get(l.OneTime(token)).want(t, 410, "This link no longer works")
		h.post(l.OneTime(token), bookingForm("2026-03-03T08:00:00Z", "Otto", "otto@example.org")).want(t, 410)
		h.get(l.OneTime(strings.Repeat("x", meetd.OneTimeTokenLength))).want(t, 404)
		if strings.Contains(h.logs.String(), token) {
			t.Fatal("the log holds a one-time token")
		}
		if !strings.Contains(h.logs.String(), `"path":"/1t/{token}"`) {
			t.Fatal("the access log does not name the one-time route")
		}
	})
}

// TestDoubleOptIn: a double opt-in booking on the page says "check your
// e-mail"; the confirmation link's GET shows what it would book and
// confirms nothing (a wrong token shows nothing: 404); its POST books.
func TestDoubleOptIn(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.change(func(m *meetd.MeetingType) { m.DoubleOptIn = meetd.DoubleOptInEnabled })
		l := links.New(h.base)
		h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-02T09:00:00Z", "Dora", "dora@example.org")).
			want(t, 200, "Check your e-mail", "dora@example.org")
		list, n, err := h.db.ListProvisional(context.Background(), meetd.ProvisionalFilter{CompanyID: h.tenant.Company.ID, Limit: 10})
		if err != nil || n != 1 || list[0].Status != meetd.ProvisionalPending {
			t.Fatalf("provisional bookings %v %d %v", list, n, err)
		}
		// The token is mailed; the API answers it to its caller, so the
		// test books a second one there to learn a token.
		req, _ := http.NewRequest("POST", h.base+"/v4/booking", strings.NewReader(`{"meetingTypeId":"`+h.mt.ID+
			`","start":"2026-03-02T10:00:00Z","attendee":{"email":"eve@example.org","fullname":"Eve Example"}}`))
		req.Header.Set("Authorization", "Bearer "+h.tenant.OwnerPAT)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ ProvisionalBookingID, ConfirmationURL string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		cu, _ := url.Parse(body.ConfirmationURL)
		token := cu.Query().Get("token")
		if resp.StatusCode != 201 || token == "" {
			t.Fatalf("API double opt-in booking: %d %+v", resp.StatusCode, body)
		}
		confirm := l.Confirm(body.ProvisionalBookingID, token)
		h.get(confirm).want(t, 200, "Confirm your booking", `id="confirm"`,
			"<dd>"+h.mt.Name+" with "+h.host.GivenName, "Monday, 2 March 2026")
		h.get(l.Confirm(body.ProvisionalBookingID, "wrong")).want(t, 404)
		if pb, _ := h.db.ProvisionalForAttendee(context.Background(), body.ProvisionalBookingID); pb.Status != meetd.ProvisionalPending {
			t.Fatalf("a GET of the confirmation link confirmed it: %s", pb.Status)
		}
		h.post(confirm, url.Values{"token": {"wrong"}}).want(t, 404)
		done := h.post(confirm, url.Values{"token": {token}})
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", done.status, done.body)
		}
		ap := h.appointmentOf(done.header.Get("Location"))
		if ap.Attendees[0].Email != "eve@example.org" || ap.Attendees[0].Fullname != "Eve Example" {
			t.Fatalf("confirmed %+v", ap.Attendees)
		}
		if strings.Contains(h.logs.String(), token) {
			t.Fatal("the log holds a confirmation token")
		}
	})
}

// TestRefusals: what the pages refuse and what stays the API's.
func TestRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b, withRate(ratelimit.Rate{Limit: 3, Per: time.Hour, Burst: 3}))
		l := links.New(h.base)
		h.get("/nobody-at-all").want(t, 404, "Page not found")
		h.get(l.Booking(h.host.Slug, "no-such-type")).want(t, 404, "Page not found")
		h.get(l.Booking(h.tenant.Owner.Slug, h.mt.Slug)).want(t, 404) // another user's slug
		h.get("/appointment/"+meetd.NewID()+"?secret=x").want(t, 404)
		h.get("/confirm/not-a-uuid?token=x").want(t, 404)
		h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Mallory", "m@example.org"),
			"Sec-Fetch-Site", "cross-site").want(t, 403, "sent from another site")
		// The API keeps meetergo's JSON 404 for its paths.
		api := h.get("/v4/nothing/here")
		if api.status != 404 || api.body != `{"statusCode":404,"message":"Cannot GET /v4/nothing/here","error":"Not Found"}` {
			t.Fatalf("API 404: %d %s", api.status, api.body)
		}
		h.get("/v4").want(t, 404, `"statusCode":404`)
		h.get("/dashboard").want(t, 301)
		h.get("/healthz").want(t, 200, `"ok"`)

		h.change(func(m *meetd.MeetingType) { m.Enabled = false })
		h.get(l.Booking(h.host.Slug, h.mt.Slug)).want(t, 404)
		h.change(func(m *meetd.MeetingType) { m.Enabled = true; m.Channel = "phone"; m.AllowedDurations = []int{60} })

		// Phone is asked, and required, on the phone channel; a duration
		// choice appears with allowedDurations.
		h.get(l.Booking(h.host.Slug, h.mt.Slug)+"?slot=2026-03-03T08:00:00Z").want(t, 200, `id="phone"`)
		h.get(l.Booking(h.host.Slug, h.mt.Slug)).want(t, 200, `<select id="d" name="d">`, `<option value="60">60 min</option>`)
		h.get(l.Booking(h.host.Slug, h.mt.Slug)+"?d=60").want(t, 200, `<option value="60" selected>`)
		h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Pia", "pia@example.org")).
			want(t, 400, "Please enter a phone number.")
		f := bookingForm("2026-03-03T08:00:00Z", "Pia", "pia@example.org")
		f.Set("phone", "+49 30 1234567")
		f.Set("d", "60")
		done := h.post(l.Booking(h.host.Slug, h.mt.Slug), f)
		if done.status != http.StatusSeeOther {
			t.Fatalf("phone booking %d\n%s", done.status, done.body)
		}
		ap := h.appointmentOf(done.header.Get("Location"))
		if ap.End.Sub(ap.Start) != time.Hour || ap.Attendees[0].Phone != "+49 30 1234567" {
			t.Fatalf("booked %v–%v phone %q", ap.Start, ap.End, ap.Attendees[0].Phone)
		}
		// Per-IP limit on POSTs: 2 so far, the third passes, the fourth is 429.
		h.post(l.Booking(h.host.Slug, h.mt.Slug), url.Values{}).want(t, 303)
		tooMany := h.post(l.Booking(h.host.Slug, h.mt.Slug), f).want(t, 429, "Too many requests")
		if tooMany.header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})
}

// TestLanguageTimeZoneAndFraming: Accept-Language picks German, the switch
// changes it, ?tz= shows the slots in another zone, and frame-ancestors
// names exactly the company's origins.
func TestLanguageTimeZoneAndFraming(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	page := links.New(h.base).Booking(h.host.Slug, h.mt.Slug)
	de := h.get(page, "Accept-Language", "fr;q=0.9, de-DE;q=0.8, en;q=0.5").want(t, 200, `<html lang="de">`,
		"Montag, 2. März 2026", ">09:00<", "Tag wählen", `hreflang="en"`)
	if sw := de.links("lang=en"); len(sw) == 0 {
		t.Fatal("no switch to English")
	}
	h.get(page+"?lang=en", "Accept-Language", "de").want(t, 200, `<html lang="en">`, "Choose a day")
	h.get(page+"?tz=America/New_York").want(t, 200, "<option selected>America/New_York</option>", ">3:00 am<")
	h.get(page+"?tz=Asia/Kathmandu").want(t, 200, "<option selected>Asia/Kathmandu</option>")

	csp := h.get(page).header.Get("Content-Security-Policy")
	if !strings.HasSuffix(csp, "frame-ancestors 'self'") {
		t.Fatalf("default CSP %q", csp)
	}
	if _, err := h.db.SetFrameAncestors(context.Background(), meetd.CLIActor, h.tenant.Company.ID,
		[]string{"https://www.example.com"}); err != nil {
		t.Fatal(err)
	}
	p := h.get(page)
	if csp := p.header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'self' https://www.example.com") {
		t.Fatalf("CSP with an allowed origin %q", csp)
	}
	if p.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatal("pages must send no Referer: their addresses carry secrets")
	}
}

// TestPageWeight: the booking page with a month of slots weighs under
// 60 KB with everything it loads, and loads nothing else (its CSS and
// script are inline).
func TestPageWeight(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	p := h.get(links.New(h.base).Booking(h.host.Slug, h.mt.Slug)).want(t, 200)
	for _, external := range []string{"<link", "<script src", "@import", "url("} {
		if strings.Contains(p.body, external) {
			t.Fatalf("the page loads more than itself: %q", external)
		}
	}
	if n := len(p.body); n >= 60<<10 {
		t.Fatalf("the booking page weighs %d bytes, want < 60 KB", n)
	}
	t.Logf("booking page: %d bytes", len(p.body))
}

// TestUserPageShowsThePersonalPage: the user's page lists the meeting
// types in the personal page's order with its description (its line
// breaks kept), colours,
// header image and online profiles; the booking page keeps the colours.
func TestUserPageShowsThePersonalPage(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	ctx := context.Background()
	second, err := h.db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: h.tenant.Company.ID,
		UserID: h.host.ID, AvailabilityID: h.mt.AvailabilityID, Name: "Deep Dive", Slug: "deep-dive", Duration: 60,
		Channel: "connect", Enabled: true, DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.UpdatePersonalPage(ctx, meetd.CLIActor, h.tenant.Company.ID, h.host.ID, func(p *meetd.PersonalPage) error {
		p.UseCustomColors, p.PrimaryColor, p.SecondaryColor = true, "#0a5", "#eeffee"
		p.HeaderImage, p.Description = "https://img.example.com/header.png", "Let's talk <about it>.\r\nMonday to Friday."
		p.MeetingTypeOrder, p.ShowAllMeetingTypes = []string{second.ID, h.mt.ID}, true
		p.Profiles = map[string]string{"linkedIn": "@hanna", "email": "hanna@pages.example.com", "addressCity": "Berlin"}
		p.CustomLinks = []meetd.CustomLink{{Name: "Blog", URL: "https://blog.example.com"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	l := links.New(h.base)
	up := h.get(l.User(h.host.Slug)).want(t, 200, ":root{--p:#0a5}", ":root{--s:#eeffee}",
		`<img class="banner" src="https://img.example.com/header.png" alt="">`, "Let&#39;s talk &lt;about it&gt;.<br>Monday to Friday.",
		`href="https://www.linkedin.com/in/hanna"`, `href="mailto:hanna@pages.example.com"`, "Berlin",
		`href="https://blog.example.com"`)
	if i, j := strings.Index(up.body, "Deep Dive"), strings.Index(up.body, "30min Meeting"); i < 0 || j < 0 || i > j {
		t.Fatal("the meeting types are not in the personal page's order")
	}
	h.get(l.Booking(h.host.Slug, h.mt.Slug)).want(t, 200, ":root{--p:#0a5}")
}

// TestPagesUnderAPath: with --public-url ending in a path, the pages are
// served under it and every address they print keeps it.
func TestPagesUnderAPath(t *testing.T) {
	clock := meetd.NewManualClock(monday)
	db := sqldbtest.Open(t, sqldbtest.SQLite, clock)
	_, host, mt := seed(t, db, clock)
	p := pages.New(pages.Config{Store: db, Clock: clock, PublicURL: "https://cal.example.test/book/", Details: httpapi.BookingDetailsOf})
	w := httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest("GET", "/book/"+host.Slug+"/"+mt.Slug, nil))
	pg := page{status: w.Code, body: w.Body.String()}.want(t, 200, `href="/book/`+host.Slug+"/"+mt.Slug+`?lang=de"`)
	for _, l := range pg.links("") {
		if !strings.HasPrefix(l, "https://cal.example.test/book/") && !strings.HasPrefix(l, "/book/") && l != "#main" {
			t.Errorf("link %s leaves the public URL", l)
		}
	}
	if n := len(pg.links("slot=")); n == 0 {
		t.Fatal("no slots under a path")
	}
}

// TestDurationsAreOfferedShortestFirst: the meeting type's own duration
// and its allowedDurations make one list in order of length, however the
// API was given them; the meeting type's own stays the one chosen.
func TestDurationsAreOfferedShortestFirst(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.change(func(m *meetd.MeetingType) { m.AllowedDurations = []int{90, 15, 60} })
	p := h.get(links.New(h.base).Booking(h.host.Slug, h.mt.Slug)).want(t, 200, `<select id="d" name="d">`)
	_, sel, _ := strings.Cut(p.body, `<select id="d" name="d">`)
	sel, _, _ = strings.Cut(sel, "</select>")
	want := `<option value="15">15 min</option><option value="30" selected>30 min</option>` +
		`<option value="60">60 min</option><option value="90">90 min</option>`
	if strings.Join(strings.Fields(sel), "") != strings.Join(strings.Fields(want), "") {
		t.Fatalf("durations offered as\n%s\nwant\n%s", sel, want)
	}
}

// TestTooLongFieldsAreSaidToBeTooLong: a name, phone number or note over
// its limit is refused with a message that says it is too long, in the
// attendee's language, not one asking them to enter it.
func TestTooLongFieldsAreSaidToBeTooLong(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		h.change(func(m *meetd.MeetingType) { m.Channel = "phone" }) // the phone is asked
		l := links.New(h.base)
		const slot = "2026-03-03T08:00:00Z"
		for _, tc := range []struct {
			name, field, value, lang, want, notWant string
		}{
			{"name in English", "name", strings.Repeat("n", 201), "en",
				"Your name is too long: at most 200 characters.", "Please enter your name."},
			{"name in German", "name", strings.Repeat("ü", 201), "de",
				"Ihr Name ist zu lang: höchstens 200 Zeichen.", "Bitte geben Sie Ihren Namen ein."},
			{"phone in English", "phone", strings.Repeat("1", 51), "en",
				"The phone number is too long: at most 50 characters.", "Please enter a phone number."},
			{"phone in German", "phone", strings.Repeat("1", 51), "de",
				"Die Telefonnummer ist zu lang: höchstens 50 Zeichen.", "Bitte geben Sie eine Telefonnummer ein."},
			{"notes in English", "notes", strings.Repeat("x", 5001), "en",
				"Notes are too long: at most 5000 characters.", ""},
			{"notes in German", "notes", strings.Repeat("x", 5001), "de",
				"Die Notiz ist zu lang: höchstens 5000 Zeichen.", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := bookingForm(slot, "Pia", "pia@example.org")
				f.Set("phone", "+49 30 1234567")
				f.Set(tc.field, tc.value)
				f.Set("lang", tc.lang)
				p := h.post(l.Booking(h.host.Slug, h.mt.Slug), f).want(t, 400, `role="alert"`, html.EscapeString(tc.want),
					`aria-invalid="true"`)
				if tc.notWant != "" && strings.Contains(p.body, html.EscapeString(tc.notWant)) {
					t.Fatalf("a too long %s is asked for as if missing:\n%s", tc.field, p.body)
				}
			})
		}
		// At the limit, all three are booked.
		f := bookingForm(slot, strings.Repeat("n", 200), "pia@example.org")
		f.Set("phone", strings.Repeat("1", 50))
		f.Set("notes", strings.Repeat("x", 5000))
		if done := h.post(l.Booking(h.host.Slug, h.mt.Slug), f); done.status != http.StatusSeeOther {
			t.Fatalf("booking at the limits: %d\n%s", done.status, done.body)
		}
	})
}
