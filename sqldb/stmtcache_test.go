package sqldb

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/meetd/meetd"
)

// openSQLite opens a fresh migrated SQLite file for an internal test.
func openSQLite(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "meetd.db"), meetd.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestReadsAreCachedAfterTheFirstAndTransactionsAfterTheirCommit(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	const read = `SELECT COUNT(*) FROM companies WHERE id = ?`
	var n int
	if err := db.queryRow(ctx, read, "x").Scan(&n); err != nil || n != 0 {
		t.Fatalf("read = %d, %v", n, err)
	}
	if db.readStmts.get(read) == nil {
		t.Fatal("a read is not prepared after its first run")
	}
	if err := db.queryRow(ctx, read, "y").Scan(&n); err != nil || n != 0 {
		t.Fatalf("cached read = %d, %v", n, err)
	}
	const write = `SELECT COUNT(*) FROM users WHERE company_id = ?`
	run := func() {
		t.Helper()
		if err := db.update(ctx, func(t *tx) error { return t.queryRow(ctx, write, "x").Scan(&n) }); err != nil {
			panic(err)
		}
	}
	run()
	if db.writeStmts.get(write) == nil {
		t.Fatal("a transaction's query is not prepared after the commit")
	}
	run() // through the cached statement, bound to the transaction
	if n != 0 {
		t.Fatalf("count = %d", n)
	}
}

func TestTheCacheStopsAtItsBoundAndQueriesStillRun(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	for i := range maxCachedStmts + 5 {
		var n int
		if err := db.queryRow(ctx, `SELECT `+strconv.Itoa(i)).Scan(&n); err != nil || n != i {
			t.Fatalf("query %d = %d, %v", i, n, err)
		}
	}
	db.readStmts.mu.RLock()
	defer db.readStmts.mu.RUnlock()
	if got := len(db.readStmts.m); got != maxCachedStmts {
		t.Fatalf("%d statements cached, want the bound %d", got, maxCachedStmts)
	}
}
