// Package httpapi serves meetd's v4 API on net/http: the routes, principal
// resolution per request, the one error funnel (errors.go), request logging
// that carries credential and acting-user ids and never a secret, and the
// OpenAPI document at /v4/openapi.yaml.
//
// Every route is one row of a table (routes.go): method, pattern, who may
// call it (an Access: Public, Credential or ActingUser) and its handler.
// The server registers the table and nothing else but a catch-all 404;
// Routes exposes the rows without handlers, so the tests check each route
// against api/openapi.yaml, another company's objects and the logs, and a
// new route cannot be left out of any of them.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/metrics"
	"github.com/meetd/meetd/ratelimit"
)

// Config is what a Server needs. Store, Verifier and Clock are required.
type Config struct {
	Store    meetd.Store
	Verifier *auth.Verifier
	Usage    *auth.Usage
	Clock    meetd.Clock
	Log      *slog.Logger
	// RequestLog, when set, receives each request's line (when Log lets
	// info through) as one Write, byte for byte the line a
	// slog.NewJSONHandler without attributes or groups writes for it: it
	// is the writer of Log's JSON handler, and the line skips slog's record
	// machinery. Unset, the line goes through Log.
	RequestLog io.Writer
	// PublicURL is where booking pages live; bookingUrl fields are
	// PublicURL + "/" + userSlug + "/" + meetingTypeSlug.
	PublicURL string
	// Pages, when set, serves the paths under PublicURL's path that no
	// route of the API or the dashboard claims: the booking pages. Paths
	// of the API (/v4/…, /webhooks…) keep the API's JSON 404.
	Pages http.Handler
	// RequireHTTPS refuses credentials that arrive over plain HTTP.
	RequireHTTPS bool
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// RateLimit is the per-credential limit; the zero value means
	// DefaultRateLimit.
	RateLimit RateLimit
	// KillSwitchRateLimit is the kill-switch's limit per client IP; the
	// zero value means the package variable of that name (10 a minute,
	// bursts of 20).
	KillSwitchRateLimit RateLimit
	// WebhookAllowPrivate lets webhook targets be plain http and private
	// addresses (--webhook-allow-private).
	WebhookAllowPrivate bool
	// Metrics, when set, records Prometheus metrics (package metrics); nil
	// records none.
	Metrics *metrics.Metrics
	// Ready are the checks of GET /readyz; none means it answers "ok" as
	// soon as the server runs.
	Ready []ReadyCheck
	// Concurrency bounds the expensive requests in flight; zero fields
	// mean DefaultConcurrency's.
	Concurrency Concurrency
	// Calendars connects users' calendars (calsync); nil answers every
	// create and change with calsync.ErrNoKey.
	Calendars *calsync.Service
}

// Server is the v4 API. Create it with New.
type Server struct {
	cfg       Config
	log       *slog.Logger
	mux       *http.ServeMux
	perCred   *limiter
	killLimit *limiter
	authFail  *limiter  // failed authentications per client IP (authfail.go)
	inflight  *inflight // expensive requests in flight (concurrency.go)
	// quickMailLimit bounds quick mail per acting user (appointment_extras.go).
	quickMailLimit *ratelimit.Limiter
	// pagesPath is where the booking pages live (pages.go).
	pagesPath string
	// formSendLimit bounds routing form sends per acting user (routingforms.go).
	formSendLimit *ratelimit.Limiter
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.RateLimit == (RateLimit{}) {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.KillSwitchRateLimit == (RateLimit{}) {
		cfg.KillSwitchRateLimit = KillSwitchRateLimit
	}
	s := &Server{cfg: cfg, log: cfg.Log, mux: http.NewServeMux(),
		perCred:   newLimiter(cfg.RateLimit, cfg.Clock),
		killLimit: newLimiter(cfg.KillSwitchRateLimit, cfg.Clock),
		authFail:  newLimiter(AuthFailureRateLimit, cfg.Clock),
		inflight:  newInflight(cfg.Concurrency),
	}
	s.quickMailLimit = ratelimit.New(QuickMailRate, cfg.Clock)
	s.pagesPath = pagesPathOf(cfg.PublicURL)
	s.formSendLimit = ratelimit.New(FormSendRate, cfg.Clock)
	s.routes()
	return s
}

// Handler returns the root handler with logging and panic recovery.
func (s *Server) Handler() http.Handler { return s.logged(s.mux) }

// Mux returns the route multiplexer, so other surfaces (the dashboard) can
// be mounted beside the API.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// handlerFunc is an authenticated handler: it gets the resolved principal.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p meetd.Principal) error

// authed wraps h with HTTPS enforcement, principal resolution and the
// per-credential rate limit. access is Credential or ActingUser: the latter
// makes an API key name its acting user.
func (s *Server) authed(access Access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.RequireHTTPS && !s.secure(r) {
			writeError(w, r, meetd.Errorf(meetd.EFORBIDDEN, "HTTPS is required"))
			return
		}
		if !s.authGate(w, r) {
			return
		}
		p, err := s.cfg.Verifier.Resolve(r.Context(), auth.Request{
			Authorization: r.Header.Get("Authorization"),
			ActingUser:    strings.TrimSpace(r.Header.Get("X-Meetergo-Api-User-Id")),
			NeedsUser:     access == ActingUser,
			IP:            s.clientIP(r),
		})
		if err != nil {
			s.cfg.Metrics.AuthFailed(err)
			s.authFailed(r, err)
			writeError(w, r, err)
			return
		}
		s.cfg.Metrics.CredentialUsed(p.CredentialKind)
		if info := infoOf(r); info != nil {
			info.credentialID, info.actingUserID = p.CredentialID, p.User.ID
		}
		if !s.perCred.allow(w, p.CredentialID) {
			s.cfg.Metrics.RateLimited()
			writeError(w, r, errRateLimited)
			return
		}
		if err := h(w, r, p); err != nil {
			writeError(w, r, err)
		}
	})
}

// secure reports whether r arrived over TLS, directly or through a trusted
// proxy that says so. It is decided once per request (by logged).
func (s *Server) secure(r *http.Request) bool {
	if info := infoOf(r); info != nil {
		return info.secure
	}
	return clientip.Proxies(s.cfg.TrustedProxies).Secure(r)
}

// clientIP is the client's address, believing only trusted proxies. It is
// read once per request (by logged) and reused by authentication, the
// handlers' audit records and the log line.
func (s *Server) clientIP(r *http.Request) string {
	if info := infoOf(r); info != nil {
		return info.ip
	}
	return clientip.Proxies(s.cfg.TrustedProxies).IP(r)
}

// requestInfo is what logged keeps for one request, filled in while it is
// served and logged at its end. It is the request's context as well (so no
// context.WithValue) and holds the status writer and the values of the
// headers every response gets, so that serving a request costs one
// allocation here rather than one per part.
type requestInfo struct {
	context.Context
	sw           statusWriter
	id           string
	ip           string
	secure       bool
	credentialID string
	actingUserID string
	log          *slog.Logger
	// route is the matched route's metrics (set by measured), nil when no
	// route of the table matched.
	route *metrics.Route
	// headers back X-Request-Id and X-Content-Type-Options: one value
	// each, capacity one, so an Add elsewhere copies rather than writes here.
	headers [2]string
}

type ctxKey struct{}

// Value returns the requestInfo itself for ctxKey, else asks the parent.
func (info *requestInfo) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return info
	}
	return info.Context.Value(key)
}

func infoOf(r *http.Request) *requestInfo {
	if info, ok := r.Context().(*requestInfo); ok {
		return info
	}
	info, _ := r.Context().Value(ctxKey{}).(*requestInfo)
	return info
}

// logger returns the request's logger (carrying its ids), or the default.
// It is built when asked for, on the paths that log, never per request.
func logger(r *http.Request) *slog.Logger {
	if info := infoOf(r); info != nil {
		return info.log.With("request_id", info.id, "credential_id", info.credentialID, "acting_user_id", info.actingUserID)
	}
	return slog.Default()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged gives each request an id, recovers panics into a logged 500, and
// logs one line per request (when the logger's level lets info through:
// the line is not even built otherwise). It logs the path but never
// headers or bodies, where secrets travel.
func (s *Server) logged(next http.Handler) http.Handler {
	proxies := clientip.Proxies(s.cfg.TrustedProxies)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{Context: r.Context(), id: requestID(), ip: proxies.IP(r), secure: proxies.Secure(r), log: s.log}
		info.sw.ResponseWriter = w
		info.headers = [2]string{info.id, "nosniff"}
		h := w.Header()
		h["X-Request-Id"] = info.headers[0:1:1]
		s.securityHeaders(h, info)
		sw := &info.sw
		r = r.WithContext(info)
		defer func() {
			if v := recover(); v != nil {
				logger(r).Error("panic", "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeError(sw, r, meetd.Errorf(meetd.EINTERNAL, "Internal server error"))
				}
			}
			d := time.Since(start)
			if s.cfg.RequestLog != nil && s.log.Enabled(context.Background(), slog.LevelInfo) {
				bp := linePool.Get().(*[]byte)
				*bp = appendRequestLine((*bp)[:0], requestLine{at: start.Add(d), id: info.id, credential: info.credentialID,
					acting: info.actingUserID, method: r.Method, path: s.loggedPath(r.URL.Path), status: sw.status,
					durationMS: d.Milliseconds(), ip: info.ip})
				_, _ = s.cfg.RequestLog.Write(*bp)
				linePool.Put(bp)
			} else if h := s.log.Handler(); h.Enabled(context.Background(), slog.LevelInfo) {
				// The record goes to the handler directly: Logger.LogAttrs
				// would also walk the stack for a source position that
				// no handler here prints, a microsecond per request.
				rec := slog.NewRecord(start.Add(d), slog.LevelInfo, "request", 0)
				rec.AddAttrs(slog.String("request_id", info.id), slog.String("credential_id", info.credentialID),
					slog.String("acting_user_id", info.actingUserID),
					slog.String("method", r.Method), slog.String("path", s.loggedPath(r.URL.Path)), slog.Int("status", sw.status),
					slog.Int64("duration_ms", d.Milliseconds()), slog.String("ip", info.ip))
				_ = h.Handle(context.Background(), rec)
			}
			s.observe(r, info, d)
		}()
		next.ServeHTTP(sw, r)
	})
}

// requestIDs numbers requests: each id is the next value of a counter that
// starts at a random point, passed through a bijective mix (SplitMix64's
// finalizer) so that ids look random and do not tell clients how many
// requests the node serves. Ids of one process never repeat; ids of
// different processes start 64 random bits apart.
var requestIDs atomic.Uint64

func init() {
	var b [8]byte
	_, _ = rand.Read(b[:])
	requestIDs.Store(binary.LittleEndian.Uint64(b[:]))
}

// requestID returns the next request id: 16 lowercase hex digits.
func requestID() string {
	z := requestIDs.Add(0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[z&0xf]
		z >>= 4
	}
	return string(b[:])
}
