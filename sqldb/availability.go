package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

const availabilityColumns = `id, company_id, user_id, name, timezone, schedule, created_at, updated_at`

func scanAvailability(row interface{ Scan(...any) error }) (meetd.Availability, error) {
	var av meetd.Availability
	var sched string
	var created, updated int64
	if err := row.Scan(&av.ID, &av.CompanyID, &av.UserID, &av.Name, &av.Timezone, &sched, &created, &updated); err != nil {
		return av, err
	}
	if err := json.Unmarshal([]byte(sched), &av.Schedule); err != nil {
		return av, fmt.Errorf("availability %s: stored schedule: %w", av.ID, err)
	}
	av.CreatedAt, av.UpdatedAt = fromMS(created), fromMS(updated)
	return av, nil
}

// CreateAvailability implements meetd.Store.
func (db *DB) CreateAvailability(ctx context.Context, a meetd.Actor, n meetd.NewAvailability) (meetd.Availability, error) {
	var out meetd.Availability
	err := db.update(ctx, func(t *tx) error {
		id, err := t.insertAvailability(ctx, a, n)
		if err != nil {
			return err
		}
		out, err = availability(ctx, t, id)
		return err
	})
	return out, err
}

func (t *tx) insertAvailability(ctx context.Context, a meetd.Actor, n meetd.NewAvailability) (string, error) {
	id := meetd.NewID()
	if _, err := t.exec(ctx, `INSERT INTO availabilities (`+availabilityColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n.CompanyID, n.UserID, n.Name, n.Timezone, jsonText(n.Schedule), ms(t.now), ms(t.now)); err != nil {
		return "", err
	}
	// A user's first availability becomes their default: it is what they
	// are bookable in as a queue member or co-host.
	if _, err := t.exec(ctx, `UPDATE users SET default_availability_id = ? WHERE id = ? AND default_availability_id = ''`,
		id, n.UserID); err != nil {
		return "", err
	}
	return id, t.audit(ctx, a, n.CompanyID, "availability.create", "availability", id)
}

// AvailabilityByID implements meetd.Store.
func (db *DB) AvailabilityByID(ctx context.Context, id string) (meetd.Availability, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Availability{}, meetd.Errorf(meetd.ENOTFOUND, "Availability not found")
	}
	return availability(ctx, db, strings.ToLower(id))
}

func availability(ctx context.Context, q querier, id string) (meetd.Availability, error) {
	av, err := scanAvailability(q.queryRow(ctx, `SELECT `+availabilityColumns+` FROM availabilities
		WHERE id = ? AND deleted_at IS NULL`, id))
	return av, notFound(err, "Availability not found")
}

// ListAvailabilities implements meetd.Store.
func (db *DB) ListAvailabilities(ctx context.Context, userID string) ([]meetd.Availability, error) {
	rows, err := db.query(ctx, `SELECT `+availabilityColumns+` FROM availabilities WHERE user_id = ? AND deleted_at IS NULL
		ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []meetd.Availability{}
	for rows.Next() {
		av, err := scanAvailability(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, av)
	}
	return out, rows.Err()
}

// UpdateAvailability implements meetd.Store.
func (db *DB) UpdateAvailability(ctx context.Context, a meetd.Actor, id string, up meetd.AvailabilityUpdate) (meetd.Availability, error) {
	var out meetd.Availability
	err := db.update(ctx, func(t *tx) error {
		av, err := scanAvailability(t.queryRow(ctx, `SELECT `+availabilityColumns+` FROM availabilities
			WHERE id = ? AND deleted_at IS NULL`+t.d.forUpdate, id))
		if err != nil {
			return notFound(err, "Availability not found")
		}
		if up.Name != nil {
			av.Name = *up.Name
		}
		if up.Timezone != nil {
			av.Timezone = *up.Timezone
		}
		if up.Schedule != nil {
			av.Schedule = *up.Schedule
		}
		if _, err := t.exec(ctx, `UPDATE availabilities SET name = ?, timezone = ?, schedule = ?, updated_at = ? WHERE id = ?`,
			av.Name, av.Timezone, jsonText(av.Schedule), ms(t.now), id); err != nil {
			return err
		}
		if err := t.audit(ctx, a, av.CompanyID, "availability.update", "availability", id); err != nil {
			return err
		}
		out, err = availability(ctx, t, id)
		return err
	})
	return out, err
}

// DeleteAvailability implements meetd.Store.
func (db *DB) DeleteAvailability(ctx context.Context, a meetd.Actor, id string) error {
	return db.update(ctx, func(t *tx) error {
		var companyID string
		if err := t.queryRow(ctx, `SELECT company_id FROM availabilities WHERE id = ? AND deleted_at IS NULL`, id).Scan(&companyID); err != nil {
			return notFound(err, "Availability not found")
		}
		if err := t.deleteAvailability(ctx, id); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "availability.delete", "availability", id)
	})
}

// deleteAvailability soft-deletes an availability no live meeting type
// uses; a user whose default it was is left without one.
func (t *tx) deleteAvailability(ctx context.Context, id string) error {
	var types int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM meeting_types WHERE availability_id = ? AND deleted_at IS NULL`, id).Scan(&types); err != nil {
		return err
	}
	if types > 0 {
		return meetd.Errorf(meetd.ECONFLICT, "Cannot delete availability - it is used by other meeting types")
	}
	if _, err := t.exec(ctx, `UPDATE users SET default_availability_id = '' WHERE default_availability_id = ?`, id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `UPDATE availabilities SET deleted_at = ?, updated_at = ? WHERE id = ?`, ms(t.now), ms(t.now), id)
	return err
}

// AddException implements meetd.Store.
func (db *DB) AddException(ctx context.Context, a meetd.Actor, e meetd.Exception) (meetd.Exception, error) {
	err := db.update(ctx, func(t *tx) error {
		var companyID string
		if err := t.queryRow(ctx, `SELECT company_id FROM availabilities WHERE id = ? AND deleted_at IS NULL`,
			e.AvailabilityID).Scan(&companyID); err != nil {
			return notFound(err, "Availability not found")
		}
		e.CreatedAt = t.now
		if err := t.queryRow(ctx, `INSERT INTO availability_exceptions (availability_id, company_id, available, start_at,
			end_at, title, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.AvailabilityID, companyID,
			e.Available, ms(e.Start), ms(e.End), e.Title, e.Note, ms(t.now)).Scan(&e.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "availability.exception.create", "availability", e.AvailabilityID)
	})
	return e, err
}

// Exceptions implements meetd.Store.
func (db *DB) Exceptions(ctx context.Context, availabilityID string, from, to time.Time) ([]meetd.Exception, error) {
	rows, err := db.query(ctx, `SELECT id, availability_id, available, start_at, end_at, title, note, created_at
		FROM availability_exceptions WHERE availability_id = ? AND deleted_at IS NULL AND end_at > ? AND start_at < ?
		ORDER BY start_at, id`, availabilityID, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []meetd.Exception{}
	for rows.Next() {
		var e meetd.Exception
		var start, end, created int64
		if err := rows.Scan(&e.ID, &e.AvailabilityID, &e.Available, &start, &end, &e.Title, &e.Note, &created); err != nil {
			return nil, err
		}
		e.Start, e.End, e.CreatedAt = fromMS(start), fromMS(end), fromMS(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteException implements meetd.Store.
func (db *DB) DeleteException(ctx context.Context, a meetd.Actor, availabilityID string, id int64) error {
	return db.update(ctx, func(t *tx) error {
		var companyID string
		if err := t.queryRow(ctx, `SELECT company_id FROM availability_exceptions WHERE id = ? AND availability_id = ?
			AND deleted_at IS NULL`, id, availabilityID).Scan(&companyID); err != nil {
			return notFound(err, "Exception not found")
		}
		if _, err := t.exec(ctx, `UPDATE availability_exceptions SET deleted_at = ? WHERE id = ?`, ms(t.now), id); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "availability.exception.delete", "availability", availabilityID)
	})
}
