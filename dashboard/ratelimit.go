package dashboard

import (
	"math"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// Rate is a token bucket: Burst attempts at once, refilled at Limit per Per.
type Rate struct {
	Limit int
	Per   time.Duration
	Burst int
}

// DefaultLoginRate allows 10 sign-in attempts a minute, in a burst of 10,
// per client address and (failed ones) per email.
var DefaultLoginRate = Rate{Limit: 10, Per: time.Minute, Burst: 10}

// limiter keeps one token bucket per key in memory. Buckets that have
// refilled are dropped, so memory stays bounded by the keys seen within
// one refill period. It never locks anything: a key is only slowed down.
type limiter struct {
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

func newLimiter(r Rate, clock meetd.Clock) *limiter {
	return &limiter{rate: r, clock: clock, buckets: map[string]*bucket{}}
}

func (l *limiter) perSecond() float64 { return float64(l.rate.Limit) / l.rate.Per.Seconds() }

// fill returns key's bucket refilled up to now. l.mu is held.
func (l *limiter) fill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+el*l.perSecond())
		b.at = now
	}
	return b
}

// sweep drops full buckets at most once a refill period. l.mu is held.
func (l *limiter) sweep(now time.Time) {
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

// wait returns how long until key has a whole token (0 when it has one now).
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.sweep(now)
	b := l.fill(key, now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / l.perSecond() * float64(time.Second))
}

// take spends one of key's tokens and returns how long the caller must wait
// when there was none (0 when the attempt is allowed).
func (l *limiter) take(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.sweep(now)
	b := l.fill(key, now)
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.perSecond() * float64(time.Second))
	}
	b.tokens--
	return 0
}
