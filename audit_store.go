package meetd

import (
	"context"
	"time"
)

// AuditStore reads the audit log, which the writing methods of the other
// stores append to.
type AuditStore interface {
	// Audit returns the audit entries f selects, newest first.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// CountAudit returns how many audit entries f selects before paging
	// (Limit and Offset are ignored).
	CountAudit(ctx context.Context, f AuditFilter) (int, error)
}

// AuditFilter selects a page of one company's audit entries. The zero
// value of each optional field selects everything; ids match in any case,
// and an id that is no UUID selects nothing.
type AuditFilter struct {
	CompanyID    string    // required
	CredentialID string    // only entries made with this credential
	UserID       string    // only entries whose acting user is this user
	From         time.Time // only entries at or after From
	To           time.Time // only entries before To
	Limit        int
	Offset       int
}
