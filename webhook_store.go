package meetd

import (
	"context"
	"time"
)

// WebhookStore keeps webhook subscriptions and the outbox of events waiting
// to be delivered. Events are written by the store methods that cause them
// (booking, cancelling, rescheduling, confirming, revoking) in the same
// transaction, one delivery row per subscribed subscription; the worker
// claims due deliveries, sends them and reports each result. A subscription
// of another company is ENOTFOUND; the worker's methods are not scoped, as
// the worker serves every company.
type WebhookStore interface {
	// CreateWebhook inserts a subscription. ErrTooManyWebhooks (406) when
	// the company already has MaxWebhooksPerCompany.
	CreateWebhook(ctx context.Context, a Actor, n NewWebhook) (Webhook, error)
	// WebhookByID returns a subscription of the company.
	WebhookByID(ctx context.Context, companyID, id string) (Webhook, error)
	// Webhooks returns a company's subscriptions, oldest first.
	Webhooks(ctx context.Context, companyID string) ([]Webhook, error)
	// UpdateWebhook changes the non-nil fields and enables the
	// subscription again if it was disabled.
	UpdateWebhook(ctx context.Context, a Actor, companyID, id string, up WebhookUpdate) (Webhook, error)
	// DeleteWebhook deletes a subscription and its pending deliveries.
	DeleteWebhook(ctx context.Context, a Actor, companyID, id string) error

	// ClaimWebhookDeliveries takes up to limit deliveries that are due
	// (next attempt at or before the store's now), counts the attempt and
	// moves their next attempt lease into the future, so no other worker
	// sends them meanwhile. Claims are fair across subscriptions: the
	// subscriptions that have waited longest come first, and none has
	// more than MaxWebhookInFlight attempts in flight (claimed, leased and
	// not yet reported). On PostgreSQL claims skip rows another
	// transaction holds (FOR UPDATE SKIP LOCKED).
	ClaimWebhookDeliveries(ctx context.Context, limit int, lease time.Duration) ([]WebhookDelivery, error)
	// FinishWebhookDelivery records how an attempt ended. A result for an
	// attempt that is no longer the delivery's latest is ignored. A
	// failure (WebhookRetry) also postpones the subscription's other
	// pending deliveries to NextAttemptAt. WebhookGone and WebhookGiveUp
	// delete or disable the subscription only if its endpoint is still
	// r.Endpoint; otherwise the delivery starts over at the new endpoint.
	FinishWebhookDelivery(ctx context.Context, r WebhookResult) error
	// EnqueueExpiringCredentials emits credential_expiring for every active
	// credential that expires within one of thresholds from now and has
	// not been announced for that threshold, at most once per credential
	// and threshold; it returns how many events it emitted. Credentials
	// that no longer work for another reason are skipped: personal access
	// tokens of removed users, and credentials of a kind the company's
	// plan no longer allows. Every node may run it at once: a notice
	// another node recorded first is skipped, not an error.
	EnqueueExpiringCredentials(ctx context.Context, thresholds []time.Duration) (int, error)
	// WebhookStats counts the deliveries of a subscription of the company
	// by state; a subscription that does not exist, or is another
	// company's, has none.
	WebhookStats(ctx context.Context, companyID, webhookID string) (WebhookStats, error)
	// PruneWebhookEvents deletes finished deliveries and events older
	// than before, and the expiry notices of credentials that have expired
	// or been revoked (they can never be announced again).
	PruneWebhookEvents(ctx context.Context, before time.Time) error
}
