package pages

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/meetd/meetd"
)

// TestPostedAnswersTakeTheShapeTheBookingChecks: the page turns form
// values into what DataField.CheckAnswer takes (numbers, booleans,
// lists), sends nothing for an empty answer, and refuses what the
// booking would refuse.
func TestPostedAnswersTakeTheShapeTheBookingChecks(t *testing.T) {
	two := 2.0
	for _, tc := range []struct {
		name  string
		field meetd.DataField
		given []string
		want  any // nil: no answer sent
		bad   bool
	}{
		{"a number with a decimal comma is a number", meetd.DataField{FieldType: meetd.FieldNumber}, []string{"12,5"}, 12.5, false},
		{"a rating is a whole number", meetd.DataField{FieldType: meetd.FieldRating}, []string{"4"}, 4.0, false},
		{"a rating out of its bounds is refused", meetd.DataField{FieldType: meetd.FieldRating}, []string{"6"}, nil, true},
		{"a currency above max is refused", meetd.DataField{FieldType: meetd.FieldCurrency, Max: &two}, []string{"3"}, nil, true},
		{"an unticked box is false", meetd.DataField{FieldType: meetd.FieldCheckboxSingle}, nil, false, false},
		{"a ticked box is true", meetd.DataField{FieldType: meetd.FieldCheckboxSingle}, []string{"yes"}, true, false},
		{"a required box must be ticked", meetd.DataField{FieldType: meetd.FieldCheckboxSingle, Required: true}, nil, nil, true},
		{"a required yes-or-no may be no", meetd.DataField{FieldType: meetd.FieldYesNo, Required: true}, []string{"no"}, false, false},
		{"an unanswered yes-or-no sends nothing", meetd.DataField{FieldType: meetd.FieldYesNo}, nil, nil, false},
		{"several choices are a list", meetd.DataField{FieldType: meetd.FieldCheckboxMulti,
			Options: []meetd.FieldOption{{Value: "a"}, {Value: "b"}}}, []string{"a", "b"}, []string{"a", "b"}, false},
		{"no choice sends nothing", meetd.DataField{FieldType: meetd.FieldCheckboxMulti,
			Options: []meetd.FieldOption{{Value: "a"}}}, nil, nil, false},
		{"a choice given by its label is stored as its value", meetd.DataField{FieldType: meetd.FieldSelect,
			Options: []meetd.FieldOption{{Label: "Germany", Value: "de"}}}, []string{"Germany"}, "de", false},
		{"an empty optional e-mail sends nothing", meetd.DataField{FieldType: meetd.FieldEmail}, nil, nil, false},
		{"a time must be HH:MM", meetd.DataField{FieldType: meetd.FieldTime}, []string{"9am"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.field
			f.Name, f.Label = "x", "X"
			answers, errs, invalid := checkAnswers([]meetd.DataField{f}, url.Values{"x": tc.given}, "en")
			if tc.bad != (len(errs) == 1 && invalid["q.x"]) || !tc.bad && len(errs) > 0 {
				t.Fatalf("errors %v, marked %v; want refused: %v", errs, invalid, tc.bad)
			}
			got, sent := answers["x"]
			if tc.want == nil && sent || tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("answer %#v (sent: %v), want %#v", got, sent, tc.want)
			}
		})
	}
}

// TestPrefillShowsAFormsAnswers: a submission's answers, as read back
// from JSON, become the values the controls show.
func TestPrefillShowsAFormsAnswers(t *testing.T) {
	fields := []meetd.DataField{
		{Name: "n", FieldType: meetd.FieldNumber}, {Name: "yn", FieldType: meetd.FieldYesNo},
		{Name: "box", FieldType: meetd.FieldCheckboxSingle}, {Name: "many", FieldType: meetd.FieldCheckboxMulti,
			Options: []meetd.FieldOption{{Value: "a"}, {Value: "b"}}}, {Name: "t", FieldType: meetd.FieldTextSingle},
	}
	got := prefill(meetd.Answers{"n": 12.5, "yn": false, "box": false, "many": []any{"b"}, "t": "hi", "other": "x"}, fields)
	want := url.Values{"n": {"12.5"}, "yn": {"no"}, "many": {"b"}, "t": {"hi"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("prefill %v, want %v", got, want)
	}
	qs := newQuestions(fields, got, nil)
	if qs[1].Value != "no" || qs[2].Checked || qs[3].Options[0].Checked || !qs[3].Options[1].Checked {
		t.Fatalf("controls %+v", qs)
	}
}
