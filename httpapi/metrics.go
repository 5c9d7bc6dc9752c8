package httpapi

import (
	"net/http"
	"time"

	"github.com/meetd/meetd/metrics"
)

// measured marks requests of rt with the route's metrics, resolved here
// once rather than per request: a GET route also answers HEAD, which is
// its own series. It is next itself when metrics are off.
func (s *Server) measured(rt Route, next http.Handler) http.Handler {
	if s.cfg.Metrics == nil {
		return next
	}
	pattern := rt.Method + " " + rt.Pattern
	own := s.cfg.Metrics.Route(pattern, rt.Method)
	var head *metrics.Route
	if rt.Method == http.MethodGet {
		head = s.cfg.Metrics.Route(pattern, http.MethodHead)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r); info != nil && r.Pattern == pattern {
			switch r.Method {
			case rt.Method:
				info.route = own
			case http.MethodHead:
				info.route = head
			}
		}
		next.ServeHTTP(w, r)
	})
}

// observe records a served request in Config.Metrics (a no-op when nil).
// The route label is the ServeMux pattern that matched, never the path, so
// ids in paths never become label values; the catch-all 404 and requests
// the mux answered itself (redirects) count as metrics.Unmatched. Routes
// of the table come with their series resolved (measured); others (the
// catch-all, the dashboard's) look theirs up.
func (s *Server) observe(r *http.Request, info *requestInfo, d time.Duration) {
	if s.cfg.Metrics == nil {
		return
	}
	if info.route != nil {
		info.route.Observe(info.sw.status, d)
		return
	}
	route := r.Pattern
	if route == "/" {
		route = metrics.Unmatched
	}
	s.cfg.Metrics.ObserveRequest(route, r.Method, info.sw.status, d)
}
