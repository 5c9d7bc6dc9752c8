package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
	var err error
	if av.Schedule, err = parseSchedule(sched); err != nil {
		return av, fmt.Errorf("availability %s: stored schedule: %w", av.ID, err)
	}
	av.CreatedAt, av.UpdatedAt = fromMS(created), fromMS(updated)
	return av, nil
}

// CreateAvailability implements meetd.Store.
func (db *DB) CreateAvailability(ctx context.Context, a meetd.Actor, n meetd.NewAvailability) (_ meetd.Availability, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateAvailability(%s, %s)", n.CompanyID, n.UserID)
	var out meetd.Availability
	err = db.update(ctx, func(t *tx) error {
		id, err := t.insertAvailability(ctx, a, n)
		if err != nil {
			return err
		}
		out, err = availability(ctx, t, n.CompanyID, id, "")
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
	if _, err := t.exec(ctx, `UPDATE users SET default_availability_id = ? WHERE company_id = ? AND id = ?
		AND default_availability_id = ''`, id, n.CompanyID, n.UserID); err != nil {
		return "", err
	}
	return id, t.audit(ctx, a, n.CompanyID, "availability.create", "availability", id)
}

var errAvailabilityNotFound = meetd.Errorf(meetd.ENOTFOUND, "Availability not found")

// AvailabilityByID implements meetd.Store.
func (db *DB) AvailabilityByID(ctx context.Context, companyID, id string) (_ meetd.Availability, err error) {
	defer meetd.Wrap(&err, "sqldb.AvailabilityByID(%s)", id)
	return availability(ctx, db, companyID, id, "")
}

// availability reads a company's live availability; lock is appended to
// the query (the dialect's FOR UPDATE within a transaction, or "").
func availability(ctx context.Context, q querier, companyID, id, lock string) (meetd.Availability, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Availability{}, errAvailabilityNotFound
	}
	av, err := scanAvailability(q.queryRow(ctx, `SELECT `+availabilityColumns+` FROM availabilities
		WHERE company_id = ? AND id = ? AND deleted_at IS NULL`+lock, companyID, strings.ToLower(id)))
	return av, notFound(err, "Availability not found")
}

// AvailabilitiesByIDs implements meetd.Store.
func (db *DB) AvailabilitiesByIDs(ctx context.Context, companyID string, ids []string) (_ []meetd.Availability, err error) {
	defer meetd.Wrap(&err, "sqldb.AvailabilitiesByIDs(%s, %d ids)", companyID, len(ids))
	args := uuidArgs(ids)
	if len(args) == 0 {
		return []meetd.Availability{}, nil
	}
	rows, err := db.query(ctx, `SELECT `+availabilityColumns+` FROM availabilities WHERE company_id = ? AND id IN (`+
		placeholders(len(args))+`) AND deleted_at IS NULL`, append([]any{companyID}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanAvailability)
}

// uuidArgs returns the distinct UUIDs among ids, lower-case, as query
// arguments: anything else names nothing.
func uuidArgs(ids []string) []any {
	seen := map[string]bool{}
	out := []any{}
	for _, id := range ids {
		if id = strings.ToLower(id); meetd.IsUUID(id) && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// ListAvailabilities implements meetd.Store.
func (db *DB) ListAvailabilities(ctx context.Context, f meetd.AvailabilityFilter) (_ []meetd.Availability, err error) {
	defer meetd.Wrap(&err, "sqldb.ListAvailabilities(%s, %s)", f.CompanyID, f.UserID)
	where, args := "company_id = ? AND deleted_at IS NULL", []any{f.CompanyID}
	if f.UserID != "" {
		where, args = where+" AND user_id = ?", append(args, f.UserID)
	}
	rows, err := db.query(ctx, `SELECT `+availabilityColumns+` FROM availabilities WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanAvailability)
}

// UpdateAvailability implements meetd.Store.
func (db *DB) UpdateAvailability(ctx context.Context, a meetd.Actor, companyID, id string, up meetd.AvailabilityUpdate) (_ meetd.Availability, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateAvailability(%s)", id)
	var out meetd.Availability
	err = db.update(ctx, func(t *tx) error {
		av, err := availability(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		id := av.ID
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
		out, err = availability(ctx, t, companyID, id, "")
		return err
	})
	return out, err
}

// DeleteAvailability implements meetd.Store.
func (db *DB) DeleteAvailability(ctx context.Context, a meetd.Actor, companyID, id string) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteAvailability(%s)", id)
	return db.update(ctx, func(t *tx) error {
		av, err := availability(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		if err := t.deleteAvailability(ctx, av.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "availability.delete", "availability", av.ID)
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
func (db *DB) AddException(ctx context.Context, a meetd.Actor, companyID string, e meetd.Exception) (_ meetd.Exception, err error) {
	defer meetd.Wrap(&err, "sqldb.AddException(%s)", e.AvailabilityID)
	err = db.update(ctx, func(t *tx) error {
		av, err := availability(ctx, t, companyID, e.AvailabilityID, "")
		if err != nil {
			return err
		}
		e.AvailabilityID, e.CreatedAt = av.ID, t.now
		if err := t.queryRow(ctx, `INSERT INTO availability_exceptions (availability_id, company_id, available, start_at,
			end_at, title, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.AvailabilityID, companyID,
			e.Available, ms(e.Start), ms(e.End), e.Title, e.Note, ms(t.now)).Scan(&e.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "availability.exception.create", "availability", e.AvailabilityID)
	})
	return e, err
}

func scanException(row interface{ Scan(...any) error }) (meetd.Exception, error) {
	var e meetd.Exception
	var start, end, created int64
	if err := row.Scan(&e.ID, &e.AvailabilityID, &e.Available, &start, &end, &e.Title, &e.Note, &created); err != nil {
		return e, err
	}
	e.Start, e.End, e.CreatedAt = fromMS(start), fromMS(end), fromMS(created)
	return e, nil
}

// ListExceptions implements meetd.Store.
func (db *DB) ListExceptions(ctx context.Context, f meetd.ExceptionFilter) (_ []meetd.Exception, err error) {
	defer meetd.Wrap(&err, "sqldb.ListExceptions(%s, %d availabilities)", f.CompanyID, len(f.AvailabilityIDs))
	ids := uuidArgs(f.AvailabilityIDs)
	if len(ids) == 0 {
		return []meetd.Exception{}, nil
	}
	args := append(append([]any{f.CompanyID}, ids...), ms(f.From), ms(f.To))
	rows, err := db.query(ctx, `SELECT id, availability_id, available, start_at, end_at, title, note, created_at
		FROM availability_exceptions WHERE company_id = ? AND availability_id IN (`+placeholders(len(ids))+`)
		AND deleted_at IS NULL AND end_at > ? AND start_at < ? ORDER BY availability_id, start_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanException)
}

// DeleteException implements meetd.Store.
func (db *DB) DeleteException(ctx context.Context, a meetd.Actor, companyID, availabilityID string, id int64) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteException(%s, %d)", availabilityID, id)
	return db.update(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM availability_exceptions WHERE company_id = ? AND id = ?
			AND availability_id = ? AND deleted_at IS NULL`, companyID, id, strings.ToLower(availabilityID)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return meetd.Errorf(meetd.ENOTFOUND, "Exception not found")
		}
		if _, err := t.exec(ctx, `UPDATE availability_exceptions SET deleted_at = ? WHERE id = ?`, ms(t.now), id); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "availability.exception.delete", "availability", availabilityID)
	})
}

// parsedSchedules keeps schedules parsed from their stored text, keyed by
// the text itself, so no entry can go stale: a slot query reads a dozen
// availabilities, and decoding their JSON by reflection was a tenth of its
// time (BENCHMARKS.md, "Busy intervals cached by version"). Each caller
// gets its own copy. At most maxParsedSchedules texts are kept.
var (
	parsedSchedules   sync.Map // string → meetd.Schedule, never changed
	parsedScheduleCnt atomic.Int64
)

const maxParsedSchedules = 4096

// parseSchedule is json.Unmarshal of a stored schedule, through
// parsedSchedules.
func parseSchedule(text string) (meetd.Schedule, error) {
	if v, ok := parsedSchedules.Load(text); ok {
		return cloneSchedule(v.(meetd.Schedule)), nil
	}
	var s meetd.Schedule
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return nil, err
	}
	if parsedScheduleCnt.Load() < maxParsedSchedules {
		if _, loaded := parsedSchedules.LoadOrStore(text, cloneSchedule(s)); !loaded {
			parsedScheduleCnt.Add(1)
		}
	}
	return s, nil
}

// cloneSchedule copies s deeply; a nil list of hours stays nil.
func cloneSchedule(s meetd.Schedule) meetd.Schedule {
	if s == nil {
		return nil
	}
	out := make(meetd.Schedule, len(s))
	for k, d := range s {
		d.Hours = slices.Clone(d.Hours)
		out[k] = d
	}
	return out
}
