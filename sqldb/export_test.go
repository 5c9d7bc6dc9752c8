package sqldb

import (
	"context"
	"database/sql"
)

// Pool is the write pool (on PostgreSQL the only one), for tests that
// fill it with connections.
func (db *DB) Pool() *sql.DB { return db.write }

// Update runs fn as a write transaction the way every write method does.
func (db *DB) Update(ctx context.Context, fn func(exec func(q string, args ...any) error) error) error {
	return db.update(ctx, func(t *tx) error {
		return fn(func(q string, args ...any) error {
			_, err := t.exec(ctx, q, args...)
			return err
		})
	})
}
