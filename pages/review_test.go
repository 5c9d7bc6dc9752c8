package pages_test

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestPagesRefuseUncleanText: a form or query value that is not valid
// UTF-8, or holds NUL, is a 400 page on both engines, as the API's input
// gate answers, and nothing is stored (PostgreSQL refused such a name with
// a 500; SQLite stored it and served it back).
func TestPagesRefuseUncleanText(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		l := links.New(h.base)
		book := l.Booking(h.host.Slug, h.mt.Slug)
		h.post(book, bookingForm("2026-03-03T08:00:00Z", "Bad\xffName", "b@example.org")).want(t, 400)
		f := bookingForm("2026-03-03T08:00:00Z", "Nul Notes", "n@example.org")
		f.Set("notes", "x\x00y")
		h.post(book, f).want(t, 400)
		h.get(book+"?tz=%ff").want(t, 400)
		done := h.post(book, bookingForm("2026-03-03T08:00:00Z", "Clean Name", "c@example.org")).want(t, 303)
		ap := h.appointmentOf(done.header.Get("Location"))
		h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"reason": {"weil\xff"}}).want(t, 400)
		if got, _ := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, ap.ID); got.Cancelled {
			t.Fatal("a refused cancellation cancelled")
		}
		list, _, err := h.db.ListAppointments(context.Background(), meetd.AppointmentFilter{CompanyID: h.tenant.Company.ID, Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("appointments %d %v, want only the clean one", len(list), err)
		}
	})
}

// TestCancelReasonIsBoundedLikeTheAPI: the page's cancel reason has the
// API's bound (500 characters, counted as characters so umlauts do not
// count twice); a longer one is a 400 page, never a reason cut in the
// middle of a character (which PostgreSQL refused with a 500).
func TestCancelReasonIsBoundedLikeTheAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		l := links.New(h.base)
		done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Rea Son", "r@example.org")).want(t, 303)
		ap := h.appointmentOf(done.header.Get("Location"))
		h.get(l.Cancel(ap.ID, ap.Secret)).want(t, 200, `maxlength="500"`)
		h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"reason": {strings.Repeat("ü", 501)}}).want(t, 400, "500")
		h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"reason": {strings.Repeat("ü", 500)}}).want(t, 303)
		got, err := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, ap.ID)
		if err != nil || !got.Cancelled {
			t.Fatalf("not cancelled: %v", err)
		}
	})
}

// TestLangOnlyTakesItsTwoValues: a lang= that is neither en nor de adds
// nothing to the addresses the pages write (it was appended raw, so
// "x&moved=1" forged the "moved" heading and any other parameter).
func TestLangOnlyTakesItsTwoValues(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	l := links.New(h.base)
	done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Lang Test", "l@example.org")).want(t, 303)
	ap := h.appointmentOf(done.header.Get("Location"))
	p := h.get(l.Appointment(ap.ID, ap.Secret)+"&lang=x%26moved%3D1").want(t, 200)
	for _, link := range append(p.links("/cancel"), p.links("/reschedule")...) {
		if strings.Contains(link, "moved") || strings.Contains(link, "lang=") {
			t.Fatalf("link %s carries the forged lang", link)
		}
	}
	c := h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"lang": {"x&moved=1"}}).want(t, 303)
	if loc := c.header.Get("Location"); strings.Contains(loc, "moved") || strings.Contains(loc, "lang=") {
		t.Fatalf("redirect %s carries the forged lang", loc)
	}
	c = h.post(l.Cancel(ap.ID, ap.Secret), url.Values{"lang": {"de"}})
	if c.status == 303 {
		t.Fatal("cancelled twice")
	}
}

// TestPhoneProfileIsACallLink: the personal page's phone is a tel: link
// (html/template turned an untyped tel: address into #ZgotmplZ), made of
// the number's digits and + only.
func TestPhoneProfileIsACallLink(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	if _, err := h.db.UpdatePersonalPage(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.host.ID, func(p *meetd.PersonalPage) error {
		p.Profiles = map[string]string{"phone": "+49 (30) 123-45\"><script>"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p := h.get(links.New(h.base).User(h.host.Slug)).want(t, 200, `href="tel:&#43;493012345"`)
	if strings.Contains(p.body, "ZgotmplZ") || strings.Contains(p.body, "<script>") {
		t.Fatal("the phone link is broken or unescaped")
	}
}

// TestRemovedHostsOneTimeLinkIsNotFound: a one-time link whose meeting
// type belongs to a removed user is the same 404 as their booking page
// (it was a 400 "Validation failed" page naming the removed host).
func TestRemovedHostsOneTimeLinkIsNotFound(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	ctx := context.Background()
	token := meetd.NewOneTimeToken()
	if _, err := h.db.CreateOneTimeLink(ctx, meetd.CLIActor, h.tenant.Company.ID, h.mt.ID, meetd.HashOneTimeToken(token)); err != nil {
		t.Fatal(err)
	}
	if err := h.db.RemoveUser(ctx, meetd.CLIActor, h.tenant.Company.ID, h.host.ID); err != nil {
		t.Fatal(err)
	}
	l := links.New(h.base)
	h.get(l.Booking(h.host.Slug, h.mt.Slug)).want(t, 404)
	h.get(l.OneTime(token)).want(t, 404, "Page not found")
	h.post(l.OneTime(token), bookingForm("2026-03-03T08:00:00Z", "Late Comer", "late@example.org")).want(t, 404)
}

// TestDisabledTypeOffersNoReschedule: once its meeting type is disabled
// an appointment's page offers no "Reschedule" that leads to "Page not
// found"; the reschedule address says why instead; cancelling still works.
func TestDisabledTypeOffersNoReschedule(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	l := links.New(h.base)
	done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Dis Abled", "d@example.org")).want(t, 303)
	ap := h.appointmentOf(done.header.Get("Location"))
	h.change(func(m *meetd.MeetingType) { m.Enabled = false })
	p := h.get(l.Appointment(ap.ID, ap.Secret)).want(t, 200, `id="cancel"`)
	if strings.Contains(p.body, `id="reschedule"`) {
		t.Fatal("a disabled meeting type's appointment offers to reschedule")
	}
	h.get(l.Reschedule(ap.ID, ap.Secret)).want(t, 409, "no longer be booked")
	h.post(l.Cancel(ap.ID, ap.Secret), url.Values{}).want(t, 303)
	if p := h.get(l.Appointment(ap.ID, ap.Secret)).want(t, 200, "Appointment cancelled"); len(p.links(l.Booking(h.host.Slug, h.mt.Slug))) != 0 {
		t.Fatal("a cancelled appointment of a disabled type offers to book it again")
	}
}

// TestPageDoubleOptInKeepsTheForm: a double opt-in booking made on the
// page and confirmed on the page books what the form said (name, phone,
// notes, guests, zone, language): the request the page keeps is read by
// the API's reader at confirmation.
func TestPageDoubleOptInKeepsTheForm(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.change(func(m *meetd.MeetingType) { m.DoubleOptIn = meetd.DoubleOptInEnabled; m.Channel = "phone" })
	l := links.New(h.base)
	f := bookingForm("2026-03-03T08:00:00Z", "Dora Maria Doe", "dora@example.org")
	f.Set("phone", "+49 30 1234567")
	f.Set("notes", "Bitte pünktlich")
	f.Set("guests", "g1@example.org, g2@example.org")
	f.Set("tz", "America/New_York")
	h.post(l.Booking(h.host.Slug, h.mt.Slug), f, "Accept-Language", "de").want(t, 200, "dora@example.org")
	ctx := context.Background()
	list, _, err := h.db.ListProvisional(ctx, meetd.ProvisionalFilter{CompanyID: h.tenant.Company.ID, Limit: 10})
	if err != nil || len(list) != 1 {
		t.Fatalf("provisional %v %v", list, err)
	}
	token, err := (&scheduling.Service{Store: h.db, Clock: h.clock}).ReissueToken(ctx, meetd.Principal{Company: h.tenant.Company}, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	done := h.post(l.Confirm(list[0].ID, token), url.Values{"token": {token}, "lang": {"de"}}).want(t, 303)
	if !strings.HasSuffix(done.header.Get("Location"), "&lang=de") {
		t.Fatalf("confirmation leads to %s", done.header.Get("Location"))
	}
	ap := h.appointmentOf(done.header.Get("Location"))
	a := ap.Attendees[0]
	if a.Fullname != "Dora Maria Doe" || a.Lastname != "Doe" || a.Phone != "+49 30 1234567" || a.Timezone != "America/New_York" ||
		a.Language != "de" || len(ap.Attendees) != 3 || ap.Attendees[2].Email != "g2@example.org" ||
		!strings.Contains(string(a.Notes), "Bitte pünktlich") {
		t.Fatalf("confirmed attendee %+v notes %s", a, a.Notes)
	}
}

// TestLightBrandColourKeepsButtonsReadable: with a light primary colour
// the pages write dark text on it and do not use it as link text (white
// on #ffdd00 was 1.4:1).
func TestLightBrandColourKeepsButtonsReadable(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	if _, err := h.db.UpdatePersonalPage(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.host.ID, func(p *meetd.PersonalPage) error {
		p.UseCustomColors, p.PrimaryColor = true, "#ffdd00"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p := h.get(links.New(h.base).Booking(h.host.Slug, h.mt.Slug)).want(t, 200, ":root{--p:#ffdd00}",
		"--op:#000000;--pt:#111827;--os:#111827", "a.day.on{background:var(--p);color:var(--op)}",
		"background:var(--p);color:var(--op)", "a{color:var(--pt)}")
	if strings.Contains(p.body, "color:#fff;cursor") {
		t.Fatal("buttons are still white on the primary colour")
	}
}

// TestOneTimeTokenNeverLogged: a one-time link's token stays out of the
// access log however the path is spelled (a path the mux redirects to
// its clean form was logged as sent, token and all).
func TestOneTimeTokenNeverLogged(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	token := meetd.NewOneTimeToken()
	if _, err := h.db.CreateOneTimeLink(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.mt.ID,
		meetd.HashOneTimeToken(token)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/x/../1t/" + token, "//1t/" + token, "/1t/./" + token, "/1t//" + token} {
		h.get(p)
	}
	if strings.Contains(h.logs.String(), token) {
		t.Fatalf("the log holds a one-time token:\n%s", h.logs.String())
	}
}

// TestWrongSecretIsAMissingAppointment: every attendee address answers a
// wrong or missing secret exactly as it answers an appointment that does
// not exist (status, headers that matter, and body but for the nonce).
func TestWrongSecretIsAMissingAppointment(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	l := links.New(h.base)
	done := h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Sec Ret", "s@example.org")).want(t, 303)
	ap := h.appointmentOf(done.header.Get("Location"))
	nonce := regexp.MustCompile(`nonce-?[="']*[0-9a-f]{32}`)
	other := meetd.NewID()
	// The language switch links the page's own address, so ids are
	// replaced before comparing.
	norm := func(p page) string {
		body := strings.NewReplacer(ap.ID, "ID", other, "ID").Replace(nonce.ReplaceAllString(p.body, "N"))
		return fmt.Sprint(p.status, p.header.Get("Cache-Control"), p.header.Get("Content-Type"), body)
	}
	for _, suffix := range []string{"", "/invite.ics", "/cancel", "/reschedule"} {
		for _, secret := range []string{"", "?secret=", "?secret=" + strings.ToUpper(ap.Secret), "?secret=" + ap.Secret[:len(ap.Secret)-1]} {
			missing := h.get("/appointment/" + other + suffix + secret)
			if got := h.get("/appointment/" + ap.ID + suffix + secret); norm(got) != norm(missing) || got.status != 404 {
				t.Fatalf("GET %s%s answers otherwise than a missing appointment: %d", suffix, secret, got.status)
			}
		}
		if suffix == "/cancel" || suffix == "/reschedule" {
			m := h.post("/appointment/"+other+suffix, url.Values{"secret": {ap.Secret}, "start": {"2026-03-03T09:00:00Z"}})
			w := h.post("/appointment/"+ap.ID+suffix, url.Values{"secret": {"wrong"}, "start": {"2026-03-03T09:00:00Z"}})
			if norm(m) != norm(w) || w.status != 404 {
				t.Fatalf("POST %s with a wrong secret: %d", suffix, w.status)
			}
		}
	}
	if got, _ := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, ap.ID); got.Cancelled || !got.Start.Equal(ap.Start) {
		t.Fatal("a wrong secret changed the appointment")
	}
}

// TestHostileTextIsInert: markup in every string a page shows (meeting
// type, host, attendee, personal page, and each reflected query value)
// comes out escaped; no script or attribute breaks out.
func TestHostileTextIsInert(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	const evil = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`
	h.change(func(m *meetd.MeetingType) { m.Name, m.Description = "Intro"+evil, "About"+evil })
	if _, err := h.db.UpdatePersonalPage(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.host.ID, func(p *meetd.PersonalPage) error {
		p.Description = evil
		p.CustomLinks = []meetd.CustomLink{{Name: evil, URL: "https://example.com/" + url.PathEscape(evil)}}
		p.Profiles = map[string]string{"twitter": evil, "addressCity": evil}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	l := links.New(h.base)
	book := l.Booking(h.host.Slug, h.mt.Slug)
	q := url.Values{"lang": {evil}, "tz": {evil}, "month": {evil}, "day": {evil}, "d": {evil}, "secret": {evil}}.Encode()
	f := bookingForm("2026-03-03T08:00:00Z", "Eve"+evil, "eve@example.org")
	f.Set("notes", evil)
	f.Set("guests", evil)
	pages := []page{h.get(l.User(h.host.Slug) + "?" + q), h.get(book + "?" + q), h.get(book + "?slot=2026-03-03T08:00:00Z&" + q),
		h.post(book, f), h.get("/confirm/" + meetd.NewID() + "?token=" + url.QueryEscape(evil) + "&" + q)}
	f.Set("guests", "")
	f.Set("location", evil)
	done := h.post(book, f).want(t, 303)
	ap := h.appointmentOf(done.header.Get("Location"))
	pages = append(pages, h.get(l.Appointment(ap.ID, ap.Secret)+"&"+q), h.get(l.Cancel(ap.ID, ap.Secret)+"&"+q),
		h.get(l.Reschedule(ap.ID, ap.Secret)+"&lang="+url.QueryEscape(evil)))
	for i, p := range pages {
		if p.status >= 500 {
			t.Fatalf("page %d: %d", i, p.status)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", `"'>`} {
			if strings.Contains(p.body, bad) {
				j := strings.Index(p.body, bad)
				t.Fatalf("page %d (%d) holds %q unescaped: %s", i, p.status, bad, p.body[max(0, j-200):j+50])
			}
		}
	}
}

// TestStoredWildcardOriginNeverFramesThePages: origins in the store that
// today's rule refuses (saved before it, or by a writer that skipped the
// check) widen no CSP: the pages fall back to their own origin.
func TestStoredWildcardOriginNeverFramesThePages(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	if _, err := h.db.SetFrameAncestors(context.Background(), meetd.CLIActor, h.tenant.Company.ID,
		[]string{"https://www.example.com", "https://*.com"}); err != nil {
		t.Fatal(err)
	}
	csp := h.get(links.New(h.base).Booking(h.host.Slug, h.mt.Slug)).want(t, 200).header.Get("Content-Security-Policy")
	if !strings.HasSuffix(csp, "frame-ancestors 'self'") {
		t.Fatalf("CSP %q", csp)
	}
}

// TestRescheduleToATakenTimeSaysSo: a reschedule to a time that is not
// free shows the month again with a message that says why (it showed the
// month with a 409 and no word about the refused time).
func TestRescheduleToATakenTimeSaysSo(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	l := links.New(h.base)
	book := l.Booking(h.host.Slug, h.mt.Slug)
	first := h.appointmentOf(h.post(book, bookingForm("2026-03-03T08:00:00Z", "Ann One", "a1@example.org")).want(t, 303).header.Get("Location"))
	h.post(book, bookingForm("2026-03-03T09:00:00Z", "Ben Two", "b2@example.org")).want(t, 303)
	h.post(l.Reschedule(first.ID, first.Secret), url.Values{"secret": {first.Secret}, "start": {"2026-03-03T09:00:00Z"}}).
		want(t, 409, `role="alert"`, "This time was just taken")
	h.post(l.Reschedule(first.ID, first.Secret), url.Values{"secret": {first.Secret}, "start": {"2026-03-03T09:00:00Z"}, "lang": {"de"}}).
		want(t, 409, "Diese Zeit wurde gerade vergeben")
}

// TestRegeneratedOneTimeLinkKillsTheLast: a new one-time link for the
// same meeting type ends the one before it; the new one books; a link
// older than 30 days books nothing.
func TestRegeneratedOneTimeLinkKillsTheLast(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	ctx := context.Background()
	l := links.New(h.base)
	mint := func() string {
		token := meetd.NewOneTimeToken()
		if _, err := h.db.CreateOneTimeLink(ctx, meetd.CLIActor, h.tenant.Company.ID, h.mt.ID, meetd.HashOneTimeToken(token)); err != nil {
			t.Fatal(err)
		}
		return token
	}
	old := mint()
	h.get(l.OneTime(old)).want(t, 200)
	fresh := mint()
	h.get(l.OneTime(old)).want(t, 410, "A newer link has replaced it.")
	h.get(l.OneTime(old), "Accept-Language", "de").want(t, 410, "Ein neuerer Link hat ihn ersetzt.")
	h.post(l.OneTime(old), bookingForm("2026-03-03T08:00:00Z", "Old Link", "old@example.org")).want(t, 410)
	h.get(l.OneTime(fresh)).want(t, 200)
	h.clock.Advance(30*24*time.Hour + time.Minute)
	h.get(l.OneTime(fresh)).want(t, 410, "valid for 30 days")
}

// TestFormErrorsAreTiedToTheirFields: a form sent back marks each field
// that is wrong aria-invalid and describes it by the list of errors, so a
// screen reader names the problem at the field; the others stay plain.
func TestFormErrorsAreTiedToTheirFields(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	f := bookingForm("2026-03-03T08:00:00Z", "Good Name", "not-an-address")
	f.Set("guests", "a@example.org, nope")
	p := h.post(links.New(h.base).Booking(h.host.Slug, h.mt.Slug), f).want(t, 400,
		`id="email" name="email" type="email" autocomplete="email" required value="not-an-address" aria-invalid="true" aria-describedby="errors">`,
		`aria-invalid="true" aria-describedby="errors">`, `id="errors"`)
	if strings.Count(p.body, `aria-invalid="true"`) != 2 || strings.Count(p.body, "<li>") != 2 {
		t.Fatalf("want the e-mail and guests fields marked, and two errors:\n%s", p.body)
	}
}

// TestPageBookingIsReadLikeTheAPI: a booking made straight on the page
// stores the attendee as the API's reader makes it from the same body
// (the page built the attendee by hand with its own copy of the API's
// rules; now it hands the body to the API's reader).
func TestPageBookingIsReadLikeTheAPI(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	f := bookingForm("2026-03-03T08:00:00Z", "  Dora   Maria Doe ", "dora@example.org")
	f.Set("notes", "Bitte pünktlich")
	f.Set("guests", "g1@example.org g2@example.org")
	f.Set("tz", "America/New_York")
	done := h.post(links.New(h.base).Booking(h.host.Slug, h.mt.Slug), f, "Accept-Language", "de").want(t, 303)
	ap := h.appointmentOf(done.header.Get("Location"))
	a := ap.Attendees[0]
	if a.Fullname != "Dora   Maria Doe" || a.Firstname != "Dora Maria" || a.Lastname != "Doe" || a.Timezone != "America/New_York" ||
		a.Language != "de" || !a.ReceiveReminders || string(a.Notes) != `{"notes":"Bitte pünktlich"}` || len(ap.Attendees) != 3 {
		t.Fatalf("attendee %+v notes %s, %d attendees", a, a.Notes, len(ap.Attendees))
	}
}

// TestRateLimitKeysIPv6ByItsSlash64: the booking POST limit counts an
// IPv6 client by its /64, as every other limit of meetd does; one host
// holds a whole /64, so a limit per address was free to evade.
func TestRateLimitKeysIPv6ByItsSlash64(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite, withRate(ratelimit.Rate{Limit: 2, Per: time.Hour, Burst: 2}),
		func(c *pages.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	book := links.New(h.base).Booking(h.host.Slug, h.mt.Slug)
	for i := 1; i <= 2; i++ {
		h.post(book, url.Values{}, "X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i)).want(t, 303)
	}
	h.post(book, url.Values{}, "X-Forwarded-For", "2001:db8:1:2:ffff::3").want(t, 429)
	h.post(book, url.Values{}, "X-Forwarded-For", "2001:db8:1:3::1").want(t, 303)
}

// TestRescheduleStartsInTheAttendeesZone: without ?tz= (no script) the
// reschedule page shows the month in the zone the appointment is shown
// in, the attendee's, not the host's (the facts said 3:00 am New York
// while the slots below were Berlin times).
func TestRescheduleStartsInTheAttendeesZone(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	l := links.New(h.base)
	f := bookingForm("2026-03-03T08:00:00Z", "Nora York", "nora@example.org")
	f.Set("tz", "America/New_York")
	ap := h.appointmentOf(h.post(l.Booking(h.host.Slug, h.mt.Slug), f).want(t, 303).header.Get("Location"))
	h.get(l.Reschedule(ap.ID, ap.Secret)).want(t, 200, "3:00 am – 3:30 am", "<option selected>America/New_York</option>",
		`name="start" value="2026-03-02T08:30:00Z">3:30 am<`)
	// A zone chosen on the page still wins.
	h.get(l.Reschedule(ap.ID, ap.Secret)+"&tz=Europe/Berlin").want(t, 200, "<option selected>Europe/Berlin</option>")
}

// TestRescheduleOffersNoDurationChoice: a reschedule keeps the
// appointment's length, so its page offers no duration select (it showed
// one whose choice was ignored).
func TestRescheduleOffersNoDurationChoice(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.change(func(m *meetd.MeetingType) { m.AllowedDurations = []int{60} })
	l := links.New(h.base)
	f := bookingForm("2026-03-03T08:00:00Z", "Len Gth", "len@example.org")
	f.Set("d", "60")
	ap := h.appointmentOf(h.post(l.Booking(h.host.Slug, h.mt.Slug), f).want(t, 303).header.Get("Location"))
	p := h.get(l.Reschedule(ap.ID, ap.Secret)+"&d=30").want(t, 200, "Choose a new time")
	if strings.Contains(p.body, `<select id="d"`) {
		t.Fatal("the reschedule page offers a duration choice it ignores")
	}
}

// TestRemovedHostsAppointmentOffersNoBooking: the appointment of a host
// who left the company can still be seen and cancelled, but offers no
// reschedule or new booking that would lead to a 404.
func TestRemovedHostsAppointmentOffersNoBooking(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	l := links.New(h.base)
	ap := h.appointmentOf(h.post(l.Booking(h.host.Slug, h.mt.Slug), bookingForm("2026-03-03T08:00:00Z", "Left Behind", "lb@example.org")).
		want(t, 303).header.Get("Location"))
	if err := h.db.RemoveUser(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.host.ID); err != nil {
		t.Fatal(err)
	}
	if p := h.get(l.Appointment(ap.ID, ap.Secret)).want(t, 200, `id="cancel"`); strings.Contains(p.body, `id="reschedule"`) {
		t.Fatal("offers to reschedule with a removed host")
	}
	h.get(l.Reschedule(ap.ID, ap.Secret)).want(t, 409, "no longer be booked")
}

// TestPastSlotIsNotCalledTaken: a form posted after its time (a tab left
// open overnight) says the time has passed and offers the next free ones,
// instead of "someone booked it a moment before you".
func TestPastSlotIsNotCalledTaken(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	book := links.New(h.base).Booking(h.host.Slug, h.mt.Slug)
	h.clock.Advance(26 * time.Hour) // Tuesday 3 March, 09:00 UTC
	p := h.post(book, bookingForm("2026-03-03T08:00:00Z", "Late Tab", "late@example.org")).want(t, 409, "This time has passed",
		"These times are still free:", "Tuesday, 3 March 2026, 10:30 am")
	if strings.Contains(p.body, "a moment before you") {
		t.Fatal("a past time is called taken")
	}
}
