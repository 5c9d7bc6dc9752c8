package sqldb

import (
	"context"

	"github.com/meetd/meetd"
)

// ListCompanies returns every company, oldest first. Not scoped and not in
// meetd.Store: it serves the operator CLI, which acts across companies, and
// no tenant-facing surface may call it.
func (db *DB) ListCompanies(ctx context.Context) (_ []meetd.Company, err error) {
	defer meetd.Wrap(&err, "sqldb.ListCompanies")
	rows, err := db.query(ctx, `SELECT `+companyColumns+` FROM companies ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []meetd.Company
	for rows.Next() {
		c, err := scanCompany(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
