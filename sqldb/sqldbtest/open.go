// Package sqldbtest opens real databases for tests: a fresh SQLite file in
// t.TempDir(), and a fresh schema (or, migrated, a fresh database cloned
// from a migrated template) on the PostgreSQL server named by
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
	// Migrated, when set, returns the DSN of a fresh database for t that
	// is already migrated to the latest schema, removed when t ends: a
	// cheaper start than DSN and Migrate. Open uses it.
	Migrated func(t testing.TB) string
}

// SQLite is a fresh database file per test; Open gives each test a copy
// of a migrated template file (sqlite_template.go).
var SQLite = Backend{Name: "sqlite", DSN: func(t testing.TB) string {
	return filepath.Join(t.TempDir(), "meetd.db")
}, Migrated: sqliteMigratedDSN}

// Postgres is a fresh schema per test on the server MEETD_TEST_POSTGRES names.
// Open gives each test a database of its own cloned from a migrated
// template (postgres_template.go).
var Postgres = Backend{Name: "postgres", DSN: PostgresDSN, Migrated: postgresMigratedDSN}

// Backends returns every backend, for tests that run once per engine.
func Backends() []Backend { return []Backend{SQLite, Postgres} }

// PostgresDSN creates a schema for t on MEETD_TEST_POSTGRES and returns a DSN
// whose search_path is that schema; the schema is dropped when t ends. It
// skips t when the variable is unset, and fails it when CI=true.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := postgresBase(t)
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

// postgresBase returns MEETD_TEST_POSTGRES; it skips t when the variable is
// unset, and fails it when CI=true.
func postgresBase(t testing.TB) string {
	t.Helper()
	base := os.Getenv("MEETD_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("MEETD_TEST_POSTGRES is not set; CI must run the PostgreSQL tests")
		}
		t.Skip("MEETD_TEST_POSTGRES is not set")
	}
	return base
}

// Open opens and migrates a fresh database on b for t, closed when t ends.
// It still runs Migrate on a database b made already migrated, so a
// template behind the latest migrations would be caught up (and a broken
// one fail) exactly as a deployed database would.
func Open(t testing.TB, b Backend, clock meetd.Clock) *sqldb.DB {
	t.Helper()
	return OpenDSN(t, MigratedDSN(t, b), clock)
}

// MigratedDSN returns the DSN of a fresh database on b for t that OpenDSN
// will find migrated already when b can make one cheaply (b.Migrated), and
// of an empty one otherwise; either way it is removed when t ends.
func MigratedDSN(t testing.TB, b Backend) string {
	t.Helper()
	if b.Migrated != nil {
		return b.Migrated(t)
	}
	return b.DSN(t)
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
