package httpapi

import (
	"net/http"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/ratelimit"
)

// RateLimit is a token bucket: PerMinute tokens a minute, at most Burst
// saved up. Limits are per node: behind a load balancer with N nodes a
// credential gets up to N times the limit.
type RateLimit struct {
	PerMinute int
	Burst     int
}

// DefaultRateLimit is meetergo's documented limit per credential.
var DefaultRateLimit = RateLimit{PerMinute: 100, Burst: 200}

// KillSwitchRateLimit bounds POST /v4/credentials/revoke per client IP.
var KillSwitchRateLimit = RateLimit{PerMinute: 10, Burst: 20}

var errRateLimited = meetd.Errorf(meetd.ERATELIMIT, "Too Many Requests")

// limiter is the shared token-bucket limiter answering with the API's
// RateLimit-* and Retry-After headers.
type limiter struct{ l *ratelimit.Limiter }

func newLimiter(rate RateLimit, clock meetd.Clock) *limiter {
	return &limiter{ratelimit.New(ratelimit.Rate{Limit: rate.PerMinute, Per: time.Minute, Burst: rate.Burst}, clock)}
}

// allow takes a token for key, sets the RateLimit-* headers, and on refusal
// also Retry-After. It reports whether the request may proceed.
func (l *limiter) allow(w http.ResponseWriter, key string) bool {
	d := l.l.Take(key)
	d.SetHeaders(w.Header())
	return d.Allowed
}
