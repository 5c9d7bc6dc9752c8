package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

var errDataFieldNotFound = meetd.Errorf(meetd.ENOTFOUND, "Data field not found")

// readOnlyKeys are keys of an answer a client may play back in a request
// body; they are dropped, not kept as settings.
var readOnlyKeys = []string{"id", "companyId", "createdAt", "updatedAt", "default", "mutable", "publicUrl"}

// readDataField applies a data field body to d: the typed keys, and every
// other key into Settings (replacing them on create, merged on update
// where null removes a key).
func readDataField(f fields, d *meetd.DataField, create bool) error {
	var v meetd.Validation
	for _, k := range readOnlyKeys {
		f.take(k)
	}
	label, hasLabel := f.str(&v, "label", "label")
	if label != nil {
		d.Label = *label
	} else if create || hasLabel {
		v.Add("label", "label should not be empty")
	}
	if t, has := f.str(&v, "fieldType", "fieldType"); t != nil {
		d.FieldType = *t
	} else if create || has {
		v.Add("fieldType", "fieldType should not be empty")
	}
	if name, _ := f.str(&v, "name", "name"); name != nil && *name != "" {
		d.Name = *name
	} else if create {
		d.Name = meetd.FieldName(d.Label)
	}
	if t, has := f.str(&v, "target", "target"); t != nil {
		d.Target = *t
	} else if has {
		d.Target = ""
	}
	if b, _ := f.boolean(&v, "required", "required"); b != nil {
		d.Required = *b
	}
	if b, _ := f.boolean(&v, "hidden", "hidden"); b != nil {
		d.Hidden = *b
	}
	if raw, has := f.take("options"); has {
		d.Options = []meetd.FieldOption{}
		if !isNull(raw) && json.Unmarshal(raw, &d.Options) != nil {
			v.Add("options", "options must be a list of {label, value} with string label and value")
		}
	}
	for key, dst := range map[string]**float64{"min": &d.Min, "max": &d.Max} {
		raw, has := f.take(key)
		if !has {
			continue
		}
		if isNull(raw) {
			*dst = nil
			continue
		}
		var n float64
		if json.Unmarshal(raw, &n) != nil {
			v.Add(key, key+" must be a number")
			continue
		}
		*dst = &n
	}
	if create || d.Settings == nil {
		d.Settings = map[string]json.RawMessage{}
	}
	for k, raw := range f {
		if isNull(raw) && !create {
			delete(d.Settings, k)
			continue
		}
		d.Settings[k] = raw
	}
	return v.Err()
}

// dataFieldJSON is a field as the API answers it: its settings as sent,
// the typed keys, and meetergo's read-only default and mutable.
func dataFieldJSON(d meetd.DataField) map[string]any {
	out := make(map[string]any, len(d.Settings)+12)
	for k, raw := range d.Settings {
		out[k] = raw
	}
	var target any
	if d.Target != "" {
		target = d.Target
	}
	out["id"], out["label"], out["name"], out["fieldType"], out["target"] = d.ID, d.Label, d.Name, d.FieldType, target
	out["required"], out["hidden"], out["options"] = d.Required, d.Hidden, d.Options
	out["min"], out["max"] = d.Min, d.Max
	out["default"], out["mutable"] = false, true
	out["createdAt"], out["updatedAt"] = meetd.FormatTime(d.CreatedAt), meetd.FormatTime(d.UpdatedAt)
	return out
}

// dataFieldID reads the {id} of a data field route; anything but a
// positive number names no field.
func dataFieldID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id <= 0 {
		return 0, errDataFieldNotFound
	}
	return id, nil
}

// GET /v4/data-field?limit&offset answers a page of the company's fields
// (limit 1–100, default 50), oldest first, as a bare array.
func (s *Server) listDataFields(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ReadForms, ""); err != nil {
		return err
	}
	var v meetd.Validation
	q := r.URL.Query()
	limit, offset := intParam(&v, q, "limit", 50, 1, 100), intParam(&v, q, "offset", 0, 0, 1<<31-1)
	if err := v.Err(); err != nil {
		return err
	}
	list, _, err := s.cfg.Store.DataFields(r.Context(), p.Company.ID, limit, offset)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, d := range list {
		out[i] = dataFieldJSON(d)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /v4/data-field/{id} answers one field.
func (s *Server) getDataField(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	id, err := dataFieldID(r)
	if err != nil {
		return err
	}
	d, err := s.cfg.Store.DataFieldByID(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ReadForms, ""); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dataFieldJSON(d))
	return nil
}

// POST /v4/data-field {label, fieldType, name?, required?, options?,
// target?, …} answers 201 with the field and its numeric id.
func (s *Server) createDataField(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ManageForms, ""); err != nil {
		return err
	}
	var f fields
	if err := decodeJSON(w, r, &f); err != nil {
		return err
	}
	d := meetd.DataField{CompanyID: p.Company.ID}
	if err := readDataField(f, &d, true); err != nil {
		return err
	}
	d, err := s.cfg.Store.CreateDataField(r.Context(), meetd.ActorOf(p, s.clientIP(r)), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, dataFieldJSON(d))
	return nil
}

// PATCH /v4/data-field/{id} changes the keys sent and answers the field.
func (s *Server) updateDataField(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	id, err := dataFieldID(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.DataFieldByID(r.Context(), p.Company.ID, id); err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ManageForms, ""); err != nil {
		return err
	}
	var f fields
	if err := decodeJSON(w, r, &f); err != nil {
		return err
	}
	d, err := s.cfg.Store.UpdateDataField(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, id,
		func(d *meetd.DataField) error {
			body := make(fields, len(f))
			for k, v := range f {
				body[k] = v
			}
			return readDataField(body, d, false)
		})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dataFieldJSON(d))
	return nil
}

// DELETE /v4/data-field/{id} answers 204.
func (s *Server) deleteDataField(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	id, err := dataFieldID(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Store.DataFieldByID(r.Context(), p.Company.ID, id); err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ManageForms, ""); err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteDataField(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkQuestions refuses a meeting type body whose dataFields (the
// questions of its booking form) is not a list of {dataFieldId, order}
// naming the company's data fields. Other keys pass: a body without
// dataFields changes no questions.
func (s *Server) checkQuestions(r *http.Request, p meetd.Principal, body fields) error {
	raw, ok := body["dataFields"]
	if !ok || isNull(raw) {
		return nil
	}
	refs, err := meetd.MeetingTypeQuestions(meetd.MeetingType{Extra: map[string]json.RawMessage{"dataFields": raw}})
	if err != nil {
		return err
	}
	ids := make([]int64, len(refs))
	for i, ref := range refs {
		ids[i] = ref.DataFieldID
	}
	found, err := s.cfg.Store.DataFieldsByIDs(r.Context(), p.Company.ID, ids)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, d := range found {
		have[d.ID] = true
	}
	var v meetd.Validation
	for _, id := range ids {
		if !have[id] {
			v.Add("dataFields", "dataFieldId "+strconv.FormatInt(id, 10)+" is not one of the company's data fields")
		}
	}
	return v.Err()
}
