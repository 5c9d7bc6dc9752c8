package sqldb

import (
	"context"
	"strings"

	"github.com/meetd/meetd"
)

// auditWhere is the WHERE clause and its arguments for the entries f
// selects, before paging. ok is false when f names an id that is no UUID:
// such a filter selects nothing, and the query need not run.
func auditWhere(f meetd.AuditFilter) (where string, args []any, ok bool) {
	where, args = `company_id = ?`, []any{f.CompanyID}
	for _, c := range []struct{ column, id string }{{"credential_id", f.CredentialID}, {"user_id", f.UserID}} {
		if c.id == "" {
			continue
		}
		if !meetd.IsUUID(c.id) {
			return "", nil, false
		}
		where += ` AND ` + c.column + ` = ?`
		args = append(args, strings.ToLower(c.id))
	}
	if !f.From.IsZero() {
		where += ` AND at >= ?`
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND at < ?`
		args = append(args, ms(f.To))
	}
	return where, args, true
}

// CountAudit implements meetd.Store.
func (db *DB) CountAudit(ctx context.Context, f meetd.AuditFilter) (_ int, err error) {
	defer meetd.Wrap(&err, "sqldb.CountAudit(%s)", f.CompanyID)
	where, args, ok := auditWhere(f)
	if !ok {
		return 0, nil
	}
	var n int
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+where, args...).Scan(&n)
	return n, err
}
