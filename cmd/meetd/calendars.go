package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/webhook"
)

// calendarTick is how often the calendar workers look for due work
// (refreshes whose interval has passed, write-backs); a change on this
// node wakes the refresher at once.
const calendarTick = 5 * time.Second

// calendarSettings are the serve flags of calendar connections.
type calendarSettings struct {
	keyFile      *string
	interval     *string
	allowPrivate *bool
}

func calendarFlags(cfg *settings) calendarSettings {
	return calendarSettings{
		keyFile: cfg.String("secret-key-file", "", "file holding the 32-byte key that encrypts calendar connection secrets (raw, hex or base64); without it calendars cannot be connected", nil),
		interval: cfg.String("calendar-refresh-interval", "5m", "how often each connected calendar's busy times are read again (30s to 24h)",
			checkRefreshInterval),
		allowPrivate: cfg.Bool("calendar-allow-private", false, "let calendar servers and feeds be plain http and private, loopback or link-local addresses (development, tests)"),
	}
}

func checkRefreshInterval(v string) error {
	d, err := parseDuration(v)
	if err != nil || d < 30*time.Second || d > 24*time.Hour {
		return fmt.Errorf("must be a duration from 30s to 24h")
	}
	return nil
}

// calendarWork is the calendar side of serve: the service the API and
// dashboard use, and the background workers.
type calendarWork struct {
	svc       *calsync.Service
	refresher *calsync.Refresher
	writer    *calsync.Writer
}

// calendars wires calendar connections. Without a key file the service
// refuses to store connections (calsync.ErrNoKey) and the workers idle.
func (c calendarSettings) calendars(db meetd.Store, clock meetd.Clock, log *slog.Logger, publicURL string) (*calendarWork, error) {
	var box *calsync.Box
	if *c.keyFile != "" {
		b, err := calsync.LoadKey(*c.keyFile)
		if err != nil {
			return nil, err
		}
		box = b
	}
	interval, _ := parseDuration(*c.interval)
	w := &calendarWork{refresher: &calsync.Refresher{Cache: db, Interval: interval}}
	w.svc = calsync.NewService(calsync.Service{Store: db, Box: box, Guard: webhook.Guard{AllowPrivate: *c.allowPrivate},
		Clock: clock, Log: log, Poke: w.refresher.Poke})
	w.refresher.Service = w.svc
	w.writer = &calsync.Writer{Service: w.svc, PublicURL: publicURL}
	return w, nil
}

// run starts the workers in wg until ctx ends; without a key there is
// nothing they could open.
func (w *calendarWork) run(ctx context.Context, wg *sync.WaitGroup) {
	if !w.svc.Enabled() {
		return
	}
	wg.Go(func() { w.refresher.Run(ctx, calendarTick) })
	wg.Go(func() { w.writer.Run(ctx, time.Second) })
}

// live is the booking pages' live check of calendars, or nil without a key
// (the API makes its own from the same service).
func (w *calendarWork) live() scheduling.LiveCalendars {
	if !w.svc.Enabled() {
		return nil
	}
	return &calsync.Live{Service: w.svc}
}
