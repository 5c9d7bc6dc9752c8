package sqldbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// Migrating a PostgreSQL schema costs the server about half a second of
// DDL, and nearly every test wants one; cloning a migrated database with
// CREATE DATABASE ... TEMPLATE costs a tenth of that. So tests that want a
// migrated database get a database of their own cloned from a template.
//
// The template is named for a hash of the PostgreSQL migrations, so every
// test binary and every run with the same migrations shares one, and a
// changed migration makes a new one. It is built under another name and
// renamed when complete, under an advisory lock, so a binary never clones a
// half-migrated template and concurrent binaries build it once. Templates
// are kept on the server (a few MB each) for the next run; nothing but
// CREATE DATABASE ever connects to a finished one, which PostgreSQL requires
// of a template.

// templateSchema is the schema the template is migrated in; clones keep it.
const templateSchema = "meetd"

// templateLockKey is the advisory lock serialising template builds: "mdtt".
const templateLockKey = 0x6d647474

var template struct {
	once sync.Once
	name string
	err  error
}

// postgresMigratedDSN clones the migrated template into a database for t,
// dropped when t ends, and returns its DSN.
func postgresMigratedDSN(t testing.TB) string {
	t.Helper()
	base := postgresBase(t)
	template.once.Do(func() { template.name, template.err = buildTemplate(base) })
	if template.err != nil {
		t.Fatalf("postgres template: %v", template.err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + template.name); err != nil {
		admin.Close()
		t.Fatalf("clone the template: %v", err)
	}
	t.Cleanup(func() {
		// FORCE: a test may leave a connection behind (one it broke on
		// purpose, or a listener still closing).
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	dsn, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("MEETD_TEST_POSTGRES: %v", err)
	}
	return dsn
}

// withDatabase returns base pointing at database name with the template's
// schema first on the search path.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", templateSchema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// buildTemplate returns the name of the template database of the current
// migrations, building it first if no run has.
func buildTemplate(base string) (string, error) {
	sum, err := migrationsHash("postgres")
	if err != nil {
		return "", err
	}
	name := "meetd_tmpl_" + sum
	building := name + "_building"

	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLockKey); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, templateLockKey)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).
		Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// A build that died half way left this behind; under the lock nobody
	// else is building it.
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	dsn, err := withDatabase(base, building)
	if err != nil {
		return "", err
	}
	if err := migrateTemplate(ctx, dsn); err != nil {
		return "", err
	}
	// The server ends a closed connection's backend a moment later; a
	// database with a backend left can be neither renamed nor cloned.
	for i := 0; ; i++ {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, building).
			Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			break
		}
		if i == 100 {
			return "", fmt.Errorf("%s still has %d connections after migrating", building, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

// migrationsHash names the migrations of dialect: the first 16 hex digits
// of a SHA-256 over every file's path, length and text.
func migrationsHash(dialect string) (string, error) {
	mig, err := sqldb.Migrations(dialect)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if err := fs.WalkDir(mig, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(mig, path)
		fmt.Fprintf(h, "%s\x00%d\x00%s", path, len(data), data)
		return err
	}); err != nil {
		return "", fmt.Errorf("hash the migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// migrateTemplate makes the template's schema and migrates it, then closes
// every connection: a template must have none when it is cloned.
func migrateTemplate(ctx context.Context, dsn string) error {
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	_, err = raw.ExecContext(ctx, `CREATE SCHEMA `+templateSchema)
	raw.Close()
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, dsn, meetd.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
