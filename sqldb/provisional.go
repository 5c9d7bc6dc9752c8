package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// newSecret returns an appointment secret: 24 random bytes, base64url.
func newSecret() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("sqldb: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

const provisionalColumns = `id, company_id, meeting_type_id, host_ids, queue_id, start_at, end_at, request, attendee_email,
	token_hash, status, appointment_id, credential_id, expires_at, created_at, updated_at`

func scanProvisional(row interface{ Scan(...any) error }) (meetd.ProvisionalBooking, error) {
	var p meetd.ProvisionalBooking
	var hosts, request string
	var start, end, expires, created, updated int64
	if err := row.Scan(&p.ID, &p.CompanyID, &p.MeetingTypeID, &hosts, &p.QueueID, &start, &end, &request,
		&p.AttendeeEmail, &p.TokenHash, &p.Status, &p.AppointmentID, &p.CredentialID, &expires, &created, &updated); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(hosts), &p.HostIDs); err != nil {
		return p, fmt.Errorf("provisional booking %s: stored hosts: %w", p.ID, err)
	}
	p.Request = json.RawMessage(request)
	p.Start, p.End, p.ExpiresAt = fromMS(start), fromMS(end), fromMS(expires)
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, nil
}

// CreateProvisional implements meetd.Store.
func (db *DB) CreateProvisional(ctx context.Context, a meetd.Actor, p meetd.ProvisionalBooking) (meetd.ProvisionalBooking, error) {
	err := db.update(ctx, func(t *tx) error {
		p.ID, p.Status, p.CreatedAt, p.UpdatedAt = meetd.NewID(), meetd.ProvisionalPending, t.now, t.now
		if p.ExpiresAt.IsZero() {
			p.ExpiresAt = t.now.Add(meetd.ProvisionalTTL)
		}
		if _, err := t.exec(ctx, `INSERT INTO provisional_bookings (`+provisionalColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`, p.ID, p.CompanyID, p.MeetingTypeID,
			jsonText(p.HostIDs), p.QueueID, ms(p.Start), ms(p.End), string(p.Request), strings.ToLower(p.AttendeeEmail),
			p.TokenHash, p.Status, p.CredentialID, ms(p.ExpiresAt), ms(t.now), ms(t.now)); err != nil {
			return err
		}
		return t.audit(ctx, a, p.CompanyID, "provisional_booking.create", "provisional_booking", p.ID)
	})
	return p, err
}

// ProvisionalByID implements meetd.Store.
func (db *DB) ProvisionalByID(ctx context.Context, id string) (meetd.ProvisionalBooking, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.ProvisionalBooking{}, meetd.Errorf(meetd.ENOTFOUND, "Provisional booking not found")
	}
	id = strings.ToLower(id) // ids are stored lower-case; clients may send either
	p, err := scanProvisional(db.queryRow(ctx, `SELECT `+provisionalColumns+` FROM provisional_bookings WHERE id = ?`, id))
	return p, notFound(err, "Provisional booking not found")
}

// ListProvisional implements meetd.Store.
func (db *DB) ListProvisional(ctx context.Context, companyID, hostID, status string, limit, offset int) ([]meetd.ProvisionalBooking, int, error) {
	where := "company_id = ?"
	args := []any{companyID}
	if hostID != "" {
		// host_ids is a JSON array of UUIDs: a quoted match is exact.
		where, args = where+" AND host_ids LIKE ?", append(args, `%"`+hostID+`"%`)
	}
	if status != "" {
		where, args = where+" AND status = ?", append(args, status)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM provisional_bookings WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, `SELECT `+provisionalColumns+` FROM provisional_bookings WHERE `+where+
		` ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []meetd.ProvisionalBooking{}
	for rows.Next() {
		p, err := scanProvisional(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// ConfirmProvisional implements meetd.Store.
func (db *DB) ConfirmProvisional(ctx context.Context, a meetd.Actor, id string, n meetd.NewAppointment) (meetd.Appointment, error) {
	var out meetd.Appointment
	err := db.update(ctx, func(t *tx) error {
		p, err := scanProvisional(t.queryRow(ctx, `SELECT `+provisionalColumns+` FROM provisional_bookings WHERE id = ?`+
			t.d.forUpdate, id))
		if err != nil {
			return notFound(err, "Provisional booking not found")
		}
		switch {
		case p.Status == meetd.ProvisionalConfirmed:
			out, err = t.appointment(ctx, p.AppointmentID)
			return err
		case p.Status != meetd.ProvisionalPending || !t.now.Before(p.ExpiresAt):
			return meetd.Errorf(meetd.ECONFLICT, "The provisional booking has expired")
		}
		apID, err := t.book(ctx, a, n)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE provisional_bookings SET status = ?, appointment_id = ?, updated_at = ? WHERE id = ?`,
			meetd.ProvisionalConfirmed, apID, ms(t.now), id); err != nil {
			return err
		}
		if err := t.emitAppointment(ctx, a, meetd.EventBookingCreated, apID, nil); err != nil {
			return err
		}
		if err := t.audit(ctx, a, p.CompanyID, "provisional_booking.confirm", "provisional_booking", id); err != nil {
			return err
		}
		out, err = t.appointment(ctx, apID)
		return err
	})
	return out, err
}

// ExpireProvisional implements meetd.Store.
func (db *DB) ExpireProvisional(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE provisional_bookings SET status = ?, updated_at = ? WHERE status = ? AND expires_at <= ?`,
			meetd.ProvisionalExpired, ms(t.now), meetd.ProvisionalPending, ms(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// ResetProvisionalToken implements meetd.Store.
func (db *DB) ResetProvisionalToken(ctx context.Context, id string, hash []byte) error {
	return db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE provisional_bookings SET token_hash = ?, updated_at = ? WHERE id = ? AND status = ?`,
			hash, ms(t.now), id, meetd.ProvisionalPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return meetd.Errorf(meetd.ECONFLICT, "The provisional booking is no longer pending")
		}
		return nil
	})
}
