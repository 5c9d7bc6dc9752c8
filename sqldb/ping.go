package sqldb

import (
	"context"

	"github.com/meetd/meetd"
)

// Ping runs one trivial query (SELECT 1) on the read pool, so it proves
// that a connection can be had and the engine answers, within ctx's
// deadline. It changes nothing.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer meetd.Wrap(&err, "sqldb.Ping")
	var one int
	return db.queryRow(ctx, `SELECT 1`).Scan(&one)
}
