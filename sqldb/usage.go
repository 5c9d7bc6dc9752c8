package sqldb

import (
	"context"
	"time"

	"github.com/meetd/meetd"
)

// Usage implements meetd.Store. Months are calendar months in UTC.
func (db *DB) Usage(ctx context.Context, companyID string, from, to time.Time) ([]meetd.UsageMonth, error) {
	rows, err := db.query(ctx, `SELECT credential_id, at FROM usage_events WHERE company_id = ? AND at >= ? AND at < ?
		ORDER BY at`, companyID, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []meetd.UsageMonth{}
	for rows.Next() {
		var cred string
		var at int64
		if err := rows.Scan(&cred, &at); err != nil {
			return nil, err
		}
		month := fromMS(at).Format("2006-01")
		if len(out) == 0 || out[len(out)-1].Month != month {
			out = append(out, meetd.UsageMonth{Month: month, ByCredential: map[string]int{}})
		}
		m := &out[len(out)-1]
		m.Bookings++
		m.ByCredential[cred]++
	}
	return out, rows.Err()
}
