package sqldbtest

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// runOperator runs the conformance tests of what the operator CLI and the
// readiness probe use beyond meetd.Store: listing companies, pinging,
// migrating with a report, backing up and the change listener's state.
func runOperator(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"companies are listed oldest first", testListCompanies},
		{"ping answers while open and fails once closed", testPing},
		{"migrating reports what it applied and the version", testMigrateReport},
		{"a backup is a checked copy and never overwrites", testBackup},
		{"the change listener reports whether it listens", testListening},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each test has a database of its own
			tc.fn(t, b)
		})
	}
}

func testListCompanies(t *testing.T, b Backend) {
	f := newFixture(t, b)
	if cs, err := f.db.ListCompanies(f.ctx); err != nil || len(cs) != 0 {
		t.Fatalf("ListCompanies on an empty database = %v, %v", cs, err)
	}
	first, _ := f.company(meetd.PlanEnterprise, "owner@a.example")
	f.clock.Advance(time.Second)
	second, _ := f.company(meetd.PlanFree, "owner@b.example")
	cs, err := f.db.ListCompanies(f.ctx)
	if err != nil || len(cs) != 2 || cs[0].ID != first.ID || cs[1].ID != second.ID ||
		cs[0].Plan != meetd.PlanEnterprise || cs[1].Plan != meetd.PlanFree || !cs[1].CreatedAt.Equal(start.Add(time.Second)) {
		t.Fatalf("ListCompanies = %+v, %v; want %s then %s", cs, err, first.ID, second.ID)
	}
}

func testPing(t *testing.T, b Backend) {
	db, err := sqldb.Open(context.Background(), b.DSN(t), meetd.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping on an open database: %v", err)
	}
	db.Close()
	if err := db.Ping(context.Background()); err == nil {
		t.Fatal("Ping on a closed database succeeded")
	}
}

func testMigrateReport(t *testing.T, b Backend) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, b.DSN(t), meetd.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.MigrateReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := sqldb.Migrations(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := readNames(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Applied, entries) || r.Applied[0] != "00001_identity" {
		t.Fatalf("a fresh database applied %v, want every migration %v", r.Applied, entries)
	}
	last := entries[len(entries)-1]
	if want := versionOf(t, last); r.Version != want {
		t.Fatalf("version after migrating = %d, want %d (%s)", r.Version, want, last)
	}
	again, err := db.MigrateReport(ctx)
	if err != nil || len(again.Applied) != 0 || again.Version != r.Version {
		t.Fatalf("a second run = %+v, %v; want nothing applied at version %d", again, err, r.Version)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != r.Version {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, r.Version)
	}
}

func testBackup(t *testing.T, b Backend) {
	f := newFixture(t, b)
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	to := filepath.Join(t.TempDir(), "backup.db")
	r, err := f.db.Backup(f.ctx, to)
	if f.db.Dialect() != "sqlite" {
		if !errors.Is(err, sqldb.ErrBackupUnsupported) {
			t.Fatalf("Backup on %s = %v, want ErrBackupUnsupported", f.db.Dialect(), err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	want, _ := f.db.SchemaVersion(f.ctx)
	if r.Path != to || r.Version != want || r.Bytes == 0 {
		t.Fatalf("Backup = %+v, want %s at version %d", r, to, want)
	}
	// A write after the backup is not in it.
	f.company(meetd.PlanFree, "later@example.com")
	copyDB := OpenDSN(t, to, f.clock)
	if got, err := copyDB.CompanyByID(f.ctx, c.ID); err != nil || got.Name != "Acme" {
		t.Fatalf("the copy's company = %+v, %v", got, err)
	}
	if n, _ := copyDB.CountCompanies(f.ctx); n != 1 {
		t.Fatalf("the copy has %d companies, want the 1 committed before the backup", n)
	}
	copyDB.Close()

	before, _ := os.ReadFile(to)
	if _, err := f.db.Backup(f.ctx, to); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a backup over an existing file = %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(to); string(after) != string(before) {
		t.Fatal("a refused backup changed the existing file")
	}
	missing := filepath.Join(t.TempDir(), "nowhere", "backup.db")
	if _, err := f.db.Backup(f.ctx, missing); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a backup into a missing folder = %v", err)
	}
}

func testListening(t *testing.T, b Backend) {
	f := newFixture(t, b)
	if f.db.Listening() {
		t.Fatal("Listening before WatchChanges started")
	}
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	woke := make(chan struct{}, 16)
	go func() {
		done <- f.db.WatchChanges(ctx, slog.New(slog.DiscardHandler), func() { woke <- struct{}{} })
	}()
	if !f.db.Notifies() {
		<-done
		cancel()
		if f.db.Listening() {
			t.Fatal("Listening on an engine without notifications")
		}
		return
	}
	select {
	case <-woke: // the wake-up right after subscribing
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never subscribed")
	}
	if !f.db.Listening() {
		t.Fatal("not Listening after subscribing")
	}
	cancel()
	<-done
	if f.db.Listening() {
		t.Fatal("still Listening after WatchChanges returned")
	}
}

// readNames lists the migrations of fsys without ".sql", in order.
func readNames(fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".sql"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// versionOf is a migration's number ("00008_x" is 8).
func versionOf(t *testing.T, name string) int64 {
	t.Helper()
	v, _, _ := strings.Cut(name, "_")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("migration %s: %v", name, err)
	}
	return n
}
