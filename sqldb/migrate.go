package sqldb

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrate brings the schema up to date with the migrations embedded in the
// binary. It is safe to run on every start and from several processes: goose
// serialises concurrent runs with a lock on PostgreSQL, and SQLite has one
// writer.
func (db *DB) Migrate(ctx context.Context) error {
	fsys, err := Migrations(db.d.name)
	if err != nil {
		return err
	}
	var opts []goose.ProviderOption
	if db.d.locker != nil {
		var schema string
		if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		locker, err := db.d.locker(schema)
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(db.d.goose, db.write, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
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
