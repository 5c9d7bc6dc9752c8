package sqldb

import (
	"context"
	"time"

	"github.com/meetd/meetd"
)

// Usage implements meetd.Store. Months are calendar months in UTC.
func (db *DB) Usage(ctx context.Context, companyID string, from, to time.Time) (_ []meetd.UsageMonth, err error) {
	defer meetd.Wrap(&err, "sqldb.Usage(%s)", companyID)
	rows, err := db.query(ctx, `SELECT credential_id, at FROM usage_events WHERE company_id = ? AND at >= ? AND at < ?
		ORDER BY at`, companyID, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	type event struct {
		cred string
		at   int64
	}
	events, err := scanAll(rows, func(row interface{ Scan(...any) error }) (event, error) {
		var e event
		return e, row.Scan(&e.cred, &e.at)
	})
	if err != nil {
		return nil, err
	}
	out := []meetd.UsageMonth{}
	for _, e := range events {
		month := fromMS(e.at).Format("2006-01")
		if len(out) == 0 || out[len(out)-1].Month != month {
			out = append(out, meetd.UsageMonth{Month: month, ByCredential: map[string]int{}})
		}
		m := &out[len(out)-1]
		m.Bookings++
		m.ByCredential[e.cred]++
	}
	return out, nil
}
