package meetd

import (
	"context"
	"time"
)

// UsageStore reads metered bookings.
type UsageStore interface {
	// Usage sums a company's metered bookings per month and credential.
	Usage(ctx context.Context, companyID string, from, to time.Time) ([]UsageMonth, error)
}
