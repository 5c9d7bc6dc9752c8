package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// Delivery policy.
const (
	// Timeout bounds one delivery attempt; resolving and connecting take
	// at most ConnectTimeout of it.
	Timeout = 10 * time.Second
	// FirstRetry is the wait after the first failure; each further
	// failure doubles it, up to MaxRetry.
	FirstRetry = 30 * time.Second
	MaxRetry   = time.Hour
	// RetryWindow is how long after its first attempt a delivery is
	// retried before the subscription is disabled.
	RetryWindow = 24 * time.Hour
	// UserAgent is sent with every delivery.
	UserAgent = "meetd-webhooks/1"
)

// ExpiryThresholds are when credential_expiring fires before an expiry.
var ExpiryThresholds = []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}

// Backoff is the wait after the attempt-th failure (1-based), before
// jitter: 30 s, 1 min, 2 min, … capped at 1 h.
func Backoff(attempt int) time.Duration {
	d := FirstRetry
	for i := 1; i < attempt && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// Jitter spreads retries of many deliveries that failed together: a
// random duration in [3/4 d, d], so the cap holds.
func Jitter(d time.Duration) time.Duration {
	q := int64(d / 4)
	if q <= 0 {
		return d
	}
	return d - time.Duration(rand.Int64N(q+1))
}

// Schedule decides what follows a failed attempt made at now: the time
// of the next attempt, or giveUp once RetryWindow has passed since the
// first attempt. A retry never lands past the window: the last one is at
// its end.
func Schedule(first, now time.Time, attempt int, jitter func(time.Duration) time.Duration) (next time.Time, giveUp bool) {
	deadline := first.Add(RetryWindow)
	if !now.Before(deadline) {
		return time.Time{}, true
	}
	if jitter == nil {
		jitter = Jitter
	}
	next = now.Add(jitter(Backoff(attempt)))
	if next.After(deadline) {
		next = deadline
	}
	return next, false
}

// Store is what the worker needs of meetd's store.
type Store interface {
	ClaimWebhookDeliveries(ctx context.Context, limit int, lease time.Duration) ([]meetd.WebhookDelivery, error)
	FinishWebhookDelivery(ctx context.Context, r meetd.WebhookResult) error
	EnqueueExpiringCredentials(ctx context.Context, thresholds []time.Duration) (int, error)
	PruneWebhookEvents(ctx context.Context, before time.Time) error
}

// Worker drains the webhook outbox. Any number of workers (one per meetd
// serve process) may run against one database: a claim leases a delivery
// to one worker, and a report for an attempt that is no longer current is
// ignored.
type Worker struct {
	Store Store
	Clock meetd.Clock
	Log   *slog.Logger
	// Guard checks every target again at delivery time and is the dialer
	// of the default client.
	Guard Guard
	// Client defaults to one that dials through Guard, uses no proxy and
	// follows no redirect.
	Client *http.Client
	// Jitter defaults to Jitter; tests pass the identity.
	Jitter func(time.Duration) time.Duration
	// Batch is how many deliveries one claim takes (default 20);
	// Parallel how many are sent at once (default 8).
	Batch, Parallel int
	// Observe, when set, is told the outcome of every attempt (metrics).
	Observe func(meetd.WebhookOutcome)

	once   sync.Once
	client *http.Client
}

func (w *Worker) init() {
	w.once.Do(func() {
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
		if w.Clock == nil {
			w.Clock = meetd.SystemClock{}
		}
		if w.Batch <= 0 {
			w.Batch = 20
		}
		if w.Parallel <= 0 {
			w.Parallel = 8
		}
		w.client = w.Client
		if w.client == nil {
			w.client = &http.Client{
				Transport: &http.Transport{Proxy: nil, DialContext: w.Guard.DialContext, ForceAttemptHTTP2: true,
					MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 5 * time.Second,
					ResponseHeaderTimeout: Timeout},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
		}
	})
}

// lease is how long a claimed delivery is reserved for its worker: longer
// than an attempt can take, short enough that a crashed node's claims are
// soon retried.
const lease = Timeout + 50*time.Second

// Deliver sends every due delivery once, and returns how many attempts it
// made. Deliveries continue when ctx is cancelled (each is bounded by
// Timeout), so a shutdown never loses a result it already has.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	w.init()
	total := 0
	for {
		ds, err := w.Store.ClaimWebhookDeliveries(ctx, w.Batch, lease)
		if err != nil {
			return total, err
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, w.Parallel)
		for _, d := range ds {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				w.deliver(context.WithoutCancel(ctx), d)
			})
		}
		wg.Wait()
		total += len(ds)
		if len(ds) < w.Batch || ctx.Err() != nil {
			return total, nil
		}
	}
}

// deliver makes one attempt and reports it.
func (w *Worker) deliver(ctx context.Context, d meetd.WebhookDelivery) {
	status, errText := w.send(ctx, d)
	now := w.Clock.Now()
	r := meetd.WebhookResult{DeliveryID: d.ID, Attempt: d.Attempt, Endpoint: d.Endpoint, Status: status, Error: errText}
	log := w.Log.With("webhook_id", d.WebhookID, "event_id", d.EventID, "event_type", d.EventType,
		"attempt", d.Attempt, "status", status)
	switch {
	case status >= 200 && status < 300:
		r.Outcome = meetd.WebhookDelivered
		log.Debug("webhook delivered")
	case status == http.StatusGone:
		r.Outcome = meetd.WebhookGone
		log.Info("webhook endpoint answered 410 Gone: subscription deleted")
	default:
		next, giveUp := Schedule(d.FirstAttemptAt, now, d.Attempt, w.Jitter)
		if giveUp {
			r.Outcome = meetd.WebhookGiveUp
			log.Warn("webhook failing for 24 hours: subscription disabled", "err", errText)
		} else {
			r.Outcome, r.NextAttemptAt = meetd.WebhookRetry, next
			log.Info("webhook delivery failed; will retry", "err", errText, "next_attempt_at", next)
		}
	}
	if w.Observe != nil {
		w.Observe(r.Outcome)
	}
	if err := w.Store.FinishWebhookDelivery(ctx, r); err != nil {
		log.Error("recording a webhook delivery failed", "err", err)
	}
}

// send POSTs the event and returns the receiver's status (0 when none
// came) and what went wrong. Neither the secret nor the payload is ever
// logged or returned: the payload carries the appointment's secret.
func (w *Worker) send(ctx context.Context, d meetd.WebhookDelivery) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if _, err := w.Guard.CheckURL(ctx, d.Endpoint); err != nil {
		return 0, refusal(err)
	}
	ts := w.Clock.Now()
	sig, err := Sign(d.Secret, d.EventID, ts, d.Payload)
	if err != nil {
		return 0, err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Endpoint, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, "endpoint is not a valid URL"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderID, d.EventID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, "timed out after " + Timeout.String()
		}
		// The endpoint may carry a receiver's token in its query: keep
		// the URL out of the message.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, refusal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, "endpoint answered " + resp.Status
}

// refusal is the text of a failed attempt's error, with the guard's reason
// (for the operator: unresolvable or private) rather than its message to
// tenants.
func refusal(err error) string {
	var te *TargetError
	if errors.As(err, &te) {
		return te.Reason()
	}
	return err.Error()
}

// Timed runs the timed work: credential_expiring notices, and pruning
// finished deliveries older than a week.
func (w *Worker) Timed(ctx context.Context, prune bool) error {
	w.init()
	n, err := w.Store.EnqueueExpiringCredentials(ctx, ExpiryThresholds)
	if err != nil {
		return err
	}
	if n > 0 {
		w.Log.Info("credential expiry notices queued", "count", n)
	}
	if prune {
		return w.Store.PruneWebhookEvents(ctx, w.Clock.Now().Add(-7*24*time.Hour))
	}
	return nil
}

// Run delivers every interval and runs the timed work every minute, until
// ctx is done; it returns after the attempts in flight have finished.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	w.init()
	t := time.NewTicker(interval)
	defer t.Stop()
	var lastTimed, lastPrune time.Time
	for {
		if now := time.Now(); now.Sub(lastTimed) >= time.Minute {
			prune := now.Sub(lastPrune) >= time.Hour
			lastTimed = now
			if prune {
				lastPrune = now
			}
			if err := w.Timed(ctx, prune); err != nil && ctx.Err() == nil {
				w.Log.Warn("webhook timed work failed", "err", err)
			}
		}
		if _, err := w.Deliver(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("webhook delivery pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
