package sqldb

import "context"

// deleteConnectionBusy deletes a connection's cached busy times
// (DeleteCalendarBusy's statement) in the caller's transaction, so a
// removed connection never leaves busy times behind.
func (t *tx) deleteConnectionBusy(ctx context.Context, companyID, connectionID string) error {
	_, err := t.exec(ctx, `DELETE FROM calendar_busy WHERE company_id = ? AND connection_id = ?`, companyID, connectionID)
	return err
}
