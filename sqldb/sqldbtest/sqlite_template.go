package sqldbtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// Migrating a fresh SQLite file runs every migration, tens of milliseconds
// that hundreds of tests pay; copying a migrated file costs a millisecond.
// So tests that want a migrated SQLite database get a copy of a template
// file in the system's temporary directory, named for a hash of the SQLite
// migrations (a changed migration makes a new one). It is built under a
// name of its own and renamed into place when complete, so a test binary
// never copies a half-migrated file and concurrent binaries at worst both
// build it.

var sqliteTemplate struct {
	once sync.Once
	path string
	err  error
}

// sqliteMigratedDSN copies the migrated template into t's temporary
// directory and returns the copy's path.
func sqliteMigratedDSN(t testing.TB) string {
	t.Helper()
	sqliteTemplate.once.Do(func() { sqliteTemplate.path, sqliteTemplate.err = buildSQLiteTemplate() })
	if sqliteTemplate.err != nil {
		t.Fatalf("sqlite template: %v", sqliteTemplate.err)
	}
	dst := filepath.Join(t.TempDir(), "meetd.db")
	if err := copyFile(dst, sqliteTemplate.path); err != nil {
		t.Fatalf("copy the sqlite template: %v", err)
	}
	return dst
}

// buildSQLiteTemplate returns the path of the template of the current
// migrations, building it first if no run has.
func buildSQLiteTemplate() (string, error) {
	sum, err := migrationsHash("sqlite")
	if err != nil {
		return "", err
	}
	path := filepath.Join(os.TempDir(), "meetd-sqlite-template-"+sum+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	dir, err := os.MkdirTemp("", "meetd-sqlite-template-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	building := filepath.Join(dir, "meetd.db")
	ctx := context.Background()
	db, err := sqldb.Open(ctx, building, meetd.SystemClock{})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	// The last connection's close checkpoints the write-ahead log into
	// the file; a log left behind would hold part of the schema.
	if _, err := os.Stat(building + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("the migrated template kept its write-ahead log (%v)", err)
	}
	// dir is in the same temporary directory, so the rename is atomic: a
	// binary finds the template whole or not at all.
	if err := os.Rename(building, path); err != nil {
		return "", err
	}
	return path, nil
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
