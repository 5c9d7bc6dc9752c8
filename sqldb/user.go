package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meetd/meetd"
)

const userColumns = `id, company_id, email, given_name, family_name, timezone, slug, role, user_type,
	status, default_availability_id, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (meetd.User, error) {
	var u meetd.User
	var role, typ, status string
	var created, updated int64
	if err := row.Scan(&u.ID, &u.CompanyID, &u.Email, &u.GivenName, &u.FamilyName, &u.Timezone, &u.Slug,
		&role, &typ, &status, &u.DefaultAvailabilityID, &created, &updated); err != nil {
		return meetd.User{}, err
	}
	u.Role, u.Type, u.Status = meetd.Role(role), meetd.UserType(typ), meetd.UserStatus(status)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

var (
	errEmailTaken = meetd.Errorf(meetd.ECONFLICT, "A user with this email already exists")
	errSlugTaken  = meetd.Errorf(meetd.ECONFLICT, "Slug already taken")
)

// CreateUser implements meetd.Store.
func (db *DB) CreateUser(ctx context.Context, a meetd.Actor, nu meetd.NewUser) (_ meetd.CreatedUser, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateUser(%s)", nu.CompanyID)
	var out meetd.CreatedUser
	err = db.update(ctx, func(t *tx) error {
		var err error
		out, err = t.createUser(ctx, a, nu)
		return err
	})
	return out, err
}

func (t *tx) createUser(ctx context.Context, a meetd.Actor, nu meetd.NewUser) (meetd.CreatedUser, error) {
	var exists int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE email_lower = ? AND status = 'active'`,
		strings.ToLower(nu.Email)).Scan(&exists)
	if err != nil {
		return meetd.CreatedUser{}, err
	}
	if exists > 0 {
		return meetd.CreatedUser{}, errEmailTaken
	}
	slug := nu.Slug
	if slug == "" {
		if slug, err = t.freeSlug(ctx, meetd.Slugify(nu.GivenName+" "+nu.FamilyName)); err != nil {
			return meetd.CreatedUser{}, err
		}
	} else if taken, err := t.slugTaken(ctx, slug, ""); err != nil {
		return meetd.CreatedUser{}, err
	} else if taken {
		return meetd.CreatedUser{}, errSlugTaken
	}
	u := meetd.User{ID: meetd.NewID(), CompanyID: nu.CompanyID, Email: nu.Email, GivenName: nu.GivenName,
		FamilyName: nu.FamilyName, Timezone: nu.Timezone, Slug: slug, Role: nu.Role, Type: nu.Type,
		Status: meetd.UserActive, CreatedAt: t.now, UpdatedAt: t.now}
	out := meetd.CreatedUser{User: u}
	if nu.Provision != nil {
		out.AvailabilityID = meetd.NewID()
		u.DefaultAvailabilityID = out.AvailabilityID
	}
	if _, err := t.exec(ctx, `INSERT INTO users (`+userColumns+`, email_lower, password_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.CompanyID, u.Email, u.GivenName, u.FamilyName, u.Timezone, u.Slug, string(u.Role),
		string(u.Type), string(u.Status), u.DefaultAvailabilityID, ms(t.now), ms(t.now),
		strings.ToLower(u.Email), nu.PasswordHash); err != nil {
		return meetd.CreatedUser{}, err
	}
	out.User = u
	if p := nu.Provision; p != nil {
		sched, err := json.Marshal(p.Schedule)
		if err != nil {
			return meetd.CreatedUser{}, err
		}
		if _, err := t.exec(ctx, `INSERT INTO availabilities (id, company_id, user_id, name, timezone, schedule,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, out.AvailabilityID, u.CompanyID, u.ID,
			p.AvailabilityName, p.AvailabilityTimezone, string(sched), ms(t.now), ms(t.now)); err != nil {
			return meetd.CreatedUser{}, err
		}
		mt := meetd.MeetingType{ID: meetd.NewID(), CompanyID: u.CompanyID, UserID: u.ID,
			AvailabilityID: out.AvailabilityID, Name: p.MeetingTypeName, Slug: p.MeetingTypeSlug,
			Duration: p.Duration, Channel: p.Channel, CreatedAt: t.now, UpdatedAt: t.now}
		if _, err := t.exec(ctx, `INSERT INTO meeting_types (id, company_id, user_id, availability_id, name, slug,
			duration, channel, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			mt.ID, mt.CompanyID, mt.UserID, mt.AvailabilityID, mt.Name, mt.Slug, mt.Duration, mt.Channel,
			ms(t.now), ms(t.now)); err != nil {
			return meetd.CreatedUser{}, err
		}
		out.MeetingType = &mt
	}
	if err := t.audit(ctx, a, u.CompanyID, "user.create", "user", u.ID); err != nil {
		return meetd.CreatedUser{}, err
	}
	return out, nil
}

// userBySlugSQL serves every booking page view: users_slug_active answers it.
const userBySlugSQL = `SELECT ` + userColumns + ` FROM users u WHERE slug = ? AND status = 'active'`

// UserBySlug implements meetd.Store.
func (db *DB) UserBySlug(ctx context.Context, slug string) (_ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.UserBySlug")
	u, err := scanUser(db.queryRow(ctx, userBySlugSQL, slug))
	if err == sql.ErrNoRows {
		return meetd.User{}, errUserNotFound
	}
	return u, err
}

func (t *tx) slugTaken(ctx context.Context, slug, exceptID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE slug = ? AND status = 'active' AND id <> ?`,
		slug, exceptID).Scan(&n)
	return n > 0, err
}

// freeSlug returns base, or base-2, base-3, … whichever is free first.
func (t *tx) freeSlug(ctx context.Context, base string) (string, error) {
	if base == "" {
		base = "user"
	}
	for i := 1; i < 10000; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		if meetd.ReservedSlug(slug) {
			continue
		}
		taken, err := t.slugTaken(ctx, slug, "")
		if err != nil || !taken {
			return slug, err
		}
	}
	return base + "-" + strings.ToLower(meetd.NewID()[:8]), nil
}

// errUserNotFound is the answer for an id that names no user of the
// company: missing and foreign alike.
var errUserNotFound = meetd.Errorf(meetd.ENOTFOUND, "User not found")

// UserByID implements meetd.Store.
func (db *DB) UserByID(ctx context.Context, companyID, id string) (_ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.UserByID(%s, %s)", companyID, id)
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.User{}, errUserNotFound
	}
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE company_id = ? AND id = ?`,
		companyID, strings.ToLower(id)))
	return u, notFound(err, "User not found")
}

// UserByIDUnscoped implements meetd.Store.
func (db *DB) UserByIDUnscoped(ctx context.Context, id string) (_ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.UserByIDUnscoped(%s)", id)
	if !meetd.IsUUID(id) {
		return meetd.User{}, errUserNotFound
	}
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, strings.ToLower(id)))
	return u, notFound(err, "User not found")
}

// UserByEmail implements meetd.Store.
func (db *DB) UserByEmail(ctx context.Context, email string) (_ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.UserByEmail") // an address is personal data: keep it out of logs
	if !meetd.ValidEmail(email) {
		return meetd.User{}, errUserNotFound
	}
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email_lower = ? AND status = 'active'`,
		strings.ToLower(email)))
	return u, notFound(err, "User not found")
}

// ListUsers implements meetd.Store.
func (db *DB) ListUsers(ctx context.Context, f meetd.UserFilter) (_ []meetd.User, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.ListUsers(%s)", f.CompanyID)
	where := `company_id = ? AND status = 'active'`
	args := []any{f.CompanyID}
	if f.Type != "" {
		where += ` AND user_type = ?`
		args = append(args, string(f.Type))
	}
	return listPage(ctx, db, `SELECT COUNT(*) FROM users WHERE `+where,
		`SELECT `+userColumns+` FROM users WHERE `+where+` ORDER BY created_at, id LIMIT ? OFFSET ?`,
		args, f.Limit, f.Offset, scanUser)
}

// activeUser reads an active user of the company under the transaction.
func (t *tx) activeUser(ctx context.Context, companyID, id string) (meetd.User, error) {
	if !meetd.IsUUID(id) {
		return meetd.User{}, errUserNotFound
	}
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE company_id = ? AND id = ?
		AND status = 'active'`, companyID, strings.ToLower(id)))
	return u, notFound(err, "User not found")
}

// UpdateUser implements meetd.Store.
func (db *DB) UpdateUser(ctx context.Context, a meetd.Actor, companyID, id string, up meetd.UserUpdate) (_ meetd.User, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateUser(%s, %s)", companyID, id)
	var u meetd.User
	err = db.update(ctx, func(t *tx) error {
		var err error
		if u, err = t.activeUser(ctx, companyID, id); err != nil {
			return err
		}
		if up.GivenName != nil {
			u.GivenName = *up.GivenName
		}
		if up.FamilyName != nil {
			u.FamilyName = *up.FamilyName
		}
		if up.Timezone != nil {
			u.Timezone = *up.Timezone
		}
		if up.Role != nil {
			if u.Role == meetd.RoleOwner || *up.Role == meetd.RoleOwner {
				return meetd.Errorf(meetd.EFORBIDDEN, "The company owner's role cannot be changed here")
			}
			u.Role = *up.Role
		}
		if up.Slug != nil && *up.Slug != u.Slug {
			if taken, err := t.slugTaken(ctx, *up.Slug, u.ID); err != nil {
				return err
			} else if taken {
				return errSlugTaken
			}
			u.Slug = *up.Slug
		}
		u.UpdatedAt = t.now
		if _, err := t.exec(ctx, `UPDATE users SET given_name = ?, family_name = ?, timezone = ?, slug = ?, role = ?,
			updated_at = ? WHERE company_id = ? AND id = ?`, u.GivenName, u.FamilyName, u.Timezone, u.Slug, string(u.Role),
			ms(t.now), u.CompanyID, u.ID); err != nil {
			return err
		}
		if err := t.changed(ctx, meetd.ChangeUser, u.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, u.CompanyID, "user.update", "user", u.ID)
	})
	return u, err
}

// RemoveUser implements meetd.Store.
func (db *DB) RemoveUser(ctx context.Context, a meetd.Actor, companyID, id string) (err error) {
	defer meetd.Wrap(&err, "sqldb.RemoveUser(%s, %s)", companyID, id)
	return db.update(ctx, func(t *tx) error {
		u, err := t.activeUser(ctx, companyID, id)
		if err != nil {
			return err
		}
		if u.Role == meetd.RoleOwner {
			return meetd.Errorf(meetd.EFORBIDDEN, "The company owner cannot be deleted")
		}
		if _, err := t.exec(ctx, `UPDATE users SET status = 'removed', updated_at = ? WHERE company_id = ? AND id = ?`,
			ms(t.now), u.CompanyID, u.ID); err != nil {
			return err
		}
		if err := t.changed(ctx, meetd.ChangeUser, u.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, u.CompanyID, "user.remove", "user", u.ID)
	})
}

// SetPassword implements meetd.Store.
func (db *DB) SetPassword(ctx context.Context, a meetd.Actor, companyID, userID, hash string) (err error) {
	defer meetd.Wrap(&err, "sqldb.SetPassword(%s, %s)", companyID, userID)
	if !meetd.IsUUID(userID) {
		return errUserNotFound
	}
	userID = strings.ToLower(userID)
	return db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
			hash, ms(t.now), companyID, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errUserNotFound
		}
		return t.audit(ctx, a, companyID, "user.set_password", "user", userID)
	})
}

// PasswordHash implements meetd.Store.
func (db *DB) PasswordHash(ctx context.Context, companyID, userID string) (_ string, err error) {
	defer meetd.Wrap(&err, "sqldb.PasswordHash(%s, %s)", companyID, userID)
	if !meetd.IsUUID(userID) {
		return "", errUserNotFound
	}
	var h string
	err = db.queryRow(ctx, `SELECT password_hash FROM users WHERE company_id = ? AND id = ?`,
		companyID, strings.ToLower(userID)).Scan(&h)
	return h, notFound(err, "User not found")
}
