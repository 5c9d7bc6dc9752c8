// Package sqldbtest opens real databases for tests: a fresh SQLite file in
// t.TempDir(), and a fresh schema on the PostgreSQL server named by
// MEETD_TEST_POSTGRES. Without that variable PostgreSQL tests skip, except
// when CI=true, where a skip would hide a whole backend and fails instead.
// It also holds the conformance suite every backend must pass.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// Backend names a database engine and knows how to give a test a fresh,
// migrated database on it.
type Backend struct {
	Name string
	// DSN returns the DSN of a fresh, empty database for t, removed when
	// t ends.
	DSN func(t testing.TB) string
}

// SQLite is a fresh database file per test.
var SQLite = Backend{Name: "sqlite", DSN: func(t testing.TB) string {
	return filepath.Join(t.TempDir(), "meetd.db")
}}

// Postgres is a fresh schema per test on the server MEETD_TEST_POSTGRES names.
var Postgres = Backend{Name: "postgres", DSN: PostgresDSN}

// Backends returns every backend, for tests that run once per engine.
func Backends() []Backend { return []Backend{SQLite, Postgres} }

// PostgresDSN creates a schema for t on MEETD_TEST_POSTGRES and returns a DSN
// whose search_path is that schema; the schema is dropped when t ends. It
// skips t when the variable is unset, and fails it when CI=true.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("MEETD_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("MEETD_TEST_POSTGRES is not set; CI must run the PostgreSQL tests")
		}
		t.Skip("MEETD_TEST_POSTGRES is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("MEETD_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates a fresh database on b for t, closed when t ends.
func Open(t testing.TB, b Backend, clock meetd.Clock) *sqldb.DB {
	t.Helper()
	return OpenDSN(t, b.DSN(t), clock)
}

// OpenDSN opens and migrates dsn for t, closed when t ends.
func OpenDSN(t testing.TB, dsn string, clock meetd.Clock) *sqldb.DB {
	t.Helper()
	if clock == nil {
		clock = meetd.SystemClock{}
	}
	db, err := sqldb.Open(context.Background(), dsn, clock)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}
