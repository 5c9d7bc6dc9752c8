package httpapi

import (
	"net/http"
	"time"

	"github.com/meetd/meetd/metrics"
)

// observe records a served request in Config.Metrics (a no-op when nil).
// The route label is the ServeMux pattern that matched, never the path, so
// ids in paths never become label values; the catch-all 404 and requests
// the mux answered itself (redirects) count as metrics.Unmatched.
func (s *Server) observe(r *http.Request, status int, d time.Duration) {
	if s.cfg.Metrics == nil {
		return
	}
	route := r.Pattern
	if route == "/" {
		route = metrics.Unmatched
	}
	s.cfg.Metrics.ObserveRequest(route, r.Method, status, d)
}
