package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// Delivery states.
const (
	deliveryPending   = "pending"
	deliveryDelivered = "delivered"
	deliveryFailed    = "failed"
	// deliveryDropped: the subscription was deleted or disabled before
	// the event went out.
	deliveryDropped = "dropped"
)

// workerActor is who the delivery worker's audit records name.
var workerActor = meetd.Actor{Source: "webhook-worker"}

// skipLocked is appended to the worker's claiming SELECT: on PostgreSQL
// rows another worker's transaction holds are skipped rather than waited
// for; on SQLite (no row locks) the single writer already serialises
// claims.
func (d *dialect) skipLocked() string {
	if d.forUpdate == "" {
		return ""
	}
	return d.forUpdate + " SKIP LOCKED"
}

const webhookColumns = `id, company_id, endpoint, description, event_types, secret, disabled_at, created_at, updated_at`

func scanWebhook(row interface{ Scan(...any) error }) (meetd.Webhook, error) {
	var w meetd.Webhook
	var types string
	var disabled sql.NullInt64
	var created, updated int64
	if err := row.Scan(&w.ID, &w.CompanyID, &w.Endpoint, &w.Description, &types, &w.Secret, &disabled,
		&created, &updated); err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(types), &w.EventTypes); err != nil {
		return w, fmt.Errorf("webhook %s: stored event types: %w", w.ID, err)
	}
	w.DisabledAt, w.CreatedAt, w.UpdatedAt = timePtr(disabled), fromMS(created), fromMS(updated)
	return w, nil
}

// CreateWebhook implements meetd.Store.
func (db *DB) CreateWebhook(ctx context.Context, a meetd.Actor, n meetd.NewWebhook) (meetd.Webhook, error) {
	w := meetd.Webhook{ID: meetd.NewID(), CompanyID: n.CompanyID, Endpoint: n.Endpoint, Description: n.Description,
		EventTypes: n.EventTypes, Secret: n.Secret}
	err := db.update(ctx, func(t *tx) error {
		// Lock the company so concurrent creates cannot both pass the limit.
		var id string
		if err := t.queryRow(ctx, `SELECT id FROM companies WHERE id = ?`+t.d.forUpdate, n.CompanyID).Scan(&id); err != nil {
			return notFound(err, "Company not found")
		}
		var count int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM webhooks WHERE company_id = ?`, n.CompanyID).Scan(&count); err != nil {
			return err
		}
		if count >= meetd.MaxWebhooksPerCompany {
			return meetd.ErrTooManyWebhooks
		}
		w.CreatedAt, w.UpdatedAt = t.now, t.now
		if _, err := t.exec(ctx, `INSERT INTO webhooks (`+webhookColumns+`) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
			w.ID, w.CompanyID, w.Endpoint, w.Description, jsonText(w.EventTypes), w.Secret, ms(t.now), ms(t.now)); err != nil {
			return err
		}
		return t.audit(ctx, a, w.CompanyID, "webhook.create", "webhook", w.ID)
	})
	if err != nil {
		return meetd.Webhook{}, err
	}
	return w, nil
}

// WebhookByID implements meetd.Store.
func (db *DB) WebhookByID(ctx context.Context, id string) (meetd.Webhook, error) {
	w, err := scanWebhook(db.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, strings.ToLower(id)))
	return w, notFound(err, "Webhook not found")
}

// Webhooks implements meetd.Store.
func (db *DB) Webhooks(ctx context.Context, companyID string) ([]meetd.Webhook, error) {
	rows, err := db.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE company_id = ? ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []meetd.Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// UpdateWebhook implements meetd.Store.
func (db *DB) UpdateWebhook(ctx context.Context, a meetd.Actor, id string, up meetd.WebhookUpdate) (meetd.Webhook, error) {
	var w meetd.Webhook
	err := db.update(ctx, func(t *tx) error {
		var err error
		w, err = scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, strings.ToLower(id)))
		if err != nil {
			return notFound(err, "Webhook not found")
		}
		if up.Endpoint != nil {
			w.Endpoint = *up.Endpoint
		}
		if up.Description != nil {
			w.Description = *up.Description
		}
		if up.EventTypes != nil {
			w.EventTypes = up.EventTypes
		}
		w.DisabledAt, w.UpdatedAt = nil, t.now
		if _, err := t.exec(ctx, `UPDATE webhooks SET endpoint = ?, description = ?, event_types = ?, disabled_at = NULL,
			updated_at = ? WHERE id = ?`, w.Endpoint, w.Description, jsonText(w.EventTypes), ms(t.now), w.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, w.CompanyID, "webhook.update", "webhook", w.ID)
	})
	return w, err
}

// DeleteWebhook implements meetd.Store.
func (db *DB) DeleteWebhook(ctx context.Context, a meetd.Actor, id string) error {
	return db.update(ctx, func(t *tx) error {
		w, err := scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, strings.ToLower(id)))
		if err != nil {
			return notFound(err, "Webhook not found")
		}
		if err := t.deleteWebhook(ctx, w.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, w.CompanyID, "webhook.delete", "webhook", w.ID)
	})
}

// deleteWebhook removes a subscription and every delivery it still had.
func (t *tx) deleteWebhook(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = ?`, id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
	return err
}

// emit writes an event of type typ to the outbox, in the caller's
// transaction, with one delivery for every enabled subscription of the
// company that wants it. Nothing is written when nobody does.
func (t *tx) emit(ctx context.Context, companyID, typ string, payload map[string]any) error {
	rows, err := t.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE company_id = ? AND disabled_at IS NULL
		ORDER BY created_at, id`, companyID)
	if err != nil {
		return err
	}
	var targets []string
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if w.Subscribes(typ) {
			targets = append(targets, w.ID)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(targets) == 0 {
		return nil
	}
	payload["webhookType"] = typ
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	id := meetd.NewID()
	if _, err := t.exec(ctx, `INSERT INTO webhook_events (id, company_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, companyID, typ, string(body), ms(t.now)); err != nil {
		return err
	}
	for _, w := range targets {
		if _, err := t.exec(ctx, `INSERT INTO webhook_deliveries (event_id, webhook_id, status, attempts, next_attempt_at,
			created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)`, id, w, deliveryPending, ms(t.now), ms(t.now), ms(t.now)); err != nil {
			return err
		}
	}
	return nil
}

// emitAppointment emits a booking event: the appointment as the API
// renders it, as it stands in the caller's transaction, plus triggeredBy
// when an API request caused it and any extra fields.
func (t *tx) emitAppointment(ctx context.Context, a meetd.Actor, typ, id string, extra map[string]any) error {
	ap, err := scanAppointment(t.queryRow(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE id = ?`, id))
	if err != nil {
		return err
	}
	ap.HostIDs = []string{ap.MainHostID}
	rows, err := t.query(ctx, `SELECT user_id FROM appointment_hosts WHERE appointment_id = ? ORDER BY user_id`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return err
		}
		if h != ap.MainHostID {
			ap.HostIDs = append(ap.HostIDs, h)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	payload := meetd.AppointmentPayload(ap)
	if tb := meetd.TriggeredBy(a); tb != nil {
		payload["triggeredBy"] = tb
	}
	for k, v := range extra {
		payload[k] = v
	}
	return t.emit(ctx, ap.CompanyID, typ, payload)
}

// emitRevoked emits credential_revoked for the credential id, read in the
// caller's transaction after the change.
func (t *tx) emitRevoked(ctx context.Context, a meetd.Actor, id string) error {
	c, err := scanCredential(t.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE id = ?`, id))
	if err != nil {
		return err
	}
	payload := meetd.CredentialPayload(c)
	payload["revokedAt"] = meetd.FormatTime(t.now)
	payload["source"] = a.Source
	if tb := meetd.TriggeredBy(a); tb != nil {
		payload["triggeredBy"] = tb
	}
	return t.emit(ctx, c.CompanyID, meetd.EventCredentialRevoked, payload)
}

// ClaimWebhookDeliveries implements meetd.Store.
func (db *DB) ClaimWebhookDeliveries(ctx context.Context, limit int, lease time.Duration) ([]meetd.WebhookDelivery, error) {
	var out []meetd.WebhookDelivery
	err := db.update(ctx, func(t *tx) error {
		out = nil
		rows, err := t.query(ctx, `SELECT id FROM webhook_deliveries WHERE status = ? AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?`+t.d.skipLocked(), deliveryPending, ms(t.now), limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range ids {
			var d meetd.WebhookDelivery
			var payload string
			var first sql.NullInt64
			var company, endpoint, secret sql.NullString
			var disabled sql.NullInt64
			err := t.queryRow(ctx, `SELECT d.id, d.event_id, e.type, e.payload, d.webhook_id, d.attempts, d.first_attempt_at,
				w.company_id, w.endpoint, w.secret, w.disabled_at
				FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
				LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?`, id).Scan(&d.ID, &d.EventID, &d.EventType,
				&payload, &d.WebhookID, &d.Attempt, &first, &company, &endpoint, &secret, &disabled)
			if err != nil {
				return err
			}
			if !company.Valid || disabled.Valid {
				if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, updated_at = ? WHERE id = ?`,
					deliveryDropped, ms(t.now), id); err != nil {
					return err
				}
				continue
			}
			d.Attempt++
			d.FirstAttemptAt = t.now
			if first.Valid {
				d.FirstAttemptAt = fromMS(first.Int64)
			}
			if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET attempts = ?, first_attempt_at = ?, next_attempt_at = ?,
				updated_at = ? WHERE id = ?`, d.Attempt, ms(d.FirstAttemptAt), ms(t.now.Add(lease)), ms(t.now), id); err != nil {
				return err
			}
			d.Payload, d.CompanyID, d.Endpoint, d.Secret = []byte(payload), company.String, endpoint.String, secret.String
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// FinishWebhookDelivery implements meetd.Store.
func (db *DB) FinishWebhookDelivery(ctx context.Context, r meetd.WebhookResult) error {
	return db.update(ctx, func(t *tx) error {
		var webhookID, status string
		var attempts int
		err := t.queryRow(ctx, `SELECT webhook_id, status, attempts FROM webhook_deliveries WHERE id = ?`+t.d.forUpdate,
			r.DeliveryID).Scan(&webhookID, &status, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // the subscription was deleted meanwhile
		} else if err != nil {
			return err
		}
		if status != deliveryPending || attempts != r.Attempt {
			return nil // a stale report: another attempt has been claimed since
		}
		msg := r.Error
		if len(msg) > 500 {
			msg = msg[:500]
		}
		set := func(st string, next time.Time) error {
			_, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status = ?,
				last_error = ?, updated_at = ? WHERE id = ?`, st, ms(next), r.Status, msg, ms(t.now), r.DeliveryID)
			return err
		}
		switch r.Outcome {
		case meetd.WebhookDelivered:
			return set(deliveryDelivered, t.now)
		case meetd.WebhookRetry:
			return set(deliveryPending, r.NextAttemptAt)
		case meetd.WebhookGone:
			w, err := scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, webhookID))
			if errors.Is(err, sql.ErrNoRows) {
				return set(deliveryDropped, t.now)
			} else if err != nil {
				return err
			}
			if err := t.deleteWebhook(ctx, w.ID); err != nil {
				return err
			}
			return t.audit(ctx, workerActor, w.CompanyID, "webhook.gone", "webhook", w.ID)
		case meetd.WebhookGiveUp:
			w, err := scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, webhookID))
			if errors.Is(err, sql.ErrNoRows) {
				return set(deliveryDropped, t.now)
			} else if err != nil {
				return err
			}
			if err := set(deliveryFailed, t.now); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, updated_at = ? WHERE webhook_id = ? AND status = ?`,
				deliveryFailed, ms(t.now), w.ID, deliveryPending); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE webhooks SET disabled_at = ?, updated_at = ? WHERE id = ?`,
				ms(t.now), ms(t.now), w.ID); err != nil {
				return err
			}
			return t.audit(ctx, workerActor, w.CompanyID, meetd.WebhookDisabledAuditName, "webhook", w.ID)
		}
		return fmt.Errorf("webhook delivery %d: unknown outcome %d", r.DeliveryID, r.Outcome)
	})
}

// EnqueueExpiringCredentials implements meetd.Store.
func (db *DB) EnqueueExpiringCredentials(ctx context.Context, thresholds []time.Duration) (int, error) {
	if len(thresholds) == 0 {
		return 0, nil
	}
	ths := slices.Clone(thresholds)
	slices.Sort(ths)
	var n int
	err := db.update(ctx, func(t *tx) error {
		n = 0
		rows, err := t.query(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE status = ? AND expires_at IS NOT NULL
			AND expires_at > ? AND expires_at <= ? ORDER BY expires_at, id`, string(meetd.CredentialActive), ms(t.now),
			ms(t.now.Add(ths[len(ths)-1])))
		if err != nil {
			return err
		}
		var creds []meetd.Credential
		for rows.Next() {
			c, err := scanCredential(rows)
			if err != nil {
				rows.Close()
				return err
			}
			creds = append(creds, c)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, c := range creds {
			left := c.ExpiresAt.Sub(t.now)
			var fresh []time.Duration // crossed thresholds not yet announced
			for _, th := range ths {
				if left > th {
					continue
				}
				var seen int
				if err := t.queryRow(ctx, `SELECT COUNT(*) FROM webhook_expiry_notices WHERE credential_id = ? AND threshold = ?`,
					c.ID, th.Milliseconds()).Scan(&seen); err != nil {
					return err
				}
				if seen == 0 {
					fresh = append(fresh, th)
				}
			}
			if len(fresh) == 0 {
				continue
			}
			for _, th := range fresh {
				if _, err := t.exec(ctx, `INSERT INTO webhook_expiry_notices (credential_id, threshold, at) VALUES (?, ?, ?)`,
					c.ID, th.Milliseconds(), ms(t.now)); err != nil {
					return err
				}
			}
			// One event per pass: the most urgent threshold just crossed.
			payload := meetd.CredentialPayload(c)
			payload["threshold"] = thresholdName(fresh[0])
			if err := t.emit(ctx, c.CompanyID, meetd.EventCredentialExpiring, payload); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// thresholdName writes a threshold as days ("7d") when it is whole days.
func thresholdName(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// WebhookStats implements meetd.Store.
func (db *DB) WebhookStats(ctx context.Context, webhookID string) (meetd.WebhookStats, error) {
	var s meetd.WebhookStats
	rows, err := db.query(ctx, `SELECT status, COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? GROUP BY status`,
		strings.ToLower(webhookID))
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return s, err
		}
		switch st {
		case deliveryPending:
			s.Pending = n
		case deliveryDelivered:
			s.Delivered = n
		case deliveryFailed, deliveryDropped:
			s.Failed += n
		}
	}
	return s, rows.Err()
}

// PruneWebhookEvents implements meetd.Store.
func (db *DB) PruneWebhookEvents(ctx context.Context, before time.Time) error {
	return db.update(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM webhook_deliveries WHERE status <> ? AND updated_at < ?`,
			deliveryPending, ms(before)); err != nil {
			return err
		}
		_, err := t.exec(ctx, `DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS
			(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`, ms(before))
		return err
	})
}
