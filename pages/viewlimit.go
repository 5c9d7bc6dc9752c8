package pages

import (
	"net/http"
	"runtime"
	"time"

	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/ratelimit"
)

// PageViewRate bounds, per client address (an IPv6 client by its /64), the
// GETs of the pages that compute free times: a meeting type's page, a
// one-time link's and the reschedule page. Each computes up to a month of
// slots, so without a bound anyone could make the server do that work as
// fast as they can send requests, and guess slugs at that speed. Two a
// second, with a burst of 60, is far more than a person clicking through
// days, and leaves room for many attendees behind one company NAT.
var PageViewRate = ratelimit.Rate{Limit: 120, Per: time.Minute, Burst: 60}

// viewsInFlight bounds the slot-computing page views the process runs at
// once (4 per CPU, at least 8), like the API's bound on expensive requests:
// beyond it a view waits for nothing and gets a 429 page with Retry-After.
func viewsInFlight() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// viewLimited applies PageViewRate and the in-flight bound to a GET that
// computes free times.
func (p *Pages) viewLimited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := p.views.Take(clientip.RateKey(p.ip(r)))
		if !d.Allowed {
			d.SetHeaders(w.Header())
			p.fail(w, r, nil, errTooMany)
			return
		}
		select {
		case p.running <- struct{}{}:
			defer func() { <-p.running }()
		default:
			w.Header().Set("Retry-After", "1")
			p.fail(w, r, nil, errTooMany)
			return
		}
		h(w, r)
	}
}
