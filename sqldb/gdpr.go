package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// CreateGDPRExport implements meetd.Store. The records are read in the
// transaction that stores the export, so the document is one consistent
// picture of the company.
func (db *DB) CreateGDPRExport(ctx context.Context, a meetd.Actor, companyID, email string,
	render func(meetd.GDPRRecords) ([]byte, error)) (_ meetd.GDPRExport, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateGDPRExport(%s)", companyID) // never the address: personal data
	var e meetd.GDPRExport
	err = db.update(ctx, func(t *tx) error {
		recs, err := t.gdprRecords(ctx, companyID, email)
		if err != nil {
			return err
		}
		data, err := render(recs)
		if err != nil {
			return err
		}
		now := t.now
		e = meetd.GDPRExport{ID: meetd.NewID(), CompanyID: companyID, Email: email, Status: meetd.GDPRExportCompleted,
			CredentialID: a.CredentialID, Data: data, CreatedAt: now, CompletedAt: &now}
		if _, err := t.exec(ctx, `INSERT INTO gdpr_exports (id, company_id, email, status, credential_id, data,
			created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, companyID, email, e.Status,
			e.CredentialID, string(data), ms(now), ms(now)); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "gdpr.export", "gdpr_export", e.ID)
	})
	return e, err
}

// gdprRecords reads what companyID holds about email (see meetd.GDPRRecords).
func (t *tx) gdprRecords(ctx context.Context, companyID, email string) (meetd.GDPRRecords, error) {
	lower := strings.ToLower(email)
	recs := meetd.GDPRRecords{Users: []meetd.User{}, Appointments: []meetd.Appointment{},
		ProvisionalBookings: []meetd.ProvisionalBooking{}, AuditEntries: []meetd.AuditEntry{},
		WebhookEvents: []meetd.GDPRWebhookEvent{}, Contacts: []meetd.Contact{}}

	rows, err := t.query(ctx, `SELECT `+userColumns+` FROM users WHERE company_id = ? AND email_lower = ?
		ORDER BY created_at, id`, companyID, lower)
	if err != nil {
		return recs, err
	}
	if recs.Users, err = scanAll(rows, scanUser); err != nil {
		return recs, err
	}
	userIDs := make([]any, len(recs.Users))
	for i, u := range recs.Users {
		userIDs[i] = u.ID
	}
	users := placeholders(len(userIDs))

	// The address booked, or came as a guest or attendee of someone else.
	cond, args := `a.attendee_email = ? OR a.id IN (SELECT x.appointment_id FROM appointment_attendees x
		WHERE x.company_id = ? AND LOWER(x.email) = ?)`, []any{companyID, lower, companyID, lower}
	if len(userIDs) > 0 {
		cond += " OR a.id IN (SELECT h.appointment_id FROM appointment_hosts h WHERE h.user_id IN (" + users + "))"
		args = append(args, userIDs...)
	}
	rows, err = t.query(ctx, `SELECT `+prefixed("a.", appointmentColumns)+` FROM appointments a
		WHERE a.company_id = ? AND (`+cond+`) ORDER BY a.start_at, a.id`, args...)
	if err != nil {
		return recs, err
	}
	if recs.Appointments, err = scanAll(rows, scanAppointment); err != nil {
		return recs, err
	}
	// hostIDs names every appointment in one IN list: keep each list short.
	for i := 0; i < len(recs.Appointments); i += 500 {
		if err := hostIDs(ctx, t.query, recs.Appointments[i:min(i+500, len(recs.Appointments))]); err != nil {
			return recs, err
		}
		if err := attendeesOf(ctx, t.query, recs.Appointments[i:min(i+500, len(recs.Appointments))]); err != nil {
			return recs, err
		}
	}

	// host_ids is a JSON array of UUIDs: a quoted match is exact.
	cond, args = "attendee_email = ?", []any{companyID, lower}
	for _, id := range userIDs {
		cond, args = cond+" OR host_ids LIKE ?", append(args, `%"`+id.(string)+`"%`)
	}
	rows, err = t.query(ctx, `SELECT `+provisionalColumns+` FROM provisional_bookings
		WHERE company_id = ? AND (`+cond+`) ORDER BY created_at, id`, args...)
	if err != nil {
		return recs, err
	}
	if recs.ProvisionalBookings, err = scanAll(rows, scanProvisional); err != nil {
		return recs, err
	}

	// What the address did through its attendee links (cancel, reschedule,
	// confirm), and the entries the users made or that are about them.
	cond = `(source = 'attendee' AND (
		(target_type = 'appointment' AND target_id IN (SELECT id FROM appointments WHERE company_id = ? AND attendee_email = ?))
		OR (target_type = 'provisional_booking' AND target_id IN
			(SELECT id FROM provisional_bookings WHERE company_id = ? AND attendee_email = ?))))`
	args = []any{companyID, companyID, lower, companyID, lower}
	if len(userIDs) > 0 {
		cond += " OR user_id IN (" + users + ") OR (target_type = 'user' AND target_id IN (" + users + "))"
		args = append(append(args, userIDs...), userIDs...)
	}
	rows, err = t.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE company_id = ? AND (`+cond+`) ORDER BY id`, args...)
	if err != nil {
		return recs, err
	}
	if recs.AuditEntries, err = scanAll(rows, scanAudit); err != nil {
		return recs, err
	}

	// Webhook payloads are snapshots of appointments: they name the
	// attendee's address and the hosts' ids.
	cond, args = `LOWER(payload) LIKE ? ESCAPE '\'`, []any{companyID, "%" + likeEscape(lower) + "%"}
	for _, id := range userIDs {
		cond, args = cond+` OR payload LIKE ?`, append(args, `%"`+id.(string)+`"%`)
	}
	if recs.Contacts, err = t.gdprContacts(ctx, companyID, lower); err != nil {
		return recs, err
	}
	rows, err = t.query(ctx, `SELECT id, type, payload, created_at FROM webhook_events WHERE company_id = ? AND (`+cond+`)
		ORDER BY created_at, id`, args...)
	if err != nil {
		return recs, err
	}
	recs.WebhookEvents, err = scanAll(rows, func(row interface{ Scan(...any) error }) (meetd.GDPRWebhookEvent, error) {
		var e meetd.GDPRWebhookEvent
		var payload string
		var created int64
		err := row.Scan(&e.ID, &e.Type, &payload, &created)
		e.Payload, e.CreatedAt = json.RawMessage(payload), fromMS(created)
		return e, err
	})
	if err != nil {
		return recs, err
	}

	// The e-mails meetd sent or will send to the address.
	rows, err = t.query(ctx, `SELECT `+outboxColumns+` FROM outbox_messages WHERE company_id = ? AND LOWER(recipient) = ?
		ORDER BY created_at, id`, companyID, lower)
	if err != nil {
		return recs, err
	}
	if recs.Emails, err = scanAll(rows, scanOutbox); err != nil {
		return recs, err
	}
	if recs.Emails == nil {
		recs.Emails = []meetd.OutboxMessage{}
	}
	return recs, nil
}

// likeEscape escapes LIKE's wildcards (and its escape character) in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

const auditColumns = `id, company_id, action, target_type, target_id, credential_id, credential_kind, user_id,
	on_behalf, ip, source, at`

func scanAudit(row interface{ Scan(...any) error }) (meetd.AuditEntry, error) {
	var e meetd.AuditEntry
	var kind string
	var at int64
	if err := row.Scan(&e.ID, &e.CompanyID, &e.Action, &e.TargetType, &e.TargetID, &e.CredentialID,
		&kind, &e.UserID, &e.OnBehalf, &e.IP, &e.Source, &at); err != nil {
		return e, err
	}
	e.CredentialKind, e.At = meetd.CredentialKind(kind), fromMS(at)
	return e, nil
}

// GDPRExportByID implements meetd.Store.
func (db *DB) GDPRExportByID(ctx context.Context, companyID, id string) (_ meetd.GDPRExport, err error) {
	defer meetd.Wrap(&err, "sqldb.GDPRExportByID(%s, %s)", companyID, id)
	var e meetd.GDPRExport
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return e, meetd.Errorf(meetd.ENOTFOUND, "GDPR export not found")
	}
	var data string
	var created int64
	var completed sql.NullInt64
	err = db.queryRow(ctx, `SELECT id, company_id, email, status, credential_id, data, created_at, completed_at
		FROM gdpr_exports WHERE company_id = ? AND id = ?`, companyID, strings.ToLower(id)).Scan(&e.ID, &e.CompanyID, &e.Email, &e.Status,
		&e.CredentialID, &data, &created, &completed)
	if err != nil {
		return e, notFound(err, "GDPR export not found")
	}
	if data != "" {
		e.Data = []byte(data)
	}
	e.CreatedAt, e.CompletedAt = fromMS(created), timePtr(completed)
	return e, nil
}

// PruneGDPRExports implements meetd.Store.
func (db *DB) PruneGDPRExports(ctx context.Context, before time.Time) (err error) {
	defer meetd.Wrap(&err, "sqldb.PruneGDPRExports")
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM gdpr_exports WHERE created_at < ?`, ms(before))
		return err
	})
}

// gdprContacts reads the company's contacts with the address lower.
func (t *tx) gdprContacts(ctx context.Context, companyID, lower string) ([]meetd.Contact, error) {
	rows, err := t.query(ctx, `SELECT `+contactColumns+` FROM contacts WHERE company_id = ? AND email_lower = ?
		ORDER BY created_at, id`, companyID, lower)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanContact)
}
