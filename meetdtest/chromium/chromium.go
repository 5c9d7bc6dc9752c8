// Package chromium starts headless Chromium for meetd's browser tests
// (chromedp): one browser process per test, a fresh tab with its own
// cookies for each user it plays. It is for tests only.
package chromium

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds Chromium. Without one the calling test skips, except in CI
// (CI=true), where a skip would hide the browser tests and fails instead.
func Path(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("chromium is not installed; CI must run the browser tests (apt-get install chromium)")
	}
	tb.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// Start starts one headless Chromium (window 1280×900) that lives until tb
// ends, and returns a context holding it for NewTab. It skips or fails
// as Path does when there is no Chromium.
func Start(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(tb)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { bcancel(); acancel() })
	// The first run starts the process; tabs made later share it.
	if err := chromedp.Do(bctx); err != nil {
		tb.Fatalf("starting chromium: %v", err)
	}
	return bctx
}

// TabTimeout bounds everything one tab does: a test that hangs on a page
// fails instead of waiting for the test binary's timeout.
const TabTimeout = 2 * time.Minute

// NewTab opens a tab of the browser Start returned, in a browser context
// of its own (no cookies or storage shared with other tabs), closed when
// tb ends. Its context expires after TabTimeout.
func NewTab(tb testing.TB, browser context.Context) context.Context {
	tb.Helper()
	tctx, tcancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tctx); err != nil {
		tcancel()
		tb.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tctx, TabTimeout)
	tb.Cleanup(func() { cancel(); tcancel() })
	return ctx
}
