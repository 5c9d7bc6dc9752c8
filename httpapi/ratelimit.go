package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// RateLimit is a token bucket: PerMinute tokens a minute, at most Burst
// saved up.
type RateLimit struct {
	PerMinute int
	Burst     int
}

// DefaultRateLimit is meetergo's documented limit per credential.
var DefaultRateLimit = RateLimit{PerMinute: 100, Burst: 200}

// KillSwitchRateLimit bounds POST /v4/credentials/revoke per client IP.
var KillSwitchRateLimit = RateLimit{PerMinute: 10, Burst: 20}

var errRateLimited = meetd.Errorf(meetd.ERATELIMIT, "Too Many Requests")

// limiter keeps one token bucket per key in memory. Limits are per node:
// behind a load balancer with N nodes a credential gets up to N times the
// limit, which errs on the side of never refusing a well-behaved client.
type limiter struct {
	rate  RateLimit
	clock meetd.Clock

	mu      sync.Mutex
	buckets map[string]*bucket
	calls   int
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate RateLimit, clock meetd.Clock) *limiter {
	return &limiter{rate: rate, clock: clock, buckets: map[string]*bucket{}}
}

// allow takes a token for key, sets the RateLimit-* headers, and on refusal
// also Retry-After. It reports whether the request may proceed.
func (l *limiter) allow(w http.ResponseWriter, key string) bool {
	now := l.clock.Now()
	perSec := float64(l.rate.PerMinute) / 60
	l.mu.Lock()
	l.calls++
	if l.calls%10000 == 0 {
		l.sweep(now, perSec)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.rate.Burst), last: now}
		l.buckets[key] = b
	}
	// A clock stepping backwards must not drain the bucket.
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+elapsed.Seconds()*perSec)
		b.last = now
	}
	ok = b.tokens >= 1
	if ok {
		b.tokens--
	}
	remaining := int(b.tokens)
	untilFull := int(math.Ceil((float64(l.rate.Burst) - b.tokens) / perSec))
	untilNext := int(math.Ceil((1 - math.Min(b.tokens, 1)) / perSec))
	l.mu.Unlock()

	// RateLimit-Limit is the bucket's size (the burst): the most requests
	// that can be made at once; RateLimit-Reset is when it is full again.
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(l.rate.Burst))
	h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(untilFull))
	if !ok {
		h.Set("Retry-After", strconv.Itoa(max(untilNext, 1)))
	}
	return ok
}

// sweep forgets buckets that have refilled completely: they hold no state
// a fresh bucket would not.
func (l *limiter) sweep(now time.Time, perSec float64) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*perSec >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
}
