package sqldb

import (
	"context"
	"database/sql/driver"
	"strconv"
	"time"
)

// How long emptying the write-ahead log may wait for reads in flight each
// time it tries, how long between tries and for how long it keeps trying.
// The writer waits meanwhile, so each wait is short.
const (
	purgeWait     = 200 * time.Millisecond
	purgeInterval = time.Second
	purgeFor      = 2 * time.Minute
)

// purgeAfterErasure empties SQLite's write-ahead log after an erasure has
// committed, so that no old frame keeps the person's bytes. The checkpoint
// that does it (wal_checkpoint(TRUNCATE)) can finish only when no read is
// using the log, and it holds the single writer while it waits, so each
// try waits at most purgeWait. The first try runs before the erasure
// returns; if reads were in flight, a goroutine tries again every
// purgeInterval for purgeFor (one goroutine serves every erasure of that
// time, since one purge empties the whole log). A clean shutdown removes
// the log as well.
func (db *DB) purgeAfterErasure() {
	if done, _ := db.purgeWAL(context.Background()); done || !db.purging.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer db.purging.Store(false)
		for deadline := time.Now().Add(purgeFor); time.Now().Before(deadline); {
			time.Sleep(purgeInterval)
			if done, err := db.purgeWAL(context.Background()); done || err != nil {
				return // an error here means the database was closed
			}
		}
	}()
}

// purgeWAL tries once to empty the write-ahead log, waiting at most
// purgeWait for reads in flight; done is false when one kept it from
// finishing.
func (db *DB) purgeWAL(ctx context.Context) (done bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.Itoa(int(purgeWait/time.Millisecond))); err != nil {
		return false, err
	}
	defer func() {
		// Back to the connection's usual wait, for the writes after this;
		// a connection that could not be reset is closed instead, since
		// with 200 ms it would fail writes the CLI briefly holds up.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = `+strconv.Itoa(sqliteBusyMS)); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	var busy, frames, copied int
	if err := conn.QueryRowContext(ctx, db.d.purgeLog).Scan(&busy, &frames, &copied); err != nil {
		return false, err
	}
	return busy == 0, nil
}
