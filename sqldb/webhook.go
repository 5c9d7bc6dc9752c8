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

// lockNoKey is appended to a SELECT that locks a row it will not delete
// and whose key it will not change: FOR NO KEY UPDATE on PostgreSQL, which,
// unlike FOR UPDATE, does not conflict with the KEY SHARE locks that
// foreign-key checks of concurrent inserts take on the referenced row (a
// company's row is referenced by nearly every insert). Empty on SQLite.
func (t *tx) lockNoKey() string {
	if t.d.forUpdate == "" {
		return ""
	}
	return " FOR NO KEY UPDATE"
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
func (db *DB) CreateWebhook(ctx context.Context, a meetd.Actor, n meetd.NewWebhook) (_ meetd.Webhook, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateWebhook(%s)", n.CompanyID)
	w := meetd.Webhook{ID: meetd.NewID(), CompanyID: n.CompanyID, Endpoint: n.Endpoint, Description: n.Description,
		EventTypes: n.EventTypes, Secret: n.Secret}
	err = db.update(ctx, func(t *tx) error {
		// Lock the company so concurrent creates cannot both pass the limit.
		var id string
		if err := t.queryRow(ctx, `SELECT id FROM companies WHERE id = ?`+t.lockNoKey(), n.CompanyID).Scan(&id); err != nil {
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

// errWebhookNotFound is the answer for an id that names no subscription
// of the company: missing and foreign alike.
var errWebhookNotFound = meetd.Errorf(meetd.ENOTFOUND, "Webhook not found")

// WebhookByID implements meetd.Store.
func (db *DB) WebhookByID(ctx context.Context, companyID, id string) (_ meetd.Webhook, err error) {
	defer meetd.Wrap(&err, "sqldb.WebhookByID(%s, %s)", companyID, id)
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Webhook{}, errWebhookNotFound
	}
	w, err := scanWebhook(db.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE company_id = ? AND id = ?`,
		companyID, strings.ToLower(id)))
	return w, notFound(err, "Webhook not found")
}

// lockWebhook reads subscription id, of any company, and locks its row
// until commit (on PostgreSQL, waiting for a transaction that holds it);
// found is false when there is no such subscription. Every transaction
// that changes several of a subscription's deliveries takes this lock
// before any delivery row, so two of them never deadlock holding one
// delivery each. Not scoped: the delivery worker serves every company.
func (t *tx) lockWebhook(ctx context.Context, id string) (w meetd.Webhook, found bool, err error) {
	w, err = scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`+t.d.forUpdate, id))
	if errors.Is(err, sql.ErrNoRows) {
		return w, false, nil
	}
	return w, err == nil, err
}

// lockCompanyWebhook is lockWebhook for a subscription of the company: a
// missing or foreign one is errWebhookNotFound.
func (t *tx) lockCompanyWebhook(ctx context.Context, companyID, id string) (meetd.Webhook, error) {
	if !meetd.IsUUID(id) {
		return meetd.Webhook{}, errWebhookNotFound
	}
	w, err := scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE company_id = ? AND id = ?`+
		t.d.forUpdate, companyID, strings.ToLower(id)))
	return w, notFound(err, "Webhook not found")
}

// Webhooks implements meetd.Store.
func (db *DB) Webhooks(ctx context.Context, companyID string) (_ []meetd.Webhook, err error) {
	defer meetd.Wrap(&err, "sqldb.Webhooks(%s)", companyID)
	rows, err := db.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE company_id = ? ORDER BY created_at, id`, companyID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanWebhook)
}

// UpdateWebhook implements meetd.Store.
func (db *DB) UpdateWebhook(ctx context.Context, a meetd.Actor, companyID, id string, up meetd.WebhookUpdate) (_ meetd.Webhook, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateWebhook(%s, %s)", companyID, id)
	var w meetd.Webhook
	err = db.update(ctx, func(t *tx) error {
		// Read under the row lock: the UPDATE writes every column back, so
		// a concurrent PATCH read before this one commits would undo it.
		var err error
		if w, err = t.lockCompanyWebhook(ctx, companyID, id); err != nil {
			return err
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
			updated_at = ? WHERE company_id = ? AND id = ?`, w.Endpoint, w.Description, jsonText(w.EventTypes), ms(t.now),
			w.CompanyID, w.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, w.CompanyID, "webhook.update", "webhook", w.ID)
	})
	return w, err
}

// DeleteWebhook implements meetd.Store.
func (db *DB) DeleteWebhook(ctx context.Context, a meetd.Actor, companyID, id string) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteWebhook(%s, %s)", companyID, id)
	return db.update(ctx, func(t *tx) error {
		w, err := t.lockCompanyWebhook(ctx, companyID, id)
		if err != nil {
			return err
		}
		if err := t.deleteWebhook(ctx, w.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, w.CompanyID, "webhook.delete", "webhook", w.ID)
	})
}

// deleteWebhook removes a subscription and every delivery it still had.
// The caller holds the subscription's row lock (lockWebhook).
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
	subs, err := scanAll(rows, scanWebhook)
	if err != nil {
		return err
	}
	var targets []string
	for _, w := range subs {
		if w.Subscribes(typ) {
			targets = append(targets, w.ID)
		}
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
	_, err := t.emitAppointmentRead(ctx, a, typ, id, extra)
	return err
}

// emitAppointmentRead is emitAppointment, answering the appointment as it
// read it: what the caller would read again after the emit, because the
// mail, contacts, calendar writes and webhook rows it writes change none of
// the appointment's columns, hosts or attendees' columns (a booking saves
// three round trips).
func (t *tx) emitAppointmentRead(ctx context.Context, a meetd.Actor, typ, id string, extra map[string]any) (meetd.Appointment, error) {
	ap, err := appointment(ctx, t, "", id, "")
	if err != nil {
		return ap, err
	}
	// booking_created is emitted in the transaction that inserted the
	// appointment (a provisional booking's confirmation; BookAppointment
	// calls announce itself).
	if err := t.queueCalendarWrites(ctx, ap, typ == meetd.EventBookingCreated); err != nil {
		return ap, err
	}
	return ap, t.announce(ctx, a, typ, ap, extra)
}

// announce tells of event typ of ap, in the caller's transaction: the
// e-mail it sends, the contacts of its attendees, the webhook deliveries.
func (t *tx) announce(ctx context.Context, a meetd.Actor, typ string, ap meetd.Appointment, extra map[string]any) error {
	payload := meetd.AppointmentPayload(ap)
	if tb := meetd.TriggeredBy(a); tb != nil {
		payload["triggeredBy"] = tb
	}
	for k, v := range extra {
		payload[k] = v
	}
	if err := t.queueMail(ctx, typ, ap, extra); err != nil {
		return err
	}
	if err := t.emit(ctx, ap.CompanyID, typ, payload); err != nil {
		return err
	}
	// Last: a new contact updates its owner's row of contact_counts,
	// which stays locked until commit, so the bookings of one host wait
	// for each other only from here.
	return t.syncContacts(ctx, ap)
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
//
// Claims go subscription by subscription, those whose oldest due delivery
// has waited longest first, and take at most meetd.MaxWebhookInFlight
// minus what the subscription already has in flight: one tenant's backlog
// or dead receiver cannot fill every worker's slots. On PostgreSQL the
// subscription's row is locked (skipping one another transaction holds)
// while its in-flight attempts are counted, so two workers cannot both
// pass the cap.
func (db *DB) ClaimWebhookDeliveries(ctx context.Context, limit int, lease time.Duration) (_ []meetd.WebhookDelivery, err error) {
	defer meetd.Wrap(&err, "sqldb.ClaimWebhookDeliveries")
	var out []meetd.WebhookDelivery
	err = db.update(ctx, func(t *tx) error {
		out = nil
		type due struct {
			webhookID string
			since     int64
		}
		// Subscriptions with due deliveries and room for another attempt
		// (an attempt in flight has its lease as next_attempt_at). More
		// than limit, as some may be skipped: locked by another claim.
		rows, err := t.query(ctx, `SELECT webhook_id, MIN(next_attempt_at) FROM webhook_deliveries
			WHERE status = ? AND next_attempt_at <= ? AND webhook_id NOT IN (SELECT webhook_id FROM webhook_deliveries
				WHERE status = ? AND next_attempt_at > ? AND leased_until > ? GROUP BY webhook_id HAVING COUNT(*) >= ?)
			GROUP BY webhook_id ORDER BY 2, 1 LIMIT ?`,
			deliveryPending, ms(t.now), deliveryPending, ms(t.now), ms(t.now), meetd.MaxWebhookInFlight, 2*limit)
		if err != nil {
			return err
		}
		subs, err := scanAll(rows, func(row interface{ Scan(...any) error }) (d due, err error) {
			err = row.Scan(&d.webhookID, &d.since)
			return d, err
		})
		if err != nil {
			return err
		}
		for _, sub := range subs {
			if len(out) >= limit {
				break
			}
			ds, err := t.claimFor(ctx, sub.webhookID, limit-len(out), lease)
			if err != nil {
				return err
			}
			out = append(out, ds...)
		}
		return nil
	})
	return out, err
}

// claimFor claims up to n due deliveries of one subscription, within its
// in-flight cap.
func (t *tx) claimFor(ctx context.Context, webhookID string, n int, lease time.Duration) ([]meetd.WebhookDelivery, error) {
	w, err := scanWebhook(t.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`+t.d.skipLocked(), webhookID))
	gone := false
	if errors.Is(err, sql.ErrNoRows) {
		// Deleted, or (PostgreSQL) locked by another transaction: a
		// worker claiming it, a PATCH, a result being recorded.
		var one int
		err = t.queryRow(ctx, `SELECT 1 FROM webhooks WHERE id = ?`, webhookID).Scan(&one)
		if err == nil {
			return nil, nil // busy: its turn comes in the next claim
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		gone = true
	} else if err != nil {
		return nil, err
	}
	if gone || w.DisabledAt != nil {
		// Written by an event that raced the deletion or the disabling.
		_, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, leased_until = NULL, updated_at = ?
			WHERE id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status = ? AND next_attempt_at <= ?`+
			t.d.skipLocked()+`)`, deliveryDropped, ms(t.now), webhookID, deliveryPending, ms(t.now))
		return nil, err
	}
	var inFlight int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = ?
		AND leased_until > ?`, webhookID, deliveryPending, ms(t.now)).Scan(&inFlight); err != nil {
		return nil, err
	}
	room := min(meetd.MaxWebhookInFlight-inFlight, n)
	if room <= 0 {
		return nil, nil
	}
	rows, err := t.query(ctx, `SELECT id, event_id, attempts, first_attempt_at FROM webhook_deliveries
		WHERE webhook_id = ? AND status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`+t.d.skipLocked(),
		webhookID, deliveryPending, ms(t.now), room)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(row interface{ Scan(...any) error }) (meetd.WebhookDelivery, error) {
		d := meetd.WebhookDelivery{WebhookID: w.ID, CompanyID: w.CompanyID, Endpoint: w.Endpoint, Secret: w.Secret}
		var first sql.NullInt64
		if err := row.Scan(&d.ID, &d.EventID, &d.Attempt, &first); err != nil {
			return d, err
		}
		d.Attempt++
		d.FirstAttemptAt = t.now
		if first.Valid {
			d.FirstAttemptAt = fromMS(first.Int64)
		}
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		d := &out[i]
		var payload string
		if err := t.queryRow(ctx, `SELECT type, payload FROM webhook_events WHERE id = ?`, d.EventID).Scan(&d.EventType,
			&payload); err != nil {
			return nil, err
		}
		d.Payload = []byte(payload)
		if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET attempts = ?, first_attempt_at = ?, next_attempt_at = ?,
			leased_until = ?, updated_at = ? WHERE id = ?`, d.Attempt, ms(d.FirstAttemptAt), ms(t.now.Add(lease)),
			ms(t.now.Add(lease)), ms(t.now), d.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FinishWebhookDelivery implements meetd.Store.
func (db *DB) FinishWebhookDelivery(ctx context.Context, r meetd.WebhookResult) (err error) {
	defer meetd.Wrap(&err, "sqldb.FinishWebhookDelivery(%d)", r.DeliveryID)
	return db.update(ctx, func(t *tx) error {
		var webhookID string
		err := t.queryRow(ctx, `SELECT webhook_id FROM webhook_deliveries WHERE id = ?`, r.DeliveryID).Scan(&webhookID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // the subscription was deleted meanwhile
		} else if err != nil {
			return err
		}
		// The subscription's row first, then the delivery's (see lockWebhook).
		w, found, err := t.lockWebhook(ctx, webhookID)
		if err != nil {
			return err
		}
		var status string
		var attempts int
		err = t.queryRow(ctx, `SELECT status, attempts FROM webhook_deliveries WHERE id = ?`+t.d.forUpdate,
			r.DeliveryID).Scan(&status, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // deleted with its subscription while we waited
		} else if err != nil {
			return err
		}
		if status != deliveryPending || attempts != r.Attempt {
			return nil // a stale report: another attempt has been claimed since
		}
		// The attempt went to the subscription as it still is; otherwise
		// it was PATCHed to a new endpoint while the attempt was out, and
		// what the old endpoint answered says nothing about the new one.
		current := found && w.Endpoint == r.Endpoint
		msg := r.Error
		if len(msg) > 500 {
			msg = msg[:500]
		}
		set := func(st string, next time.Time) error {
			_, err := t.exec(ctx, `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, leased_until = NULL,
				last_status = ?, last_error = ?, updated_at = ? WHERE id = ?`, st, ms(next), r.Status, msg, ms(t.now), r.DeliveryID)
			return err
		}
		// restart sends the delivery to the subscription's new endpoint
		// now, its retry window starting over.
		restart := func() error {
			_, err := t.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, first_attempt_at = NULL,
				leased_until = NULL, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?`,
				ms(t.now), r.Status, msg, ms(t.now), r.DeliveryID)
			return err
		}
		switch r.Outcome {
		case meetd.WebhookDelivered:
			return set(deliveryDelivered, t.now)
		case meetd.WebhookRetry:
			if err := set(deliveryPending, r.NextAttemptAt); err != nil || !current {
				return err
			}
			// The circuit breaker: the receiver is failing, so the
			// subscription's other deliveries wait for this retry instead
			// of each trying it now. Attempts in flight are left alone.
			_, err := t.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, updated_at = ?
				WHERE webhook_id = ? AND status = ? AND next_attempt_at < ? AND id <> ?
				AND (leased_until IS NULL OR leased_until <= ?)`,
				ms(r.NextAttemptAt), ms(t.now), w.ID, deliveryPending, ms(r.NextAttemptAt), r.DeliveryID, ms(t.now))
			return err
		case meetd.WebhookGone:
			if !found {
				return set(deliveryDropped, t.now)
			} else if !current {
				return restart()
			}
			if err := t.deleteWebhook(ctx, w.ID); err != nil {
				return err
			}
			return t.audit(ctx, workerActor, w.CompanyID, "webhook.gone", "webhook", w.ID)
		case meetd.WebhookGiveUp:
			if !found {
				return set(deliveryDropped, t.now)
			} else if !current {
				return restart()
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
func (db *DB) EnqueueExpiringCredentials(ctx context.Context, thresholds []time.Duration) (_ int, err error) {
	defer meetd.Wrap(&err, "sqldb.EnqueueExpiringCredentials")
	if len(thresholds) == 0 {
		return 0, nil
	}
	ths := slices.Clone(thresholds)
	slices.Sort(ths)
	// Only credentials that still work are announced: a personal access
	// token needs its user still in the company, and every credential a
	// plan that allows its kind.
	var planCond []string
	args := []any{string(meetd.CredentialActive), 0, 0, string(meetd.KindPAT), string(meetd.UserActive)}
	for _, k := range []meetd.CredentialKind{meetd.KindPAT, meetd.KindAPIKey} {
		var plans []any
		for _, p := range meetd.Plans {
			if p.Allows(k) {
				plans = append(plans, string(p))
			}
		}
		if len(plans) == 0 {
			continue
		}
		planCond = append(planCond, `(c.kind = ? AND co.plan IN (`+placeholders(len(plans))+`))`)
		args = append(append(args, string(k)), plans...)
	}
	if len(planCond) == 0 {
		return 0, nil
	}
	var n int
	err = db.update(ctx, func(t *tx) error {
		n = 0
		args[1], args[2] = ms(t.now), ms(t.now.Add(ths[len(ths)-1]))
		rows, err := t.query(ctx, `SELECT `+qualified("c", credentialColumns)+`
			FROM credentials c JOIN companies co ON co.id = c.company_id
			WHERE c.status = ? AND c.expires_at IS NOT NULL AND c.expires_at > ? AND c.expires_at <= ?
			AND (c.kind <> ? OR EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id AND u.company_id = c.company_id
				AND u.status = ?))
			AND (`+strings.Join(planCond, " OR ")+`)
			ORDER BY c.expires_at, c.id`, args...)
		if err != nil {
			return err
		}
		creds, err := scanAll(rows, scanCredential)
		if err != nil {
			return err
		}
		for _, c := range creds {
			left := c.ExpiresAt.Sub(t.now)
			var fresh []time.Duration // crossed thresholds this pass recorded first
			for _, th := range ths {
				if left > th {
					continue
				}
				// Every node runs this pass: a notice another node has
				// recorded (or is recording) is skipped, not a conflict
				// that would roll this pass back.
				res, err := t.exec(ctx, `INSERT INTO webhook_expiry_notices (credential_id, threshold, at) VALUES (?, ?, ?)
					ON CONFLICT (credential_id, threshold) DO NOTHING`, c.ID, th.Milliseconds(), ms(t.now))
				if err != nil {
					return err
				}
				if added, err := res.RowsAffected(); err != nil {
					return err
				} else if added > 0 {
					fresh = append(fresh, th)
				}
			}
			if len(fresh) == 0 {
				continue
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

// qualified prefixes every column of a column list with table alias a.
func qualified(a, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = a + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// thresholdName writes a threshold as days ("7d") when it is whole days.
func thresholdName(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// WebhookStats implements meetd.Store.
func (db *DB) WebhookStats(ctx context.Context, companyID, webhookID string) (_ meetd.WebhookStats, err error) {
	defer meetd.Wrap(&err, "sqldb.WebhookStats(%s, %s)", companyID, webhookID)
	var s meetd.WebhookStats
	if !meetd.IsUUID(webhookID) {
		return s, nil // names no subscription, which has no deliveries
	}
	rows, err := db.query(ctx, `SELECT d.status, COUNT(*) FROM webhook_deliveries d
		JOIN webhooks w ON w.id = d.webhook_id WHERE w.company_id = ? AND d.webhook_id = ? GROUP BY d.status`,
		companyID, strings.ToLower(webhookID))
	if err != nil {
		return s, err
	}
	type count struct {
		status string
		n      int
	}
	counts, err := scanAll(rows, func(row interface{ Scan(...any) error }) (c count, err error) {
		err = row.Scan(&c.status, &c.n)
		return c, err
	})
	for _, c := range counts {
		switch c.status {
		case deliveryPending:
			s.Pending = c.n
		case deliveryDelivered:
			s.Delivered = c.n
		case deliveryFailed, deliveryDropped:
			s.Failed += c.n
		}
	}
	return s, err
}

// PruneWebhookEvents implements meetd.Store.
func (db *DB) PruneWebhookEvents(ctx context.Context, before time.Time) (err error) {
	defer meetd.Wrap(&err, "sqldb.PruneWebhookEvents")
	return db.update(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM webhook_deliveries WHERE status <> ? AND updated_at < ?`,
			deliveryPending, ms(before)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS
			(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`, ms(before)); err != nil {
			return err
		}
		// A notice keeps a credential from being announced twice; once the
		// credential has expired or been revoked (or is gone) it can never
		// be announced again. A deactivated key keeps its notices: it may
		// come back.
		_, err := t.exec(ctx, `DELETE FROM webhook_expiry_notices WHERE NOT EXISTS (SELECT 1 FROM credentials c
			WHERE c.id = webhook_expiry_notices.credential_id AND c.status <> ? AND (c.expires_at IS NULL OR c.expires_at > ?))`,
			string(meetd.CredentialRevoked), ms(t.now))
		return err
	})
}
