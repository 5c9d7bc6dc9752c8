package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/meetd/meetd"
)

const companyColumns = `id, name, plan, seats, created_at, updated_at, frame_ancestors`

func scanCompany(row interface{ Scan(...any) error }) (meetd.Company, error) {
	var c meetd.Company
	var plan string
	var created, updated int64
	var frames string
	if err := row.Scan(&c.ID, &c.Name, &plan, &c.Seats, &created, &updated, &frames); err != nil {
		return meetd.Company{}, err
	}
	c.FrameAncestors = strings.Fields(frames)
	c.Plan, c.CreatedAt, c.UpdatedAt = meetd.Plan(plan), fromMS(created), fromMS(updated)
	return c, nil
}

// CreateCompany implements meetd.Store.
func (db *DB) CreateCompany(ctx context.Context, a meetd.Actor, nc meetd.NewCompany, owner meetd.NewUser) (_ meetd.Company, _ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateCompany")
	var c meetd.Company
	var u meetd.User
	err = db.update(ctx, func(t *tx) (err error) {
		c, u, err = t.createCompany(ctx, a, nc, owner)
		return err
	})
	return c, u, err
}

// CreateFirstCompany implements meetd.Store. On PostgreSQL a transaction-
// scoped advisory lock serialises every caller on every node before the
// check, so the check sees any company a concurrent call committed; on
// SQLite the single writer (BEGIN IMMEDIATE) does the same.
func (db *DB) CreateFirstCompany(ctx context.Context, a meetd.Actor, nc meetd.NewCompany, owner meetd.NewUser) (_ meetd.Company, _ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateFirstCompany")
	var c meetd.Company
	var u meetd.User
	err = db.update(ctx, func(t *tx) (err error) {
		if t.d.firstCompanyLock != "" {
			if _, err := t.exec(ctx, t.d.firstCompanyLock); err != nil {
				return err
			}
		}
		var exists int
		err = t.queryRow(ctx, `SELECT 1 FROM companies LIMIT 1`).Scan(&exists)
		switch {
		case err == nil:
			return meetd.Errorf(meetd.ECONFLICT, "A company already exists")
		case err != sql.ErrNoRows:
			return err
		}
		c, u, err = t.createCompany(ctx, a, nc, owner)
		return err
	})
	return c, u, err
}

// createCompany inserts a company and its owner.
func (t *tx) createCompany(ctx context.Context, a meetd.Actor, nc meetd.NewCompany, owner meetd.NewUser) (meetd.Company, meetd.User, error) {
	c := meetd.Company{ID: meetd.NewID(), Name: nc.Name, Plan: nc.Plan, CreatedAt: t.now, UpdatedAt: t.now}
	if _, err := t.exec(ctx, `INSERT INTO companies (`+companyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, string(c.Plan), c.Seats, ms(t.now), ms(t.now), ""); err != nil {
		return meetd.Company{}, meetd.User{}, err
	}
	if err := t.audit(ctx, a, c.ID, "company.create", "company", c.ID); err != nil {
		return meetd.Company{}, meetd.User{}, err
	}
	owner.CompanyID, owner.Role = c.ID, meetd.RoleOwner
	created, err := t.createUser(ctx, a, owner)
	return c, created.User, err
}

// CompanyByID implements meetd.Store.
func (db *DB) CompanyByID(ctx context.Context, id string) (_ meetd.Company, err error) {
	defer meetd.Wrap(&err, "sqldb.CompanyByID(%s)", id)
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Company{}, meetd.Errorf(meetd.ENOTFOUND, "Company not found")
	}
	c, err := scanCompany(db.queryRow(ctx, `SELECT `+companyColumns+` FROM companies WHERE id = ?`, id))
	return c, notFound(err, "Company not found")
}

// CountCompanies implements meetd.Store.
func (db *DB) CountCompanies(ctx context.Context) (_ int, err error) {
	defer meetd.Wrap(&err, "sqldb.CountCompanies")
	var n int
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM companies`).Scan(&n)
	return n, err
}

// SetCompanyPlan implements meetd.Store.
func (db *DB) SetCompanyPlan(ctx context.Context, a meetd.Actor, id string, p meetd.Plan) (_ meetd.Company, err error) {
	defer meetd.Wrap(&err, "sqldb.SetCompanyPlan(%s)", id)
	var c meetd.Company
	err = db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE companies SET plan = ?, updated_at = ? WHERE id = ?`, string(p), ms(t.now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return meetd.Errorf(meetd.ENOTFOUND, "Company not found")
		}
		if err := t.changed(ctx, meetd.ChangeCompany, id); err != nil {
			return err
		}
		if err := t.audit(ctx, a, id, "company.set_plan", "company", id); err != nil {
			return err
		}
		c, err = scanCompany(t.queryRow(ctx, `SELECT `+companyColumns+` FROM companies WHERE id = ?`, id))
		return err
	})
	return c, err
}

// SetFrameAncestors implements meetd.Store.
func (db *DB) SetFrameAncestors(ctx context.Context, a meetd.Actor, id string, origins []string) (_ meetd.Company, err error) {
	defer meetd.Wrap(&err, "sqldb.SetFrameAncestors(%s)", id)
	var c meetd.Company
	err = db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE companies SET frame_ancestors = ?, updated_at = ? WHERE id = ?`,
			strings.Join(origins, " "), ms(t.now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return meetd.Errorf(meetd.ENOTFOUND, "Company not found")
		}
		if err := t.audit(ctx, a, id, "company.set_frame_ancestors", "company", id); err != nil {
			return err
		}
		c, err = scanCompany(t.queryRow(ctx, `SELECT `+companyColumns+` FROM companies WHERE id = ?`, id))
		return err
	})
	return c, err
}

// CompanyOwner implements meetd.Store.
func (db *DB) CompanyOwner(ctx context.Context, companyID string) (_ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.CompanyOwner(%s)", companyID)
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE company_id = ? AND role = 'owner'`, companyID))
	if err == sql.ErrNoRows {
		return meetd.User{}, meetd.Errorf(meetd.ENOTFOUND, "Company owner not found")
	}
	return u, err
}
