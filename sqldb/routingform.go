package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

const routingFormColumns = `id, company_id, name, structure_type, slug, fields, funnel_steps, qualifiers, settings,
	created_at, updated_at`

var (
	errRoutingFormNotFound = meetd.Errorf(meetd.ENOTFOUND, "Routing form not found")
	errSubmissionNotFound  = meetd.Errorf(meetd.ENOTFOUND, "Form submission not found")
	errRecipientNotFound   = meetd.Errorf(meetd.ENOTFOUND, "Form recipient not found")
)

func scanRoutingForm(row interface{ Scan(...any) error }) (meetd.RoutingForm, error) {
	var f meetd.RoutingForm
	var fields, steps, qualifiers, settings string
	var created, updated int64
	if err := row.Scan(&f.ID, &f.CompanyID, &f.Name, &f.StructureType, &f.Slug, &fields, &steps, &qualifiers, &settings,
		&created, &updated); err != nil {
		return f, err
	}
	for what, dst := range map[string]any{"fields": &f.Fields, "funnel steps": &f.FunnelSteps,
		"qualifiers": &f.Qualifiers, "settings": &f.Settings} {
		src := map[string]string{"fields": fields, "funnel steps": steps, "qualifiers": qualifiers, "settings": settings}[what]
		if err := json.Unmarshal([]byte(src), dst); err != nil {
			return f, fmt.Errorf("routing form %s: stored %s: %w", f.ID, what, err)
		}
	}
	if f.Fields == nil {
		f.Fields = []meetd.FieldRef{}
	}
	if f.FunnelSteps == nil {
		f.FunnelSteps = []meetd.FunnelStep{}
	}
	if f.Qualifiers == nil {
		f.Qualifiers = []meetd.Qualifier{}
	}
	if f.Settings == nil {
		f.Settings = map[string]json.RawMessage{}
	}
	f.CreatedAt, f.UpdatedAt = fromMS(created), fromMS(updated)
	return f, nil
}

// RoutingForms implements meetd.Store.
func (db *DB) RoutingForms(ctx context.Context, companyID string, limit, offset int) (_ []meetd.RoutingForm, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.RoutingForms")
	return listPage(ctx, db, `SELECT COUNT(*) FROM routing_forms WHERE company_id = ?`,
		`SELECT `+routingFormColumns+` FROM routing_forms WHERE company_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?`,
		[]any{companyID}, limit, offset, scanRoutingForm)
}

func routingForm(ctx context.Context, q querier, companyID, id, lock string) (meetd.RoutingForm, error) {
	if !meetd.IsUUID(id) {
		return meetd.RoutingForm{}, errRoutingFormNotFound
	}
	f, err := scanRoutingForm(q.queryRow(ctx, `SELECT `+routingFormColumns+` FROM routing_forms
		WHERE company_id = ? AND id = ?`+lock, companyID, strings.ToLower(id)))
	if err != nil {
		return f, notFound(err, errRoutingFormNotFound.Message)
	}
	return f, nil
}

// RoutingFormByID implements meetd.Store.
func (db *DB) RoutingFormByID(ctx context.Context, companyID, id string) (_ meetd.RoutingForm, err error) {
	defer meetd.Wrap(&err, "sqldb.RoutingFormByID(%s)", id)
	return routingForm(ctx, db, companyID, id, "")
}

// formBySlug finds a form by its page's slug through the partial unique
// index, whose condition the query repeats so that both engines use it.
const formBySlug = ` WHERE slug = ? AND slug <> ''`

// recipientByToken finds a recipient by form and token hash.
const recipientByToken = ` WHERE form_id = ? AND token_hash = ?`

// RoutingFormForPage implements meetd.Store.
func (db *DB) RoutingFormForPage(ctx context.Context, slugOrID string) (_ meetd.RoutingForm, err error) {
	defer meetd.Wrap(&err, "sqldb.RoutingFormForPage(%s)", slugOrID)
	var f meetd.RoutingForm
	if !utf8.ValidString(slugOrID) || strings.IndexByte(slugOrID, 0) >= 0 {
		// The address comes from a visitor: text no slug can be names no
		// form, and PostgreSQL would fail the query on it.
		err = sql.ErrNoRows
	} else if meetd.IsUUID(slugOrID) {
		f, err = scanRoutingForm(db.queryRow(ctx, `SELECT `+routingFormColumns+` FROM routing_forms WHERE id = ?`,
			strings.ToLower(slugOrID)))
	} else if slugOrID != "" {
		f, err = scanRoutingForm(db.queryRow(ctx, `SELECT `+routingFormColumns+` FROM routing_forms`+formBySlug, slugOrID))
	} else {
		err = sql.ErrNoRows
	}
	if err != nil {
		return f, notFound(err, errRoutingFormNotFound.Message)
	}
	return f, nil
}

// CreateRoutingForm implements meetd.Store.
func (db *DB) CreateRoutingForm(ctx context.Context, a meetd.Actor, f meetd.RoutingForm) (_ meetd.RoutingForm, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateRoutingForm")
	var out meetd.RoutingForm
	err = db.update(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM routing_forms WHERE company_id = ?`, f.CompanyID).Scan(&n); err != nil {
			return err
		}
		if n >= meetd.RoutingFormsLimit {
			return meetd.Errorf(meetd.ENOTACCEPTABLE, "Maximum number of routing forms reached (%d)", meetd.RoutingFormsLimit)
		}
		g := f
		g.ID = meetd.NewID()
		g.CreatedAt = t.now
		if err := t.storeRoutingForm(ctx, a, &g, nil, true); err != nil {
			return err
		}
		if err := t.audit(ctx, a, g.CompanyID, "routing_form.create", "routing_form", g.ID); err != nil {
			return err
		}
		out, err = routingForm(ctx, t, g.CompanyID, g.ID, "")
		return err
	})
	return out, err
}

// UpdateRoutingForm implements meetd.Store.
func (db *DB) UpdateRoutingForm(ctx context.Context, a meetd.Actor, companyID, id string,
	apply func(*meetd.RoutingForm) error) (_ meetd.RoutingForm, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateRoutingForm(%s)", id)
	var out meetd.RoutingForm
	err = db.update(ctx, func(t *tx) error {
		old, err := routingForm(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		f := old
		f.Fields = append([]meetd.FieldRef(nil), old.Fields...)
		f.FunnelSteps = append([]meetd.FunnelStep(nil), old.FunnelSteps...)
		f.Qualifiers = append([]meetd.Qualifier(nil), old.Qualifiers...)
		if err := apply(&f); err != nil {
			return err
		}
		f.ID, f.CompanyID, f.CreatedAt = old.ID, old.CompanyID, old.CreatedAt
		if err := t.storeRoutingForm(ctx, a, &f, old.Qualifiers, false); err != nil {
			return err
		}
		if err := t.audit(ctx, a, companyID, "routing_form.update", "routing_form", f.ID); err != nil {
			return err
		}
		out, err = routingForm(ctx, t, companyID, f.ID, "")
		return err
	})
	return out, err
}

// storeRoutingForm creates f's inline fields, checks it and writes it.
// Qualifiers keep their id when it names one of old's, and get a new one
// otherwise.
func (t *tx) storeRoutingForm(ctx context.Context, a meetd.Actor, f *meetd.RoutingForm, old []meetd.Qualifier, insert bool) error {
	if err := f.Validate(); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, q := range old {
		known[q.ID] = true
	}
	for i := range f.Qualifiers {
		if !known[f.Qualifiers[i].ID] {
			f.Qualifiers[i].ID = meetd.NewID()
		}
		known[f.Qualifiers[i].ID] = false // a second use of one id gets a new one
	}
	var ids []int64
	create := func(refs []meetd.FieldRef) error {
		for i := range refs {
			if n := refs[i].New; n != nil {
				n.CompanyID = f.CompanyID
				made, err := t.createDataField(ctx, a, *n)
				if err != nil {
					return err
				}
				refs[i].DataFieldID, refs[i].New = made.ID, nil
			}
			ids = append(ids, refs[i].DataFieldID)
		}
		return nil
	}
	if err := create(f.Fields); err != nil {
		return err
	}
	for i := range f.FunnelSteps {
		if err := create(f.FunnelSteps[i].DataFields); err != nil {
			return err
		}
	}
	have, err := dataFieldsByIDs(ctx, t, f.CompanyID, ids)
	if err != nil {
		return err
	}
	haveID := map[int64]bool{}
	for _, d := range have {
		haveID[d.ID] = true
	}
	var v meetd.Validation
	for _, id := range ids {
		if !haveID[id] {
			v.Add("fields", fmt.Sprintf("dataFieldId %d is not one of the company's data fields", id))
		}
	}
	for i, q := range f.Qualifiers {
		if q.RoutingAction != meetd.ActionEventRedirect {
			continue
		}
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM meeting_types WHERE company_id = ? AND id = ? AND deleted_at IS NULL`,
			f.CompanyID, strings.ToLower(q.MeetingTypeID)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			v.Add(fmt.Sprintf("qualifiers[%d].meetingTypeId", i), "meetingTypeId is not one of the company's meeting types")
		}
		f.Qualifiers[i].MeetingTypeID = strings.ToLower(q.MeetingTypeID)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if f.Slug != "" {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM routing_forms WHERE slug = ? AND id <> ?`, f.Slug, f.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return meetd.Errorf(meetd.ECONFLICT, "The slug %q is taken", f.Slug)
		}
	}
	enc := func(x any) string { b, _ := json.Marshal(x); return string(b) }
	if f.Settings == nil {
		f.Settings = map[string]json.RawMessage{}
	}
	settings := enc(f.Settings)
	if len(settings) > meetd.MaxFormSettings {
		var v meetd.Validation
		v.Add("settings", fmt.Sprintf("the form's other settings must be at most %d bytes", meetd.MaxFormSettings))
		return v.Err()
	}
	if f.Fields == nil {
		f.Fields = []meetd.FieldRef{}
	}
	if f.FunnelSteps == nil {
		f.FunnelSteps = []meetd.FunnelStep{}
	}
	if f.Qualifiers == nil {
		f.Qualifiers = []meetd.Qualifier{}
	}
	if insert {
		_, err = t.exec(ctx, `INSERT INTO routing_forms (`+routingFormColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ID, f.CompanyID, f.Name, f.StructureType, f.Slug, enc(f.Fields), enc(f.FunnelSteps), enc(f.Qualifiers),
			settings, ms(t.now), ms(t.now))
	} else {
		_, err = t.exec(ctx, `UPDATE routing_forms SET name = ?, structure_type = ?, slug = ?, fields = ?, funnel_steps = ?,
			qualifiers = ?, settings = ?, updated_at = ? WHERE id = ?`, f.Name, f.StructureType, f.Slug, enc(f.Fields),
			enc(f.FunnelSteps), enc(f.Qualifiers), settings, ms(t.now), f.ID)
	}
	return err
}

// DeleteRoutingForm implements meetd.Store.
func (db *DB) DeleteRoutingForm(ctx context.Context, a meetd.Actor, companyID, id string) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteRoutingForm(%s)", id)
	return db.update(ctx, func(t *tx) error {
		f, err := routingForm(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		for _, table := range []string{"form_submissions", "form_recipients"} {
			if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE form_id = ?`, f.ID); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, `DELETE FROM routing_forms WHERE id = ?`, f.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "routing_form.delete", "routing_form", f.ID)
	})
}

const recipientColumns = `id, company_id, form_id, recipient_name, email, phone, message, contact_id, language,
	delivery_method, submission_id, status, token_hash, sent_at, opened_at, completed_at`

func scanRecipient(row interface{ Scan(...any) error }) (meetd.FormRecipient, error) {
	var r meetd.FormRecipient
	var sent int64
	var opened, completed sql.NullInt64
	err := row.Scan(&r.ID, &r.CompanyID, &r.FormID, &r.RecipientName, &r.Email, &r.Phone, &r.Message, &r.ContactID,
		&r.Language, &r.DeliveryMethod, &r.SubmissionID, &r.Status, &r.TokenHash, &sent, &opened, &completed)
	r.SentAt, r.OpenedAt, r.CompletedAt = fromMS(sent), timePtr(opened), timePtr(completed)
	return r, err
}

// SendRoutingForm implements meetd.Store.
func (db *DB) SendRoutingForm(ctx context.Context, a meetd.Actor, r meetd.FormRecipient, mail *meetd.OutboxMessage) (_ meetd.FormRecipient, err error) {
	defer meetd.Wrap(&err, "sqldb.SendRoutingForm(%s)", r.FormID)
	var out meetd.FormRecipient
	err = db.update(ctx, func(t *tx) error {
		f, err := routingForm(ctx, t, r.CompanyID, r.FormID, "")
		if err != nil {
			return err
		}
		out = r
		out.ID, out.FormID, out.Status, out.SentAt = meetd.NewID(), f.ID, meetd.RecipientSent, t.now
		if _, err := t.exec(ctx, `INSERT INTO form_recipients (`+recipientColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			out.ID, out.CompanyID, out.FormID, out.RecipientName, out.Email, out.Phone, out.Message, out.ContactID,
			out.Language, out.DeliveryMethod, "", out.Status, out.TokenHash, ms(t.now), nil, nil); err != nil {
			return err
		}
		if mail != nil {
			m := *mail
			m.CompanyID = out.CompanyID
			if err := t.queueOutbox(ctx, &m, "", ""); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, out.CompanyID, "routing_form.send", "form_recipient", out.ID)
	})
	return out, err
}

// FormRecipients implements meetd.Store.
func (db *DB) FormRecipients(ctx context.Context, companyID, formID string) (_ []meetd.FormRecipient, err error) {
	defer meetd.Wrap(&err, "sqldb.FormRecipients(%s)", formID)
	f, err := routingForm(ctx, db, companyID, formID, "")
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT `+recipientColumns+` FROM form_recipients WHERE form_id = ? ORDER BY sent_at DESC, id`, f.ID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanRecipient)
}

// OpenFormRecipient implements meetd.Store.
func (db *DB) OpenFormRecipient(ctx context.Context, formID string, hash []byte) (_ meetd.FormRecipient, err error) {
	defer meetd.Wrap(&err, "sqldb.OpenFormRecipient(%s)", formID)
	var out meetd.FormRecipient
	err = db.update(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `UPDATE form_recipients SET status = ?, opened_at = ?`+recipientByToken+` AND status = ?`,
			meetd.RecipientOpened, ms(t.now), formID, hash, meetd.RecipientSent); err != nil {
			return err
		}
		out, err = scanRecipient(t.queryRow(ctx, `SELECT `+recipientColumns+` FROM form_recipients`+recipientByToken, formID, hash))
		return notFound(err, errRecipientNotFound.Message)
	})
	return out, err
}

// SubmitForm implements meetd.Store.
func (db *DB) SubmitForm(ctx context.Context, a meetd.Actor, s meetd.FormSubmission) (_ meetd.FormSubmission, err error) {
	defer meetd.Wrap(&err, "sqldb.SubmitForm(%s)", s.FormID)
	var out meetd.FormSubmission
	err = db.update(ctx, func(t *tx) error {
		f, err := routingForm(ctx, t, s.CompanyID, s.FormID, "")
		if err != nil {
			return err
		}
		out = s
		out.ID, out.FormID, out.CreatedAt = meetd.NewID(), f.ID, t.now
		if out.Answers == nil {
			out.Answers = meetd.Answers{}
		}
		answers, err := json.Marshal(out.Answers)
		if err != nil {
			return err
		}
		if len(answers) > meetd.MaxSubmissionAnswer {
			return meetd.Errorf(meetd.ETOOLARGE, "The answers are too large")
		}
		outcome, err := json.Marshal(out.Outcome)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO form_submissions (id, company_id, form_id, recipient_id, answers, outcome,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, out.ID, out.CompanyID, out.FormID, out.RecipientID, string(answers),
			string(outcome), ms(t.now)); err != nil {
			return err
		}
		if out.RecipientID != "" {
			if _, err := t.exec(ctx, `UPDATE form_recipients SET status = ?, completed_at = ?, submission_id = ?,
				opened_at = COALESCE(opened_at, ?) WHERE form_id = ? AND id = ?`, meetd.RecipientCompleted, ms(t.now), out.ID,
				ms(t.now), f.ID, out.RecipientID); err != nil {
				return err
			}
		}
		if err := t.audit(ctx, a, f.CompanyID, "routing_form.submit", "form_submission", out.ID); err != nil {
			return err
		}
		return t.emit(ctx, f.CompanyID, meetd.EventFormSubmission, meetd.FormSubmissionPayload(f, out))
	})
	return out, err
}

// FormSubmissionByID implements meetd.Store.
func (db *DB) FormSubmissionByID(ctx context.Context, companyID, id string) (_ meetd.FormSubmission, err error) {
	defer meetd.Wrap(&err, "sqldb.FormSubmissionByID(%s)", id)
	if !meetd.IsUUID(id) {
		return meetd.FormSubmission{}, errSubmissionNotFound
	}
	var s meetd.FormSubmission
	var answers, outcome string
	var created int64
	err = db.queryRow(ctx, `SELECT id, company_id, form_id, recipient_id, answers, outcome, created_at FROM form_submissions
		WHERE company_id = ? AND id = ?`, companyID, strings.ToLower(id)).Scan(&s.ID, &s.CompanyID, &s.FormID, &s.RecipientID,
		&answers, &outcome, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errSubmissionNotFound
	} else if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(answers), &s.Answers); err != nil {
		return s, fmt.Errorf("form submission %s: stored answers: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(outcome), &s.Outcome); err != nil {
		return s, fmt.Errorf("form submission %s: stored outcome: %w", s.ID, err)
	}
	s.CreatedAt = fromMS(created)
	return s, nil
}
