package meetd

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Routing form structure types.
const (
	FormOnly       = "FORM_ONLY"
	FunnelWithForm = "FUNNEL_WITH_FORM"
	FunnelOnly     = "FUNNEL_ONLY"
)

// Routing actions of a qualifier. meetd's form page carries out the first
// three; the others are kept as sent and end the form with its thank-you
// page (docs/decisions.md#routing-forms).
const (
	ActionEventRedirect    = "eventRedirect"
	ActionCustomPage       = "customPage"
	ActionExternalRedirect = "externalRedirect"
	ActionContactForm      = "contactForm"
	ActionRequestCallback  = "requestCallback"
	ActionInstantCall      = "instantCall"
	ActionFormRedirect     = "formRedirect"
)

// RoutingActions lists every routingAction a qualifier may name.
var RoutingActions = []string{ActionEventRedirect, ActionCustomPage, ActionExternalRedirect, ActionContactForm,
	ActionRequestCallback, ActionInstantCall, ActionFormRedirect}

// Bounds of a routing form.
const (
	MaxFormName         = 200
	MaxFormFields       = 100
	MaxFunnelSteps      = 20
	MaxQualifiers       = 100
	MaxExpressionDepth  = 8
	MaxExpressionNodes  = 200
	MaxExpressionValue  = 1000
	MaxCustomPage       = 20000
	MaxFormSettings     = 50000 // bytes of the verbatim settings JSON
	MaxFormSlug         = 100
	RoutingFormsLimit   = 500 // forms per company
	MaxSubmissionAnswer = 64000
)

// RoutingForm asks a visitor questions and routes them by the answers: to
// a meeting type's booking page, a page of text, or another address.
type RoutingForm struct {
	ID            string
	CompanyID     string
	Name          string
	StructureType string
	// Slug names the form's public page (/f/<slug>); unique across the
	// installation, since the page's address names no company. Without
	// one the page is /f/<id>.
	Slug        string
	Fields      []FieldRef
	FunnelSteps []FunnelStep
	Qualifiers  []Qualifier
	// Settings keeps the other keys a client sent (title,
	// actionButtonText, showProgressBar, skipForm, …) verbatim.
	Settings  map[string]json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FunnelStep is one page of a funnel: the fields it asks.
type FunnelStep struct {
	Index      int
	DataFields []FieldRef
}

// Qualifier is one routing rule. The qualifiers are tried in Index order;
// the first whose Expression matches routes the visitor, and the
// fallback routes those no other matches.
type Qualifier struct {
	ID                   string
	Index                int
	RoutingAction        string
	IsFallback           bool
	MeetingTypeID        string
	ExternalRedirectLink string
	// CustomPageContent is the text of a customPage, by language
	// ({"en": …, "de": …}).
	CustomPageContent map[string]string
	// Expression is nil for a rule that always matches.
	Expression *Expression
	// Extra keeps the qualifier's other keys verbatim.
	Extra map[string]json.RawMessage
}

// Expression operators. Leaves compare one answer with Value; and/or
// combine their Operands.
const (
	OpAnd            = "and"
	OpOr             = "or"
	OpEquals         = "equals"
	OpNotEquals      = "notEquals"
	OpContains       = "contains"
	OpNotContains    = "notContains"
	OpOneOf          = "oneOf"
	OpGreater        = "greaterThan"
	OpGreaterOrEqual = "greaterThanOrEqual"
	OpLess           = "lessThan"
	OpLessOrEqual    = "lessThanOrEqual"
	OpIsEmpty        = "isEmpty"
	OpIsNotEmpty     = "isNotEmpty"
)

var leafOps = map[string]bool{OpEquals: true, OpNotEquals: true, OpContains: true, OpNotContains: true, OpOneOf: true,
	OpGreater: true, OpGreaterOrEqual: true, OpLess: true, OpLessOrEqual: true, OpIsEmpty: true, OpIsNotEmpty: true}

// TargetCustom is meetergo's target of a custom answer: CustomTarget names
// the data field, by label or by name. Any other target names an answer
// key directly (email, firstname, or a field's name).
const TargetCustom = "attendeeOther"

// Expression is a qualifier's condition, meetergo's tree
// {operator, operands} of leaves {operator, target, customTarget, value}.
type Expression struct {
	Operator     string          `json:"operator"`
	Operands     []Expression    `json:"operands,omitempty"`
	Target       string          `json:"target,omitempty"`
	CustomTarget string          `json:"customTarget,omitempty"`
	Value        json.RawMessage `json:"value,omitempty"`
}

// Check validates an expression tree: known operators, and/or with
// operands, leaves with a target and (but for isEmpty/isNotEmpty) a
// string, number, boolean or, for oneOf, list value; at most
// MaxExpressionDepth levels and MaxExpressionNodes nodes.
func (e *Expression) Check(field string) error {
	var v Validation
	nodes := 0
	var walk func(x *Expression, path string, depth int)
	walk = func(x *Expression, path string, depth int) {
		nodes++
		if depth > MaxExpressionDepth || nodes > MaxExpressionNodes {
			if nodes == MaxExpressionNodes+1 || depth == MaxExpressionDepth+1 {
				v.Add(path, fmt.Sprintf("expressions may nest %d levels and hold %d conditions at most", MaxExpressionDepth, MaxExpressionNodes))
			}
			return
		}
		switch {
		case x.Operator == OpAnd || x.Operator == OpOr:
			if len(x.Operands) == 0 {
				v.Add(path, path+" ("+x.Operator+") needs operands")
			}
			for i := range x.Operands {
				walk(&x.Operands[i], fmt.Sprintf("%s.operands[%d]", path, i), depth+1)
			}
		case leafOps[x.Operator]:
			if x.Target == "" || x.Target == TargetCustom && x.CustomTarget == "" {
				v.Add(path, path+" needs a target (and for attendeeOther a customTarget)")
			}
			if len(x.Operands) > 0 {
				v.Add(path, path+" ("+x.Operator+") takes no operands")
			}
			if x.Operator == OpIsEmpty || x.Operator == OpIsNotEmpty {
				return
			}
			if len(x.Value) > MaxExpressionValue {
				v.Add(path, fmt.Sprintf("%s.value must be at most %d bytes", path, MaxExpressionValue))
				return
			}
			if _, ok := x.values(); !ok {
				if x.Operator == OpOneOf {
					v.Add(path, path+".value must be a list of strings or numbers")
				} else {
					v.Add(path, path+".value must be a string, number or boolean")
				}
			}
		default:
			v.Add(path, path+".operator must be one of: and, or, equals, notEquals, contains, notContains, oneOf, "+
				"greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual, isEmpty, isNotEmpty")
		}
	}
	walk(e, field, 1)
	return v.Err()
}

// values returns the comparison values of a leaf as text: one for most
// operators, the list for oneOf.
func (e *Expression) values() ([]string, bool) {
	var raw any
	if len(e.Value) == 0 || json.Unmarshal(e.Value, &raw) != nil {
		return nil, false
	}
	one := func(x any) (string, bool) {
		switch y := x.(type) {
		case string:
			return y, true
		case float64:
			return fmtNum(y), true
		case bool:
			if y {
				return "true", true
			}
			return "false", true
		}
		return "", false
	}
	if e.Operator == OpOneOf {
		list, ok := raw.([]any)
		if !ok {
			if s, ok := one(raw); ok {
				return []string{s}, true
			}
			return nil, false
		}
		out := make([]string, 0, len(list))
		for _, x := range list {
			s, ok := one(x)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := one(raw)
	return []string{s}, ok
}

// Match evaluates the expression over answers (keyed by field name); the
// fields resolve a customTarget given by label. An answer that is missing
// matches only notEquals, notContains and isEmpty. Evaluation is total:
// it never fails, and a malformed leaf matches nothing.
func (e *Expression) Match(answers Answers, fields []DataField) bool {
	if e == nil {
		return true
	}
	return e.match(answers, fields, 0)
}

func (e *Expression) match(answers Answers, fields []DataField, depth int) bool {
	if depth > MaxExpressionDepth {
		return false
	}
	switch e.Operator {
	case OpAnd:
		for i := range e.Operands {
			if !e.Operands[i].match(answers, fields, depth+1) {
				return false
			}
		}
		return len(e.Operands) > 0
	case OpOr:
		for i := range e.Operands {
			if e.Operands[i].match(answers, fields, depth+1) {
				return true
			}
		}
		return false
	}
	if !leafOps[e.Operator] {
		return false
	}
	answer := answerTexts(answers[e.key(fields)])
	switch e.Operator {
	case OpIsEmpty:
		return len(answer) == 0
	case OpIsNotEmpty:
		return len(answer) > 0
	}
	want, ok := e.values()
	if !ok {
		return false
	}
	switch e.Operator {
	case OpEquals:
		return anyOf(answer, func(a string) bool { return sameText(a, want[0]) })
	case OpNotEquals:
		return !anyOf(answer, func(a string) bool { return sameText(a, want[0]) })
	case OpContains:
		return anyOf(answer, func(a string) bool { return containsText(a, want[0]) })
	case OpNotContains:
		return !anyOf(answer, func(a string) bool { return containsText(a, want[0]) })
	case OpOneOf:
		return anyOf(answer, func(a string) bool {
			for _, w := range want {
				if sameText(a, w) {
					return true
				}
			}
			return false
		})
	}
	limit, ok := number(want[0])
	if !ok {
		return false
	}
	return anyOf(answer, func(a string) bool {
		n, ok := number(a)
		if !ok {
			return false
		}
		switch e.Operator {
		case OpGreater:
			return n > limit
		case OpGreaterOrEqual:
			return n >= limit
		case OpLess:
			return n < limit
		case OpLessOrEqual:
			return n <= limit
		}
		return false
	})
}

// key is the answer key a leaf compares: the name of the field its
// customTarget names by name or label, or its target.
func (e *Expression) key(fields []DataField) string {
	if e.Target != TargetCustom {
		return e.Target
	}
	for _, f := range fields {
		if f.Name == e.CustomTarget {
			return f.Name
		}
	}
	for _, f := range fields {
		if f.Label == e.CustomTarget {
			return f.Name
		}
	}
	return e.CustomTarget
}

// answerTexts is an answer as the texts a comparison sees: none for a
// missing or empty answer, each element of a list.
func answerTexts(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case float64:
		if math.IsNaN(x) {
			return nil
		}
		return []string{fmtNum(x)}
	case bool:
		if x {
			return []string{"true"}
		}
		return []string{"false"}
	case []string:
		return x
	case []any:
		var out []string
		for _, y := range x {
			out = append(out, answerTexts(y)...)
		}
		return out
	}
	return nil
}

func anyOf(list []string, fn func(string) bool) bool {
	for _, s := range list {
		if fn(s) {
			return true
		}
	}
	return false
}

// sameText compares case- and space-insensitively, and numbers by value
// ("10" equals "10.0").
func sameText(a, b string) bool {
	if strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) {
		return true
	}
	x, ok1 := number(a)
	y, ok2 := number(b)
	return ok1 && ok2 && x == y
}

func containsText(a, b string) bool {
	return strings.Contains(strings.ToLower(a), strings.ToLower(strings.TrimSpace(b)))
}

// Route picks the qualifier that routes answers: the first by Index whose
// expression matches (fallbacks skipped), else the first fallback. ok is
// false when none applies.
func (f RoutingForm) Route(answers Answers, fields []DataField) (Qualifier, bool) {
	qs := append([]Qualifier(nil), f.Qualifiers...)
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].Index < qs[j].Index })
	for _, q := range qs {
		if !q.IsFallback && q.Expression.Match(answers, fields) {
			return q, true
		}
	}
	for _, q := range qs {
		if q.IsFallback {
			return q, true
		}
	}
	return Qualifier{}, false
}

// Refs returns every field the form asks, the form's fields first, then
// each funnel step's in step order.
func (f RoutingForm) Refs() []FieldRef {
	out := append([]FieldRef(nil), f.Fields...)
	SortRefs(out)
	steps := append([]FunnelStep(nil), f.FunnelSteps...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].Index < steps[j].Index })
	for _, s := range steps {
		refs := append([]FieldRef(nil), s.DataFields...)
		SortRefs(refs)
		out = append(out, refs...)
	}
	return out
}

// Validate checks a form's rules that need no store: whether its data
// fields and meeting types exist, and whether its slug is free, are the
// store's.
func (f RoutingForm) Validate() error {
	var v Validation
	if strings.TrimSpace(f.Name) == "" || utf8.RuneCountInString(f.Name) > MaxFormName {
		v.Add("name", fmt.Sprintf("name must be 1 to %d characters", MaxFormName))
	}
	switch f.StructureType {
	case FormOnly, FunnelWithForm, FunnelOnly:
	default:
		v.Add("structureType", "structureType must be one of the following values: FORM_ONLY, FUNNEL_WITH_FORM, FUNNEL_ONLY")
	}
	if f.Slug != "" && (len(f.Slug) > MaxFormSlug || Slugify(f.Slug) != f.Slug || IsUUID(f.Slug)) {
		v.Add("slug", fmt.Sprintf("slug must be at most %d lower-case letters, digits and dashes", MaxFormSlug))
	}
	if len(f.Fields) > MaxFormFields {
		v.Add("fields", fmt.Sprintf("fields must contain at most %d fields", MaxFormFields))
	}
	if len(f.FunnelSteps) > MaxFunnelSteps {
		v.Add("funnelSteps", fmt.Sprintf("funnelSteps must contain at most %d steps", MaxFunnelSteps))
	}
	total := len(f.Fields)
	for _, s := range f.FunnelSteps {
		total += len(s.DataFields)
	}
	if total > MaxFormFields {
		v.Add("fields", fmt.Sprintf("a form asks at most %d fields", MaxFormFields))
	}
	if len(f.Qualifiers) > MaxQualifiers {
		v.Add("qualifiers", fmt.Sprintf("qualifiers must contain at most %d rules", MaxQualifiers))
	}
	for i, q := range f.Qualifiers {
		path := fmt.Sprintf("qualifiers[%d]", i)
		known := false
		for _, a := range RoutingActions {
			known = known || a == q.RoutingAction
		}
		if !known {
			v.Add(path+".routingAction", "routingAction must be one of the following values: "+strings.Join(RoutingActions, ", "))
		}
		switch q.RoutingAction {
		case ActionEventRedirect:
			if !IsUUID(q.MeetingTypeID) {
				v.Add(path+".meetingTypeId", "an eventRedirect needs the meetingTypeId of a meeting type")
			}
		case ActionExternalRedirect:
			if !validURL(q.ExternalRedirectLink, true) {
				v.Add(path+".externalRedirectLink", "externalRedirectLink must be an http(s) URL")
			}
		case ActionCustomPage:
			if len(q.CustomPageContent) == 0 {
				v.Add(path+".customPageContent", "a customPage needs customPageContent, e.g. {\"en\": \"…\"}")
			}
		}
		size := 0
		for _, t := range q.CustomPageContent {
			size += len(t)
		}
		if size > MaxCustomPage {
			v.Add(path+".customPageContent", fmt.Sprintf("customPageContent must be at most %d bytes", MaxCustomPage))
		}
		if q.Expression != nil {
			if err := q.Expression.Check(path + ".expression"); err != nil {
				if e, ok := err.(*Error); ok {
					for _, fe := range e.Fields {
						v.Add(fe.Field, fe.Message)
					}
				}
			}
		}
	}
	return v.Err()
}

// FormRecipient is one person a form was sent to. Token opens the form
// for them (it is shown once, in the send answer; only its hash is kept).
type FormRecipient struct {
	ID, CompanyID, FormID        string
	RecipientName, Email, Phone  string
	Message, ContactID, Language string
	DeliveryMethod               string
	Token                        string
	TokenHash                    []byte
	SubmissionID                 string
	Status                       string // sent, opened, completed
	SentAt                       time.Time
	OpenedAt, CompletedAt        *time.Time
}

// Recipient statuses.
const (
	RecipientSent      = "sent"
	RecipientOpened    = "opened"
	RecipientCompleted = "completed"
)

// FormSubmission is one filled-in form: the answers and where they sent
// the visitor.
type FormSubmission struct {
	ID, CompanyID, FormID string
	RecipientID           string
	Answers               Answers
	// Outcome is the qualifier that routed the visitor (zero when none
	// did: the thank-you page).
	Outcome   Qualifier
	CreatedAt time.Time
}

// RoutingFormStore keeps routing forms, their recipients and their
// submissions. Every method but the two for the public page is scoped by
// company: another company's form is ENOTFOUND, like a missing one.
type RoutingFormStore interface {
	// RoutingForms returns a page of the company's forms, oldest first,
	// and how many there are.
	RoutingForms(ctx context.Context, companyID string, limit, offset int) ([]RoutingForm, int, error)
	// RoutingFormByID returns one of the company's forms.
	RoutingFormByID(ctx context.Context, companyID, id string) (RoutingForm, error)
	// RoutingFormForPage returns the form a public page address names, by
	// slug or id, of any company. Unscoped because the page's address
	// names no company; the form it answers names its company.
	RoutingFormForPage(ctx context.Context, slugOrID string) (RoutingForm, error)
	// CreateRoutingForm stores a new form. It validates the form, creates
	// its inline fields (FieldRef.New) in the same transaction, and refuses
	// (EINVALID) field ids and meeting types that are not the company's
	// and a slug another form has (ECONFLICT).
	CreateRoutingForm(ctx context.Context, a Actor, f RoutingForm) (RoutingForm, error)
	// UpdateRoutingForm reads a form, lets apply change it and stores it
	// with the checks of CreateRoutingForm, in one transaction; apply may
	// run more than once.
	UpdateRoutingForm(ctx context.Context, a Actor, companyID, id string, apply func(*RoutingForm) error) (RoutingForm, error)
	// DeleteRoutingForm removes a form, its recipients and submissions;
	// its page stops answering.
	DeleteRoutingForm(ctx context.Context, a Actor, companyID, id string) error
	// SendRoutingForm records a recipient of one of the company's forms
	// and, when mail is not nil, queues it in the outbox, in one
	// transaction.
	SendRoutingForm(ctx context.Context, a Actor, r FormRecipient, mail *OutboxMessage) (FormRecipient, error)
	// FormRecipients returns the recipients of one of the company's forms,
	// newest first.
	FormRecipients(ctx context.Context, companyID, formID string) ([]FormRecipient, error)
	// OpenFormRecipient marks the recipient of form whose token hash is
	// hash opened (once) and returns it; ENOTFOUND when none matches.
	// Unscoped like RoutingFormForPage: the public page has only the form
	// and the token.
	OpenFormRecipient(ctx context.Context, formID string, hash []byte) (FormRecipient, error)
	// SubmitForm stores a submission of a form and, in the same
	// transaction, marks its recipient (if any) completed and emits the
	// form_submission webhook event.
	SubmitForm(ctx context.Context, a Actor, s FormSubmission) (FormSubmission, error)
	// FormSubmissionByID returns a submission to one of the company's
	// forms.
	FormSubmissionByID(ctx context.Context, companyID, id string) (FormSubmission, error)
}

// FormSubmissionPayload is the form_submission webhook event's body.
func FormSubmissionPayload(f RoutingForm, s FormSubmission) map[string]any {
	out := map[string]any{"submissionId": s.ID, "formId": f.ID, "formName": f.Name, "answers": s.Answers,
		"createdAt": FormatTime(s.CreatedAt)}
	if s.RecipientID != "" {
		out["recipientId"] = s.RecipientID
	}
	if s.Outcome.RoutingAction != "" {
		o := map[string]any{"routingAction": s.Outcome.RoutingAction, "isFallback": s.Outcome.IsFallback}
		if s.Outcome.ID != "" {
			o["qualifierId"] = s.Outcome.ID
		}
		if s.Outcome.MeetingTypeID != "" {
			o["meetingTypeId"] = s.Outcome.MeetingTypeID
		}
		if s.Outcome.ExternalRedirectLink != "" {
			o["externalRedirectLink"] = s.Outcome.ExternalRedirectLink
		}
		out["outcome"] = o
	}
	return out
}
