package httpapi

import (
	"net/http"
	"runtime"
	"sync"

	"github.com/meetd/meetd"
)

// Concurrency bounds the expensive requests (the routes marked Expensive in
// the route table: slot queries, appointment lists, GDPR exports) in flight
// at once. The rate limit counts requests, not their cost, and ignores how
// many run together; this bound is what keeps one credential from holding
// the server's memory. A request over either bound is refused at once with
// 429 and Retry-After rather than queued, so a client that fans out learns
// to slow down.
type Concurrency struct {
	// PerCredential is how many one credential may have in flight.
	PerCredential int
	// Total is how many the process runs at once, whoever sends them.
	Total int
}

// DefaultConcurrency lets one credential run 4 expensive requests at once
// and the process 4 per CPU (at least 8): they are CPU-bound, so more at
// once only costs memory and latency, and one credential can take at most
// half of a small server.
func DefaultConcurrency() Concurrency {
	return Concurrency{PerCredential: 4, Total: max(8, 4*runtime.GOMAXPROCS(0))}
}

// retryAfterBusy is the Retry-After, in seconds, of a request refused for
// concurrency: expensive requests finish within about a second.
const retryAfterBusy = "1"

// inflight counts expensive requests in flight, per credential and in total.
type inflight struct {
	limit Concurrency

	mu     sync.Mutex
	total  int
	perKey map[string]int
}

func newInflight(c Concurrency) *inflight {
	d := DefaultConcurrency()
	if c.PerCredential <= 0 {
		c.PerCredential = d.PerCredential
	}
	if c.Total <= 0 {
		c.Total = d.Total
	}
	return &inflight{limit: c, perKey: map[string]int{}}
}

// enter takes a place for key and reports whether there was one; a true
// answer must be followed by leave(key).
func (g *inflight) enter(key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.total >= g.limit.Total || g.perKey[key] >= g.limit.PerCredential {
		return false
	}
	g.total++
	g.perKey[key]++
	return true
}

func (g *inflight) leave(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total--
	if g.perKey[key]--; g.perKey[key] <= 0 {
		delete(g.perKey, key) // the map holds only credentials with requests in flight
	}
}

// bounded wraps an expensive route's handler with the in-flight bound: over either
// bound it answers meetergo's 429 with Retry-After.
func (s *Server) bounded(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
		if !s.inflight.enter(p.CredentialID) {
			s.cfg.Metrics.RateLimited()
			w.Header().Set("Retry-After", retryAfterBusy)
			return errRateLimited
		}
		defer s.inflight.leave(p.CredentialID)
		return h(w, r, p)
	}
}
