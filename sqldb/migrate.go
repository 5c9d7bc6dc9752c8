package sqldb

import (
	"context"
	"fmt"
	"hash/fnv"
	"path"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// MigrationReport is what a migration run did.
type MigrationReport struct {
	// Applied names the migrations this run applied, in order, without
	// ".sql" ("00001_identity"); empty when the schema was up to date.
	Applied []string
	// Version is the schema version after the run: the highest applied
	// migration's number.
	Version int64
}

// Migrate brings the schema up to date with the migrations embedded in the
// binary. It is safe to run on every start and from several processes: goose
// serialises concurrent runs with a lock on PostgreSQL, and SQLite has one
// writer.
func (db *DB) Migrate(ctx context.Context) error {
	_, err := db.MigrateReport(ctx)
	return err
}

// MigrateReport is Migrate, and says which migrations it applied and at
// which version the schema is now.
func (db *DB) MigrateReport(ctx context.Context) (MigrationReport, error) {
	p, err := db.migrations(ctx)
	if err != nil {
		return MigrationReport{}, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return MigrationReport{}, fmt.Errorf("migrate: %w", err)
	}
	var r MigrationReport
	for _, res := range results {
		r.Applied = append(r.Applied, strings.TrimSuffix(path.Base(res.Source.Path), ".sql"))
	}
	if r.Version, err = p.GetDBVersion(ctx); err != nil {
		return MigrationReport{}, fmt.Errorf("migrate: reading the schema version: %w", err)
	}
	return r, nil
}

// SchemaVersion returns the version the database's schema is at: the
// highest migration applied, 0 before any.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := db.migrations(ctx)
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the schema version: %w", err)
	}
	return v, nil
}

func (db *DB) migrations(ctx context.Context) (*goose.Provider, error) {
	fsys, err := Migrations(db.d.name)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if db.d.locker != nil {
		var schema string
		if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		locker, err := db.d.locker(schema)
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(db.d.goose, db.write, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// migrationLockID is the PostgreSQL advisory lock that serialises migrations
// of schema. Advisory locks are server-wide, so one fixed ID would make
// migrations of unrelated schemas (tests give each its own) wait for each
// other, in goose's 5-second probes. The default schema keeps goose's
// default ID, so a node running an older meetd still serialises with this one.
func migrationLockID(schema string) int64 {
	if schema == "public" {
		return lock.DefaultLockID
	}
	h := fnv.New64a()
	h.Write([]byte("meetd migrate " + schema))
	return int64(h.Sum64())
}
