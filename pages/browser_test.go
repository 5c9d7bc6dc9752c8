package pages_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/mail/mailtest"
	"github.com/meetd/meetd/meetdtest/chromium"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// tab is one headless Chromium tab of a given width, with or without
// JavaScript.
type tab struct {
	t    *testing.T
	ctx  context.Context
	name string
}

// newTab opens a tab of the shared browser in a browser context of its
// own, width px wide, with script on or off, in New York.
func newTab(t *testing.T, browserCtx context.Context, name string, width int64, js bool) *tab {
	t.Helper()
	b := &tab{t: t, ctx: chromium.NewTab(t, browserCtx), name: name}
	b.do("set up the tab", chromedp.EmulateViewport(width, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js}); err != nil {
			return err
		}
		// The attendee's browser is in New York: the page's script
		// detects it; without script the page stays in the host's zone.
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}))
	return b
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *tab) open(u string) {
	b.t.Helper()
	b.do("open "+u, chromedp.Navigate(u))
}

// click clicks sel and waits for the page it leads to.
func (b *tab) click(sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *tab) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// fits checks the page needs no sideways scrolling at the tab's width.
func (b *tab) fits(where string) {
	b.t.Helper()
	if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
		b.t.Fatalf("%s: the page is wider than the window (%v px)", where, eval[float64](b, `document.documentElement.scrollWidth`))
	}
}

// shot saves a screenshot into $MEETD_DOCS_SCREENSHOTS (docs/img when
// the docs are refreshed), when set.
func (b *tab) shot(name string) {
	dir := os.Getenv("MEETD_DOCS_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestBrowserJourney walks the attendee's journey in one headless
// Chromium on both engines, at 1280 px, at 390 px and with JavaScript
// off, with meetd's mail worker sending through a test SMTP server: open
// the bookingUrl, pick a day and a slot, book, receive the confirmation
// with its invitation, open the cancel link the e-mail carries, cancel,
// receive the cancellation, and find the slot bookable again.
//
// With MEETD_DOCS_SCREENSHOTS=../docs/img the SQLite run refreshes the
// screenshots the README shows.
func TestBrowserJourney(t *testing.T) {
	chrome := chromium.Start(t)
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, b)
			srv := h.startMail()
			for _, v := range []struct {
				name  string
				width int64
				js    bool
			}{{"desktop", 1280, true}, {"phone", 390, true}, {"nojs", 390, false}} {
				t.Run(v.name, func(t *testing.T) {
					journey(t, h, srv, newTab(t, chrome, v.name, v.width, v.js), v.js, b.Name == "sqlite")
				})
			}
		})
	}
}

func journey(t *testing.T, h *harness, srv *mailtest.Server, b *tab, js, shots bool) {
	l := links.New(h.base)
	b.open(l.Booking(h.host.Slug, h.mt.Slug))
	if js {
		// The script moves the page to the browser's zone.
		// The navigation the script starts may still be under way:
		// ask again until the new page has loaded.
		deadline := time.Now().Add(15 * time.Second)
		for {
			done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`location.search.includes("tz=America%2FNew_York") && document.readyState === "complete"`))
			if err == nil && done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the page did not switch to the browser's time zone (at %s)", b.location())
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.do("wait for the calendar", chromedp.WaitVisible(chromedp.CSS("a.day.on")))
	} else if strings.Contains(b.location(), "tz=") {
		t.Fatal("script ran with JavaScript disabled")
	}
	zone := eval[string](b, `document.getElementById("tz").value`)
	if want := map[bool]string{true: "America/New_York", false: "Europe/Berlin"}[js]; zone != want {
		t.Fatalf("time zone %q, want %q", zone, want)
	}
	b.fits("booking page")
	if shots && b.name != "nojs" {
		b.shot(map[string]string{"desktop": "booking-page", "phone": "booking-page-390"}[b.name])
	}

	// Pick a day (Wednesday the 4th) and its first slot.
	b.click(`a.day[href*="day=2026-03-04"]`)
	if got := b.text("#slots-h"); !strings.Contains(got, "Wednesday, 4 March 2026") {
		t.Fatalf("chosen day heading %q", got)
	}
	dayURL := b.location()
	firstSlot := eval[string](b, `document.querySelector(".slots a").getAttribute("href")`)
	b.click(".slots a")
	b.fits("form")
	if b.text("#form-h") != "Your details" {
		t.Fatal("no booking form after choosing a slot")
	}
	email := "browser-" + b.name + "@example.org"
	b.do("fill the form", chromedp.SetValue(chromedp.ID("name"), "Browser Attendee"),
		chromedp.SetValue(chromedp.ID("email"), email))
	b.click("#book")
	if got := b.text("h1"); got != "You are booked" {
		t.Fatalf("after booking: %q at %s", got, b.location())
	}
	b.fits("confirmation")
	if shots && b.name == "desktop" {
		b.shot("booking-confirmed")
	}
	ap := bookedAt(t, h, b.location())
	u, _ := url.Parse(firstSlot)
	if want := u.Query().Get("slot"); ap.Start.Format(time.RFC3339) != want {
		t.Fatalf("booked %s, chose %s", ap.Start.Format(time.RFC3339), want)
	}
	if !eval[bool](b, `document.getElementById("ics").href.includes("/invite.ics?secret=")`) {
		t.Fatal("the confirmation offers no .ics")
	}

	// The confirmation e-mail: the invitation of this appointment and
	// the cancel link, which the attendee follows from there.
	confirmation := waitLetter(t, srv, email, "REQUEST")
	confirmation.matches(t, ap)
	cancel := confirmation.link(t, "/cancel?secret=")
	if !strings.HasPrefix(cancel, h.base+"/appointment/"+ap.ID+"/") {
		t.Fatalf("the e-mail's cancel link %s is not this appointment's under the public URL", cancel)
	}
	b.open(cancel)
	b.fits("cancel page")
	b.click("#confirm-cancel")
	if got := b.text("h1"); got != "Appointment cancelled" {
		t.Fatalf("after cancelling: %q", got)
	}
	waitLetter(t, srv, email, "CANCEL").matches(t, ap)

	b.open(dayURL)
	if !eval[bool](b, `[...document.querySelectorAll(".slots a")].some(a => a.getAttribute("href") === `+"`"+firstSlot+"`"+`)`) {
		t.Fatal("the cancelled slot is not bookable again")
	}
}

// bookedAt reads the appointment whose page the browser shows.
func bookedAt(t *testing.T, h *harness, location string) meetd.Appointment {
	t.Helper()
	u, err := url.Parse(location)
	if err != nil {
		t.Fatal(err)
	}
	ap, err := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, strings.TrimPrefix(u.Path, "/appointment/"))
	if err != nil {
		t.Fatalf("the appointment of %s: %v", location, err)
	}
	return ap
}
