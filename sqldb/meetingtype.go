package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meetd/meetd"
)

const meetingTypeColumns = `id, company_id, user_id, availability_id, queue_id, name, description, slug, duration, channel,
	buffer_before, buffer_after, allowed_durations, double_opt_in, timeslot_interval, booking_minimum,
	days_into_future, enabled, spots, locations, extra_info, extra_options, extra, created_at, updated_at, deleted_at`

var errMeetingTypeSlug = meetd.Errorf(meetd.ECONFLICT, "Slug Already Exists")

func scanMeetingType(row interface{ Scan(...any) error }) (meetd.MeetingType, error) {
	var m meetd.MeetingType
	var durations, days, locations, info, options, extra string
	var created, updated int64
	var deleted sql.NullInt64
	if err := row.Scan(&m.ID, &m.CompanyID, &m.UserID, &m.AvailabilityID, &m.QueueID, &m.Name, &m.Description,
		&m.Slug, &m.Duration, &m.Channel, &m.BufferBefore, &m.BufferAfter, &durations, &m.DoubleOptIn,
		&m.TimeslotInterval, &m.BookingMinimum, &days, &m.Enabled, &m.Spots, &locations, &info, &options,
		&extra, &created, &updated, &deleted); err != nil {
		return meetd.MeetingType{}, err
	}
	if err := json.Unmarshal([]byte(durations), &m.AllowedDurations); err != nil {
		return meetd.MeetingType{}, fmt.Errorf("meeting type %s: stored durations: %w", m.ID, err)
	}
	if err := json.Unmarshal([]byte(locations), &m.Locations); err != nil {
		return meetd.MeetingType{}, fmt.Errorf("meeting type %s: stored locations: %w", m.ID, err)
	}
	for src, dst := range map[*string]*map[string]json.RawMessage{&info: &m.ExtraInfo, &options: &m.ExtraOptions, &extra: &m.Extra} {
		if err := json.Unmarshal([]byte(*src), dst); err != nil {
			return meetd.MeetingType{}, fmt.Errorf("meeting type %s: stored JSON: %w", m.ID, err)
		}
	}
	m.DaysIntoFuture = json.RawMessage(days)
	m.CreatedAt, m.UpdatedAt, m.DeletedAt = fromMS(created), fromMS(updated), timePtr(deleted)
	return m, nil
}

// jsonText marshals v for a JSON column, with nil slices and maps as empty.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		switch v.(type) {
		case []int, []string:
			return "[]"
		}
		return "{}"
	}
	return string(b)
}

func daysText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "{}"
	}
	return string(raw)
}

// CreateMeetingType implements meetd.Store.
func (db *DB) CreateMeetingType(ctx context.Context, a meetd.Actor, m meetd.MeetingType, inline *meetd.NewAvailability) (_ meetd.MeetingType, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateMeetingType(%s)", m.CompanyID)
	var out meetd.MeetingType
	err = db.update(ctx, func(t *tx) error {
		if taken, err := t.meetingTypeSlugTaken(ctx, m.UserID, m.Slug, ""); err != nil {
			return err
		} else if taken {
			return errMeetingTypeSlug
		}
		if inline != nil {
			var err error
			if m.AvailabilityID, err = t.insertAvailability(ctx, a, *inline); err != nil {
				return err
			}
		}
		m.ID, m.CreatedAt, m.UpdatedAt = meetd.NewID(), t.now, t.now
		if _, err := t.exec(ctx, `INSERT INTO meeting_types (`+meetingTypeColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
			m.ID, m.CompanyID, m.UserID, m.AvailabilityID, m.QueueID, m.Name, m.Description, m.Slug, m.Duration,
			m.Channel, m.BufferBefore, m.BufferAfter, jsonText(m.AllowedDurations), m.DoubleOptIn,
			m.TimeslotInterval, m.BookingMinimum, daysText(m.DaysIntoFuture), m.Enabled, m.Spots,
			jsonText(m.Locations), jsonText(m.ExtraInfo), jsonText(m.ExtraOptions), jsonText(m.Extra),
			ms(t.now), ms(t.now)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, m.CompanyID, "meeting_type.create", "meeting_type", m.ID); err != nil {
			return err
		}
		var err error
		out, err = meetingType(ctx, t, m.CompanyID, m.ID, "")
		return err
	})
	return out, err
}

var errMeetingTypeNotFound = meetd.Errorf(meetd.ENOTFOUND, "Meeting type not found")

// meetingType reads a company's live meeting type; lock is appended to the
// query (the dialect's FOR UPDATE within a transaction, or "").
func meetingType(ctx context.Context, q querier, companyID, id, lock string) (meetd.MeetingType, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.MeetingType{}, errMeetingTypeNotFound
	}
	m, err := scanMeetingType(q.queryRow(ctx, `SELECT `+meetingTypeColumns+` FROM meeting_types
		WHERE company_id = ? AND id = ? AND deleted_at IS NULL`+lock, companyID, strings.ToLower(id)))
	return m, notFound(err, "Meeting type not found")
}

func (t *tx) meetingTypeSlugTaken(ctx context.Context, userID, slug, exceptID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM meeting_types WHERE user_id = ? AND slug = ? AND deleted_at IS NULL AND id <> ?`,
		userID, slug, exceptID).Scan(&n)
	return n > 0, err
}

// MeetingTypeByID implements meetd.Store.
func (db *DB) MeetingTypeByID(ctx context.Context, companyID, id string) (_ meetd.MeetingType, err error) {
	defer meetd.Wrap(&err, "sqldb.MeetingTypeByID(%s)", id)
	return meetingType(ctx, db, companyID, id, "")
}

// ListMeetingTypes implements meetd.Store.
func (db *DB) ListMeetingTypes(ctx context.Context, f meetd.MeetingTypeFilter) (_ []meetd.MeetingType, err error) {
	defer meetd.Wrap(&err, "sqldb.ListMeetingTypes(%s, %s)", f.CompanyID, f.UserID)
	where, args := "company_id = ? AND deleted_at IS NULL", []any{f.CompanyID}
	if f.UserID != "" {
		where, args = where+" AND user_id = ?", append(args, f.UserID)
	}
	rows, err := db.query(ctx, `SELECT `+meetingTypeColumns+` FROM meeting_types WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanMeetingType)
}

// UpdateMeetingType implements meetd.Store.
func (db *DB) UpdateMeetingType(ctx context.Context, a meetd.Actor, companyID, id string, apply func(*meetd.MeetingType) error) (_ meetd.MeetingType, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateMeetingType(%s)", id)
	var out meetd.MeetingType
	err = db.update(ctx, func(t *tx) error {
		// FOR UPDATE: concurrent PATCHes apply one after the other, so
		// neither loses the other's fields.
		m, err := meetingType(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		if err := apply(&m); err != nil {
			return err
		}
		if taken, err := t.meetingTypeSlugTaken(ctx, m.UserID, m.Slug, m.ID); err != nil {
			return err
		} else if taken {
			return errMeetingTypeSlug
		}
		if _, err := t.exec(ctx, `UPDATE meeting_types SET availability_id = ?, name = ?, description = ?, slug = ?,
			duration = ?, channel = ?, buffer_before = ?, buffer_after = ?, allowed_durations = ?, double_opt_in = ?,
			timeslot_interval = ?, booking_minimum = ?, days_into_future = ?, enabled = ?, spots = ?, locations = ?,
			extra_info = ?, extra_options = ?, extra = ?, updated_at = ? WHERE id = ?`,
			m.AvailabilityID, m.Name, m.Description, m.Slug, m.Duration, m.Channel, m.BufferBefore, m.BufferAfter,
			jsonText(m.AllowedDurations), m.DoubleOptIn, m.TimeslotInterval, m.BookingMinimum,
			daysText(m.DaysIntoFuture), m.Enabled, m.Spots, jsonText(m.Locations), jsonText(m.ExtraInfo),
			jsonText(m.ExtraOptions), jsonText(m.Extra), ms(t.now), m.ID); err != nil {
			return err
		}
		if err := t.audit(ctx, a, m.CompanyID, "meeting_type.update", "meeting_type", m.ID); err != nil {
			return err
		}
		out, err = meetingType(ctx, t, companyID, m.ID, "")
		return err
	})
	return out, err
}

// DeleteMeetingType implements meetd.Store.
func (db *DB) DeleteMeetingType(ctx context.Context, a meetd.Actor, companyID, id string, deleteAvailability bool) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteMeetingType(%s)", id)
	return db.update(ctx, func(t *tx) error {
		m, err := meetingType(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE meeting_types SET deleted_at = ?, updated_at = ? WHERE id = ?`, ms(t.now), ms(t.now), m.ID); err != nil {
			return err
		}
		if deleteAvailability && m.AvailabilityID != "" {
			if err := t.deleteAvailability(ctx, m.AvailabilityID); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, m.CompanyID, "meeting_type.delete", "meeting_type", m.ID)
	})
}
