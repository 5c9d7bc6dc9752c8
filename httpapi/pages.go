package httpapi

import (
	"net/url"
	"path"
	"strings"

	"github.com/meetd/meetd/links"
)

// pagesPathOf is the path the booking pages live under: publicURL's path
// without a trailing slash ("" for the root).
func pagesPathOf(publicURL string) string {
	u, err := url.Parse(string(links.New(publicURL)))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// servesPage reports whether the catch-all hands path to the booking
// pages: they are configured, path is under their public path, and it is
// no path of the API, whose unknown routes keep meetergo's JSON 404.
func (s *Server) servesPage(path string) bool {
	if s.cfg.Pages == nil || isAPIPath(path) {
		return false
	}
	base := s.pagesPath
	return base == "" || path == base || strings.HasPrefix(path, base+"/")
}

func isAPIPath(path string) bool {
	for _, p := range []string{"/v4", "/webhooks"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// loggedPath is the path the access log writes: a one-time link's path
// holds its token, a bearer secret, so the log writes the route's pattern
// instead (docs/decisions.md#booking-pages). Every other secret of an
// attendee's link travels in the query string, which is never logged.
func (s *Server) loggedPath(p string) string {
	prefix := s.pagesPath + "/1t/"
	// Cleaned first: a path such as /x/../1t/TOKEN or //1t/TOKEN is
	// redirected to its clean form by the mux, and logged as sent.
	if strings.HasPrefix(path.Clean("/"+p)+"/", prefix) {
		return prefix + "{token}"
	}
	return p
}
