package sqldb

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statements one pool keeps prepared. meetd's
// queries are built from fixed text (values are always arguments), so the
// distinct texts are a few hundred at most; past the bound a query simply
// runs unprepared, as every query did before the cache.
const maxCachedStmts = 384

// stmtCache keeps SQLite's prepared statements by query text, for one pool.
//
// modernc's SQLite compiles the text of every query it is handed; for the
// hot reads and the booking transaction that compilation cost more than
// running them (the busy query of a 10-host slot answer, its subqueries and
// IN lists: about half its instructions under callgrind). A prepared
// *sql.Stmt is compiled once per connection and reset between uses.
// PostgreSQL needs none of this: pgx caches prepared statements per
// connection itself, so its DB has no stmtCache (nil: every method is a
// no-op).
//
// A statement is prepared on the pool outside any transaction: preparing
// on the pool while a transaction holds SQLite's only write connection
// would wait for that connection forever. So a transaction's query that is
// not yet cached runs unprepared and is noted (tx.missed), and update
// prepares the noted texts after the commit has released the connection.
type stmtCache struct {
	pool *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// get returns q's prepared statement, or nil when q has none yet.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	s := c.m[q]
	c.mu.RUnlock()
	return s
}

// prepare returns q's prepared statement, preparing it on the pool when it
// has none, or nil when the cache is full or q does not prepare (the
// caller runs q unprepared, which reports any error of q itself). It must
// not be called while the caller holds one of the pool's connections.
func (c *stmtCache) prepare(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if s := c.get(q); s != nil {
		return s
	}
	c.mu.RLock()
	full := len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if full {
		return nil
	}
	// Prepared without the lock held: it takes a connection, which may
	// have to wait for another query's to come free.
	s, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[q]; old != nil || len(c.m) >= maxCachedStmts {
		_ = s.Close() // another caller prepared it first, or the cache filled
		return old
	}
	c.m[q] = s
	return s
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		_ = s.Close()
		delete(c.m, q)
	}
}
