package httpapi

import (
	"math"
	"net/http"
	"strconv"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
)

// AuthFailureRateLimit bounds failed authentications (401s) per client IP
// (clientip.RateKey: an IPv4 address or an IPv6 /64). Once a client's
// bucket is empty, its requests are answered 429 before any database
// lookup, unless their credential is one the verifier holds in memory
// (auth.Verifier.Known): a credential this node verified before is never
// locked out by others' failures from the same address.
var AuthFailureRateLimit = RateLimit{PerMinute: 30, Burst: 60}

// authGate refuses a request before credential lookup when its client has
// failed authentication too often and its credential is not known. It
// reports whether the request may proceed; on false the 429 is written.
func (s *Server) authGate(w http.ResponseWriter, r *http.Request) bool {
	key := clientip.RateKey(s.clientIP(r))
	if s.authFail.peek(w, key) || s.cfg.Verifier.Known(r.Header.Get("Authorization")) {
		return true
	}
	s.cfg.Metrics.RateLimited()
	writeError(w, r, errRateLimited)
	return false
}

// authFailed counts a failed authentication against the client's IP.
func (s *Server) authFailed(r *http.Request, err error) {
	if meetd.ErrorCode(err) == meetd.EUNAUTHORIZED {
		s.authFail.spend(clientip.RateKey(s.clientIP(r)))
	}
}

// The two methods below extend limiter for counting failures: a request is
// let through while a token is left (peek), and only a failure takes one
// (spend).

// refill brings key's bucket up to now and returns it; l.mu must be held.
func (l *limiter) refill(key string) *bucket {
	now := l.clock.Now()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.rate.Burst), last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+elapsed.Seconds()*float64(l.rate.PerMinute)/60)
		b.last = now
	}
	return b
}

// peek reports whether key's bucket holds a token, taking none. When it
// does not, it sets the 429's Retry-After and RateLimit-* headers.
func (l *limiter) peek(w http.ResponseWriter, key string) bool {
	l.mu.Lock()
	l.calls++
	if l.calls%10000 == 0 {
		l.sweep(l.clock.Now(), float64(l.rate.PerMinute)/60)
	}
	tokens := l.refill(key).tokens
	l.mu.Unlock()
	if tokens >= 1 {
		return true
	}
	perSec := float64(l.rate.PerMinute) / 60
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(l.rate.Burst))
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Reset", strconv.Itoa(max(int(math.Ceil((float64(l.rate.Burst)-tokens)/perSec)), 1)))
	h.Set("Retry-After", strconv.Itoa(max(int(math.Ceil((1-tokens)/perSec)), 1)))
	return false
}

// spend takes a token from key's bucket, if one is left.
func (l *limiter) spend(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.refill(key); b.tokens >= 1 {
		b.tokens--
	}
}
