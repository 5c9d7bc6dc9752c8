package meetd

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Data field types: meetergo's fieldType values. Each takes answers of
// one shape (see DataField.CheckAnswer).
const (
	FieldTextSingle     = "text-single"
	FieldTextMulti      = "text-multi"
	FieldEmail          = "email"
	FieldPhone          = "phone"
	FieldNumber         = "number"
	FieldSelect         = "select"
	FieldCheckboxSingle = "checkbox-single"
	FieldCheckboxMulti  = "checkbox-multi"
	FieldRadio          = "radio"
	FieldSlide          = "slide"
	FieldURL            = "url"
	FieldFile           = "file"
	FieldDate           = "date"
	FieldDateOfBirth    = "date-of-birth"
	FieldTime           = "time"
	FieldYesNo          = "yes-no"
	FieldRating         = "rating"
	FieldScale          = "scale"
	FieldSignature      = "signature"
	FieldCurrency       = "currency"
	FieldLocation       = "location"
	FieldContact        = "contact"
	FieldPDFTemplate    = "pdf-template"
)

// DataFieldTypes lists every fieldType meetd accepts.
var DataFieldTypes = []string{FieldTextSingle, FieldTextMulti, FieldEmail, FieldPhone, FieldNumber, FieldSelect,
	FieldCheckboxSingle, FieldCheckboxMulti, FieldRadio, FieldSlide, FieldURL, FieldFile, FieldDate, FieldDateOfBirth,
	FieldTime, FieldYesNo, FieldRating, FieldScale, FieldSignature, FieldCurrency, FieldLocation, FieldContact,
	FieldPDFTemplate}

// Bounds of a data field and of its answers.
const (
	MaxFieldLabel    = 500
	MaxFieldName     = 100
	MaxFieldOptions  = 200
	MaxOptionText    = 500
	MaxAnswerText    = 10000
	MaxAnswersPerKey = 200
	MaxFieldSettings = 20000 // bytes of the verbatim settings JSON
	DataFieldsLimit  = 1000  // data fields per company
)

// FieldOption is one choice of a select, radio, checkbox-multi or slide
// field. Value is what an answer holds.
type FieldOption struct {
	Label string `json:"label"`
	Value string `json:"value"`
	Image string `json:"image,omitempty"`
	Icon  string `json:"icon,omitempty"`
}

// DataField is a company's reusable form question, asked by routing forms
// and by meeting types' booking forms. Its ID is a number, as meetergo's
// are: one sequence across the installation (not per company), so an id
// names one field everywhere and a lookup still needs the company.
type DataField struct {
	ID        int64
	CompanyID string
	Label     string
	// Name is the key of the field's answers (in an attendee's notes and a
	// contact's additionalData); unique in the company, derived from the
	// label when not given.
	Name      string
	FieldType string
	// Target maps the answer onto a known attendee field (email,
	// firstname, …) instead of a custom one; "" or "other" is custom.
	Target   string
	Required bool
	Hidden   bool
	Options  []FieldOption
	// Min and Max bound number, currency, rating and scale answers (for
	// rating Max defaults to 5, for scale Min to 0 and Max to 10).
	Min, Max *float64
	// Settings keeps every other key a client sent (placeholder, helpText,
	// locales, integration mappings, …) verbatim, returned as sent.
	Settings  map[string]json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FieldTargets are the attendee fields a data field may map its answer
// onto; any other Target is refused.
var FieldTargets = []string{"", "other", "email", "firstname", "lastname", "fullname", "phone", "language", "timezone"}

var nameChars = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// FieldName derives a field's name from its label: camelCase ASCII words
// ("Company size" → "companySize"), "field" when nothing is left.
func FieldName(label string) string {
	var b strings.Builder
	upper := false
	for _, r := range label {
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			if b.Len() == 0 {
				r = []rune(strings.ToLower(string(r)))[0]
			} else if upper {
				r = []rune(strings.ToUpper(string(r)))[0]
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
		if b.Len() >= MaxFieldName {
			break
		}
	}
	if b.Len() == 0 {
		return "field"
	}
	return b.String()
}

func validFieldType(t string) bool {
	for _, x := range DataFieldTypes {
		if x == t {
			return true
		}
	}
	return false
}

func hasOptions(t string) bool {
	return t == FieldSelect || t == FieldRadio || t == FieldCheckboxMulti
}

// Validate checks a field's rules that need no store; the uniqueness of
// Name is the store's.
func (f DataField) Validate() error {
	var v Validation
	if strings.TrimSpace(f.Label) == "" || utf8.RuneCountInString(f.Label) > MaxFieldLabel {
		v.Add("label", fmt.Sprintf("label must be 1 to %d characters", MaxFieldLabel))
	}
	if len(f.Name) > MaxFieldName || !nameChars.MatchString(f.Name) {
		v.Add("name", fmt.Sprintf("name must be 1 to %d letters, digits, '_', '-' or '.'", MaxFieldName))
	}
	if !validFieldType(f.FieldType) {
		v.Add("fieldType", "fieldType must be one of the following values: "+strings.Join(DataFieldTypes, ", "))
	}
	okTarget := false
	for _, t := range FieldTargets {
		okTarget = okTarget || f.Target == t
	}
	if !okTarget {
		v.Add("target", "target must be one of the following values: other, "+strings.Join(FieldTargets[2:], ", "))
	}
	if len(f.Options) > MaxFieldOptions {
		v.Add("options", fmt.Sprintf("options must contain at most %d options", MaxFieldOptions))
	}
	seen := map[string]bool{}
	for i, o := range f.Options {
		name := fmt.Sprintf("options[%d]", i)
		if o.Value == "" || utf8.RuneCountInString(o.Value) > MaxOptionText || utf8.RuneCountInString(o.Label) > MaxOptionText {
			v.Add(name, fmt.Sprintf("%s needs a value, and label and value of at most %d characters", name, MaxOptionText))
		} else if seen[o.Value] {
			v.Add(name, name+".value "+strconv.Quote(o.Value)+" is given twice")
		}
		seen[o.Value] = true
	}
	if hasOptions(f.FieldType) && len(f.Options) == 0 {
		v.Add("options", "a "+f.FieldType+" field needs options")
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		v.Add("min", "min must not be greater than max")
	}
	for _, p := range []*float64{f.Min, f.Max} {
		if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
			v.Add("min", "min and max must be finite numbers")
		}
	}
	return v.Err()
}

func (f DataField) bounds() (lo, hi float64, ok bool) {
	lo, hi = math.Inf(-1), math.Inf(1)
	switch f.FieldType {
	case FieldRating:
		lo, hi = 1, 5
	case FieldScale:
		lo, hi = 0, 10
	}
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	return lo, hi, true
}

var (
	phoneChars    = regexp.MustCompile(`^\+?[0-9 ()./\-]{3,32}$`)
	clockTime     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	locationValue = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]+)?,\s*-?[0-9]{1,3}(\.[0-9]+)?$`)
)

// CheckAnswer validates one answer to f and returns it in its stored form:
// a string (text, choice, date, time, e-mail, phone, URL, location), a
// float64 (number, currency, rating, scale), a bool (checkbox-single,
// yes-no), a []string (checkbox-multi, slide) or an object (contact). A
// refused answer returns a sentence that names the field.
func (f DataField) CheckAnswer(raw json.RawMessage) (any, string) {
	var val any
	if err := json.Unmarshal(raw, &val); err != nil {
		return nil, f.Name + " must be valid JSON"
	}
	return f.Check(val)
}

// Check is CheckAnswer of a decoded JSON value (string, float64, bool,
// []any, map[string]any); the form page passes strings and []string too.
func (f DataField) Check(val any) (any, string) {
	name := f.Name
	str := func() (string, bool) {
		s, ok := val.(string)
		if !ok || utf8.RuneCountInString(s) > MaxAnswerText {
			return "", false
		}
		return strings.TrimSpace(s), true
	}
	switch f.FieldType {
	case FieldTextSingle, FieldTextMulti, FieldSignature, FieldFile, FieldPDFTemplate:
		if s, ok := str(); ok {
			return s, ""
		}
		return nil, fmt.Sprintf("%s must be a text of at most %d characters", name, MaxAnswerText)
	case FieldEmail:
		if s, ok := str(); ok {
			if a, err := mail.ParseAddress(s); err == nil && a.Address == s && ValidEmail(s) {
				return s, ""
			}
		}
		return nil, name + " must be an email"
	case FieldPhone:
		if s, ok := str(); ok && phoneChars.MatchString(s) {
			return s, ""
		}
		return nil, name + " must be a phone number"
	case FieldURL:
		if s, ok := str(); ok && validURL(s, true) {
			return s, ""
		}
		return nil, name + " must be an http(s) URL"
	case FieldDate, FieldDateOfBirth:
		if s, ok := str(); ok {
			if _, err := time.Parse("2006-01-02", s); err == nil {
				return s, ""
			}
		}
		return nil, name + " must be a date (YYYY-MM-DD)"
	case FieldTime:
		if s, ok := str(); ok && clockTime.MatchString(s) {
			return s, ""
		}
		return nil, name + " must be a time (HH:MM)"
	case FieldLocation:
		if s, ok := str(); ok && locationValue.MatchString(s) {
			return s, ""
		}
		return nil, name + " must be a location (\"lat,lng\")"
	case FieldNumber, FieldCurrency, FieldRating, FieldScale:
		n, ok := number(val)
		lo, hi, _ := f.bounds()
		whole := f.FieldType == FieldRating || f.FieldType == FieldScale
		if !ok || n < lo || n > hi || whole && n != math.Trunc(n) {
			msg := name + " must be a number"
			if whole {
				msg = name + " must be a whole number"
			}
			if !math.IsInf(lo, 0) || !math.IsInf(hi, 0) {
				msg += fmt.Sprintf(" from %s to %s", fmtNum(lo), fmtNum(hi))
			}
			return nil, msg
		}
		return n, ""
	case FieldCheckboxSingle, FieldYesNo:
		switch v := val.(type) {
		case bool:
			return v, ""
		case string:
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "yes", "ja", "on", "1":
				return true, ""
			case "false", "no", "nein", "off", "0", "":
				return false, ""
			}
		}
		return nil, name + " must be yes or no"
	case FieldSelect, FieldRadio:
		if s, ok := str(); ok && f.optionOf(s) != "" {
			return f.optionOf(s), ""
		}
		return nil, name + " must be one of its options"
	case FieldCheckboxMulti, FieldSlide:
		list, ok := strings_(val)
		if !ok || len(list) > MaxAnswersPerKey {
			return nil, name + " must be a list of its options"
		}
		out := make([]string, 0, len(list))
		for _, s := range list {
			if len(f.Options) == 0 {
				if utf8.RuneCountInString(s) > MaxOptionText {
					return nil, name + " must be a list of its options"
				}
				out = append(out, s)
				continue
			}
			o := f.optionOf(s)
			if o == "" {
				return nil, name + " must be a list of its options"
			}
			out = append(out, o)
		}
		return out, ""
	case FieldContact:
		if m, ok := val.(map[string]any); ok {
			b, err := json.Marshal(m)
			if err == nil && len(b) <= MaxAnswerText {
				return m, ""
			}
		}
		return nil, name + " must be an object"
	}
	return nil, name + " has an unknown field type"
}

// optionOf returns the option value that s names (by value, or else by
// label), or "".
func (f DataField) optionOf(s string) string {
	for _, o := range f.Options {
		if o.Value == s {
			return o.Value
		}
	}
	for _, o := range f.Options {
		if o.Label != "" && o.Label == s {
			return o.Value
		}
	}
	return ""
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.Replace(n, ",", ".", 1)), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func strings_(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, true
	case string:
		return []string{l}, true
	case []any:
		out := make([]string, len(l))
		for i, x := range l {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// FieldRef names a data field a form or a meeting type asks, in order.
// On a routing form's create or update, New carries an inline field
// ("cascade creation") that the store creates and names by its new id.
type FieldRef struct {
	DataFieldID int64      `json:"dataFieldId"`
	Order       int        `json:"order"`
	New         *DataField `json:"-"`
}

// SortRefs orders refs by Order, keeping the given order among equals.
func SortRefs(refs []FieldRef) {
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].Order < refs[j].Order })
}

// MeetingTypeQuestions reads the questions of a meeting type's booking
// form: its top-level dataFields, [{dataFieldId, order}] as on a routing
// form, kept verbatim with the meeting type. ok is false when it names
// none; a malformed list is EINVALID.
func MeetingTypeQuestions(m MeetingType) (refs []FieldRef, err error) {
	raw, ok := m.Extra["dataFields"]
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if json.Unmarshal(raw, &refs) != nil {
		var v Validation
		v.Add("dataFields", "the meeting type's dataFields must be a list of {dataFieldId, order}")
		return nil, v.Err()
	}
	SortRefs(refs)
	return refs, nil
}

// Answers are the validated answers of one person, keyed by data field
// name, in their stored form (see DataField.Check).
type Answers map[string]any

// CheckAnswers validates the answers given in given (keyed by a field's
// name or its label, as meetergo's clients key them) to the fields asked,
// and returns given with each answered field's key replaced by its name
// and its value by the stored form; keys naming no asked field pass
// unchanged (UTM parameters and the like). A required field without an
// answer, or an answer of the wrong type, is EINVALID naming prefix+key.
func CheckAnswers(asked []DataField, given map[string]json.RawMessage, prefix string) (map[string]json.RawMessage, Answers, error) {
	var v Validation
	out := make(map[string]json.RawMessage, len(given))
	for k, raw := range given {
		out[k] = raw
	}
	answers := Answers{}
	for _, f := range asked {
		key, raw, found := f.Name, json.RawMessage(nil), false
		if r, ok := given[f.Name]; ok {
			raw, found = r, true
		} else if r, ok := given[f.Label]; ok {
			key, raw, found = f.Label, r, true
		}
		if found && string(raw) == "null" {
			found = false
		}
		if !found {
			if f.Required {
				v.Add(prefix+f.Name, f.Name+" should not be empty")
			}
			continue
		}
		val, msg := f.CheckAnswer(raw)
		if msg == "" && f.Required && (isEmptyAnswer(val) || f.FieldType == FieldCheckboxSingle && val == false) {
			msg = f.Name + " should not be empty"
		}
		if msg != "" {
			v.Add(prefix+key, msg)
			continue
		}
		delete(out, key)
		b, _ := json.Marshal(val)
		out[f.Name] = b
		answers[f.Name] = val
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	return out, answers, nil
}

func isEmptyAnswer(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case bool:
		return false
	}
	return v == nil
}

// DataFieldStore keeps data fields. Every method is scoped by company: a
// field of another company is ENOTFOUND, like a missing one.
type DataFieldStore interface {
	// DataFields returns a page of the company's fields, oldest first, and
	// how many there are.
	DataFields(ctx context.Context, companyID string, limit, offset int) ([]DataField, int, error)
	// DataFieldByID returns one of the company's fields.
	DataFieldByID(ctx context.Context, companyID string, id int64) (DataField, error)
	// DataFieldsByIDs returns those of ids that are the company's fields,
	// in no particular order; the others are left out.
	DataFieldsByIDs(ctx context.Context, companyID string, ids []int64) ([]DataField, error)
	// CreateDataField stores a new field (Validate, then a name not taken
	// in the company: ECONFLICT) and returns it with its id.
	CreateDataField(ctx context.Context, a Actor, f DataField) (DataField, error)
	// UpdateDataField reads a field, lets apply change it, validates and
	// stores it in one transaction; apply may run more than once.
	UpdateDataField(ctx context.Context, a Actor, companyID string, id int64, apply func(*DataField) error) (DataField, error)
	// DeleteDataField removes a field. Forms and meeting types that name
	// it stop asking it; answers already given stay where they are.
	DeleteDataField(ctx context.Context, a Actor, companyID string, id int64) error
	// AttendeeAnswers returns the validated answers an attendee of the
	// company gave: the keys of their notes that name one of the
	// company's data fields, with a valid answer, in stored form. A
	// missing attendee, or one of another company, is ENOTFOUND.
	AttendeeAnswers(ctx context.Context, companyID, attendeeID string) (Answers, error)
}
