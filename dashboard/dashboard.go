// Package dashboard is meetd's web dashboard (docs/dashboard.md), served by
// the same process as the API under /dashboard/: first-run setup, sign-in
// with email and password, Integrations → API (a user's personal access
// tokens), Settings → API (the company's platform API keys), Users, the
// audit log, Usage and the signed-in user's account.
//
// Pages are rendered on the server with html/template; templates, CSS and the
// one small script (the copy button) are embedded in the binary. Every page
// works without JavaScript. Sessions live in meetd's database (scs with
// sqldb's session store); every state-changing request passes Go's
// http.CrossOriginProtection; sign-in is rate-limited per client address and
// per email, never locking an account out of the addresses it signs in from.
package dashboard

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/calsync"
)

// Prefix is where the dashboard lives.
const Prefix = "/dashboard/"

// SessionStore keeps sessions: scs's store interface with contexts, plus a
// sweep of expired rows. *sqldb.SessionStore implements it. A deleted
// session must stay deleted: a later CommitCtx of its token (a request that
// loaded it before the sign-out) must not bring it back, and should return
// an error with a method SessionEnded() bool reporting true, so its cookie
// is not sent again.
type SessionStore interface {
	scs.CtxStore
	DeleteExpired(ctx context.Context) (int64, error)
}

// Config is what a Dashboard needs. Store, Sessions and Clock are
// required. A write the dashboard makes reaches the API's credential cache
// through the store's change hook (see sqldb.DB.OnChange), as every write
// does.
type Config struct {
	Store    meetd.Store
	Sessions SessionStore
	// Usage, when set, supplies last-used times not yet flushed to the
	// database, so the lists show uses of the last seconds.
	Usage *auth.Usage
	Clock meetd.Clock
	Log   *slog.Logger
	// SecureCookies marks the session cookie Secure on every response. It is
	// marked Secure anyway on requests that arrived over TLS (directly or
	// through a trusted proxy that says so).
	SecureCookies bool
	// RequireHTTPS refuses the dashboard over plain HTTP (a password is a
	// credential too).
	RequireHTTPS bool
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// LoginRate limits sign-in attempts per client address (an IPv6 /64
	// counts as one) and per email; the zero value means DefaultLoginRate.
	LoginRate Rate
	// IdleTimeout and Lifetime bound a session; zero means 12 hours idle and
	// 7 days absolute.
	IdleTimeout, Lifetime time.Duration
	// Passwords are the argon2id parameters of the password hashes the
	// dashboard makes; the zero value means auth.DefaultPasswordParams.
	// Stored hashes verify whatever their parameters, so only tests set
	// cheaper ones.
	Passwords auth.PasswordParams
	// Calendars connects the users' calendars (calsync); nil shows the
	// Calendars page with the notice that the operator has set no key.
	Calendars *calsync.Service
	// MailOn says that this process sends e-mail (serve --smtp-url). When
	// it is false the Outbox page explains that messages wait as pending
	// until meetd runs with an SMTP server; when true it does not.
	MailOn bool
}

// Session timeouts by default.
const (
	DefaultIdleTimeout = 12 * time.Hour
	DefaultLifetime    = 7 * 24 * time.Hour
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "meetd_session"

// Dashboard serves the web UI. Create it with New.
type Dashboard struct {
	cfg     Config
	log     *slog.Logger
	issuer  *auth.Issuer
	sm      *scs.SessionManager
	pages   *pages
	logins  *limiter      // per client address (clientip.RateKey)
	emails  *limiter      // sign-in attempts per email, refunded on success
	known   *knownClients // prefixes that signed in to an account before
	hashing chan struct{}
	// dummyHash is checked against when a sign-in names an unknown email;
	// made once, with cfg.Passwords, so it costs what a real check costs.
	dummyOnce sync.Once
	dummyHash string
	handler   http.Handler
}

// New returns a dashboard for cfg.
func New(cfg Config) *Dashboard {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.LoginRate == (Rate{}) {
		cfg.LoginRate = DefaultLoginRate
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = DefaultLifetime
	}
	sm := scs.New()
	sm.Store = cfg.Sessions
	sm.IdleTimeout, sm.Lifetime = cfg.IdleTimeout, cfg.Lifetime
	sm.Cookie.Name = SessionCookie
	sm.Cookie.Path = "/dashboard"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	d := &Dashboard{
		cfg:     cfg,
		log:     cfg.Log,
		issuer:  &auth.Issuer{Store: cfg.Store, Clock: cfg.Clock},
		sm:      sm,
		pages:   loadPages(),
		logins:  newLimiter(cfg.LoginRate, cfg.Clock),
		emails:  newLimiter(cfg.LoginRate, cfg.Clock),
		known:   newKnownClients(cfg.Clock),
		hashing: make(chan struct{}, maxConcurrentHashes),
	}
	d.handler = d.routes()
	return d
}

// Handler serves everything under /dashboard/.
func (d *Dashboard) Handler() http.Handler { return d.handler }

// Mount registers the dashboard on mux: /dashboard/, a redirect from
// /dashboard to it, and one from the site's root (GET /), so a person who
// opens the server's address in a browser finds the dashboard rather than
// the API's JSON 404. Every other path stays the API's.
func (d *Dashboard) Mount(mux *http.ServeMux) {
	mux.Handle(Prefix, d.Handler())
	mux.Handle("/dashboard", http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	mux.Handle("GET /{$}", http.RedirectHandler(Prefix, http.StatusFound))
}

// Run deletes expired sessions every interval until ctx is done.
func (d *Dashboard) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := d.cfg.Sessions.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				d.log.Warn("deleting expired dashboard sessions failed", "err", err)
			} else if n > 0 {
				d.log.Debug("deleted expired dashboard sessions", "count", n)
			}
		}
	}
}

func (d *Dashboard) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /dashboard/static/", staticHandler())

	app := http.NewServeMux()
	app.HandleFunc("GET /dashboard/{$}", d.home)
	app.HandleFunc("GET /dashboard/setup", d.setupForm)
	app.HandleFunc("POST /dashboard/setup", d.setup)
	app.HandleFunc("GET /dashboard/login", d.loginForm)
	app.HandleFunc("POST /dashboard/login", d.login)
	app.HandleFunc("POST /dashboard/logout", d.logout)

	app.Handle("GET /dashboard/integrations", d.signedIn(false, d.tokens))
	app.Handle("POST /dashboard/integrations/tokens", d.signedIn(false, d.createToken))
	app.Handle("GET /dashboard/integrations/tokens/{id}/revoke", d.signedIn(false, d.confirmRevokeToken))
	app.Handle("POST /dashboard/integrations/tokens/{id}/revoke", d.signedIn(false, d.revokeToken))

	app.Handle("GET /dashboard/settings/api", d.signedIn(true, d.apiKeys))
	app.Handle("POST /dashboard/settings/api/keys", d.signedIn(true, d.createAPIKey))
	app.Handle("GET /dashboard/settings/api/keys/{id}/{action}", d.signedIn(true, d.confirmAPIKey))
	app.Handle("POST /dashboard/settings/api/keys/{id}/{action}", d.signedIn(true, d.changeAPIKey))

	app.Handle("GET /dashboard/settings/booking-pages", d.signedIn(true, d.bookingPages))
	app.Handle("POST /dashboard/settings/booking-pages", d.signedIn(true, d.setFrameAncestors))

	app.Handle("GET /dashboard/users", d.signedIn(true, d.users))
	app.Handle("POST /dashboard/users", d.signedIn(true, d.addUser))
	app.Handle("GET /dashboard/users/{id}/remove", d.signedIn(true, d.confirmRemoveUser))
	app.Handle("POST /dashboard/users/{id}/remove", d.signedIn(true, d.removeUser))

	app.Handle("GET /dashboard/audit", d.signedIn(true, d.audit))
	app.Handle("GET /dashboard/usage", d.signedIn(true, d.usage))
	app.Handle("GET /dashboard/outbox", d.signedIn(true, d.outbox))

	app.Handle("GET /dashboard/calendars", d.signedIn(false, d.calendars))
	app.Handle("POST /dashboard/calendars", d.signedIn(false, d.connectCalendar))
	app.Handle("POST /dashboard/calendars/{id}/calendars", d.signedIn(false, d.pickCalendars))
	app.Handle("POST /dashboard/calendars/{id}/test", d.signedIn(false, d.testCalendar))
	app.Handle("POST /dashboard/calendars/{id}/remove", d.signedIn(false, d.removeCalendar))

	app.Handle("GET /dashboard/account", d.signedIn(false, d.account))
	app.Handle("POST /dashboard/account/password", d.signedIn(false, d.changePassword))
	app.Handle("POST /dashboard/account/calendar-feed", d.signedIn(false, d.createCalendarFeed))
	app.Handle("POST /dashboard/account/calendar-feed/revoke", d.signedIn(false, d.revokeCalendarFeed))

	app.HandleFunc("/dashboard/", func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, r, nil, http.StatusNotFound, "Page not found", "There is no dashboard page at this address.")
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, r, nil, http.StatusForbidden, "Cross-origin request refused",
			"This form was sent from another site, so it was not processed. Open the dashboard directly and try again.")
	}))
	mux.Handle(Prefix, cop.Handler(d.limitBody(d.sessions(app))))
	return d.headers(d.httpsOnly(mux))
}

// maxFormBytes bounds a dashboard form body.
const maxFormBytes = 64 << 10

func (d *Dashboard) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// headers sets the security headers every dashboard response carries. Pages
// are never cached: they show credential metadata, and right after a
// create, the secret itself.
func (d *Dashboard) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if !isStatic(r) {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// httpsOnly refuses plain HTTP when the operator requires HTTPS.
func (d *Dashboard) httpsOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.cfg.RequireHTTPS && !d.secure(r) && !isStatic(r) {
			d.fail(w, r, nil, http.StatusForbidden, "HTTPS is required",
				"This server accepts passwords only over HTTPS. Open the dashboard with an https:// address.")
			return
		}
		next.ServeHTTP(w, r)
	})
}
