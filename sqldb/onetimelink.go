package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/meetd/meetd"
)

const oneTimeLinkColumns = `id, company_id, meeting_type_id, created_by, appointment_id, token_hash, expires_at,
	used_at, replaced_at, created_at`

func scanOneTimeLink(row interface{ Scan(...any) error }) (meetd.OneTimeLink, error) {
	var l meetd.OneTimeLink
	var expires, created int64
	var used, replaced sql.NullInt64
	if err := row.Scan(&l.ID, &l.CompanyID, &l.MeetingTypeID, &l.CreatedBy, &l.AppointmentID, &l.TokenHash,
		&expires, &used, &replaced, &created); err != nil {
		return l, err
	}
	l.ExpiresAt, l.CreatedAt, l.UsedAt, l.ReplacedAt = fromMS(expires), fromMS(created), timePtr(used), timePtr(replaced)
	return l, nil
}

// oneTimeLink reads a company's link; lock is appended to the query (the
// dialect's FOR UPDATE within a transaction, or "").
func oneTimeLink(ctx context.Context, q querier, companyID, id, lock string) (meetd.OneTimeLink, error) {
	if !meetd.IsUUID(id) || companyID == "" {
		return meetd.OneTimeLink{}, meetd.ErrOneTimeLinkNotFound
	}
	l, err := scanOneTimeLink(q.queryRow(ctx, `SELECT `+oneTimeLinkColumns+` FROM one_time_links
		WHERE company_id = ? AND id = ?`+lock, companyID, strings.ToLower(id)))
	return l, notFound(err, meetd.ErrorMessage(meetd.ErrOneTimeLinkNotFound))
}

// CreateOneTimeLink implements meetd.Store.
func (db *DB) CreateOneTimeLink(ctx context.Context, a meetd.Actor, companyID, meetingTypeID string, tokenHash []byte) (_ meetd.OneTimeLink, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateOneTimeLink(%s)", meetingTypeID)
	var out meetd.OneTimeLink
	err = db.update(ctx, func(t *tx) error {
		// Locking the meeting type serialises the creates of its links, so
		// exactly one link is left working.
		m, err := meetingType(ctx, t, companyID, meetingTypeID, t.d.forUpdate)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE one_time_links SET replaced_at = ? WHERE meeting_type_id = ?
			AND used_at IS NULL AND replaced_at IS NULL`, ms(t.now), m.ID); err != nil {
			return err
		}
		out = meetd.OneTimeLink{ID: meetd.NewID(), CompanyID: companyID, MeetingTypeID: m.ID, CreatedBy: a.UserID,
			TokenHash: tokenHash, ExpiresAt: t.now.Add(meetd.OneTimeLinkTTL), CreatedAt: t.now}
		if _, err := t.exec(ctx, `INSERT INTO one_time_links (id, company_id, meeting_type_id, created_by, token_hash,
			expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, out.ID, companyID, m.ID, out.CreatedBy, tokenHash,
			ms(out.ExpiresAt), ms(t.now)); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "one_time_link.create", "one_time_link", out.ID)
	})
	return out, err
}

// OneTimeLinkByID implements meetd.Store.
func (db *DB) OneTimeLinkByID(ctx context.Context, companyID, id string) (_ meetd.OneTimeLink, err error) {
	defer meetd.Wrap(&err, "sqldb.OneTimeLinkByID(%s)", id)
	return oneTimeLink(ctx, db, companyID, id, "")
}

// OneTimeLinkByTokenHash implements meetd.Store.
func (db *DB) OneTimeLinkByTokenHash(ctx context.Context, hash []byte) (_ meetd.OneTimeLink, err error) {
	defer meetd.Wrap(&err, "sqldb.OneTimeLinkByTokenHash")
	l, err := scanOneTimeLink(db.queryRow(ctx, `SELECT `+oneTimeLinkColumns+` FROM one_time_links WHERE token_hash = ?`, hash))
	return l, notFound(err, meetd.ErrorMessage(meetd.ErrOneTimeLinkNotFound))
}

// useOneTimeLink uses up the link n books through for appointment id, in
// the booking's transaction: a link that does not work fails the booking.
func (t *tx) useOneTimeLink(ctx context.Context, a meetd.Actor, n meetd.NewAppointment, appointmentID string) error {
	l, err := oneTimeLink(ctx, t, n.CompanyID, n.OneTimeLinkID, t.d.forUpdate)
	if err != nil {
		return err
	}
	if err := l.Usable(n.MeetingTypeID, t.now); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE one_time_links SET used_at = ?, appointment_id = ? WHERE id = ?`,
		ms(t.now), appointmentID, l.ID); err != nil {
		return err
	}
	return t.audit(ctx, a, n.CompanyID, "one_time_link.use", "one_time_link", l.ID)
}
