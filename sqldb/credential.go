package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

const credentialColumns = `id, kind, name, company_id, user_id, status, hash, expires_at, created_at, updated_at,
	last_used_at, last_used_ip, rolled_from_id`

func scanCredential(row interface{ Scan(...any) error }) (meetd.Credential, error) {
	var c meetd.Credential
	var kind, status string
	var expires, lastUsed sql.NullInt64
	var created, updated int64
	if err := row.Scan(&c.ID, &kind, &c.Name, &c.CompanyID, &c.UserID, &status, &c.Hash, &expires, &created,
		&updated, &lastUsed, &c.LastUsedIP, &c.RolledFromID); err != nil {
		return meetd.Credential{}, err
	}
	c.Kind, c.Status = meetd.CredentialKind(kind), meetd.CredentialStatus(status)
	c.ExpiresAt, c.LastUsedAt = timePtr(expires), timePtr(lastUsed)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, nil
}

func auditKind(k meetd.CredentialKind) string {
	if k == meetd.KindAPIKey {
		return "api_key"
	}
	return "pat"
}

// CreateCredential implements meetd.Store.
func (db *DB) CreateCredential(ctx context.Context, a meetd.Actor, nc meetd.NewCredential) (_ meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateCredential(%s)", nc.CompanyID)
	var c meetd.Credential
	err = db.update(ctx, func(t *tx) error {
		var err error
		c, err = t.insertCredential(ctx, nc, "")
		if err != nil {
			return err
		}
		return t.audit(ctx, a, c.CompanyID, auditKind(c.Kind)+".create", auditKind(c.Kind), c.ID)
	})
	return c, err
}

func (t *tx) insertCredential(ctx context.Context, nc meetd.NewCredential, rolledFrom string) (meetd.Credential, error) {
	c := meetd.Credential{ID: nc.ID, Kind: nc.Kind, Name: nc.Name, CompanyID: nc.CompanyID, UserID: nc.UserID,
		Status: meetd.CredentialActive, Hash: nc.Hash, ExpiresAt: nc.ExpiresAt, CreatedAt: t.now,
		UpdatedAt: t.now, RolledFromID: rolledFrom}
	if c.ID == "" {
		c.ID = meetd.NewID()
	}
	_, err := t.exec(ctx, `INSERT INTO credentials (`+credentialColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?)`,
		c.ID, string(c.Kind), c.Name, c.CompanyID, c.UserID, string(c.Status), c.Hash, nullMS(c.ExpiresAt),
		ms(t.now), ms(t.now), rolledFrom)
	return c, err
}

// errCredentialNotFound is the answer for an id that names no credential
// of the company: missing and foreign alike.
var errCredentialNotFound = meetd.Errorf(meetd.ENOTFOUND, "Credential not found")

// CredentialByID implements meetd.Store.
func (db *DB) CredentialByID(ctx context.Context, companyID, id string) (_ meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.CredentialByID(%s, %s)", companyID, id)
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Credential{}, errCredentialNotFound
	}
	c, err := scanCredential(db.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials
		WHERE company_id = ? AND id = ?`, companyID, id))
	return c, notFound(err, "Credential not found")
}

// CredentialByIDUnscoped implements meetd.Store.
func (db *DB) CredentialByIDUnscoped(ctx context.Context, id string) (_ meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.CredentialByIDUnscoped(%s)", id)
	if !meetd.IsUUID(id) {
		return meetd.Credential{}, errCredentialNotFound
	}
	c, err := scanCredential(db.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE id = ?`, id))
	return c, notFound(err, "Credential not found")
}

// CredentialByHash implements meetd.Store.
func (db *DB) CredentialByHash(ctx context.Context, h []byte) (_ meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.CredentialByHash") // a hash identifies a secret: keep it out of logs
	c, err := scanCredential(db.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE hash = ?`, h))
	return c, notFound(err, "Credential not found")
}

// ListCredentials implements meetd.Store.
func (db *DB) ListCredentials(ctx context.Context, f meetd.CredentialFilter) (_ []meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.ListCredentials(%s)", f.CompanyID)
	where, args := `company_id = ?`, []any{f.CompanyID}
	if f.Kind != "" {
		where, args = where+` AND kind = ?`, append(args, string(f.Kind))
	}
	if f.UserID != "" {
		where, args = where+` AND user_id = ?`, append(args, f.UserID)
	}
	rows, err := db.query(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE `+where+`
		ORDER BY created_at DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanCredential)
}

// lockCredential reads a credential of the company and locks its row
// until commit (FOR UPDATE: a revoke racing a reactivate or a roll must not
// be undone).
func (t *tx) lockCredential(ctx context.Context, companyID, id string) (meetd.Credential, error) {
	if !meetd.IsUUID(id) {
		return meetd.Credential{}, errCredentialNotFound
	}
	c, err := scanCredential(t.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials
		WHERE company_id = ? AND id = ?`+t.d.forUpdate, companyID, id))
	return c, notFound(err, "Credential not found")
}

// SetCredentialStatus implements meetd.Store.
func (db *DB) SetCredentialStatus(ctx context.Context, a meetd.Actor, companyID, id string, s meetd.CredentialStatus) (_ meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.SetCredentialStatus(%s, %s)", companyID, id)
	var c meetd.Credential
	err = db.update(ctx, func(t *tx) error {
		var err error
		if c, err = t.lockCredential(ctx, companyID, id); err != nil {
			return err
		}
		switch {
		case c.Status == meetd.CredentialRevoked:
			return meetd.Errorf(meetd.ECONFLICT, "The credential is revoked; revocation is permanent")
		case c.Kind == meetd.KindPAT && s == meetd.CredentialDeactivated:
			return meetd.Errorf(meetd.ECONFLICT, "Personal access tokens cannot be deactivated; revoke the token instead")
		case c.Status == s:
			return nil
		}
		if _, err := t.exec(ctx, `UPDATE credentials SET status = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
			string(s), ms(t.now), c.CompanyID, c.ID); err != nil {
			return err
		}
		c.Status, c.UpdatedAt = s, t.now
		if err := t.changed(ctx, meetd.ChangeCredential, c.ID); err != nil {
			return err
		}
		if s == meetd.CredentialRevoked {
			if err := t.emitRevoked(ctx, a, c.ID); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, c.CompanyID, auditKind(c.Kind)+"."+statusVerb(s), auditKind(c.Kind), c.ID)
	})
	return c, err
}

func statusVerb(s meetd.CredentialStatus) string {
	switch s {
	case meetd.CredentialRevoked:
		return "revoke"
	case meetd.CredentialDeactivated:
		return "deactivate"
	default:
		return "reactivate"
	}
}

// RollCredential implements meetd.Store.
func (db *DB) RollCredential(ctx context.Context, a meetd.Actor, companyID, oldID string, oldExpiresAt time.Time,
	next meetd.NewCredential) (_ meetd.Credential, err error) {
	defer meetd.Wrap(&err, "sqldb.RollCredential(%s, %s)", companyID, oldID)
	var c meetd.Credential
	err = db.update(ctx, func(t *tx) error {
		old, err := t.lockCredential(ctx, companyID, oldID)
		if err != nil {
			return err
		}
		if old.Status != meetd.CredentialActive || old.Expired(t.now) {
			return meetd.Errorf(meetd.ECONFLICT, "Only an active, unexpired credential can be rolled")
		}
		next.Kind, next.Name, next.CompanyID, next.UserID = old.Kind, old.Name, old.CompanyID, old.UserID
		if c, err = t.insertCredential(ctx, next, old.ID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE credentials SET expires_at = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
			ms(oldExpiresAt), ms(t.now), old.CompanyID, old.ID); err != nil {
			return err
		}
		if err := t.changed(ctx, meetd.ChangeCredential, old.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, c.CompanyID, auditKind(c.Kind)+".roll", auditKind(c.Kind), c.ID)
	})
	return c, err
}

// RevokeByHashes implements meetd.Store.
func (db *DB) RevokeByHashes(ctx context.Context, a meetd.Actor, hs [][]byte) (_ []string, err error) {
	defer meetd.Wrap(&err, "sqldb.RevokeByHashes(%d hashes)", len(hs))
	var ids []string
	err = db.update(ctx, func(t *tx) error {
		ids = nil
		if len(hs) == 0 {
			return nil
		}
		// Lock every named row up front, in id order: two batches naming
		// the same credentials in different orders must not deadlock.
		args := make([]any, len(hs))
		for i, h := range hs {
			args[i] = h
		}
		rows, err := t.query(ctx, `SELECT id FROM credentials WHERE hash IN (`+placeholders(len(hs))+`) ORDER BY id`+t.d.forUpdate, args...)
		if err != nil {
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, h := range hs {
			c, err := scanCredential(t.queryRow(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE hash = ?`, h))
			if err == sql.ErrNoRows {
				continue
			} else if err != nil {
				return err
			}
			if c.Status == meetd.CredentialRevoked {
				continue
			}
			if _, err := t.exec(ctx, `UPDATE credentials SET status = 'revoked', updated_at = ? WHERE id = ?`,
				ms(t.now), c.ID); err != nil {
				return err
			}
			if err := t.changed(ctx, meetd.ChangeCredential, c.ID); err != nil {
				return err
			}
			if err := t.audit(ctx, a, c.CompanyID, auditKind(c.Kind)+".revoke_leaked", auditKind(c.Kind), c.ID); err != nil {
				return err
			}
			if err := t.emitRevoked(ctx, a, c.ID); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	return ids, err
}

// RecordUse implements meetd.Store.
func (db *DB) RecordUse(ctx context.Context, uses []meetd.CredentialUse) (err error) {
	defer meetd.Wrap(&err, "sqldb.RecordUse(%d uses)", len(uses))
	// Rows are updated in id order, the order every other multi-row lock
	// of credentials takes, so a flush cannot deadlock a revocation.
	uses = slices.Clone(uses)
	slices.SortFunc(uses, func(a, b meetd.CredentialUse) int { return strings.Compare(a.CredentialID, b.CredentialID) })
	return db.update(ctx, func(t *tx) error {
		for _, u := range uses {
			if _, err := t.exec(ctx, `UPDATE credentials SET last_used_at = ?, last_used_ip = ?
				WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
				ms(u.At), u.IP, u.CredentialID, ms(u.At)); err != nil {
				return err
			}
		}
		return nil
	})
}
