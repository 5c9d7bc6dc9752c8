package sqldb

import (
	"context"
	"time"

	"github.com/meetd/meetd"
)

// changed appends a change record, so every node drops its cached copy,
// and has the commit call the change hook (see OnChange).
func (t *tx) changed(ctx context.Context, kind meetd.ChangeKind, id string) error {
	t.wroteChange = true
	if _, err := t.exec(ctx, `INSERT INTO changes (kind, ref_id, at) VALUES (?, ?, ?)`, string(kind), id, ms(t.now)); err != nil {
		return err
	}
	if t.d.notify != "" {
		// Delivered to listeners when (and only if) the transaction commits.
		_, err := t.exec(ctx, t.d.notify)
		return err
	}
	return nil
}

// audit appends an audit record of action on target by a.
func (t *tx) audit(ctx context.Context, a meetd.Actor, companyID, action, targetType, targetID string) error {
	_, err := t.exec(ctx, `INSERT INTO audit_log (company_id, action, target_type, target_id, credential_id,
		credential_kind, user_id, on_behalf, ip, source, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		companyID, action, targetType, targetID, a.CredentialID, string(a.CredentialKind), a.UserID,
		a.OnBehalf, a.IP, a.Source, ms(t.now))
	return err
}

func scanChange(row interface{ Scan(...any) error }) (meetd.Change, error) {
	var c meetd.Change
	var kind string
	var at int64
	err := row.Scan(&c.Seq, &kind, &c.ID, &at)
	c.Kind, c.At = meetd.ChangeKind(kind), fromMS(at)
	return c, err
}

// Changes implements meetd.Store.
func (db *DB) Changes(ctx context.Context, after int64, limit int) (_ []meetd.Change, err error) {
	defer meetd.Wrap(&err, "sqldb.Changes(%d)", after)
	rows, err := db.query(ctx, `SELECT seq, kind, ref_id, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanChange)
}

// LatestChange implements meetd.Store.
func (db *DB) LatestChange(ctx context.Context) (_ int64, err error) {
	defer meetd.Wrap(&err, "sqldb.LatestChange")
	var seq int64
	err = db.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq)
	return seq, err
}

// PruneChanges implements meetd.Store.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) (err error) {
	defer meetd.Wrap(&err, "sqldb.PruneChanges")
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM changes WHERE at < ?`, ms(before))
		return err
	})
}

// Audit implements meetd.Store.
func (db *DB) Audit(ctx context.Context, f meetd.AuditFilter) (_ []meetd.AuditEntry, err error) {
	defer meetd.Wrap(&err, "sqldb.Audit(%s)", f.CompanyID)
	where, args, ok := auditWhere(f)
	if !ok {
		return nil, nil
	}
	rows, err := db.query(ctx, `SELECT `+auditColumns+` FROM audit_log
		WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanAudit)
}
