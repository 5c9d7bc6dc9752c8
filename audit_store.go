package meetd

import "context"

// AuditStore reads the audit log, which the writing methods of the other
// stores append to.
type AuditStore interface {
	// Audit returns the audit entries f selects, newest first.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}

// AuditFilter selects a page of one company's audit entries.
type AuditFilter struct {
	CompanyID string // required
	Limit     int
	Offset    int
}
