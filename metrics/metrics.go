// Package metrics is meetd's Prometheus instrumentation: request counts and
// latencies per route, principal-resolution failures per reason, requests
// per credential kind, rate-limit refusals and webhook delivery results, plus
// the Go runtime and process collectors.
//
// Every label value comes from a small fixed set or from the API's route
// patterns ("GET /v4/appointment/{id}", never the raw path), so no label
// ever carries a secret, an id or an email, and cardinality is bounded
// whatever clients send (docs/architecture.md#security-rules).
//
// A Metrics owns its own registry rather than the global one, so tests and
// several servers in one process stay isolated. All methods are safe on a
// nil *Metrics, which records nothing.
package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// Metric names, for documentation and tests.
const (
	NameHTTPRequests       = "meetd_http_requests_total"
	NameHTTPDuration       = "meetd_http_request_duration_seconds"
	NameAuthFailures       = "meetd_auth_failures_total"
	NameCredentialRequests = "meetd_credential_requests_total"
	NameRateLimited        = "meetd_rate_limited_total"
	NameWebhookDeliveries  = "meetd_webhook_deliveries_total"
)

// Unmatched is the route label of a request no API route matched.
const Unmatched = "unmatched"

// The reasons of meetd_auth_failures_total: one per step of principal
// resolution that can refuse a request
// (docs/architecture.md#principal-resolution).
const (
	ReasonMissing       = "missing"       // no Authorization header
	ReasonInvalid       = "invalid"       // malformed, unknown, wrong secret, revoked, deactivated, owner removed
	ReasonExpired       = "expired"       // past its expiry
	ReasonPlan          = "plan"          // the company's plan no longer allows the credential
	ReasonImpersonation = "impersonation" // a PAT naming another user in x-meetergo-api-user-id
	ReasonActingUser    = "acting_user"   // an API key's acting user: missing, not a UUID, or not a member
)

// Reasons are every value of meetd_auth_failures_total's reason label.
var Reasons = []string{ReasonMissing, ReasonInvalid, ReasonExpired, ReasonPlan, ReasonImpersonation, ReasonActingUser}

// The results of meetd_webhook_deliveries_total, one per attempt.
const (
	ResultDelivered = "delivered" // the receiver answered 2xx
	ResultFailed    = "failed"    // failed; will be retried
	ResultGone      = "gone"      // the receiver answered 410; subscription deleted
	ResultGaveUp    = "gave_up"   // failing for 24 hours; subscription disabled
)

// Results are every value of meetd_webhook_deliveries_total's result label.
var Results = []string{ResultDelivered, ResultFailed, ResultGone, ResultGaveUp}

// Metrics is the set of meetd's collectors on a private registry.
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
	credRequests *prometheus.CounterVec
	rateLimited  prometheus.Counter
	webhooks     *prometheus.CounterVec
	// patRequests and keyRequests are credRequests' two series, resolved
	// once: CredentialUsed runs on every authenticated request.
	patRequests, keyRequests prometheus.Counter
}

// New returns metrics registered on a new registry, with the Go runtime and
// process collectors. Every fixed label value starts at zero, so a
// dashboard sees the series before the first event.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameHTTPRequests,
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    NameHTTPDuration,
			Help:    "Time to serve an HTTP request, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameAuthFailures,
			Help: "Requests refused by principal resolution, by reason.",
		}, []string{"reason"}),
		credRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameCredentialRequests,
			Help: "Requests whose credential resolved to a principal, by credential kind.",
		}, []string{"kind"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: NameRateLimited,
			Help: "Requests answered 429 by a rate limit (per credential, or the kill-switch's per client IP).",
		}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: NameWebhookDeliveries,
			Help: "Webhook delivery attempts, by result.",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.authFailures, m.credRequests, m.rateLimited, m.webhooks,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range Reasons {
		m.authFailures.WithLabelValues(r)
	}
	m.patRequests = m.credRequests.WithLabelValues(string(meetd.KindPAT))
	m.keyRequests = m.credRequests.WithLabelValues(string(meetd.KindAPIKey))
	for _, r := range Results {
		m.webhooks.WithLabelValues(r)
	}
	return m
}

// Registry returns the registry the metrics live on, for adding collectors
// or gathering in tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRequest records one served request. route must be a route
// pattern, never a raw path ("" counts as Unmatched); method is reduced to
// the standard methods (anything else is "OTHER"), since clients choose it.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = Unmatched
	}
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200
	}
	method = Method(method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// Route is the series of one route pattern and method, for recording its
// requests without a label lookup each: make one per route when routes are
// registered. Like ObserveRequest, it creates a series on its first
// observation, never before. A nil *Route records nothing. It is safe for
// concurrent use.
type Route struct {
	m             *Metrics
	route, method string

	durationOnce sync.Once
	duration     prometheus.Observer
	// statuses holds the request counters by status seen so far: a route
	// answers few distinct statuses, so a scan of a small immutable slice
	// beats a map, and reading it takes no lock. mu serialises additions.
	statuses atomic.Pointer[[]statusCounter]
	mu       sync.Mutex
}

type statusCounter struct {
	status int
	c      prometheus.Counter
}

// Route returns the series of route and method, reduced as ObserveRequest
// reduces them; nil when m is nil.
func (m *Metrics) Route(route, method string) *Route {
	if m == nil {
		return nil
	}
	if route == "" {
		route = Unmatched
	}
	return &Route{m: m, route: route, method: Method(method)}
}

// Observe records one served request of the route, as ObserveRequest does.
func (rt *Route) Observe(status int, d time.Duration) {
	if rt == nil {
		return
	}
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200
	}
	rt.counter(status).Inc()
	rt.durationOnce.Do(func() { rt.duration = rt.m.duration.WithLabelValues(rt.route, rt.method) })
	rt.duration.Observe(d.Seconds())
}

// counter returns the request counter of status, resolving it on first use.
func (rt *Route) counter(status int) prometheus.Counter {
	if p := rt.statuses.Load(); p != nil {
		for _, sc := range *p {
			if sc.status == status {
				return sc.c
			}
		}
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	var old []statusCounter
	if p := rt.statuses.Load(); p != nil {
		old = *p
	}
	for _, sc := range old {
		if sc.status == status {
			return sc.c
		}
	}
	c := rt.m.requests.WithLabelValues(rt.route, rt.method, strconv.Itoa(status))
	grown := append(old[:len(old):len(old)], statusCounter{status, c})
	rt.statuses.Store(&grown)
	return c
}

// Method returns method if it is one of net/http's standard methods, and
// "OTHER" otherwise, so a client cannot mint label values.
func Method(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// AuthFailed records a principal-resolution refusal. Errors that are not
// one of principal resolution's answers (a store failure: a 500, counted by
// meetd_http_requests_total) are not counted.
func (m *Metrics) AuthFailed(err error) {
	if m == nil {
		return
	}
	if reason, ok := AuthFailureReason(err); ok {
		m.authFailures.WithLabelValues(reason).Inc()
	}
}

// AuthFailureReason maps an error of auth.Verifier.Resolve to its reason
// label, or reports false for an error that is not a refusal.
func AuthFailureReason(err error) (string, bool) {
	switch {
	case err == nil:
		return "", false
	case errors.Is(err, auth.ErrMissingAuthorization):
		return ReasonMissing, true
	case errors.Is(err, auth.ErrInvalidAPIKey), errors.Is(err, auth.ErrInvalidPAT):
		return ReasonInvalid, true
	case errors.Is(err, auth.ErrExpiredAPIKey), errors.Is(err, auth.ErrExpiredPAT):
		return ReasonExpired, true
	case meetd.ErrorCode(err) == meetd.EPLANLIMIT:
		return ReasonPlan, true
	case errors.Is(err, auth.ErrPATImpersonation):
		return ReasonImpersonation, true
	case errors.Is(err, auth.ErrActingUserMissing), errors.Is(err, auth.ErrActingUserNotUUID),
		errors.Is(err, auth.ErrActingUserForeign):
		return ReasonActingUser, true
	}
	return "", false
}

// CredentialUsed records a request whose credential resolved to a
// principal. Only the kind is a label: credential ids are unbounded.
func (m *Metrics) CredentialUsed(kind meetd.CredentialKind) {
	if m == nil {
		return
	}
	switch kind {
	case meetd.KindPAT:
		m.patRequests.Inc()
	case meetd.KindAPIKey:
		m.keyRequests.Inc()
	}
}

// RateLimited records a request refused by a rate limit.
func (m *Metrics) RateLimited() {
	if m == nil {
		return
	}
	m.rateLimited.Inc()
}

// WebhookResult records the outcome of one webhook delivery attempt. Its
// signature fits webhook.Worker's Observe hook.
func (m *Metrics) WebhookResult(o meetd.WebhookOutcome) {
	if m == nil {
		return
	}
	var result string
	switch o {
	case meetd.WebhookDelivered:
		result = ResultDelivered
	case meetd.WebhookRetry:
		result = ResultFailed
	case meetd.WebhookGone:
		result = ResultGone
	case meetd.WebhookGiveUp:
		result = ResultGaveUp
	default:
		return
	}
	m.webhooks.WithLabelValues(result).Inc()
}
