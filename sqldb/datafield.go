package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
)

const dataFieldColumns = `id, company_id, label, name, field_type, target, required, hidden, options, min_value, max_value,
	settings, created_at, updated_at`

var errDataFieldNotFound = meetd.Errorf(meetd.ENOTFOUND, "Data field not found")

func scanDataField(row interface{ Scan(...any) error }) (meetd.DataField, error) {
	var f meetd.DataField
	var options, settings string
	var lo, hi sql.NullFloat64
	var created, updated int64
	if err := row.Scan(&f.ID, &f.CompanyID, &f.Label, &f.Name, &f.FieldType, &f.Target, &f.Required, &f.Hidden,
		&options, &lo, &hi, &settings, &created, &updated); err != nil {
		return f, err
	}
	if err := json.Unmarshal([]byte(options), &f.Options); err != nil {
		return f, fmt.Errorf("data field %d: stored options: %w", f.ID, err)
	}
	if err := json.Unmarshal([]byte(settings), &f.Settings); err != nil {
		return f, fmt.Errorf("data field %d: stored settings: %w", f.ID, err)
	}
	if f.Options == nil {
		f.Options = []meetd.FieldOption{}
	}
	if f.Settings == nil {
		f.Settings = map[string]json.RawMessage{}
	}
	if lo.Valid {
		f.Min = &lo.Float64
	}
	if hi.Valid {
		f.Max = &hi.Float64
	}
	f.CreatedAt, f.UpdatedAt = fromMS(created), fromMS(updated)
	return f, nil
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// checkFieldSize refuses settings beyond meetd.MaxFieldSettings.
func fieldJSON(f meetd.DataField) (options, settings string, err error) {
	o, err := json.Marshal(f.Options)
	if err != nil {
		return "", "", err
	}
	if f.Settings == nil {
		f.Settings = map[string]json.RawMessage{}
	}
	s, err := json.Marshal(f.Settings)
	if err != nil {
		return "", "", err
	}
	if len(s) > meetd.MaxFieldSettings {
		var v meetd.Validation
		v.Add("settings", fmt.Sprintf("the data field's other settings must be at most %d bytes", meetd.MaxFieldSettings))
		return "", "", v.Err()
	}
	return string(o), string(s), nil
}

// DataFields implements meetd.Store.
func (db *DB) DataFields(ctx context.Context, companyID string, limit, offset int) (_ []meetd.DataField, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.DataFields")
	return listPage(ctx, db, `SELECT COUNT(*) FROM data_fields WHERE company_id = ?`,
		`SELECT `+dataFieldColumns+` FROM data_fields WHERE company_id = ? ORDER BY id LIMIT ? OFFSET ?`,
		[]any{companyID}, limit, offset, scanDataField)
}

// DataFieldByID implements meetd.Store.
func (db *DB) DataFieldByID(ctx context.Context, companyID string, id int64) (_ meetd.DataField, err error) {
	defer meetd.Wrap(&err, "sqldb.DataFieldByID(%d)", id)
	f, err := scanDataField(db.queryRow(ctx, `SELECT `+dataFieldColumns+` FROM data_fields WHERE company_id = ? AND id = ?`,
		companyID, id))
	if err != nil {
		return f, notFound(err, errDataFieldNotFound.Message)
	}
	return f, nil
}

// DataFieldsByIDs implements meetd.Store.
func (db *DB) DataFieldsByIDs(ctx context.Context, companyID string, ids []int64) (_ []meetd.DataField, err error) {
	defer meetd.Wrap(&err, "sqldb.DataFieldsByIDs")
	return dataFieldsByIDs(ctx, db, companyID, ids)
}

// dataFieldsByIDs reads the company's fields among ids, on db or in a
// transaction.
func dataFieldsByIDs(ctx context.Context, q querier, companyID string, ids []int64) ([]meetd.DataField, error) {
	if len(ids) == 0 {
		return []meetd.DataField{}, nil
	}
	args := []any{companyID}
	seen := map[int64]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	rows, err := q.query(ctx, `SELECT `+dataFieldColumns+` FROM data_fields WHERE company_id = ? AND id IN (`+
		placeholders(len(args)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanDataField)
}

// CreateDataField implements meetd.Store.
func (db *DB) CreateDataField(ctx context.Context, a meetd.Actor, f meetd.DataField) (_ meetd.DataField, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateDataField")
	var out meetd.DataField
	err = db.update(ctx, func(t *tx) error {
		out, err = t.createDataField(ctx, a, f)
		return err
	})
	return out, err
}

// createDataField validates and inserts a field in the caller's
// transaction.
func (t *tx) createDataField(ctx context.Context, a meetd.Actor, f meetd.DataField) (meetd.DataField, error) {
	if err := f.Validate(); err != nil {
		return f, err
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM data_fields WHERE company_id = ?`, f.CompanyID).Scan(&n); err != nil {
		return f, err
	}
	if n >= meetd.DataFieldsLimit {
		return f, meetd.Errorf(meetd.ENOTACCEPTABLE, "Maximum number of data fields reached (%d)", meetd.DataFieldsLimit)
	}
	if err := t.fieldNameFree(ctx, f.CompanyID, f.Name, 0); err != nil {
		return f, err
	}
	options, settings, err := fieldJSON(f)
	if err != nil {
		return f, err
	}
	var id int64
	if err := t.queryRow(ctx, `INSERT INTO data_fields (company_id, label, name, field_type, target, required, hidden,
		options, min_value, max_value, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, f.CompanyID, f.Label, f.Name, f.FieldType, f.Target, f.Required, f.Hidden, options,
		nullFloat(f.Min), nullFloat(f.Max), settings, ms(t.now), ms(t.now)).Scan(&id); err != nil {
		return f, err
	}
	if err := t.audit(ctx, a, f.CompanyID, "data_field.create", "data_field", strconv.FormatInt(id, 10)); err != nil {
		return f, err
	}
	return scanDataField(t.queryRow(ctx, `SELECT `+dataFieldColumns+` FROM data_fields WHERE id = ?`, id))
}

// fieldNameFree refuses a name another field of the company has.
func (t *tx) fieldNameFree(ctx context.Context, companyID, name string, self int64) error {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM data_fields WHERE company_id = ? AND name = ? AND id <> ?`,
		companyID, name, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return meetd.Errorf(meetd.ECONFLICT, "A data field named %q exists already", name)
	}
	return nil
}

// UpdateDataField implements meetd.Store.
func (db *DB) UpdateDataField(ctx context.Context, a meetd.Actor, companyID string, id int64,
	apply func(*meetd.DataField) error) (_ meetd.DataField, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateDataField(%d)", id)
	var out meetd.DataField
	err = db.update(ctx, func(t *tx) error {
		f, err := scanDataField(t.queryRow(ctx, `SELECT `+dataFieldColumns+` FROM data_fields WHERE company_id = ? AND id = ?`+
			t.d.forUpdate, companyID, id))
		if err != nil {
			return notFound(err, errDataFieldNotFound.Message)
		}
		if err := apply(&f); err != nil {
			return err
		}
		f.ID, f.CompanyID = id, companyID
		if err := f.Validate(); err != nil {
			return err
		}
		if err := t.fieldNameFree(ctx, companyID, f.Name, id); err != nil {
			return err
		}
		options, settings, err := fieldJSON(f)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE data_fields SET label = ?, name = ?, field_type = ?, target = ?, required = ?,
			hidden = ?, options = ?, min_value = ?, max_value = ?, settings = ?, updated_at = ? WHERE id = ?`,
			f.Label, f.Name, f.FieldType, f.Target, f.Required, f.Hidden, options, nullFloat(f.Min), nullFloat(f.Max),
			settings, ms(t.now), id); err != nil {
			return err
		}
		if err := t.audit(ctx, a, companyID, "data_field.update", "data_field", strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		out, err = scanDataField(t.queryRow(ctx, `SELECT `+dataFieldColumns+` FROM data_fields WHERE id = ?`, id))
		return err
	})
	return out, err
}

// DeleteDataField implements meetd.Store.
func (db *DB) DeleteDataField(ctx context.Context, a meetd.Actor, companyID string, id int64) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteDataField(%d)", id)
	return db.update(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM data_fields WHERE company_id = ? AND id = ?`, companyID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errDataFieldNotFound
		}
		return t.audit(ctx, a, companyID, "data_field.delete", "data_field", strconv.FormatInt(id, 10))
	})
}

// AttendeeAnswers implements meetd.Store.
func (db *DB) AttendeeAnswers(ctx context.Context, companyID, attendeeID string) (_ meetd.Answers, err error) {
	defer meetd.Wrap(&err, "sqldb.AttendeeAnswers(%s)", attendeeID)
	if companyID == "" || !meetd.IsUUID(attendeeID) {
		return nil, errAttendeeNotFound
	}
	var notes string
	if err := db.queryRow(ctx, `SELECT notes FROM appointment_attendees WHERE company_id = ? AND id = ?`,
		companyID, strings.ToLower(attendeeID)).Scan(&notes); err != nil {
		return nil, notFound(err, errAttendeeNotFound.Message)
	}
	return answersIn(ctx, db, companyID, notes)
}

// answersIn returns the valid answers to the company's data fields among
// an attendee's notes (JSON text), on db or in a transaction: the booking
// transaction that creates or updates the attendee's contact reads them
// here to copy them into the contact's additionalData.
func answersIn(ctx context.Context, q querier, companyID, notes string) (meetd.Answers, error) {
	var given map[string]json.RawMessage
	if json.Unmarshal([]byte(notes), &given) != nil || len(given) == 0 {
		return meetd.Answers{}, nil
	}
	names := make([]any, 0, len(given)+1)
	names = append(names, companyID)
	for k := range given {
		names = append(names, k)
	}
	rows, err := q.query(ctx, `SELECT `+dataFieldColumns+` FROM data_fields WHERE company_id = ? AND name IN (`+
		placeholders(len(names)-1)+`)`, names...)
	if err != nil {
		return nil, err
	}
	fields, err := scanAll(rows, scanDataField)
	if err != nil {
		return nil, err
	}
	out := meetd.Answers{}
	for _, f := range fields {
		if v, msg := f.CheckAnswer(given[f.Name]); msg == "" {
			out[f.Name] = v
		}
	}
	return out, nil
}
