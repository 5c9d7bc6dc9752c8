package meetd

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestCheckAnswerByFieldType(t *testing.T) {
	opts := []FieldOption{{Label: "Small", Value: "small"}, {Label: "Large", Value: "large"}}
	five := 5.0
	for _, tc := range []struct {
		name  string
		field DataField
		raw   string
		want  any // nil: refused
	}{
		{"text", DataField{FieldType: FieldTextSingle}, `" hi "`, "hi"},
		{"text refuses a number", DataField{FieldType: FieldTextSingle}, `3`, nil},
		{"email", DataField{FieldType: FieldEmail}, `"ada@example.com"`, "ada@example.com"},
		{"email refuses a name", DataField{FieldType: FieldEmail}, `"Ada <ada@example.com>"`, nil},
		{"phone", DataField{FieldType: FieldPhone}, `"+49 30 1234567"`, "+49 30 1234567"},
		{"phone refuses letters", DataField{FieldType: FieldPhone}, `"call me"`, nil},
		{"url", DataField{FieldType: FieldURL}, `"https://example.com/x"`, "https://example.com/x"},
		{"url refuses javascript:", DataField{FieldType: FieldURL}, `"javascript:alert(1)"`, nil},
		{"number", DataField{FieldType: FieldNumber}, `12.5`, 12.5},
		{"number from text with a comma", DataField{FieldType: FieldNumber}, `"12,5"`, 12.5},
		{"number above max", DataField{FieldType: FieldNumber, Max: &five}, `6`, nil},
		{"currency", DataField{FieldType: FieldCurrency}, `"99.90"`, 99.9},
		{"rating defaults to 1..5", DataField{FieldType: FieldRating}, `5`, 5.0},
		{"rating of 6", DataField{FieldType: FieldRating}, `6`, nil},
		{"rating is whole", DataField{FieldType: FieldRating}, `2.5`, nil},
		{"scale of 0", DataField{FieldType: FieldScale}, `0`, 0.0},
		{"date", DataField{FieldType: FieldDate}, `"2026-03-02"`, "2026-03-02"},
		{"date refuses 31 February", DataField{FieldType: FieldDateOfBirth}, `"2026-02-31"`, nil},
		{"time", DataField{FieldType: FieldTime}, `"09:30"`, "09:30"},
		{"time refuses 24:00", DataField{FieldType: FieldTime}, `"24:00"`, nil},
		{"yes-no from text", DataField{FieldType: FieldYesNo}, `"yes"`, true},
		{"checkbox-single", DataField{FieldType: FieldCheckboxSingle}, `false`, false},
		{"checkbox-single refuses maybe", DataField{FieldType: FieldCheckboxSingle}, `"maybe"`, nil},
		{"select by value", DataField{FieldType: FieldSelect, Options: opts}, `"large"`, "large"},
		{"select by label", DataField{FieldType: FieldRadio, Options: opts}, `"Small"`, "small"},
		{"select of an unknown option", DataField{FieldType: FieldSelect, Options: opts}, `"huge"`, nil},
		{"checkbox-multi", DataField{FieldType: FieldCheckboxMulti, Options: opts}, `["small","Large"]`, []string{"small", "large"}},
		{"checkbox-multi of an unknown option", DataField{FieldType: FieldCheckboxMulti, Options: opts}, `["small","x"]`, nil},
		{"location", DataField{FieldType: FieldLocation}, `"52.52,13.40"`, "52.52,13.40"},
		{"location refuses text", DataField{FieldType: FieldLocation}, `"Berlin"`, nil},
		{"contact", DataField{FieldType: FieldContact}, `{"firstName":"Ada"}`, map[string]any{"firstName": "Ada"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.field.Name = "q"
			got, msg := tc.field.CheckAnswer(json.RawMessage(tc.raw))
			if tc.want == nil {
				if msg == "" {
					t.Fatalf("accepted %s as %#v", tc.raw, got)
				}
				return
			}
			if msg != "" || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("CheckAnswer(%s) = %#v, %q; want %#v", tc.raw, got, msg, tc.want)
			}
		})
	}
}

func TestCheckAnswersKeysByNameOrLabel(t *testing.T) {
	asked := []DataField{
		{ID: 1, Name: "companySize", Label: "Company size", FieldType: FieldSelect, Required: true,
			Options: []FieldOption{{Value: "small"}, {Value: "enterprise"}}},
		{ID: 2, Name: "budget", Label: "Budget", FieldType: FieldNumber},
		{ID: 3, Name: "terms", Label: "Terms", FieldType: FieldCheckboxSingle, Required: true},
	}
	given := map[string]json.RawMessage{"Company size": json.RawMessage(`"enterprise"`), "budget": json.RawMessage(`"1200"`),
		"terms": json.RawMessage(`true`), "utm_source": json.RawMessage(`"newsletter"`)}
	notes, answers, err := CheckAnswers(asked, given, "attendee.notes.")
	if err != nil {
		t.Fatal(err)
	}
	want := Answers{"companySize": "enterprise", "budget": 1200.0, "terms": true}
	if !reflect.DeepEqual(answers, want) {
		t.Fatalf("answers = %#v, want %#v", answers, want)
	}
	if _, ok := notes["Company size"]; ok || string(notes["companySize"]) != `"enterprise"` || string(notes["utm_source"]) != `"newsletter"` {
		t.Fatalf("notes = %s", mustJSON(notes))
	}

	for name, tc := range map[string]struct {
		given map[string]json.RawMessage
		field string
	}{
		"a required answer missing": {map[string]json.RawMessage{"terms": json.RawMessage(`true`)}, "attendee.notes.companySize"},
		"a required checkbox not ticked": {map[string]json.RawMessage{"companySize": json.RawMessage(`"small"`),
			"terms": json.RawMessage(`false`)}, "attendee.notes.terms"},
		"a wrong type under the label": {map[string]json.RawMessage{"companySize": json.RawMessage(`"small"`),
			"terms": json.RawMessage(`true`), "Budget": json.RawMessage(`"lots"`)}, "attendee.notes.Budget"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := CheckAnswers(asked, tc.given, "attendee.notes.")
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
				t.Fatalf("err = %#v, want one field error on %s", err, tc.field)
			}
		})
	}
}

func TestFieldNameFromLabel(t *testing.T) {
	for label, want := range map[string]string{"Company size": "companySize", "What's your budget?": "whatSYourBudget",
		"Größe": "grE", "???": "field", "E-Mail 2": "eMail2"} {
		if got := FieldName(label); got != want {
			t.Errorf("FieldName(%q) = %q, want %q", label, got, want)
		}
	}
}

func TestDataFieldValidate(t *testing.T) {
	ok := DataField{Label: "Budget", Name: "budget", FieldType: FieldNumber}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]DataField{
		"a bare text type":         {Label: "x", Name: "x", FieldType: "text"},
		"a select without options": {Label: "x", Name: "x", FieldType: FieldSelect},
		"options twice":            {Label: "x", Name: "x", FieldType: FieldRadio, Options: []FieldOption{{Value: "a"}, {Value: "a"}}},
		"an unknown target":        {Label: "x", Name: "x", FieldType: FieldTextSingle, Target: "password"},
		"a name with spaces":       {Label: "x", Name: "a b", FieldType: FieldTextSingle},
		"no label":                 {Name: "x", FieldType: FieldTextSingle},
		"min above max":            {Label: "x", Name: "x", FieldType: FieldNumber, Min: ptr(5.0), Max: ptr(1.0)},
	} {
		if err := f.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate = %v, want EINVALID", name, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// FuzzCheckAnswer: any answer to any field type is accepted in a form that
// encodes to JSON and is accepted again unchanged, or refused with a
// message; it never panics.
func FuzzCheckAnswer(f *testing.F) {
	f.Add(0, `"x"`)
	f.Add(4, `"12,5"`)
	f.Add(7, `["a","b"]`)
	f.Add(21, `{"a":[1]}`)
	f.Fuzz(func(t *testing.T, typ int, raw string) {
		if typ < 0 {
			typ = -typ
		}
		d := DataField{Name: "q", FieldType: DataFieldTypes[typ%len(DataFieldTypes)],
			Options: []FieldOption{{Label: "A", Value: "a"}, {Label: "B", Value: "b"}}}
		v, msg := d.CheckAnswer(json.RawMessage(raw))
		if msg != "" {
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted answer %#v does not encode: %v", v, err)
		}
		again, msg := d.CheckAnswer(b)
		if msg != "" || !reflect.DeepEqual(mustJSON(again), string(b)) {
			t.Fatalf("%s: stored form %s is not accepted unchanged: %#v %q", d.FieldType, b, again, msg)
		}
	})
}
