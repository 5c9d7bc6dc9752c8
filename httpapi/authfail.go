package httpapi

import (
	"net/http"

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

// peek reports whether key's bucket holds a token, taking none. When it
// does not, it sets the 429's Retry-After and RateLimit-* headers.
func (l *limiter) peek(w http.ResponseWriter, key string) bool {
	d := l.l.Peek(key)
	if !d.Allowed {
		d.SetHeaders(w.Header())
	}
	return d.Allowed
}

// spend takes a token from key's bucket, if one is left.
func (l *limiter) spend(key string) { l.l.Take(key) }
