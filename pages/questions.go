package pages

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
)

// questionPrefix starts the form names of a meeting type's questions, so
// a data field named "name" or "notes" never takes the booking form's own
// fields.
const questionPrefix = "q."

// question is one of a meeting type's booking questions as a form
// control.
type question struct {
	// Name is the form field's name (questionPrefix + the data field's
	// name), ID its element id.
	Name, ID, Label string
	// Input is the control: text, textarea, email, tel, url, number,
	// date, time, select, radio, checkboxes, checkbox or yesno.
	Input    string
	Required bool
	Options  []choice
	// Value is the typed text (text-like controls); Checked marks a
	// ticked checkbox; a choice marks its own.
	Value          string
	Checked        bool
	Min, Max, Step string
	Invalid        bool
}

// choice is one option of a select, a radio group or a group of
// checkboxes.
type choice struct {
	ID, Value, Label string
	Checked          bool
}

// questionsOf returns the data fields a meeting type's booking form asks,
// in order: hidden fields and composite contact fields are not asked on a
// page (a routing form's answers or the API may still carry them), and a
// field deleted since is no longer asked.
func (p *Pages) questionsOf(ctx context.Context, t *target) ([]meetd.DataField, error) {
	refs, err := meetd.MeetingTypeQuestions(t.m)
	if err != nil || len(refs) == 0 {
		return nil, err
	}
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.DataFieldID
	}
	found, err := p.cfg.Store.DataFieldsByIDs(ctx, t.company.ID, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]meetd.DataField{}
	for _, f := range found {
		byID[f.ID] = f
	}
	var asked []meetd.DataField
	seen := map[int64]bool{}
	for _, r := range refs {
		f, ok := byID[r.DataFieldID]
		if !ok || f.Hidden || f.FieldType == meetd.FieldContact || seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		asked = append(asked, f)
	}
	return asked, nil
}

// inputOf is the control that asks a field of type t.
func inputOf(f meetd.DataField) string {
	switch f.FieldType {
	case meetd.FieldTextMulti:
		return "textarea"
	case meetd.FieldEmail:
		return "email"
	case meetd.FieldPhone:
		return "tel"
	case meetd.FieldURL:
		return "url"
	case meetd.FieldNumber, meetd.FieldCurrency, meetd.FieldRating, meetd.FieldScale:
		return "number"
	case meetd.FieldDate, meetd.FieldDateOfBirth:
		return "date"
	case meetd.FieldTime:
		return "time"
	case meetd.FieldSelect:
		return "select"
	case meetd.FieldRadio:
		return "radio"
	case meetd.FieldCheckboxMulti, meetd.FieldSlide:
		if len(f.Options) == 0 {
			// A slide without options takes any list; one text per line
			// would need script, so it is asked as one text.
			return "text"
		}
		return "checkboxes"
	case meetd.FieldCheckboxSingle:
		return "checkbox"
	case meetd.FieldYesNo:
		return "yesno"
	}
	return "text"
}

// newQuestions renders fields with values (the posted or prefilled form
// values, keyed by field name) and marks those named in invalid (by form
// name).
func newQuestions(fields []meetd.DataField, values url.Values, invalid map[string]bool) []question {
	out := make([]question, 0, len(fields))
	for _, f := range fields {
		q := question{Name: questionPrefix + f.Name, ID: "q-" + f.Name, Label: f.Label, Input: inputOf(f),
			Required: f.Required, Invalid: invalid[questionPrefix+f.Name]}
		given := values[f.Name]
		if len(given) > 0 {
			q.Value = given[0]
		}
		q.Checked = q.Input == "checkbox" && q.Value == "yes"
		if q.Input == "number" {
			lo, hi := f.Min, f.Max
			q.Step = "any"
			switch f.FieldType {
			case meetd.FieldRating:
				q.Min, q.Max, q.Step = "1", "5", "1"
			case meetd.FieldScale:
				q.Min, q.Max, q.Step = "0", "10", "1"
			}
			if lo != nil {
				q.Min = strconv.FormatFloat(*lo, 'f', -1, 64)
			}
			if hi != nil {
				q.Max = strconv.FormatFloat(*hi, 'f', -1, 64)
			}
		}
		for i, o := range f.Options {
			c := choice{ID: fmt.Sprintf("%s-%d", q.ID, i), Value: o.Value, Label: o.Label}
			if c.Label == "" {
				c.Label = o.Value
			}
			for _, g := range given {
				c.Checked = c.Checked || g == o.Value
			}
			q.Options = append(q.Options, c)
		}
		out = append(out, q)
	}
	return out
}

// postedAnswers reads the questions' values from a posted form, keyed by
// field name.
func postedAnswers(form url.Values, fields []meetd.DataField) url.Values {
	out := url.Values{}
	for _, f := range fields {
		for _, v := range form[questionPrefix+f.Name] {
			if v = strings.TrimSpace(v); v != "" {
				out.Add(f.Name, v)
			}
		}
	}
	return out
}

// prefill turns a routing form submission's answers (stored form, read
// back from JSON) into form values for the questions asked: the visitor
// sees what they already answered and may change it.
func prefill(answers meetd.Answers, fields []meetd.DataField) url.Values {
	out := url.Values{}
	for _, f := range fields {
		a, ok := answers[f.Name]
		if !ok {
			continue
		}
		switch v := a.(type) {
		case string:
			out.Add(f.Name, v)
		case float64:
			out.Add(f.Name, strconv.FormatFloat(v, 'f', -1, 64))
		case bool:
			if v {
				out.Add(f.Name, "yes")
			} else if inputOf(f) == "yesno" {
				out.Add(f.Name, "no")
			}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out.Add(f.Name, s)
				}
			}
		case []string:
			for _, s := range v {
				out.Add(f.Name, s)
			}
		}
	}
	return out
}

// checkAnswers checks the posted values of the questions as the booking
// will (scheduling stays the authority) and returns the answers in the
// shape DataField.CheckAnswer expects (numbers as numbers, yes or no as
// booleans, a list for several choices), keyed by field name. An answer
// left empty is not sent, so a routing form's answer to it, if any,
// stands; an unticked checkbox is false. Refused answers come back as
// the page's messages with their form names.
func checkAnswers(fields []meetd.DataField, values url.Values, lang string) (map[string]any, []string, map[string]bool) {
	answers := map[string]any{}
	var errs []string
	invalid := map[string]bool{}
	for _, f := range fields {
		given := values[f.Name]
		var val any
		switch inputOf(f) {
		case "checkboxes":
			if len(given) > 0 {
				val = given
			}
		case "checkbox":
			val = len(given) > 0
		default:
			if len(given) > 0 {
				val = given[0]
			}
		}
		var msg string
		if val == nil {
			if f.Required {
				msg = questionMessage(lang, f, "")
			}
		} else if checked, bad := f.Check(val); bad != "" {
			msg = questionMessage(lang, f, bad)
		} else if f.Required && f.FieldType == meetd.FieldCheckboxSingle && checked == false {
			// A required box must be ticked (as CheckAnswers rules); a
			// required yes-or-no may be answered no.
			msg = questionMessage(lang, f, "")
		} else {
			answers[f.Name] = checked
		}
		if msg != "" {
			errs = append(errs, msg)
			invalid[questionPrefix+f.Name] = true
		}
	}
	return answers, errs, invalid
}

// questionMessage is the page's sentence about a refused answer to f:
// bad is DataField.Check's (English) reason, "" for a missing answer.
func questionMessage(lang string, f meetd.DataField, bad string) string {
	if bad == "" || strings.HasSuffix(bad, "should not be empty") {
		return fmt.Sprintf(msgs[lang]["errAnswerMissing"], f.Label)
	}
	if lang == "en" {
		// Check names the field by its name; the attendee knows its label.
		return fmt.Sprintf("“%s” %s.", f.Label, strings.TrimPrefix(bad, f.Name+" "))
	}
	return fmt.Sprintf(msgs[lang]["errAnswer"], f.Label)
}

// bookingRefusal maps a validation failure of scheduling.Service.Book
// onto the form: attendee.notes.<key> names a question (by name or label),
// routingFormSubmissionId the carried submission (dropped is then true).
// ok is false when err is not a validation failure about either, and the
// error page answers it.
func bookingRefusal(err error, fields []meetd.DataField, lang string) (errs []string, invalid map[string]bool, dropped, ok bool) {
	var e *meetd.Error
	if !errors.As(err, &e) || e.Code != meetd.EINVALID || len(e.Fields) == 0 {
		return nil, nil, false, false
	}
	invalid = map[string]bool{}
	for _, fe := range e.Fields {
		if fe.Field == "routingFormSubmissionId" {
			dropped = true
			continue
		}
		key, isNote := strings.CutPrefix(fe.Field, "attendee.notes.")
		if !isNote {
			return nil, nil, false, false
		}
		msg := fe.Message
		for _, f := range fields {
			if key == f.Name || key == f.Label {
				msg = questionMessage(lang, f, fe.Message)
				invalid[questionPrefix+f.Name] = true
			}
		}
		errs = append(errs, msg)
	}
	return errs, invalid, dropped, true
}
