// Package ratelimit is the in-memory token-bucket limiter that the v4 API
// (per credential, and the leak kill-switch per client) and the dashboard
// (sign-in attempts per client and per email) share.
//
// Limits are per process: behind a load balancer with N nodes a key gets up
// to N times the limit, which errs on the side of never refusing a
// well-behaved client. A limiter never locks anything: a key is only slowed
// down.
package ratelimit

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// Rate is a token bucket: at most Burst tokens saved up, refilled at Limit
// tokens per Per. Limit, Per and Burst must be positive.
type Rate struct {
	Limit int
	Per   time.Duration
	Burst int
}

func (r Rate) perSecond() float64 { return float64(r.Limit) / r.Per.Seconds() }

// Limiter keeps one token bucket per key in memory. Buckets that have
// refilled completely are dropped (they hold nothing a fresh bucket would
// not), so memory stays bounded by the keys seen recently. It is safe for
// concurrent use.
type Limiter struct {
	rate  Rate
	clock meetd.Clock

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter of rate r whose buckets refill by clock.
func New(r Rate, clock meetd.Clock) *Limiter {
	return &Limiter{rate: r, clock: clock, buckets: map[string]*bucket{}}
}

// Decision is the outcome of one Take.
type Decision struct {
	// Allowed reports whether a token was taken: the attempt may proceed.
	Allowed bool
	rate    Rate
	tokens  float64 // left in the bucket after the take
}

// Take spends one of key's tokens if there is one, and says so.
func (l *Limiter) Take(key string) Decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.sweep(now)
	b := l.fill(key, now)
	ok := b.tokens >= 1
	if ok {
		b.tokens--
	}
	return Decision{Allowed: ok, rate: l.rate, tokens: b.tokens}
}

// Peek says whether key has a token left, taking none: for limits that
// count only some outcomes (failed sign-ins, failed authentications), where
// an attempt may proceed while a token is left and only a failure Takes one.
func (l *Limiter) Peek(key string) Decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.sweep(now)
	if _, ok := l.buckets[key]; !ok {
		// A key that has spent nothing has a full bucket. Peek runs on
		// every authenticated request, so it must not make a bucket (an
		// allocation and a map entry) for each client that only succeeds.
		return Decision{Allowed: true, rate: l.rate, tokens: float64(l.rate.Burst)}
	}
	b := l.fill(key, now)
	return Decision{Allowed: b.tokens >= 1, rate: l.rate, tokens: b.tokens}
}

// Give returns a token taken for key (an attempt that turned out fine), up
// to the burst.
func (l *Limiter) Give(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fill(key, l.clock.Now())
	b.tokens = math.Min(float64(l.rate.Burst), b.tokens+1)
}

// fill returns key's bucket refilled up to now. l.mu is held.
func (l *Limiter) fill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	// A clock stepping backwards must not drain the bucket.
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+el*l.rate.perSecond())
		b.at = now
	}
	return b
}

// sweep drops full buckets, at most once a refill period. l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.rate.Per {
		return
	}
	l.lastSweep = now
	for k := range l.buckets {
		if l.fill(k, now).tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
}

// Wait is how long the caller must wait for a token: 0 when the attempt was
// allowed.
func (d Decision) Wait() time.Duration {
	if d.Allowed {
		return 0
	}
	return time.Duration((1 - d.tokens) / d.rate.perSecond() * float64(time.Second))
}

// SetHeaders sets the RateLimit-* headers of the decision on h, and
// Retry-After (whole seconds, at least 1) when the attempt was refused.
// RateLimit-Limit is the bucket's size (the burst): the most requests that
// can be made at once; RateLimit-Remaining the whole tokens left;
// RateLimit-Reset the seconds until the bucket is full again.
func (d Decision) SetHeaders(h http.Header) {
	perSec := d.rate.perSecond()
	// Every API answer carries these, so they are set without Set's
	// canonicalising and with one backing array for the values; each value
	// has capacity one, so an Add elsewhere copies rather than overwrites.
	v := make([]string, 4)
	v[0] = decimal(d.rate.Burst)
	v[1] = decimal(int(d.tokens))
	v[2] = decimal(int(math.Ceil((float64(d.rate.Burst) - d.tokens) / perSec)))
	h[headerLimit], h[headerRemaining], h[headerReset] = v[0:1:1], v[1:2:2], v[2:3:3]
	if !d.Allowed {
		untilNext := int(math.Ceil((1 - math.Min(d.tokens, 1)) / perSec))
		v[3] = decimal(max(untilNext, 1))
		h[headerRetryAfter] = v[3:4:4]
	}
}

// decimal is n in decimal, from a table for the values a bucket of up to
// 4,095 tokens shows: strconv.Itoa allocates above 99, and every API
// answer carries two or three such numbers.
func decimal(n int) string {
	if t := decimals(); n >= 0 && n < len(t) {
		return t[n]
	}
	return strconv.Itoa(n)
}

var decimals = sync.OnceValue(func() []string {
	t := make([]string, 4096)
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
})

// The canonical names (textproto.CanonicalMIMEHeaderKey) of the headers
// SetHeaders sets: what Header.Set would store them under.
const (
	headerLimit      = "Ratelimit-Limit"
	headerRemaining  = "Ratelimit-Remaining"
	headerReset      = "Ratelimit-Reset"
	headerRetryAfter = "Retry-After"
)
