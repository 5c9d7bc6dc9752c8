package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	meetmail "github.com/meetd/meetd/mail"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/ratelimit"
)

// Bounds of a send request.
const (
	maxRecipientName = 200
	maxSendMessage   = 5000
)

var errRoutingFormNotFound = meetd.Errorf(meetd.ENOTFOUND, "Routing form not found")

// FormSendRate bounds POST /v4/routing-form/{id}/send per acting user:
// meetergo's 20 a minute.
var FormSendRate = ratelimit.Rate{Limit: 20, Per: time.Minute, Burst: 20}

// readFieldRefs reads [{dataFieldId, order} | {dataField:{…}, order}]: an
// inline dataField is created with the form. A missing order is the
// position.
func readFieldRefs(v *meetd.Validation, name string, raw json.RawMessage, companyID string) []meetd.FieldRef {
	var items []fields
	if isNull(raw) {
		return []meetd.FieldRef{}
	}
	if json.Unmarshal(raw, &items) != nil {
		v.Add(name, name+" must be a list of {dataFieldId, order} or {dataField, order}")
		return nil
	}
	out := make([]meetd.FieldRef, 0, len(items))
	for i, it := range items {
		path := fmt.Sprintf("%s[%d]", name, i)
		if it == nil {
			v.Add(path, path+" must be an object")
			continue
		}
		ref := meetd.FieldRef{Order: i}
		if n, _ := it.integer(v, path+".order", "order", -1<<31, 1<<31-1); n != nil {
			ref.Order = *n
		}
		if raw, ok := it.take("dataFieldId"); ok && !isNull(raw) {
			var n json.Number
			if json.Unmarshal(raw, &n) != nil {
				var s string
				if json.Unmarshal(raw, &s) == nil {
					n = json.Number(s)
				}
			}
			id, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil || id <= 0 {
				v.Add(path+".dataFieldId", "dataFieldId must be the number of a data field")
				continue
			}
			ref.DataFieldID = id
		} else if inline, ok := it.object(v, path+".dataField", "dataField"); inline != nil {
			d := meetd.DataField{CompanyID: companyID}
			if err := readDataField(inline, &d, true); err != nil {
				addFieldErrors(v, path+".dataField.", err)
				continue
			}
			if err := d.Validate(); err != nil {
				addFieldErrors(v, path+".dataField.", err)
				continue
			}
			ref.New = &d
		} else if !ok {
			v.Add(path, path+" needs a dataFieldId or a dataField")
			continue
		}
		out = append(out, ref)
	}
	return out
}

// addFieldErrors copies err's field errors into v under prefix.
func addFieldErrors(v *meetd.Validation, prefix string, err error) {
	if e, ok := err.(*meetd.Error); ok && len(e.Fields) > 0 {
		for _, fe := range e.Fields {
			v.Add(prefix+fe.Field, fe.Message)
		}
		return
	}
	v.Add(strings.TrimSuffix(prefix, "."), err.Error())
}

func readFunnelSteps(v *meetd.Validation, raw json.RawMessage, companyID string) []meetd.FunnelStep {
	var items []fields
	if isNull(raw) {
		return []meetd.FunnelStep{}
	}
	if json.Unmarshal(raw, &items) != nil {
		v.Add("funnelSteps", "funnelSteps must be a list of {dataFields, index}")
		return nil
	}
	out := make([]meetd.FunnelStep, 0, len(items))
	for i, it := range items {
		path := fmt.Sprintf("funnelSteps[%d]", i)
		if it == nil {
			v.Add(path, path+" must be an object")
			continue
		}
		st := meetd.FunnelStep{Index: i}
		if n, _ := it.integer(v, path+".index", "index", -1<<31, 1<<31-1); n != nil {
			st.Index = *n
		}
		if raw, ok := it.take("dataFields"); ok {
			st.DataFields = readFieldRefs(v, path+".dataFields", raw, companyID)
		} else {
			st.DataFields = []meetd.FieldRef{}
		}
		out = append(out, st)
	}
	return out
}

func readQualifiers(v *meetd.Validation, raw json.RawMessage) []meetd.Qualifier {
	var items []fields
	if isNull(raw) {
		return []meetd.Qualifier{}
	}
	if json.Unmarshal(raw, &items) != nil {
		v.Add("qualifiers", "qualifiers must be a list of routing rules")
		return nil
	}
	out := make([]meetd.Qualifier, 0, len(items))
	for i, it := range items {
		path := fmt.Sprintf("qualifiers[%d]", i)
		if it == nil {
			v.Add(path, path+" must be an object")
			continue
		}
		q := meetd.Qualifier{Index: i}
		if s, _ := it.str(v, path+".id", "id"); s != nil {
			q.ID = strings.ToLower(*s)
		}
		if n, _ := it.integer(v, path+".index", "index", -1<<31, 1<<31-1); n != nil {
			q.Index = *n
		}
		if s, _ := it.str(v, path+".routingAction", "routingAction"); s != nil {
			q.RoutingAction = *s
		} else {
			v.Add(path+".routingAction", "routingAction should not be empty")
		}
		if b, _ := it.boolean(v, path+".isFallback", "isFallback"); b != nil {
			q.IsFallback = *b
		}
		if s, _ := it.str(v, path+".meetingTypeId", "meetingTypeId"); s != nil {
			q.MeetingTypeID = *s
		}
		if s, _ := it.str(v, path+".externalRedirectLink", "externalRedirectLink"); s != nil {
			q.ExternalRedirectLink = *s
		}
		if raw, ok := it.take("customPageContent"); ok && !isNull(raw) {
			var text string
			if json.Unmarshal(raw, &text) == nil {
				q.CustomPageContent = map[string]string{"en": text}
			} else if json.Unmarshal(raw, &q.CustomPageContent) != nil {
				v.Add(path+".customPageContent", "customPageContent must be a text by language, e.g. {\"en\": \"…\"}")
			}
		}
		if raw, ok := it.take("expression"); ok && !isNull(raw) {
			var e meetd.Expression
			if json.Unmarshal(raw, &e) != nil {
				v.Add(path+".expression", "expression must be {operator, operands} or {operator, target, customTarget, value}")
			} else {
				q.Expression = &e
			}
		}
		q.Extra = it.extras()
		out = append(out, q)
	}
	return out
}

// readRoutingForm applies a form body to f: the typed keys and, replacing
// each collection sent whole, fields, funnelSteps and qualifiers
// (qualifiers that name the id of one of the form's keep it); every other
// key goes into Settings (merged on update, null removes a key).
func readRoutingForm(body fields, f *meetd.RoutingForm, create bool) error {
	var v meetd.Validation
	for _, k := range readOnlyKeys {
		body.take(k)
	}
	if s, has := body.str(&v, "name", "name"); s != nil {
		f.Name = *s
	} else if create || has {
		v.Add("name", "name should not be empty")
	}
	if s, has := body.str(&v, "structureType", "structureType"); s != nil {
		f.StructureType = *s
	} else if create || has {
		v.Add("structureType", "structureType must be one of the following values: FORM_ONLY, FUNNEL_WITH_FORM, FUNNEL_ONLY")
	}
	if s, has := body.str(&v, "slug", "slug"); s != nil {
		f.Slug = strings.TrimSpace(*s)
	} else if has {
		f.Slug = ""
	}
	if raw, ok := body.take("fields"); ok {
		f.Fields = readFieldRefs(&v, "fields", raw, f.CompanyID)
	}
	if raw, ok := body.take("funnelSteps"); ok {
		f.FunnelSteps = readFunnelSteps(&v, raw, f.CompanyID)
	}
	if raw, ok := body.take("qualifiers"); ok {
		f.Qualifiers = readQualifiers(&v, raw)
	}
	if create || f.Settings == nil {
		f.Settings = map[string]json.RawMessage{}
	}
	for k, raw := range body {
		if isNull(raw) && !create {
			delete(f.Settings, k)
			continue
		}
		f.Settings[k] = raw
	}
	return v.Err()
}

func refsJSON(refs []meetd.FieldRef) []map[string]any {
	out := make([]map[string]any, len(refs))
	for i, r := range refs {
		out[i] = map[string]any{"dataFieldId": r.DataFieldID, "order": r.Order}
	}
	return out
}

// routingFormJSON is a form as the API answers it.
func (s *Server) routingFormJSON(f meetd.RoutingForm) map[string]any {
	out := make(map[string]any, len(f.Settings)+12)
	for k, raw := range f.Settings {
		out[k] = raw
	}
	steps := make([]map[string]any, len(f.FunnelSteps))
	for i, st := range f.FunnelSteps {
		steps[i] = map[string]any{"index": st.Index, "dataFields": refsJSON(st.DataFields)}
	}
	quals := make([]map[string]any, len(f.Qualifiers))
	for i, q := range f.Qualifiers {
		m := map[string]any{}
		for k, raw := range q.Extra {
			m[k] = raw
		}
		m["id"], m["index"], m["routingAction"], m["isFallback"] = q.ID, q.Index, q.RoutingAction, q.IsFallback
		if q.MeetingTypeID != "" {
			m["meetingTypeId"] = q.MeetingTypeID
		}
		if q.ExternalRedirectLink != "" {
			m["externalRedirectLink"] = q.ExternalRedirectLink
		}
		if q.CustomPageContent != nil {
			m["customPageContent"] = q.CustomPageContent
		}
		if q.Expression != nil {
			m["expression"] = q.Expression
		}
		quals[i] = m
	}
	var slug any
	if f.Slug != "" {
		slug = f.Slug
	}
	out["id"], out["name"], out["structureType"], out["slug"] = f.ID, f.Name, f.StructureType, slug
	out["fields"], out["funnelSteps"], out["qualifiers"] = refsJSON(f.Fields), steps, quals
	out["publicUrl"] = s.formURL(f, "")
	out["createdAt"], out["updatedAt"] = meetd.FormatTime(f.CreatedAt), meetd.FormatTime(f.UpdatedAt)
	return out
}

func (s *Server) formURL(f meetd.RoutingForm, token string) string {
	key := f.Slug
	if key == "" {
		key = f.ID
	}
	return links.New(s.cfg.PublicURL).Form(key, token)
}

// routingFormFor loads one of p's company's forms (another company's is
// the same 404 as none) and then checks p may do act.
func (s *Server) routingFormFor(r *http.Request, p meetd.Principal, act auth.Action) (meetd.RoutingForm, error) {
	f, err := s.cfg.Store.RoutingFormByID(r.Context(), p.Company.ID, r.PathValue("id"))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return f, errRoutingFormNotFound
	} else if err != nil {
		return f, err
	}
	return f, auth.Authorize(p, act, "")
}

// GET /v4/routing-form?limit&offset answers a page of the company's forms
// (limit 1–100, default 50), oldest first, as a bare array.
func (s *Server) listRoutingForms(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ReadForms, ""); err != nil {
		return err
	}
	var v meetd.Validation
	q := r.URL.Query()
	limit, offset := intParam(&v, q, "limit", 50, 1, 100), intParam(&v, q, "offset", 0, 0, 1<<31-1)
	if err := v.Err(); err != nil {
		return err
	}
	list, _, err := s.cfg.Store.RoutingForms(r.Context(), p.Company.ID, limit, offset)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, f := range list {
		out[i] = s.routingFormJSON(f)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// GET /v4/routing-form/{id} answers one form.
func (s *Server) getRoutingForm(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := s.routingFormFor(r, p, auth.ReadForms)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.routingFormJSON(f))
	return nil
}

// POST /v4/routing-form answers 201 with the form, its id and publicUrl.
func (s *Server) createRoutingForm(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ManageForms, ""); err != nil {
		return err
	}
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	f := meetd.RoutingForm{CompanyID: p.Company.ID}
	if err := readRoutingForm(body, &f, true); err != nil {
		return err
	}
	f, err := s.cfg.Store.CreateRoutingForm(r.Context(), meetd.ActorOf(p, s.clientIP(r)), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.routingFormJSON(f))
	return nil
}

// PATCH /v4/routing-form/{id} changes the keys sent; fields, funnelSteps
// and qualifiers each replace the whole collection.
func (s *Server) updateRoutingForm(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := s.routingFormFor(r, p, auth.ManageForms)
	if err != nil {
		return err
	}
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	f, err = s.cfg.Store.UpdateRoutingForm(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, f.ID,
		func(f *meetd.RoutingForm) error {
			b := make(fields, len(body))
			for k, v := range body {
				b[k] = v
			}
			return readRoutingForm(b, f, false)
		})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.routingFormJSON(f))
	return nil
}

// DELETE /v4/routing-form/{id} answers 204; the form's page stops
// answering.
func (s *Server) deleteRoutingForm(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := s.routingFormFor(r, p, auth.ManageForms)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteRoutingForm(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, f.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sendBody is meetergo's send request.
type sendBody struct {
	RecipientName  *string `json:"recipientName"`
	Email          string  `json:"email"`
	Phone          string  `json:"phone"`
	Message        string  `json:"message"`
	ContactID      string  `json:"contactId"`
	Language       string  `json:"language"`
	DeliveryMethod string  `json:"deliveryMethod"`
}

// POST /v4/routing-form/{id}/send records a recipient and answers 201
// with their one-time publicUrl. deliveryMethod link only mints it; email
// (the default) also queues a message in the outbox; sms is refused, as
// meetd sends no text messages.
func (s *Server) sendRoutingForm(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := s.routingFormFor(r, p, auth.ManageForms)
	if err != nil {
		return err
	}
	var b sendBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	var v meetd.Validation
	if b.RecipientName == nil || strings.TrimSpace(*b.RecipientName) == "" {
		v.Add("recipientName", "recipientName should not be empty")
	} else if utf8.RuneCountInString(*b.RecipientName) > maxRecipientName {
		v.Add("recipientName", fmt.Sprintf("recipientName must be at most %d characters", maxRecipientName))
	}
	if b.DeliveryMethod == "" {
		b.DeliveryMethod = "email"
	}
	switch b.DeliveryMethod {
	case "email":
		if b.Email == "" {
			v.Add("email", "email is required for email delivery")
		}
	case "link":
	case "sms":
		v.Add("deliveryMethod", "meetd sends no text messages: use deliveryMethod email or link")
	default:
		v.Add("deliveryMethod", "deliveryMethod must be one of the following values: email, sms, link")
	}
	if b.Email != "" && !validEmail(b.Email) {
		v.Add("email", "email must be an email")
	}
	if b.Phone != "" && !phoneE164(b.Phone) {
		v.Add("phone", "phone must be an E.164 phone number")
	}
	if utf8.RuneCountInString(b.Message) > maxSendMessage {
		v.Add("message", fmt.Sprintf("message must be at most %d characters", maxSendMessage))
	}
	if b.ContactID != "" && !meetd.IsUUID(b.ContactID) {
		v.Add("contactId", "contactId must be a UUID")
	}
	// The mailed link opens the form in the recipient's language only when
	// they were given one: the stored default below is no choice of theirs.
	pageLang := links.Language(b.Language)
	if b.Language == "" {
		b.Language = "en"
	} else if len(b.Language) > 35 || strings.ContainsAny(b.Language, " /?#") {
		v.Add("language", "language must be a BCP 47 language tag")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if d := s.formSendLimit.Take(p.Company.ID + "/" + p.User.ID); !d.Allowed {
		d.SetHeaders(w.Header())
		return errRateLimited
	}
	token := formToken()
	h := sha256.Sum256([]byte(token))
	rec := meetd.FormRecipient{CompanyID: p.Company.ID, FormID: f.ID, RecipientName: strings.TrimSpace(*b.RecipientName),
		Email: strings.TrimSpace(b.Email), Phone: b.Phone, Message: b.Message, ContactID: strings.ToLower(b.ContactID),
		Language: b.Language, DeliveryMethod: b.DeliveryMethod, TokenHash: h[:]}
	publicURL := s.formURL(f, token)
	var mail *meetd.OutboxMessage
	if b.DeliveryMethod == "email" {
		mail = &meetd.OutboxMessage{Kind: meetd.MailRoutingForm, Recipient: rec.Email, Subject: f.Name, Language: rec.Language,
			Data: meetmail.Facts{Recipient: meetmail.Person{Name: rec.RecipientName, Email: rec.Email}}.Marshal(),
			Body: sendMailBody(rec, links.WithLanguage(publicURL, pageLang))}
	}
	rec, err = s.cfg.Store.SendRoutingForm(r.Context(), meetd.ActorOf(p, s.clientIP(r)), rec, mail)
	if err != nil {
		return err
	}
	out := recipientJSON(rec)
	out["token"], out["publicUrl"], out["recipientId"] = token, publicURL, rec.ID
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// sendMailBody is the text of a form's invitation: the cover message and
// the link.
func sendMailBody(rec meetd.FormRecipient, link string) string {
	// The greeting is the mail package's, in the recipient's language.
	body := ""
	if rec.Message != "" {
		body += rec.Message + "\n\n"
	}
	return body + link + "\n"
}

func phoneE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// formToken returns 32 random bytes, base64url: a recipient's token.
func formToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("httpapi: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func recipientJSON(r meetd.FormRecipient) map[string]any {
	opt := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return map[string]any{"id": r.ID, "formId": r.FormID, "recipientName": r.RecipientName, "email": opt(r.Email),
		"phone": opt(r.Phone), "contactId": opt(r.ContactID), "language": r.Language, "deliveryMethod": r.DeliveryMethod,
		"status": r.Status, "sentAt": meetd.FormatTime(r.SentAt), "openedAt": formatTimePtr(r.OpenedAt),
		"completedAt": formatTimePtr(r.CompletedAt), "submissionId": opt(r.SubmissionID)}
}

// GET /v4/routing-form/{id}/recipients answers who the form was sent to,
// newest first, as a bare array.
func (s *Server) listFormRecipients(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := s.routingFormFor(r, p, auth.ReadForms)
	if err != nil {
		return err
	}
	list, err := s.cfg.Store.FormRecipients(r.Context(), p.Company.ID, f.ID)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, rec := range list {
		out[i] = recipientJSON(rec)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// formatTimePtr is an optional time in meetergo's format, or null.
func formatTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return meetd.FormatTime(*t)
}
