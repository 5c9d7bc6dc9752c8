package meetd

import (
	"context"
	"time"
)

// Kinds of outbox messages.
const (
	MailQuick        = "quick-mail"
	MailConfirmation = "booking-confirmation" // to an attendee: the booking stands
	MailHostBooked   = "host-booking"         // to a host: a new booking
	MailOptIn        = "double-opt-in"        // to the attendee: confirm your booking
	MailRescheduled  = "booking-rescheduled"  // to an attendee
	MailHostMoved    = "host-rescheduled"     // to a host
	MailCancelled    = "booking-cancelled"    // to an attendee
	MailHostCanceled = "host-cancelled"       // to a host
	MailReminder     = "reminder"             // to an attendee, before the meeting
	// MailRoutingForm invites a recipient to a routing form. Its body holds
	// the recipient's personal link until it is sent or given up, then the
	// body is erased (FinishOutbox): the link is a secret.
	MailRoutingForm = "routing-form"
)

// Outbox message states. A message is pending until the SMTP server
// accepts it (sent) or meetd gives up on it (failed); a reminder whose
// meeting moved or was cancelled before it went out is cancelled.
const (
	OutboxPending   = "pending"
	OutboxSent      = "sent"
	OutboxFailed    = "failed"
	OutboxCancelled = "cancelled"
)

// OutboxMessage is an e-mail meetd has accepted to send, written in the
// transaction that caused it and sent by the mail worker. Body is the text
// of a quick mail; the other kinds are composed when sent, from Data (the
// facts of the message, no secrets) and Calendar (the iCalendar invitation
// as it stood when the message was queued).
type OutboxMessage struct {
	ID, CompanyID, Kind, Recipient, Subject, Body string
	AttendeeID, AppointmentID, Status             string
	// Language is the recipient's ("en", "de").
	Language string
	// Data is the JSON of the message's facts (mail.Facts).
	Data []byte
	// Calendar is the text/calendar invitation, empty for messages without
	// one.
	Calendar []byte
	// Attempts counts the sending attempts so far, the current one
	// included once claimed.
	Attempts int
	// SendAt is when the message is due: its creation, or for a reminder
	// the time before the meeting it is for.
	SendAt time.Time
	// NextAttemptAt is when the worker next tries it.
	NextAttemptAt  time.Time
	FirstAttemptAt *time.Time
	SentAt         *time.Time
	// LastError is why the last attempt failed, as the SMTP server or the
	// network said it (never a password or a link).
	LastError string
	// MessageID is the Message-ID header every attempt of this message
	// carries, so a receiver can recognise a repeat.
	MessageID string
	CreatedAt time.Time
}

// OutboxRetention is how long finished (sent, failed, cancelled) messages
// stay in the outbox, for the dashboard's history.
const OutboxRetention = 90 * 24 * time.Hour

// OutboxClaim is a claimed message with what composing it needs that is
// not kept in the outbox row itself: the secrets of the attendee's links,
// read when the message is sent.
type OutboxClaim struct {
	Message OutboxMessage
	// AppointmentSecret is the secret of the appointment's cancel and
	// reschedule links; empty for messages that carry no such links.
	AppointmentSecret string
	// Token is the double opt-in confirmation token of an opt-in message.
	Token string
	// ProvisionalID is the provisional booking an opt-in message confirms.
	ProvisionalID string
}

// Outcomes of a sending attempt.
const (
	OutboxOutcomeSent  = iota + 1 // the SMTP server accepted the message
	OutboxOutcomeRetry            // try again at NextAttemptAt
	OutboxOutcomeGiveUp
)

// OutboxResult is what became of one claimed attempt.
type OutboxResult struct {
	ID            string
	Attempt       int
	Outcome       int
	NextAttemptAt time.Time
	Error         string
}

// OutboxFilter selects a company's messages for the dashboard, newest
// first.
type OutboxFilter struct {
	CompanyID     string
	Status        string
	Limit, Offset int
}

// OutboxStore keeps the e-mail outbox.
type OutboxStore interface {
	// ClaimOutbox leases up to limit due pending messages, of every
	// company, to the caller for lease: each one to one claimer at a time,
	// across processes, on both engines. Not scoped: the mail worker
	// serves every company. A claim of a message whose appointment is
	// gone or whose reminder no longer applies is not returned.
	ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxClaim, error)
	// FinishOutbox records an attempt's result. A result for an attempt
	// that is no longer the message's current one (its lease ran out and
	// another claim took it) is ignored. Sent and failed messages lose
	// their confirmation token.
	FinishOutbox(ctx context.Context, r OutboxResult) error
	// OutboxMessages lists a company's messages, newest first, and the
	// number of all that match.
	OutboxMessages(ctx context.Context, f OutboxFilter) ([]OutboxMessage, int, error)
	// PruneOutbox deletes the sent, failed and cancelled messages last
	// due before before, of every company. Not scoped: housekeeping.
	PruneOutbox(ctx context.Context, before time.Time) error
}
