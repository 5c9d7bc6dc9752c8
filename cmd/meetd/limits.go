package main

import (
	"time"

	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/ratelimit"
)

// limits are the rate and in-flight limits `meetd serve` takes as
// settings (settings.go): each a positive integer, a flag with an
// environment variable as its default.
type limits struct {
	perMinute, burst         *int
	killPerMinute, killBurst *int
	loginPerMinute           *int
	bookingPerHour           *int
	expensivePerCredential   *int
	expensiveTotal           *int
}

// limitFlags registers the limits on r, with meetergo's numbers (100
// requests a minute, bursts of 200) as the per-credential defaults.
func limitFlags(r *settings) *limits {
	def := httpapi.DefaultConcurrency()
	l := &limits{
		perMinute: r.Int("rate-limit", httpapi.DefaultRateLimit.PerMinute, "requests a minute per credential"),
		burst: r.Int("rate-burst", httpapi.DefaultRateLimit.Burst,
			"requests a credential may make at once (the bucket's size)"),
		killPerMinute: r.Int("killswitch-rate-limit", httpapi.KillSwitchRateLimit.PerMinute,
			"kill-switch requests (POST /v4/credentials/revoke) a minute per client IP"),
		killBurst: r.Int("killswitch-rate-burst", httpapi.KillSwitchRateLimit.Burst,
			"kill-switch requests a client IP may make at once"),
		loginPerMinute: r.Int("login-rate-limit", dashboard.DefaultLoginRate.Limit,
			"dashboard sign-in attempts a minute per client address and per email"),
		bookingPerHour: r.Int("booking-rate-limit", pages.BookingRate.Limit,
			"booking-page POSTs (bookings, cancellations, reschedules, confirmations) an hour per client address, 10 at once at most"),
		expensivePerCredential: r.Int("expensive-per-credential", def.PerCredential,
			"expensive requests (slots, appointment lists, GDPR exports) one credential may have in flight"),
		expensiveTotal: r.Int("expensive-total", def.Total, "expensive requests the process runs at once"),
	}
	r.showDefault("expensive-total", "4 per CPU, at least 8")
	return l
}

// api is the per-credential limit.
func (l *limits) api() httpapi.RateLimit {
	return httpapi.RateLimit{PerMinute: *l.perMinute, Burst: *l.burst}
}

// killSwitch is the kill-switch's limit per client IP.
func (l *limits) killSwitch() httpapi.RateLimit {
	return httpapi.RateLimit{PerMinute: *l.killPerMinute, Burst: *l.killBurst}
}

// concurrency bounds the expensive requests in flight.
func (l *limits) concurrency() httpapi.Concurrency {
	return httpapi.Concurrency{PerCredential: *l.expensivePerCredential, Total: *l.expensiveTotal}
}

// booking is the booking pages' limit of POSTs per client address.
func (l *limits) booking() ratelimit.Rate { return pages.RatePerHour(*l.bookingPerHour) }

// login is the dashboard's sign-in limit; the burst is one minute's worth.
func (l *limits) login() dashboard.Rate {
	return dashboard.Rate{Limit: *l.loginPerMinute, Per: time.Minute, Burst: *l.loginPerMinute}
}
