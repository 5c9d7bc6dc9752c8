package meetd

import (
	"encoding/json"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var formFields = []DataField{
	{ID: 1, Name: "companySize", Label: "Company size", FieldType: FieldSelect,
		Options: []FieldOption{{Label: "Small", Value: "small"}, {Label: "Enterprise", Value: "enterprise"}}},
	{ID: 2, Name: "budget", Label: "Budget", FieldType: FieldNumber},
	{ID: 3, Name: "topics", Label: "Topics", FieldType: FieldCheckboxMulti,
		Options: []FieldOption{{Value: "pricing"}, {Value: "security"}, {Value: "onboarding"}}},
	{ID: 4, Name: "note", Label: "Anything else?", FieldType: FieldTextMulti},
}

func expr(t *testing.T, s string) *Expression {
	t.Helper()
	var e Expression
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		t.Fatal(err)
	}
	if err := e.Check("expression"); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return &e
}

func TestExpressionMatch(t *testing.T) {
	answers := Answers{"companySize": "enterprise", "budget": 5000.0, "topics": []any{"pricing", "security"},
		"note": "We need SSO soon", "email": "ada@example.com"}
	for _, tc := range []struct {
		name, expr string
		want       bool
	}{
		{"meetergo's example: equals by label", `{"operator":"and","operands":[{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"enterprise"}]}`, true},
		{"equals by name, ignoring case", `{"operator":"equals","target":"attendeeOther","customTarget":"companySize","value":"ENTERPRISE"}`, true},
		{"equals a different value", `{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"small"}`, false},
		{"notEquals", `{"operator":"notEquals","target":"attendeeOther","customTarget":"Company size","value":"small"}`, true},
		{"notEquals of a missing answer", `{"operator":"notEquals","target":"attendeeOther","customTarget":"Missing","value":"x"}`, true},
		{"contains in a text", `{"operator":"contains","target":"attendeeOther","customTarget":"note","value":"sso"}`, true},
		{"contains in a list", `{"operator":"contains","target":"attendeeOther","customTarget":"Topics","value":"security"}`, true},
		{"notContains", `{"operator":"notContains","target":"attendeeOther","customTarget":"Topics","value":"onboarding"}`, true},
		{"oneOf", `{"operator":"oneOf","target":"attendeeOther","customTarget":"Company size","value":["small","enterprise"]}`, true},
		{"oneOf none", `{"operator":"oneOf","target":"attendeeOther","customTarget":"Company size","value":["small"]}`, false},
		{"greaterThan", `{"operator":"greaterThan","target":"attendeeOther","customTarget":"Budget","value":1000}`, true},
		{"greaterThan a string number", `{"operator":"greaterThan","target":"attendeeOther","customTarget":"Budget","value":"4999.5"}`, true},
		{"lessThanOrEqual at the bound", `{"operator":"lessThanOrEqual","target":"attendeeOther","customTarget":"Budget","value":5000}`, true},
		{"lessThan", `{"operator":"lessThan","target":"attendeeOther","customTarget":"Budget","value":5000}`, false},
		{"greaterThanOrEqual of a text", `{"operator":"greaterThanOrEqual","target":"attendeeOther","customTarget":"note","value":1}`, false},
		{"equals numbers by value", `{"operator":"equals","target":"attendeeOther","customTarget":"budget","value":"5000.0"}`, true},
		{"a target naming an answer key", `{"operator":"contains","target":"email","value":"@example.com"}`, true},
		{"isEmpty of a missing answer", `{"operator":"isEmpty","target":"attendeeOther","customTarget":"Missing"}`, true},
		{"isNotEmpty", `{"operator":"isNotEmpty","target":"attendeeOther","customTarget":"note"}`, true},
		{"and: one false", `{"operator":"and","operands":[{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"enterprise"},{"operator":"lessThan","target":"attendeeOther","customTarget":"Budget","value":10}]}`, false},
		{"or: one true", `{"operator":"or","operands":[{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"small"},{"operator":"greaterThan","target":"attendeeOther","customTarget":"Budget","value":10}]}`, true},
		{"nested", `{"operator":"and","operands":[{"operator":"or","operands":[{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"small"},{"operator":"contains","target":"attendeeOther","customTarget":"Topics","value":"pricing"}]},{"operator":"greaterThan","target":"attendeeOther","customTarget":"Budget","value":0}]}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := expr(t, tc.expr).Match(answers, formFields); got != tc.want {
				t.Fatalf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExpressionCheckRefusesMalformedTrees(t *testing.T) {
	deep := `{"operator":"equals","target":"email","value":"x"}`
	for range MaxExpressionDepth + 1 {
		deep = `{"operator":"and","operands":[` + deep + `]}`
	}
	wide := `{"operator":"or","operands":[` + strings.Repeat(`{"operator":"isEmpty","target":"email"},`, MaxExpressionNodes) +
		`{"operator":"isEmpty","target":"email"}]}`
	for name, s := range map[string]string{
		"an unknown operator":          `{"operator":"matches","target":"email","value":"x"}`,
		"and without operands":         `{"operator":"and"}`,
		"a leaf without a target":      `{"operator":"equals","value":"x"}`,
		"attendeeOther without field":  `{"operator":"equals","target":"attendeeOther","value":"x"}`,
		"a leaf without a value":       `{"operator":"equals","target":"email"}`,
		"an object value":              `{"operator":"equals","target":"email","value":{"a":1}}`,
		"oneOf with an object in list": `{"operator":"oneOf","target":"email","value":["a",{}]}`,
		"too deep":                     deep,
		"too many conditions":          wide,
	} {
		t.Run(name, func(t *testing.T) {
			var e Expression
			if err := json.Unmarshal([]byte(s), &e); err != nil {
				t.Fatal(err)
			}
			if err := e.Check("expression"); ErrorCode(err) != EINVALID {
				t.Fatalf("Check = %v, want EINVALID", err)
			}
		})
	}
}

func TestRouteTriesQualifiersByIndexAndFallsBack(t *testing.T) {
	big := `{"operator":"greaterThan","target":"attendeeOther","customTarget":"Budget","value":1000}`
	filled := `{"operator":"isNotEmpty","target":"attendeeOther","customTarget":"Budget"}`
	f := RoutingForm{Qualifiers: []Qualifier{
		{ID: "fallback", Index: 0, RoutingAction: ActionCustomPage, IsFallback: true},
		{ID: "any", Index: 2, RoutingAction: ActionCustomPage, Expression: expr(t, filled)},
		{ID: "big", Index: 1, RoutingAction: ActionEventRedirect, Expression: expr(t, big)},
	}}
	for _, tc := range []struct {
		budget any
		want   string
	}{{5000.0, "big"}, {10.0, "any"}, {nil, "fallback"}} {
		a := Answers{}
		if tc.budget != nil {
			a["budget"] = tc.budget
		}
		if q, ok := f.Route(a, formFields); !ok || q.ID != tc.want {
			t.Errorf("budget %v: routed by %q (%v), want %q", tc.budget, q.ID, ok, tc.want)
		}
	}
	if _, ok := (RoutingForm{Qualifiers: []Qualifier{{Index: 0, Expression: expr(t, big)}}}).Route(Answers{}, formFields); ok {
		t.Error("a form without a fallback routed answers no rule matches")
	}
}

// Property: and/or follow boolean logic over their operands, and
// notEquals/notContains are the negations of equals/contains, for any
// answers and values.
func TestExpressionLogicProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		words := []string{"a", "B", "ab", "10", "10.0", "", " a "}
		answers := Answers{}
		for _, k := range []string{"x", "y"} {
			switch rapid.IntRange(0, 3).Draw(t, k+"kind") {
			case 0:
				answers[k] = rapid.SampledFrom(words).Draw(t, k)
			case 1:
				answers[k] = rapid.Float64Range(-100, 100).Draw(t, k)
			case 2:
				answers[k] = []any{rapid.SampledFrom(words).Draw(t, k+"0"), rapid.SampledFrom(words).Draw(t, k+"1")}
			}
		}
		leaf := func(op, key string) Expression {
			v, _ := json.Marshal(rapid.SampledFrom(words).Draw(t, "value"))
			return Expression{Operator: op, Target: key, Value: v}
		}
		ops := []string{OpEquals, OpContains, OpGreater, OpLessOrEqual, OpOneOf}
		a := leaf(rapid.SampledFrom(ops).Draw(t, "opA"), "x")
		b := leaf(rapid.SampledFrom(ops).Draw(t, "opB"), "y")
		ma, mb := a.Match(answers, nil), b.Match(answers, nil)
		and := Expression{Operator: OpAnd, Operands: []Expression{a, b}}
		or := Expression{Operator: OpOr, Operands: []Expression{a, b}}
		if and.Match(answers, nil) != (ma && mb) || or.Match(answers, nil) != (ma || mb) {
			t.Fatalf("and/or disagree with their operands (%v, %v)", ma, mb)
		}
		for pos, neg := range map[string]string{OpEquals: OpNotEquals, OpContains: OpNotContains} {
			p := leaf(pos, "x")
			n := p
			n.Operator = neg
			if p.Match(answers, nil) == n.Match(answers, nil) {
				t.Fatalf("%s and %s agree on %v", pos, neg, answers["x"])
			}
		}
		gt, le := a, a
		gt.Operator, le.Operator = OpGreater, OpLessOrEqual
		// On a number and a numeric value, > and <= are complements.
		if _, isNum := answers["x"].(float64); isNum {
			w, _ := gt.values()
			if _, ok := number(w[0]); ok && gt.Match(answers, nil) == le.Match(answers, nil) {
				t.Fatalf("greaterThan and lessThanOrEqual agree on %v vs %s", answers["x"], w[0])
			}
		}
	})
}

// FuzzExpression: any JSON an API client sends as an expression either
// fails Check or evaluates without panicking, over any answers.
func FuzzExpression(f *testing.F) {
	f.Add(`{"operator":"and","operands":[{"operator":"equals","target":"attendeeOther","customTarget":"Company size","value":"enterprise"}]}`, `{"companySize":"enterprise"}`)
	f.Add(`{"operator":"oneOf","target":"x","value":[1,"a",true]}`, `{"x":[1,"a"]}`)
	f.Add(`{"operator":"greaterThan","target":"x","value":"1e309"}`, `{"x":"NaN"}`)
	f.Add(`{"operator":"or","operands":[{"operator":"or","operands":[]}]}`, `{}`)
	f.Fuzz(func(t *testing.T, expression, answers string) {
		var e Expression
		if json.Unmarshal([]byte(expression), &e) != nil {
			return
		}
		var a Answers
		_ = json.Unmarshal([]byte(answers), &a)
		got := e.Match(a, formFields) // unchecked trees must not panic either
		if e.Check("expression") != nil {
			return
		}
		if e.Match(a, formFields) != got {
			t.Fatal("Match is not deterministic")
		}
	})
}
