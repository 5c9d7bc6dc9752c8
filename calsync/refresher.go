package calsync

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// Defaults of the refresher.
const (
	// DefaultRefreshInterval is how often each connection's busy times are
	// read again (--calendar-refresh-interval).
	DefaultRefreshInterval = 5 * time.Minute
	// DefaultWindow is how far ahead busy times are read.
	DefaultWindow = 180 * 24 * time.Hour
	// refreshLease keeps a claimed connection from other nodes while it
	// is read: longer than one refresh may take.
	refreshLease = 2 * RequestTimeout
	// refreshBatch is how many connections one claim takes, and how many
	// are read at once.
	refreshBatch = 4
)

// BusyCache keeps the busy times the refresher reads: the store's
// calendar busy cache (meetd.CalendarBusyStore).
type BusyCache interface {
	// ReplaceCalendarBusy replaces the connection's busy times within
	// [from, to) with busy.
	ReplaceCalendarBusy(ctx context.Context, companyID, userID, connectionID string, from, to time.Time, busy []Interval) error
}

// Refresher reads every connection's busy times into the cache: each
// connection every Interval, and at once when one was created or changed
// (Poke on this node; the next tick on others). Claims lease connections
// in the store, so several nodes share the work and none reads a
// connection another is reading. A slot query never waits for it: slots
// read the cache.
type Refresher struct {
	Service  *Service
	Cache    BusyCache
	Interval time.Duration // DefaultRefreshInterval when zero
	Window   time.Duration // DefaultWindow when zero

	once sync.Once
	wake chan struct{}
}

func (r *Refresher) init() {
	r.once.Do(func() { r.wake = make(chan struct{}, 1) })
}

// Poke makes Run look for due connections now.
func (r *Refresher) Poke() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run refreshes due connections every tick and on Poke until ctx ends.
func (r *Refresher) Run(ctx context.Context, tick time.Duration) {
	r.init()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for {
			n, err := r.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				r.Service.Log.Warn("calendar refresh failed", "err", err)
			}
			if err != nil || n < refreshBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

// RunOnce claims up to a batch of due connections and refreshes them; it
// returns how many it claimed.
func (r *Refresher) RunOnce(ctx context.Context) (int, error) {
	conns, err := r.Service.Store.ClaimCalendarRefreshes(ctx, refreshBatch, refreshLease)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() { r.refresh(ctx, c) })
	}
	wg.Wait()
	return len(conns), nil
}

func (r *Refresher) refresh(ctx context.Context, c meetd.CalendarConnection) {
	interval, window := r.Interval, r.Window
	if interval <= 0 {
		interval = DefaultRefreshInterval
	}
	if window <= 0 {
		window = DefaultWindow
	}
	s := r.Service
	now := s.Clock.Now()
	from, to := now.Add(-24*time.Hour), now.Add(window)
	res := meetd.CalendarRefreshResult{ConnectionID: c.ID, Status: meetd.CalendarOK, NextAt: now.Add(interval)}
	err := func() error {
		secret, err := s.Box.Open(c.ID, c.Secret)
		if err != nil {
			return err
		}
		fctx, cancel := context.WithTimeout(ctx, RequestTimeout)
		defer cancel()
		busy, err := s.fetchBusy(fctx, c, secret, from, to)
		if err != nil {
			return err
		}
		if r.Cache == nil {
			return errors.New("no busy-time cache configured")
		}
		return r.Cache.ReplaceCalendarBusy(ctx, c.CompanyID, c.UserID, c.ID, from, to, busy)
	}()
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and another node reads it
	}
	if err != nil {
		res.Status, res.Error = meetd.CalendarFailing, failure(err)
		if errors.Is(err, ErrAuth) {
			res.Status = meetd.CalendarBroken
		}
		s.Log.Warn("calendar connection refresh failed", "connection_id", c.ID, "user_id", c.UserID,
			"company_id", c.CompanyID, "status", string(res.Status), "err", res.Error)
	}
	if err := s.Store.FinishCalendarRefresh(ctx, c, res); err != nil && ctx.Err() == nil {
		s.Log.Warn("recording a calendar refresh failed", "connection_id", c.ID, "err", err)
	}
}
