package sqldb

import (
	"context"
	"database/sql"
)

// scanAll reads every row with scan and closes rows.
func scanAll[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// listPage answers a paginated list: the total that count (one COUNT(*)
// row over args) reports, and the rows of page (args, then limit and
// offset) read with scan.
func listPage[T any](ctx context.Context, db *DB, count, page string, args []any, limit, offset int,
	scan func(interface{ Scan(...any) error }) (T, error)) ([]T, int, error) {
	var total int
	if err := db.queryRow(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := scanAll(rows, scan)
	return out, total, err
}

// scanString reads a row of one text column, such as an id.
func scanString(row interface{ Scan(...any) error }) (string, error) {
	var s string
	return s, row.Scan(&s)
}
