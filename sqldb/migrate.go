package sqldb

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"
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
		locker, err := db.d.locker()
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
