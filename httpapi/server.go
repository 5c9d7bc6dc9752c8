// Package httpapi serves meetd's v4 API on net/http: the routes, principal
// resolution per request, the one error funnel (errors.go), request logging
// that carries credential and acting-user ids and never a secret, and the
// OpenAPI document at /v4/openapi.yaml.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/api"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/metrics"
)

// Config is what a Server needs. Store, Verifier and Clock are required.
type Config struct {
	Store    meetd.Store
	Verifier *auth.Verifier
	Usage    *auth.Usage
	Clock    meetd.Clock
	Log      *slog.Logger
	// PublicURL is where booking pages live; bookingUrl fields are
	// PublicURL + "/" + userSlug + "/" + meetingTypeSlug.
	PublicURL string
	// RequireHTTPS refuses credentials that arrive over plain HTTP.
	RequireHTTPS bool
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// RateLimit is the per-credential limit; the zero value means
	// DefaultRateLimit.
	RateLimit RateLimit
	// WebhookAllowPrivate lets webhook targets be plain http and private
	// addresses (--webhook-allow-private).
	WebhookAllowPrivate bool
	// Metrics, when set, records Prometheus metrics (package metrics); nil
	// records none.
	Metrics *metrics.Metrics
}

// Server is the v4 API. Create it with New.
type Server struct {
	cfg       Config
	log       *slog.Logger
	mux       *http.ServeMux
	perCred   *limiter
	killLimit *limiter
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.RateLimit == (RateLimit{}) {
		cfg.RateLimit = DefaultRateLimit
	}
	s := &Server{cfg: cfg, log: cfg.Log, mux: http.NewServeMux(),
		perCred:   newLimiter(cfg.RateLimit, cfg.Clock),
		killLimit: newLimiter(KillSwitchRateLimit, cfg.Clock),
	}
	s.routes()
	return s
}

// Handler returns the root handler with logging and panic recovery.
func (s *Server) Handler() http.Handler { return s.logged(s.mux) }

// Mux returns the route multiplexer, so other surfaces (the dashboard) can
// be mounted beside the API.
func (s *Server) Mux() *http.ServeMux { return s.mux }

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /v4/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(api.OpenAPI)
	})
	s.mux.HandleFunc("POST /v4/credentials/revoke", s.revokeLeaked)

	s.mux.Handle("GET /v4/user/me", s.authed(false, s.getMe))
	s.mux.Handle("GET /v4/user", s.authed(true, s.listUsers))
	s.mux.Handle("POST /v4/user", s.authed(false, s.idempotent(s.createUser, nil)))
	s.mux.Handle("PATCH /v4/user/{id}", s.authed(true, s.updateUser))
	s.mux.Handle("DELETE /v4/user/{id}", s.authed(true, s.deleteUser))
	s.mux.Handle("GET /v4/credential/current", s.authed(false, s.currentCredential))

	s.mux.Handle("GET /v4/meeting-type", s.authed(true, s.listMeetingTypes))
	s.mux.Handle("POST /v4/meeting-type", s.authed(true, s.createMeetingType))
	s.mux.Handle("GET /v4/meeting-type/{id}", s.authed(true, s.getMeetingType))
	s.mux.Handle("PATCH /v4/meeting-type/{id}", s.authed(true, s.updateMeetingType))
	s.mux.Handle("DELETE /v4/meeting-type/{id}", s.authed(true, s.deleteMeetingType))

	s.mux.Handle("GET /v4/availability", s.authed(true, s.listAvailabilities))
	s.mux.Handle("POST /v4/availability", s.authed(true, s.createAvailability))
	s.mux.Handle("GET /v4/availability/{id}", s.authed(true, s.getAvailability))
	s.mux.Handle("PATCH /v4/availability/{id}", s.authed(true, s.updateAvailability))
	s.mux.Handle("DELETE /v4/availability/{id}", s.authed(true, s.deleteAvailability))
	s.mux.Handle("GET /v4/availability/{id}/exceptions", s.authed(true, s.listExceptions))
	s.mux.Handle("POST /v4/availability/{id}/exceptions", s.authed(true, s.createException))
	s.mux.Handle("DELETE /v4/availability/{id}/exceptions/{exceptionId}", s.authed(true, s.deleteException))

	s.mux.Handle("GET /v4/booking-availability", s.authed(false, s.bookingAvailability))
	s.mux.Handle("POST /v4/booking", s.authed(false, s.idempotent(s.createBooking, s.reissueConfirmation)))
	s.mux.HandleFunc("GET /v4/public/provisional-booking/{id}/confirm", s.confirmProvisional)

	s.mux.Handle("GET /v4/appointment/paginated", s.authed(true, s.listAppointments))
	s.mux.Handle("GET /v4/appointment/today", s.authed(true, s.todaysAppointments))
	s.mux.Handle("GET /v4/appointment/{id}", s.authed(true, s.getAppointment))
	s.mux.Handle("POST /v4/appointment/{id}/cancel", s.authed(true, s.cancelAppointment))
	s.mux.Handle("DELETE /v4/appointment/{id}", s.authed(true, s.cancelAppointment))
	s.mux.Handle("POST /v4/appointment/{id}/reschedule", s.authed(true, s.rescheduleAppointment))
	s.mux.HandleFunc("POST /v4/public/appointment/{id}/cancel", s.publicCancel)
	s.mux.HandleFunc("POST /v4/public/appointment/{id}/reschedule", s.publicReschedule)
	s.mux.Handle("GET /v4/provisional-booking/paginated", s.authed(true, s.listProvisional))

	s.mux.Handle("PATCH /v4/queue/meeting-type/{id}", s.authed(true, s.updateQueue))
	s.mux.Handle("GET /v4/queue/{id}", s.authed(true, s.getQueue))
	s.mux.Handle("GET /v4/queue/{id}/next", s.authed(true, s.nextHosts))

	s.mux.Handle("GET /v4/usage", s.authed(false, s.usage))
	s.mux.Handle("POST /v4/gdpr/export", s.authed(false, s.createGDPRExport))
	s.mux.Handle("GET /v4/gdpr/export/{id}", s.authed(true, s.getGDPRExport))

	s.mux.Handle("POST /webhooks", s.authed(false, s.createWebhook))
	s.mux.Handle("GET /webhooks", s.authed(false, s.listWebhooks))
	s.mux.Handle("PATCH /webhooks/{id}", s.authed(false, s.updateWebhook))
	s.mux.Handle("DELETE /webhooks/{id}", s.authed(false, s.deleteWebhook))

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{StatusCode: http.StatusNotFound,
			Message: "Cannot " + r.Method + " " + r.URL.Path, Error: "Not Found"})
	})
}

// handlerFunc is an authenticated handler: it gets the resolved principal.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p meetd.Principal) error

// authed wraps h with principal resolution (DESIGN §4), HTTPS enforcement
// and the per-credential rate limit. needsUser says whether an API key must
// name its acting user on this route.
func (s *Server) authed(needsUser bool, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.RequireHTTPS && !s.secure(r) {
			writeError(w, r, meetd.Errorf(meetd.EFORBIDDEN, "HTTPS is required"))
			return
		}
		p, err := s.cfg.Verifier.Resolve(r.Context(), auth.Request{
			Authorization: r.Header.Get("Authorization"),
			ActingUser:    strings.TrimSpace(r.Header.Get("X-Meetergo-Api-User-Id")),
			NeedsUser:     needsUser,
			IP:            s.clientIP(r),
		})
		if err != nil {
			s.cfg.Metrics.AuthFailed(err)
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
// proxy that says so.
func (s *Server) secure(r *http.Request) bool {
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

// requestInfo is filled in while a request is served and logged at its end.
type requestInfo struct {
	id           string
	ip           string
	status       int
	credentialID string
	actingUserID string
	log          *slog.Logger
}

type ctxKey struct{}

func infoOf(r *http.Request) *requestInfo {
	info, _ := r.Context().Value(ctxKey{}).(*requestInfo)
	return info
}

// logger returns the request's logger (carrying its id), or the default.
func logger(r *http.Request) *slog.Logger {
	if info := infoOf(r); info != nil {
		return info.log.With("credential_id", info.credentialID, "acting_user_id", info.actingUserID)
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
// logs one line per request. It logs the path but never headers or bodies,
// where secrets travel.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: requestID(), ip: clientip.Proxies(s.cfg.TrustedProxies).IP(r)}
		info.log = s.log.With("request_id", info.id)
		w.Header().Set("X-Request-Id", info.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
		defer func() {
			if v := recover(); v != nil {
				logger(r).Error("panic", "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeError(sw, r, meetd.Errorf(meetd.EINTERNAL, "Internal server error"))
				}
			}
			logger(r).Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"duration_ms", time.Since(start).Milliseconds(), "ip", s.clientIP(r))
			s.observe(r, sw.status, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
