package meetd

import (
	"encoding/json"
	"time"
)

// Webhook event types. meetd emits the first six, form_submission and
// credential_error (a calendar connection whose server refuses its
// credentials); the others are meetergo's, accepted as subscriptions so meetergo clients can
// subscribe to them, and never sent.
const (
	EventBookingCreated     = "booking_created"
	EventBookingRescheduled = "booking_rescheduled"
	EventBookingCancelled   = "booking_cancelled"
	// EventAttendeeRemoved: one attendee (and their guests) left an
	// appointment that goes on; meetd's own, since meetergo names none.
	EventAttendeeRemoved     = "attendee_removed"
	EventCredentialRevoked   = "credential_revoked"
	EventCredentialExpiring  = "credential_expiring"
	EventFormSubmission      = "form_submission"
	EventNewEmployee         = "new_employee"
	EventCredentialError     = "credential_error"
	EventReviewSubmitted     = "review_submitted"
	EventReviewPublished     = "review_published"
	EventSignatureCompleted  = "signature_completed"
	MaxWebhooksPerCompany    = 6
	WebhookDisabledAuditName = "webhook_disabled"
)

// MaxWebhookInFlight is how many attempts one subscription may have in
// flight at once, across every worker: a slow or dead receiver holds at
// most this many of the workers' slots.
const MaxWebhookInFlight = 2

// WebhookEventTypes lists every event type a subscription may name.
var WebhookEventTypes = []string{EventBookingCreated, EventBookingRescheduled, EventBookingCancelled, EventAttendeeRemoved,
	EventCredentialRevoked, EventCredentialExpiring, EventFormSubmission, EventNewEmployee, EventCredentialError,
	EventReviewSubmitted, EventReviewPublished, EventSignatureCompleted}

// ValidWebhookEventType reports whether s is one of WebhookEventTypes.
func ValidWebhookEventType(s string) bool {
	for _, t := range WebhookEventTypes {
		if s == t {
			return true
		}
	}
	return false
}

// ErrTooManyWebhooks is the 406 of a 7th subscription in a company.
var ErrTooManyWebhooks = &Error{Code: ENOTACCEPTABLE, Message: "Maximum number of webhooks reached (6)"}

// Webhook is a company's subscription to events. Secret is the signing
// secret ("whsec_" + base64); it is shown once, in the answer that created
// the subscription, and otherwise only read by the delivery worker.
type Webhook struct {
	ID          string
	CompanyID   string
	Endpoint    string
	Description string
	EventTypes  []string
	Secret      string
	// DisabledAt is set when deliveries failed for 24 hours; a PATCH
	// enables the subscription again.
	DisabledAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Subscribes reports whether w wants events of type typ.
func (w Webhook) Subscribes(typ string) bool {
	for _, t := range w.EventTypes {
		if t == typ {
			return true
		}
	}
	return false
}

// NewWebhook is what CreateWebhook needs.
type NewWebhook struct {
	CompanyID   string
	Endpoint    string
	Description string
	EventTypes  []string
	Secret      string
}

// WebhookUpdate lists the fields to change; nil leaves a field alone.
// Any update enables a disabled subscription again.
type WebhookUpdate struct {
	Endpoint    *string
	Description *string
	EventTypes  []string // nil: unchanged; otherwise replaces the list
}

// WebhookDelivery is one claimed attempt to deliver one event to one
// subscription: what the worker needs to send it.
type WebhookDelivery struct {
	ID        int64
	EventID   string // the webhook-id header, stable across retries
	EventType string
	Payload   []byte
	WebhookID string
	CompanyID string
	Endpoint  string
	Secret    string
	// Attempt is the number of this attempt, 1 for the first.
	Attempt        int
	FirstAttemptAt time.Time
}

// WebhookOutcome says how a delivery attempt ended.
type WebhookOutcome int

// The outcomes of a delivery attempt.
const (
	// WebhookDelivered: the receiver answered 2xx.
	WebhookDelivered WebhookOutcome = iota + 1
	// WebhookRetry: try again at NextAttemptAt. The subscription's other
	// pending deliveries that were due earlier wait until then too (a
	// circuit breaker: a failing receiver is not tried once per event).
	WebhookRetry
	// WebhookGone: the receiver answered 410; the subscription is deleted.
	WebhookGone
	// WebhookGiveUp: 24 hours of failures; the subscription is disabled
	// and a webhook_disabled audit entry recorded.
	WebhookGiveUp
)

// WebhookResult is the end of one attempt, reported by the worker.
type WebhookResult struct {
	DeliveryID int64
	Attempt    int
	// Endpoint is the URL the attempt went to (the claimed delivery's).
	// WebhookGone and WebhookGiveUp act on the subscription only while it
	// still has this endpoint: a late result from an endpoint that was
	// replaced meanwhile sends the delivery to the new one instead.
	Endpoint      string
	Outcome       WebhookOutcome
	NextAttemptAt time.Time
	// Status is the receiver's HTTP status (0 when none came back);
	// Error says what went wrong, never carrying a secret.
	Status int
	Error  string
}

// WebhookStats counts a subscription's deliveries by state, for tests and
// operators.
type WebhookStats struct {
	Pending, Delivered, Failed int
}

// TriggeredBy is the "triggeredBy" object of an event caused by an API
// request, or nil when something else caused it (an attendee's link, the
// kill-switch, the dashboard, the operator CLI, the clock); see
// docs/webhooks.md.
func TriggeredBy(a Actor) map[string]any {
	if a.Source != "api" || a.CredentialID == "" {
		return nil
	}
	return map[string]any{"credentialId": a.CredentialID, "credentialType": string(a.CredentialKind),
		"actingUserId": a.UserID}
}

// AppointmentPayload renders an appointment as the API's Appointment
// object: GET /v4/appointment/{id} answers it, and webhook payloads are it
// plus "webhookType" and "triggeredBy".
func AppointmentPayload(ap Appointment) map[string]any {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	optTime := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return FormatTime(*t)
	}
	var cancel any
	if ap.Cancelled {
		cancel = map[string]any{"actionSource": ap.CancelSource, "actionAt": optTime(ap.CancelledAt),
			"actionBy": ap.CancelledBy, "reason": ap.CancelReason}
	}
	attendees := ap.Attendees
	if len(attendees) == 0 {
		attendees = []Attendee{ap.Attendee}
	}
	list := make([]map[string]any, len(attendees))
	for i, a := range attendees {
		notes := a.Notes
		if len(notes) == 0 {
			notes = json.RawMessage(`{}`)
		}
		list[i] = map[string]any{"id": null(a.ID), "email": a.Email, "firstname": a.Firstname, "lastname": a.Lastname,
			"fullname": a.Fullname, "phone": null(a.Phone), "timezone": null(a.Timezone),
			"language": null(a.Language), "receiveReminders": a.ReceiveReminders, "notes": notes,
			"guestOf": null(a.GuestOf)}
	}
	return map[string]any{
		"id": ap.ID, "secret": ap.Secret, "start": FormatTime(ap.Start), "end": FormatTime(ap.End),
		"isCancelled": ap.Cancelled, "cancel": cancel, "rescheduledAt": optTime(ap.RescheduledAt),
		"rescheduleCount": ap.RescheduleCount, "meetingTypeId": ap.MeetingTypeID, "hostIds": ap.HostIDs,
		"companyId": ap.CompanyID, "location": null(ap.Location), "queueId": null(ap.QueueID),
		"meetingInfo": map[string]any{"channel": ap.Channel},
		"hostingInfo": map[string]any{"mainHost": ap.MainHostID},
		"attendees":   list, "note": null(ap.Note), "transcription": ap.Transcription, "summary": ap.Summary,
		"createdAt": FormatTime(ap.CreatedAt), "updatedAt": FormatTime(ap.UpdatedAt),
	}
}

// CredentialPayload is the body of credential_revoked and
// credential_expiring events: the credential's id, kind, name, owner and
// expiry, never its hash.
func CredentialPayload(c Credential) map[string]any {
	var expires any
	if c.ExpiresAt != nil {
		expires = FormatTime(*c.ExpiresAt)
	}
	var user any
	if c.UserID != "" {
		user = c.UserID
	}
	return map[string]any{"credentialId": c.ID, "credentialType": string(c.Kind), "name": c.Name,
		"companyId": c.CompanyID, "userId": user, "status": string(c.Status), "expiresAt": expires}
}
