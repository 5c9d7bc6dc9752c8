package sqldb

import "context"

// deleteConnectionBusy deletes a connection's cached busy times in the
// caller's transaction.
func (t *tx) deleteConnectionBusy(ctx context.Context, companyID, connectionID string) error {
	return nil
}
