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
func (db *DB) CreateProvisional(ctx context.Context, a meetd.Actor, p meetd.ProvisionalBooking) (_ meetd.ProvisionalBooking, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateProvisional(%s, %s)", p.CompanyID, p.MeetingTypeID)
	token := p.Token
	p.Token = "" // the caller has it; the returned booking does not carry it on
	err = db.update(ctx, func(t *tx) error {
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
		withToken := p
		withToken.Token = token
		if err := t.queueOptIn(ctx, withToken); err != nil {
			return err
		}
		return t.audit(ctx, a, p.CompanyID, "provisional_booking.create", "provisional_booking", p.ID)
	})
	return p, err
}

var errProvisionalNotFound = meetd.Errorf(meetd.ENOTFOUND, "Provisional booking not found")

// provisional reads a provisional booking; an empty companyID reads any
// company's (the attendee's link only). lock is appended to the query (the
// dialect's FOR UPDATE within a transaction, or "").
func provisional(ctx context.Context, q querier, companyID, id, lock string) (meetd.ProvisionalBooking, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.ProvisionalBooking{}, errProvisionalNotFound
	}
	where, args := "id = ?", []any{strings.ToLower(id)}
	if companyID != "" {
		where, args = "company_id = ? AND id = ?", []any{companyID, strings.ToLower(id)}
	}
	p, err := scanProvisional(q.queryRow(ctx, `SELECT `+provisionalColumns+` FROM provisional_bookings WHERE `+where+lock, args...))
	return p, notFound(err, "Provisional booking not found")
}

// ProvisionalByID implements meetd.Store.
func (db *DB) ProvisionalByID(ctx context.Context, companyID, id string) (_ meetd.ProvisionalBooking, err error) {
	defer meetd.Wrap(&err, "sqldb.ProvisionalByID(%s)", id)
	if companyID == "" { // "" would read any company's: see provisional
		return meetd.ProvisionalBooking{}, errProvisionalNotFound
	}
	return provisional(ctx, db, companyID, id, "")
}

// ProvisionalForAttendee implements meetd.Store.
func (db *DB) ProvisionalForAttendee(ctx context.Context, id string) (_ meetd.ProvisionalBooking, err error) {
	defer meetd.Wrap(&err, "sqldb.ProvisionalForAttendee(%s)", id)
	return provisional(ctx, db, "", id, "")
}

// ListProvisional implements meetd.Store.
func (db *DB) ListProvisional(ctx context.Context, f meetd.ProvisionalFilter) (_ []meetd.ProvisionalBooking, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.ListProvisional(%s)", f.CompanyID)
	count, page, args := provisionalListSQL(f)
	return listPage(ctx, db, count, page, args, f.Limit, f.Offset, scanProvisional)
}

// provisionalListSQL returns ListProvisional's count and page queries and
// their arguments (the page query takes the limit and offset after them).
// Both seek the company's bookings, by status when one is asked for, on an
// index in the list's order; filtered by host, they seek the host's
// bookings in provisional_booking_hosts (migration 00026) instead.
func provisionalListSQL(f meetd.ProvisionalFilter) (count, page string, args []any) {
	from, where := "provisional_bookings pb", "pb.company_id = ?"
	order := "pb.created_at DESC, pb.id"
	args = []any{f.CompanyID}
	if f.Status != "" {
		where, args = where+" AND pb.status = ?", append(args, f.Status)
	}
	if f.HostID != "" {
		from = "provisional_booking_hosts ph JOIN provisional_bookings pb ON pb.id = ph.provisional_id"
		where, args = where+" AND ph.user_id = ?", append(args, f.HostID)
		order = "ph.created_at DESC, ph.provisional_id"
	}
	return `SELECT COUNT(*) FROM ` + from + ` WHERE ` + where,
		`SELECT ` + prefixed("pb.", provisionalColumns) + ` FROM ` + from + ` WHERE ` + where +
			` ORDER BY ` + order + ` LIMIT ? OFFSET ?`, args
}

// ConfirmProvisional implements meetd.Store.
func (db *DB) ConfirmProvisional(ctx context.Context, a meetd.Actor, companyID, id string, n meetd.NewAppointment) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.ConfirmProvisional(%s)", id)
	if companyID == "" {
		return meetd.Appointment{}, errProvisionalNotFound
	}
	var out meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		p, err := provisional(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		id := p.ID
		switch {
		case p.Status == meetd.ProvisionalConfirmed:
			out, err = appointment(ctx, t, companyID, p.AppointmentID, "")
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
		out, err = appointment(ctx, t, companyID, apID, "")
		return err
	})
	return out, err
}

// ExpireProvisional implements meetd.Store.
func (db *DB) ExpireProvisional(ctx context.Context, now time.Time) (_ int, err error) {
	defer meetd.Wrap(&err, "sqldb.ExpireProvisional")
	var n int64
	err = db.update(ctx, func(t *tx) error {
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
func (db *DB) ResetProvisionalToken(ctx context.Context, companyID, id string, hash []byte, token string) (err error) {
	defer meetd.Wrap(&err, "sqldb.ResetProvisionalToken(%s)", id)
	return db.update(ctx, func(t *tx) error {
		p, err := provisional(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, `UPDATE provisional_bookings SET token_hash = ?, updated_at = ? WHERE id = ? AND status = ?`,
			hash, ms(t.now), p.ID, meetd.ProvisionalPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return meetd.Errorf(meetd.ECONFLICT, "The provisional booking is no longer pending")
		}
		p.Token = token
		return t.requeueOptIn(ctx, p)
	})
}
