package sqldb

import (
	"context"

	"github.com/meetd/meetd"
)

// UsersByIDs implements meetd.Store: one query, whatever the number of ids.
func (db *DB) UsersByIDs(ctx context.Context, companyID string, ids []string) (_ []meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.UsersByIDs(%s, %d ids)", companyID, len(ids))
	args := uuidArgs(ids)
	if len(args) == 0 {
		return []meetd.User{}, nil
	}
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users WHERE company_id = ? AND id IN (`+
		placeholders(len(args))+`)`, append([]any{companyID}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanUser)
}
