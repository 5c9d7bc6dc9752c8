package auth

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// UseRecorder is the part of the store that keeps last-used times.
type UseRecorder interface {
	RecordUse(ctx context.Context, uses []meetd.CredentialUse) error
}

// Usage batches credential last-used times and addresses in memory and
// writes them in bulk, so authentication never writes to the database per
// request. It is safe for concurrent use.
type Usage struct {
	store UseRecorder
	log   *slog.Logger

	mu      sync.Mutex
	pending map[string]meetd.CredentialUse
}

// NewUsage returns a recorder that flushes into store.
func NewUsage(store UseRecorder, log *slog.Logger) *Usage {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Usage{store: store, log: log, pending: map[string]meetd.CredentialUse{}}
}

// Note records that credential id was used at t from ip. Only the latest use
// per credential is kept until the next flush.
func (u *Usage) Note(id string, t time.Time, ip string) {
	u.mu.Lock()
	if prev, ok := u.pending[id]; !ok || !t.Before(prev.At) {
		u.pending[id] = meetd.CredentialUse{CredentialID: id, At: t, IP: ip}
	}
	u.mu.Unlock()
}

// Pending returns the unflushed use of credential id, if any.
func (u *Usage) Pending(id string) (meetd.CredentialUse, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	use, ok := u.pending[id]
	return use, ok
}

// Flush writes every pending use. On failure the uses are put back (unless
// newer ones arrived meanwhile) so the next flush retries them.
func (u *Usage) Flush(ctx context.Context) error {
	u.mu.Lock()
	if len(u.pending) == 0 {
		u.mu.Unlock()
		return nil
	}
	batch := make([]meetd.CredentialUse, 0, len(u.pending))
	for _, use := range u.pending {
		batch = append(batch, use)
	}
	clear(u.pending)
	u.mu.Unlock()
	if err := u.store.RecordUse(ctx, batch); err != nil {
		for _, use := range batch {
			u.Note(use.CredentialID, use.At, use.IP)
		}
		return err
	}
	return nil
}

// Run flushes every interval until ctx is done, then flushes once more with
// a fresh short deadline so a clean shutdown loses nothing.
func (u *Usage) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if err := u.Flush(fctx); err != nil {
				u.log.Error("final credential usage flush failed", "err", err)
			}
			cancel()
			return
		case <-t.C:
			if err := u.Flush(ctx); err != nil && ctx.Err() == nil {
				u.log.Warn("credential usage flush failed", "err", err)
			}
		}
	}
}

// LastUse merges a credential's stored last use with an unflushed one and
// returns the later: what a caller should show as "last used". u may be
// nil.
func (u *Usage) LastUse(c meetd.Credential) (*time.Time, string) {
	at, ip := c.LastUsedAt, c.LastUsedIP
	if u != nil {
		if use, ok := u.Pending(c.ID); ok && (at == nil || use.At.After(*at)) {
			t := use.At
			at, ip = &t, use.IP
		}
	}
	return at, ip
}
