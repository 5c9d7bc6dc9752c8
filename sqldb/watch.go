package sqldb

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
)

// changesChannel is the PostgreSQL notification channel of the change log.
const changesChannel = "meetd_changes"

// WatchChanges calls wake soon after another process commits a change
// record, until ctx is done, so caches can be refreshed at once instead of
// at the next poll. On PostgreSQL it LISTENs on its own connection and
// reconnects after failures; on SQLite, which has no notifications, it
// returns nil at once and polling alone keeps the bound. It returns only
// when ctx is done (or at once on SQLite).
func (db *DB) WatchChanges(ctx context.Context, log *slog.Logger, wake func()) (err error) {
	defer meetd.Wrap(&err, "sqldb.WatchChanges")
	if db.d.watch == nil {
		return nil
	}
	defer db.listening.Store(false)
	return db.d.watch(ctx, db.dsn, log, wake, db.listening.Store)
}

// Notifies reports whether this engine wakes other processes with change
// notifications (PostgreSQL), so that Listening means something.
func (db *DB) Notifies() bool { return db.d.watch != nil }

// Listening reports whether WatchChanges holds its LISTEN connection now.
// It is false before WatchChanges has subscribed, while it reconnects, after
// it returned, and always on SQLite. Polling keeps the propagation bound
// without it, so a false answer means slower, not wrong.
func (db *DB) Listening() bool { return db.listening.Load() }

func watchPostgres(ctx context.Context, dsn string, log *slog.Logger, wake func(), connected func(bool)) error {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		started := time.Now()
		err := listenOnce(ctx, dsn, wake, connected)
		connected(false)
		if ctx.Err() != nil {
			break
		}
		if time.Since(started) > time.Minute {
			backoff = 100 * time.Millisecond // it was healthy: retry soon
		}
		// Polling still carries the bound; say why the fast path is gone
		// (behind a pooler in transaction mode LISTEN cannot work).
		log.Warn("listening for change notifications failed; retrying", "err", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
	return nil
}

// listenOnce holds one LISTEN connection until it fails or ctx is done. It
// wakes once right after subscribing, because changes may have committed
// while no connection was listening.
func listenOnce(ctx context.Context, dsn string, wake func(), connected func(bool)) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	connected(true)
	wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
