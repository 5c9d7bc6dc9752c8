package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// TestOpenSaysWhatIsWrong checks that a database that cannot be opened is
// named, with the cause, and that a URL's credentials never appear.
func TestOpenSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database at all\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "plain")
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing", "meetd.db")
	cases := []struct {
		name, dsn, want string
	}{
		{"a missing folder", missing, "open database " + missing + ": folder " + filepath.Join(dir, "missing") + " does not exist"},
		{"a folder", dir, "open database " + dir + ": " + dir + " is a folder, not a database file"},
		{"a file in place of a folder", filepath.Join(aFile, "meetd.db"), "open database " + filepath.Join(aFile, "meetd.db") + ": " + aFile + " is not a folder"},
		{"a file that is not a database", notDB, "open database " + notDB + ": " + notDB + " is not a meetd database (file is not a database)"},
		{"an unsupported scheme", "mysql://root:hunter2@db.example/meetd", "unsupported database URL scheme mysql://: use a file path for SQLite or postgres://user@host/db for PostgreSQL"},
		{"nothing", "", "no database given: use a file path for SQLite or postgres://user@host/db for PostgreSQL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := sqldb.Open(context.Background(), c.dsn, meetd.SystemClock{})
			if err == nil {
				// SQLite may open lazily: the first statement fails.
				err = db.Migrate(context.Background())
				db.Close()
			}
			if err == nil || err.Error() != c.want {
				t.Fatalf("Open(%q) = %v\nwant %s", c.dsn, err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatal("the error shows the URL's password")
			}
		})
	}
}
