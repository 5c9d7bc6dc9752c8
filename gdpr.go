package meetd

import (
	"context"
	"encoding/json"
	"time"
)

// GDPR export statuses. meetd builds an export inside the request that asks
// for it, so a stored export is always completed; pending and running are
// part of the wire model so that clients poll correctly whatever the server
// does.
const (
	GDPRExportPending   = "pending"
	GDPRExportRunning   = "running"
	GDPRExportCompleted = "completed"
)

// GDPRExportTTL is how long an export is kept; after it the export is gone
// (404) and housekeeping deletes it.
const GDPRExportTTL = 7 * 24 * time.Hour

// GDPRExport is a data-subject export: every record of one company that
// names one email address (docs/decisions.md#gdpr-export).
type GDPRExport struct {
	ID        string
	CompanyID string
	// Email is the address as asked for (trimmed); records match it
	// case-insensitively.
	Email  string
	Status string
	// CredentialID is the API key that asked for the export.
	CredentialID string
	// Data is the rendered document, set once the export is completed.
	Data        json.RawMessage
	CreatedAt   time.Time
	CompletedAt *time.Time
}

// GDPRRecords is what a company holds about one email address: the users
// with that email (active or removed), the appointments they host or that
// the address attended, the provisional bookings they host or that the
// address made, and the audit entries about those users (as actor or
// target) or made through the address's attendee links.
type GDPRRecords struct {
	Users               []User
	Appointments        []Appointment
	ProvisionalBookings []ProvisionalBooking
	AuditEntries        []AuditEntry
	// WebhookEvents are the company's webhook events (kept in the outbox
	// for up to a week) whose payload names the address or one of the
	// users.
	WebhookEvents []GDPRWebhookEvent
	// Emails are the company's e-mails to the address (the mail outbox),
	// in every status.
	Emails []OutboxMessage
	// Contacts are the company's CRM contacts with the address.
	Contacts []Contact
}

// GDPRWebhookEvent is one webhook event as the outbox keeps it.
type GDPRWebhookEvent struct {
	ID        string
	Type      string
	Payload   json.RawMessage
	CreatedAt time.Time
}

// GDPRStore keeps data-subject exports. Like Store, each method is one
// transaction.
type GDPRStore interface {
	// CreateGDPRExport collects the GDPRRecords of companyID for email
	// (compared case-insensitively), lets render turn them into the export
	// document, and stores the completed export with a "gdpr.export" audit
	// entry of a, in one transaction. An error from render aborts it.
	CreateGDPRExport(ctx context.Context, a Actor, companyID, email string, render func(GDPRRecords) ([]byte, error)) (GDPRExport, error)
	// GDPRExportByID returns an export of the company, of any age.
	GDPRExportByID(ctx context.Context, companyID, id string) (GDPRExport, error)
	// PruneGDPRExports deletes exports created before before. Not scoped:
	// housekeeping prunes every company's.
	PruneGDPRExports(ctx context.Context, before time.Time) error
}
