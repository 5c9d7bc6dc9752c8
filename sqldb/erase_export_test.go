package sqldb

import "context"

// HoldReadTx opens a read transaction on one of the read connections, as
// a long report or export would, until release is called.
func (db *DB) HoldReadTx(ctx context.Context) (release func(), err error) {
	c, err := db.read.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var n int
	if _, err = c.ExecContext(ctx, `BEGIN`); err == nil {
		err = c.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments`).Scan(&n)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return func() { _, _ = c.ExecContext(ctx, `COMMIT`); _ = c.Close() }, nil
}
