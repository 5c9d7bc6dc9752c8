package meetd

import (
	"fmt"
	"net/url"
	"strings"
)

// MaxFrameAncestors bounds the origins a company may allow to embed its
// booking pages.
const MaxFrameAncestors = 20

// CheckFrameAncestors validates the origins a company allows to embed its
// booking pages in an <iframe> (CSP frame-ancestors) and returns them
// normalised: each is an http(s) origin, scheme://host[:port] with no path,
// query, fragment or wildcard (https://*.com would let any site frame the
// pages); duplicates are dropped. An empty list means only
// meetd's own origin may frame them (docs/decisions.md#booking-pages).
func CheckFrameAncestors(origins []string) ([]string, error) {
	var v Validation
	if len(origins) > MaxFrameAncestors {
		v.Add("frameAncestors", fmt.Sprintf("at most %d origins may embed the booking pages", MaxFrameAncestors))
		return nil, v.Err()
	}
	out := []string{}
	seen := map[string]bool{}
	for _, o := range origins {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, " ;,'\"*") {
			v.Add("frameAncestors", o+" is not an origin such as https://www.example.com")
			continue
		}
		norm := strings.ToLower(u.Scheme + "://" + u.Host)
		if !seen[norm] {
			seen[norm] = true
			out = append(out, norm)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// FrameAncestorsSource is the CSP frame-ancestors value of a company's
// public pages: meetd's own origin ('self') and the origins the company
// allows. The origins are checked again as they are written into the
// header: the store keeps what it is given, and a value saved before a
// rule was tightened (a wildcard) must not widen the policy now; a list
// that fails the check allows only 'self'.
func FrameAncestorsSource(origins []string) string {
	frames := "'self'"
	if ok, err := CheckFrameAncestors(origins); err == nil {
		for _, o := range ok {
			frames += " " + o
		}
	}
	return frames
}
