// Package sqldb is meetd's store on database/sql: SQLite through
// modernc.org/sqlite (pure Go, the embedded default) and PostgreSQL through
// pgx. Every query is written once in portable SQL with ? placeholders; the
// dialect seam (dialect.go) rebinds placeholders, names the driver and the
// migrations directory, and recognises constraint violations. Each public
// method is one transaction.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/meetd/meetd"
)

// DB is the meetd store. It implements meetd.Store.
type DB struct {
	// write takes every write transaction; on SQLite it is one connection,
	// because SQLite has one writer and queuing in Go beats busy retries.
	write *sql.DB
	// read serves reads; on PostgreSQL it is the same pool as write.
	read  *sql.DB
	d     *dialect
	clock meetd.Clock
	// dsn is kept for the change listener's own connection. It may hold a
	// password: never log it.
	dsn string
	// onChange is called after every committed write that wrote a change
	// record (see OnChange).
	onChange atomic.Pointer[func(context.Context)]
	// listening is whether the change listener holds its connection
	// (PostgreSQL; see Listening).
	listening atomic.Bool
	// readStmts and writeStmts keep SQLite's prepared statements of read
	// and write (see stmtCache); nil on PostgreSQL.
	readStmts, writeStmts *stmtCache
	// busy keeps hosts' appointment intervals under their busy versions
	// (see busyCache).
	busy *busyCache
	// splitting is held by the one contact count split across connections
	// at a time (see countContacts); splitMin is the fewest contacts a
	// count must cover to be split.
	splitting atomic.Bool
	splitMin  int
	// purging is held while a goroutine retries emptying SQLite's
	// write-ahead log after an erasure (see purgeAfterErasure).
	purging atomic.Bool
}

var _ meetd.Store = (*DB)(nil)

// Open connects to dsn: a postgres:// or postgresql:// URL selects
// PostgreSQL, anything else is an SQLite file path (created if missing;
// "sqlite:" and "file:" prefixes are accepted). It does not migrate: call
// Migrate.
func Open(ctx context.Context, dsn string, clock meetd.Clock) (*DB, error) {
	d, err := dialectFor(dsn)
	if err != nil {
		return nil, err
	}
	write, read, err := d.open(dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{write: write, read: read, d: d, clock: clock, dsn: dsn, busy: newBusyCache(), splitMin: contactSplitMin}
	if d == sqliteDialect {
		db.readStmts, db.writeStmts = newStmtCache(read), newStmtCache(write)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := write.PingContext(pctx); err != nil {
		db.Close()
		return nil, d.openErr(dsn, err)
	}
	return db, nil
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Close closes both pools.
func (db *DB) Close() (err error) {
	defer meetd.Wrap(&err, "sqldb.Close")
	db.readStmts.close()
	db.writeStmts.close()
	err = db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// OnChange makes fn run after every write transaction that wrote a change
// record (a credential, user or company changed) has committed, never
// after a rollback, in the writer's goroutine before the write method
// returns: a cache fn refreshes sees the change on this node's very next
// request. fn may read the store but must not write to it (a write that
// records a change would call fn again). ctx is the write's context,
// which may be cancelled; fn decides how long to persist. A later call
// replaces fn; nil removes it.
func (db *DB) OnChange(fn func(ctx context.Context)) {
	if fn == nil {
		db.onChange.Store(nil)
		return
	}
	db.onChange.Store(&fn)
}

// tx is a write transaction with the dialect's rebinding and the time the
// transaction started, which every row it writes uses.
type tx struct {
	*sql.Tx
	d   *dialect
	now time.Time
	// wroteChange is set by changed: the commit must call the change hook.
	wroteChange bool
	// stmts is the write pool's statement cache (nil on PostgreSQL);
	// missed are the texts this transaction ran unprepared, which
	// updateOnce prepares after the commit (see stmtCache).
	stmts  *stmtCache
	missed []string
}

// stmt returns q's cached statement bound to the transaction, or nil after
// noting q in missed.
func (t *tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	if s := t.stmts.get(q); s != nil {
		return t.StmtContext(ctx, s)
	}
	t.missed = append(t.missed, q)
	return nil
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := noNUL(args); err != nil {
		return nil, err
	}
	q = t.d.rebind(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.ExecContext(ctx, q, args...)
}

// errNUL refuses text PostgreSQL cannot store, on both engines alike.
var errNUL = meetd.Errorf(meetd.EINVALID, "Text must not contain NUL characters")

// noNUL returns errNUL when a string argument contains a NUL byte.
func noNUL(args []any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return errNUL
		}
	}
	return nil
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = t.d.rebind(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.QueryRowContext(ctx, q, args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = t.d.rebind(q)
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.QueryContext(ctx, q, args...)
}

// update runs fn in a write transaction and commits it when fn returns nil.
// A uniqueness violation that fn did not translate becomes ECONFLICT. A
// transaction that failed only because of concurrency (a PostgreSQL
// deadlock) runs again, up to three times, and so does one that lost its
// connection before COMMIT (see reconnect), so fn must be repeatable.
// After a commit that wrote a change record it calls the change hook (see
// OnChange), once, with the write connection already released.
func (db *DB) update(ctx context.Context, fn func(*tx) error) error {
	for conflicts, reconnects := 0, 0; ; {
		changed, err := db.updateOnce(ctx, fn)
		var lost *lostConn
		switch {
		case err == nil:
			if hook := db.onChange.Load(); changed && hook != nil {
				(*hook)(ctx)
			}
			return nil
		case db.d.isRetryable(err) && conflicts < 2:
			conflicts++
		case errors.As(err, &lost) && db.reconnect(ctx, db.write, &reconnects):
		default:
			return err
		}
	}
}

// maxReconnects is how many times a transaction or a read that lost its
// connection runs again.
const maxReconnects = 2

// reconnect decides whether work that just lost its connection on pool
// runs again, counting the attempts in *n: not when the caller has gone
// away, nor more than maxReconnects times. Before a retry it drops the
// pool's idle connections, which the same event most likely killed.
//
// Running again is safe because PostgreSQL rolls back a transaction whose
// connection ends before COMMIT: nothing of the first attempt remains. A
// failure of the COMMIT itself is never retried (the commit may have
// happened), and updateOnce does not report it as lostConn.
func (db *DB) reconnect(ctx context.Context, pool *sql.DB, n *int) bool {
	if ctx.Err() != nil || *n >= maxReconnects {
		return false
	}
	*n++
	if db.d.dropIdle != nil {
		db.d.dropIdle(pool)
	}
	return true
}

// lostConn marks an error of BEGIN or of a statement before COMMIT that
// says the connection was gone: the transaction did not happen.
type lostConn struct{ err error }

func (e *lostConn) Error() string { return e.err.Error() }
func (e *lostConn) Unwrap() error { return e.err }

// updateOnce runs fn in one transaction and reports whether the committed
// transaction wrote a change record.
func (db *DB) updateOnce(ctx context.Context, fn func(*tx) error) (bool, error) {
	sqltx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		if db.d.isConnLost(err) {
			err = &lostConn{err}
		}
		return false, fmt.Errorf("begin: %w", err)
	}
	t := &tx{Tx: sqltx, d: db.d, now: db.clock.Now(), stmts: db.writeStmts}
	if err := fn(t); err != nil {
		_ = sqltx.Rollback()
		if db.d.isUnique(err) {
			return false, meetd.Errorf(meetd.ECONFLICT, "Conflict")
		}
		if db.d.isConnLost(err) {
			return false, &lostConn{err}
		}
		return false, err
	}
	if err := sqltx.Commit(); err != nil {
		if db.d.isUnique(err) {
			return false, meetd.Errorf(meetd.ECONFLICT, "Conflict")
		}
		return false, fmt.Errorf("commit: %w", err)
	}
	// The write connection is free again: prepare what ran unprepared.
	for _, q := range t.missed {
		db.writeStmts.prepare(ctx, q)
	}
	return t.wroteChange, nil
}

// queryRow runs a read that returns one row. A read that met a dead
// connection runs again (see reconnect); pgx reads the first row before
// the query returns, so row.Err tells.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = db.d.rebind(q)
	run := db.read.QueryRowContext
	if s := db.readStmts.prepare(ctx, q); s != nil {
		run = func(ctx context.Context, _ string, args ...any) *sql.Row { return s.QueryRowContext(ctx, args...) }
	}
	row := run(ctx, q, args...)
	for n := 0; db.d.isConnLost(row.Err()) && db.reconnect(ctx, db.read, &n); {
		row = run(ctx, q, args...)
	}
	return row
}

// query runs a read that returns rows, again after a dead connection like
// queryRow.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = db.d.rebind(q)
	run := db.read.QueryContext
	if s := db.readStmts.prepare(ctx, q); s != nil {
		run = func(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
			return s.QueryContext(ctx, args...)
		}
	}
	rows, err := run(ctx, q, args...)
	for n := 0; db.d.isConnLost(err) && db.reconnect(ctx, db.read, &n); {
		rows, err = run(ctx, q, args...)
	}
	return rows, err
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error with msg.
func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return meetd.Errorf(meetd.ENOTFOUND, "%s", msg)
	}
	return err
}

// ms converts a time to the Unix milliseconds the schema stores.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(*t), Valid: true}
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
