package sqldbtest

import (
	"context"
	"log/slog"
	"time"

	"github.com/meetd/meetd"
)

// testWatch checks change notifications: where the engine has them, a
// committed change wakes a listener at once; where it has none,
// WatchChanges returns at once and polling carries the bound.
func testWatch(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	woke := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() { done <- f.db.WatchChanges(ctx, slog.New(slog.DiscardHandler), func() { woke <- struct{}{} }) }()
	if f.db.Dialect() == "sqlite" {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("WatchChanges on SQLite: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("WatchChanges on SQLite did not return")
		}
		return
	}
	select {
	case <-woke: // the wake-up right after subscribing
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never subscribed")
	}
	if _, err := f.db.SetCompanyPlan(f.ctx, meetd.CLIActor, c.ID, meetd.PlanGrowth); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woke:
	case <-time.After(5 * time.Second):
		t.Fatal("a committed change did not wake the listener")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("WatchChanges did not return after cancel")
	}
}
