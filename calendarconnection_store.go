package meetd

import (
	"context"
	"time"
)

// CalendarConnectionStore keeps users' calendar connections, the
// refresher's schedule and the write-back outbox. A connection of another
// company is ENOTFOUND. The worker methods (Claim…, Finish…) are not
// scoped: the workers serve every company.
type CalendarConnectionStore interface {
	// CreateCalendarConnection stores a connection of an active user of
	// the company, due for a refresh at once. ENOTACCEPTABLE when the
	// user already has MaxCalendarConnectionsPerUser; ENOTFOUND for a
	// user who is missing or another company's.
	CreateCalendarConnection(ctx context.Context, a Actor, n NewCalendarConnection) (CalendarConnection, error)
	// CalendarConnectionByID returns a connection of the company.
	CalendarConnectionByID(ctx context.Context, companyID, id string) (CalendarConnection, error)
	// CalendarConnections returns the company's connections, oldest
	// first: one user's, or everyone's when userID is empty.
	CalendarConnections(ctx context.Context, companyID, userID string) ([]CalendarConnection, error)
	// CalendarConnectionsOfUsers returns the connections of the given
	// users of the company (the live check at booking time).
	CalendarConnectionsOfUsers(ctx context.Context, companyID string, userIDs []string) ([]CalendarConnection, error)
	// UpdateCalendarConnection changes the non-nil fields and makes the
	// connection due for a refresh at once.
	UpdateCalendarConnection(ctx context.Context, a Actor, companyID, id string, up CalendarConnectionUpdate) (CalendarConnection, error)
	// DeleteCalendarConnection deletes a connection, its cached busy
	// times and its pending write-backs (events already written stay in
	// the user's calendar).
	DeleteCalendarConnection(ctx context.Context, a Actor, companyID, id string) error

	// ClaimCalendarRefreshes takes up to limit connections whose refresh
	// is due and leases them (their next refresh moves to now + lease), so
	// no other node refreshes them meanwhile.
	ClaimCalendarRefreshes(ctx context.Context, limit int, lease time.Duration) ([]CalendarConnection, error)
	// FinishCalendarRefresh records a refresh. A connection that turns
	// CalendarBroken emits credential_error in the same transaction,
	// once: not again while it stays broken. A result for a connection
	// deleted or changed since the claim is ignored (the change made it
	// due again).
	FinishCalendarRefresh(ctx context.Context, claimed CalendarConnection, r CalendarRefreshResult) error

	// ClaimCalendarWrites takes up to limit due write-backs and leases
	// them.
	ClaimCalendarWrites(ctx context.Context, limit int, lease time.Duration) ([]CalendarWrite, error)
	// FinishCalendarWrite records an attempt. Done marks the write-back
	// finished only if no change was queued since it was claimed
	// (r.Version); otherwise the newer change stays due.
	FinishCalendarWrite(ctx context.Context, r CalendarWriteResult) error
	// PendingCalendarWrites counts the write-backs of the company not yet
	// done (for tests and operators).
	PendingCalendarWrites(ctx context.Context, companyID string) (int, error)
}
