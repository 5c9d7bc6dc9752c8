package scheduling

import (
	"context"
	"encoding/json"

	"github.com/meetd/meetd"
)

// errSubmissionNotFound answers a booking that names a form submission
// that is missing or another company's.
func errSubmissionNotFound() error {
	var v meetd.Validation
	v.Add("routingFormSubmissionId", "routingFormSubmissionId does not name a form submission")
	return v.Err()
}

// answers prepares the attendee's notes of a booking of m: the answers of
// the routing form submission it names are added (keys the booking sets
// itself win), and the questions of m's booking form (its dataFields) are
// checked by type and stored under each field's name. strict refuses a
// missing required answer or a wrong one (EINVALID naming
// attendee.notes.<key>); otherwise, when a stored booking is confirmed,
// wrong answers are dropped, since the attendee cannot correct them any
// more.
func (s *Service) answers(ctx context.Context, companyID string, m meetd.MeetingType, d *BookingDetails, strict bool) error {
	refs, err := meetd.MeetingTypeQuestions(m)
	if err != nil {
		return err
	}
	if len(refs) == 0 && d.SubmissionID == "" {
		return nil
	}
	notes := map[string]json.RawMessage{}
	if len(d.Attendee.Notes) > 0 && json.Unmarshal(d.Attendee.Notes, &notes) != nil {
		var v meetd.Validation
		v.Add("attendee.notes", "notes must be an object")
		return v.Err()
	}
	if notes == nil {
		notes = map[string]json.RawMessage{}
	}
	if d.SubmissionID != "" {
		sub, err := s.Store.FormSubmissionByID(ctx, companyID, d.SubmissionID)
		if meetd.ErrorCode(err) == meetd.ENOTFOUND {
			if strict {
				return errSubmissionNotFound()
			}
		} else if err != nil {
			return err
		}
		for k, v := range sub.Answers {
			if _, set := notes[k]; !set {
				notes[k], _ = json.Marshal(v)
			}
		}
	}
	if len(refs) > 0 {
		ids := make([]int64, len(refs))
		for i, r := range refs {
			ids[i] = r.DataFieldID
		}
		found, err := s.Store.DataFieldsByIDs(ctx, companyID, ids)
		if err != nil {
			return err
		}
		byID := map[int64]meetd.DataField{}
		for _, f := range found {
			byID[f.ID] = f
		}
		asked := make([]meetd.DataField, 0, len(refs))
		for _, r := range refs {
			if f, ok := byID[r.DataFieldID]; ok {
				asked = append(asked, f)
			}
		}
		checked, _, err := meetd.CheckAnswers(asked, notes, "attendee.notes.")
		if err != nil && strict {
			return err
		} else if err != nil {
			checked = notes
			for _, f := range asked {
				if raw, ok := notes[f.Name]; ok {
					if _, msg := f.CheckAnswer(raw); msg != "" {
						delete(checked, f.Name)
					}
				}
			}
		}
		notes = checked
	}
	b, err := json.Marshal(notes)
	if err != nil {
		return err
	}
	d.Attendee.Notes = b
	return nil
}
