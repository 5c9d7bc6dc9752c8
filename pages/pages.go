// Package pages serves the attendee's side of meetd as server-rendered
// HTML: a user's page of meeting types, a meeting type's booking page
// (month, day, slots, form), the confirmation page with its "add to
// calendar" download, the cancel and reschedule pages of an appointment's
// secret links, one-time links and the double opt-in confirmation page.
//
// Every page works without JavaScript; a few lines of script detect the
// attendee's time zone and focus a form's errors. Pages speak
// English or German (Accept-Language, or the switch on every page), may be
// framed only by the origins the company allows (CSP frame-ancestors), and
// send no Referer, since the attendee's addresses carry secrets.
//
// The pages do no booking of their own: slots, bookings, cancellations,
// reschedules and confirmations all go through package scheduling, as the
// API's do. Every address comes from package links.
package pages

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/scheduling"
)

// Store is what the pages read and write: the scheduling store plus the
// lookups of a public address (a user by slug, a one-time link by token).
type Store interface {
	scheduling.Store
	UserBySlug(ctx context.Context, slug string) (meetd.User, error)
	UserByID(ctx context.Context, companyID, id string) (meetd.User, error)
	ListMeetingTypes(ctx context.Context, f meetd.MeetingTypeFilter) ([]meetd.MeetingType, error)
	PersonalPage(ctx context.Context, companyID, userID string) (meetd.PersonalPage, error)
	OneTimeLinkByTokenHash(ctx context.Context, hash []byte) (meetd.OneTimeLink, error)
	RoutingFormByID(ctx context.Context, companyID, id string) (meetd.RoutingForm, error)
}

var _ Store = meetd.Store(nil)

// BookingRate is the default limit of POSTs (bookings, cancellations,
// reschedules, confirmations) per client address (--booking-rate-limit):
// a person books a few times an hour, a script that fills a calendar with
// fake bookings many times a second.
var BookingRate = ratelimit.Rate{Limit: 60, Per: time.Hour, Burst: 10}

// RatePerHour is the limit of n POSTs an hour per client address, at most
// 10 of them at once.
func RatePerHour(n int) ratelimit.Rate {
	return ratelimit.Rate{Limit: n, Per: time.Hour, Burst: min(n, 10)}
}

// Config is what the pages need. Store, Clock and Details are required.
type Config struct {
	Store Store
	Clock meetd.Clock
	Log   *slog.Logger
	// PublicURL is where the pages live (--public-url); the handler
	// serves the paths under its path.
	PublicURL string
	// TrustedProxies are believed about the client's address.
	TrustedProxies []netip.Prefix
	// Rate limits POSTs per client address; the zero value is BookingRate.
	Rate ratelimit.Rate
	// Details reads the booking request kept with a provisional booking
	// when its attendee confirms it: the API's reader
	// (httpapi.BookingDetailsOf), so a booking made on either surface is
	// confirmed the same way.
	Details func(json.RawMessage) (scheduling.BookingDetails, error)
	// Calendars, when set, re-checks a chosen slot live against the hosts'
	// connected calendars, as the API's bookings do (calsync.Live).
	Calendars scheduling.LiveCalendars
}

// Pages is the handler of the booking pages. Create it with New.
type Pages struct {
	cfg   Config
	log   *slog.Logger
	links links.Base
	// rel is links with the scheme and host cut off: the path prefix the
	// pages are served under.
	prefix string
	mux    *http.ServeMux
	cop    *http.CrossOriginProtection
	limit  *ratelimit.Limiter
	// views and running bound the GETs that compute free times
	// (viewlimit.go).
	views   *ratelimit.Limiter
	running chan struct{}
	sched   *scheduling.Service
}

// New returns the pages of cfg.
func New(cfg Config) *Pages {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Store == nil || cfg.Clock == nil || cfg.Details == nil {
		panic("pages: Config.Store, Clock and Details are required")
	}
	if cfg.Rate == (ratelimit.Rate{}) {
		cfg.Rate = BookingRate
	}
	p := &Pages{cfg: cfg, log: cfg.Log, links: links.New(cfg.PublicURL), mux: http.NewServeMux(),
		limit: ratelimit.New(cfg.Rate, cfg.Clock), views: ratelimit.New(PageViewRate, cfg.Clock),
		running: make(chan struct{}, viewsInFlight()), sched: &scheduling.Service{Store: cfg.Store, Clock: cfg.Clock, Calendars: cfg.Calendars}}
	if u, err := url.Parse(string(p.links)); err == nil {
		p.prefix = strings.TrimSuffix(u.Path, "/")
	}
	p.mux.HandleFunc("GET /{user}", p.userPage)
	p.mux.HandleFunc("GET /{user}/{type}", p.viewLimited(p.bookingPage))
	p.mux.HandleFunc("POST /{user}/{type}", p.limited(p.book))
	p.mux.HandleFunc("GET /1t/{token}", p.viewLimited(p.oneTimePage))
	p.mux.HandleFunc("POST /1t/{token}", p.limited(p.oneTimeBook))
	p.mux.HandleFunc("GET /appointment/{id}", p.appointmentPage)
	p.mux.HandleFunc("GET /appointment/{id}/invite.ics", p.invitation)
	p.mux.HandleFunc("GET /appointment/{id}/cancel", p.cancelPage)
	p.mux.HandleFunc("POST /appointment/{id}/cancel", p.limited(p.cancel))
	p.mux.HandleFunc("GET /appointment/{id}/reschedule", p.viewLimited(p.reschedulePage))
	p.mux.HandleFunc("POST /appointment/{id}/reschedule", p.limited(p.reschedule))
	p.mux.HandleFunc("GET /confirm/{id}", p.confirmPage)
	p.mux.HandleFunc("POST /confirm/{id}", p.limited(p.confirm))
	p.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p.fail(w, r, nil, errNotFound)
	})
	// A form posted from another site (a visitor's browser made to book or
	// cancel by someone else's page) is refused; a page framed by an
	// allowed origin posts to its own origin and passes.
	p.cop = http.NewCrossOriginProtection()
	p.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fail(w, r, nil, errCrossOrigin)
	}))
	return p
}

// ServeHTTP serves a page; r's path includes the public URL's path.
func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, p.prefix)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = path, ""
	r2.URL = &u
	if r2.Body != nil {
		r2.Body = http.MaxBytesReader(w, r2.Body, maxFormBytes)
	}
	p.cop.Handler(http.HandlerFunc(p.gate)).ServeHTTP(w, r2)
}

// gate is the pages' share of the API's input gate (httpapi/gate.go): the
// pages are reached through the API's catch-all, which the route table's
// gate does not cover. Every path, query and form value must be valid
// UTF-8 without NUL (PostgreSQL stores neither and answered a 500, SQLite
// stored them and served them back) and of bounded length; a form that
// cannot be read (too large) is refused too. The path is a 404 (no page
// has such an address), the rest a 400 page.
func (p *Pages) gate(w http.ResponseWriter, r *http.Request) {
	if !cleanText(r.URL.Path) {
		p.fail(w, r, nil, errNotFound)
		return
	}
	if err := r.ParseMultipartForm(maxFormBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		p.fail(w, r, nil, meetd.Errorf(meetd.EINVALID, "The form could not be read."))
		return
	}
	for key, values := range r.Form {
		for _, v := range append(values, key) {
			if !cleanText(v) || len(v) > maxValueBytes {
				p.fail(w, r, nil, meetd.Errorf(meetd.EINVALID, "The form or address holds text that is not valid (invalid characters, or too long)."))
				return
			}
		}
	}
	p.mux.ServeHTTP(w, r)
}

// maxValueBytes bounds one query or form value; the longest field, the
// booking form's notes, is 5000 characters.
const maxValueBytes = 4 * maxNotes

func cleanText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// maxFormBytes bounds a form's body: the booking form's fields are a few
// kilobytes at most.
const maxFormBytes = 64 << 10

// limited refuses a POST beyond the client address's rate with a 429 page.
func (p *Pages) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// By clientip.RateKey, as meetd's other limits: an IPv6 client
		// counts by its /64, which one host routinely holds whole.
		d := p.limit.Take(clientip.RateKey(p.ip(r)))
		if !d.Allowed {
			d.SetHeaders(w.Header())
			p.fail(w, r, nil, errTooMany)
			return
		}
		h(w, r)
	}
}

func (p *Pages) ip(r *http.Request) string {
	return clientip.Proxies(p.cfg.TrustedProxies).IP(r)
}

// actor is who changes an appointment from a page: the attendee, known by
// their address.
func (p *Pages) actor(r *http.Request) meetd.Actor {
	return meetd.Actor{IP: p.ip(r), Source: "attendee"}
}

// headers sets what every page sends: a CSP that lets only the company's
// origins frame it and only this response's nonce run, no Referer (the
// attendee's addresses carry secrets), and no caching of pages that may.
func headers(w http.ResponseWriter, nonce string, c *meetd.Company) {
	h := w.Header()
	frames := "'self'"
	if c != nil {
		frames = meetd.FrameAncestorsSource(c.FrameAncestors)
	}
	h.Set("Content-Security-Policy", "default-src 'none'; img-src https: data:; style-src 'nonce-"+nonce+
		"'; script-src 'nonce-"+nonce+"'; form-action 'self'; base-uri 'none'; frame-ancestors "+frames)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
