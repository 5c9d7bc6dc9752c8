package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/meetd/meetd"
)

// Sending policy (docs/decisions.md#e-mail).
const (
	// Lease is how long a claimed message is reserved for its worker:
	// longer than a batch can take (each of up to DefaultBatch+1 steps is
	// bounded by Timeout), short enough that a crashed node's claims are
	// soon sent by another.
	Lease = 5 * time.Minute
	// DefaultBatch is how many messages one claim takes by default, all
	// sent over one connection.
	DefaultBatch = 8
	// FirstRetry is the wait after the first failure; each further
	// failure doubles it, up to MaxRetry.
	FirstRetry = time.Minute
	MaxRetry   = time.Hour
	// RetryWindow is how long after its first attempt a message is
	// retried before it is given up (marked failed).
	RetryWindow = 72 * time.Hour
)

// Backoff is the wait after the attempt-th failure (1-based): 1 min,
// 2 min, 4 min, … capped at 1 h.
func Backoff(attempt int) time.Duration {
	d := FirstRetry
	for i := 1; i < attempt && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// Schedule decides what follows a failed attempt made at now, the message
// first tried at first: the next attempt, or giveUp once RetryWindow has
// passed. The last retry is at the window's end.
func Schedule(first, now time.Time, attempt int) (next time.Time, giveUp bool) {
	deadline := first.Add(RetryWindow)
	if !now.Before(deadline) {
		return time.Time{}, true
	}
	next = now.Add(Backoff(attempt))
	if next.After(deadline) {
		next = deadline
	}
	return next, false
}

// Store is what the worker needs of meetd's store.
type Store interface {
	ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]meetd.OutboxClaim, error)
	FinishOutbox(ctx context.Context, r meetd.OutboxResult) error
	PruneOutbox(ctx context.Context, before time.Time) error
}

// Worker drains the outbox. Any number of workers (one per meetd serve
// process) may run against one database: a claim leases a message to one
// worker, and a result for an attempt that is no longer current is
// ignored. A message is marked sent right after the server accepts it; a
// crash in between (a moment) is the only way one is sent twice, and the
// repeat carries the same Message-ID.
type Worker struct {
	Store    Store
	Sender   Sender
	Composer Composer
	Clock    meetd.Clock
	Log      *slog.Logger
	// Batch is how many messages one claim takes (default DefaultBatch,
	// at most DefaultBatch: a larger batch could outlast its Lease).
	Batch int
	// Observe, when set, is told the outcome of every attempt (metrics).
	Observe func(outcome int)

	once sync.Once
}

func (w *Worker) init() {
	w.once.Do(func() {
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
		if w.Clock == nil {
			w.Clock = meetd.SystemClock{}
		}
		if w.Batch <= 0 || w.Batch > DefaultBatch {
			w.Batch = DefaultBatch
		}
	})
}

// pruneEvery is how often Run deletes messages past
// meetd.OutboxRetention.
const pruneEvery = 10 * time.Minute

// Run sends due messages every interval until ctx is done, and deletes
// finished messages past meetd.OutboxRetention every ten minutes.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	w.init()
	t := time.NewTicker(interval)
	defer t.Stop()
	var pruned time.Time
	for {
		if _, err := w.Deliver(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("sending mail failed", "err", err)
		}
		if now := w.Clock.Now(); now.Sub(pruned) >= pruneEvery {
			pruned = now
			if err := w.Store.PruneOutbox(ctx, now.Add(-meetd.OutboxRetention)); err != nil && ctx.Err() == nil {
				w.Log.Warn("pruning the mail outbox failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Deliver sends every due message once and returns how many attempts it
// made. A batch under way finishes when ctx is cancelled (each attempt is
// bounded by Timeout), so a shutdown never loses a result it already has.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	w.init()
	total := 0
	for {
		claims, err := w.Store.ClaimOutbox(ctx, w.Batch, Lease)
		if err != nil {
			return total, err
		}
		w.send(ctx, claims)
		total += len(claims)
		if len(claims) < w.Batch || ctx.Err() != nil {
			return total, nil
		}
	}
}

// send composes and sends one batch and records every result. When ctx
// is cancelled (shutdown) the message being sent finishes and the rest
// are not attempted: they are due again at once, for another node or the
// next start.
func (w *Worker) send(ctx context.Context, claims []meetd.OutboxClaim) {
	if len(claims) == 0 {
		return
	}
	stopping := ctx
	ctx = context.WithoutCancel(ctx) // results are recorded whatever happens
	now := w.Clock.Now()
	var msgs []*gomail.Msg
	var sent []meetd.OutboxClaim
	for _, c := range claims {
		m, err := w.Composer.Compose(c, now)
		if err != nil {
			// A message that cannot be built never will be.
			w.finish(ctx, c, meetd.OutboxResult{Outcome: meetd.OutboxOutcomeGiveUp, Error: err.Error()})
			continue
		}
		msgs, sent = append(msgs, m), append(sent, c)
	}
	if len(msgs) == 0 {
		return
	}
	sctx, cancel := context.WithTimeout(stopping, Timeout*time.Duration(1+len(msgs)))
	errs := w.Sender.Send(sctx, msgs)
	cancel()
	now = w.Clock.Now()
	for i, c := range sent {
		err := errs[i]
		switch {
		case err == nil:
			w.finish(ctx, c, meetd.OutboxResult{Outcome: meetd.OutboxOutcomeSent})
			continue
		case Permanent(err):
			w.finish(ctx, c, meetd.OutboxResult{Outcome: meetd.OutboxOutcomeGiveUp, Error: err.Error()})
			continue
		case errors.Is(err, context.Canceled) && stopping.Err() != nil:
			w.finish(ctx, c, meetd.OutboxResult{Outcome: meetd.OutboxOutcomeRetry, NextAttemptAt: now,
				Error: "not attempted: meetd was stopping"})
			continue
		}
		first := now
		if c.Message.FirstAttemptAt != nil {
			first = *c.Message.FirstAttemptAt
		}
		next, giveUp := Schedule(first, now, c.Message.Attempts)
		if giveUp {
			w.finish(ctx, c, meetd.OutboxResult{Outcome: meetd.OutboxOutcomeGiveUp, Error: err.Error()})
		} else {
			w.finish(ctx, c, meetd.OutboxResult{Outcome: meetd.OutboxOutcomeRetry, NextAttemptAt: next, Error: err.Error()})
		}
	}
}

func (w *Worker) finish(ctx context.Context, c meetd.OutboxClaim, r meetd.OutboxResult) {
	r.ID, r.Attempt = c.Message.ID, c.Message.Attempts
	log := w.Log.With("outbox_id", c.Message.ID, "company_id", c.Message.CompanyID, "kind", c.Message.Kind,
		"attempt", c.Message.Attempts)
	switch r.Outcome {
	case meetd.OutboxOutcomeSent:
		log.Info("mail sent")
	case meetd.OutboxOutcomeRetry:
		log.Warn("mail not sent; will retry", "err", r.Error, "next_attempt_at", r.NextAttemptAt)
	default:
		log.Error("mail given up", "err", r.Error)
	}
	if len(r.Error) > 500 {
		r.Error = r.Error[:500]
	}
	if w.Observe != nil {
		w.Observe(r.Outcome)
	}
	if err := w.Store.FinishOutbox(ctx, r); err != nil {
		log.Error("recording a mail attempt failed", "err", err)
	}
}
