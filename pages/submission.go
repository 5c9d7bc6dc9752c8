package pages

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/meetd/meetd"
)

// submissionOf reads the routing form submission a booking page carries
// (?submission=<id> from the form's redirect, or the form's hidden field)
// into st: its id, carried through every step and booked as
// routingFormSubmissionId, and its answers, which prefill the questions.
// A submission that is missing or another company's is dropped rather
// than carried to a booking that would refuse it: st.dropped makes the
// page say so, and the attendee books without its answers.
func (p *Pages) submissionOf(r *http.Request, t *target, st *state) error {
	id := r.URL.Query().Get("submission")
	if r.Method == http.MethodPost {
		id = r.PostFormValue("submission")
	}
	if id == "" {
		return nil
	}
	sub, err := p.cfg.Store.FormSubmissionByID(r.Context(), t.company.ID, id)
	switch {
	case meetd.ErrorCode(err) == meetd.ENOTFOUND:
		st.dropped = true
		return nil
	case err != nil:
		return err
	}
	st.submission, st.answers = sub.ID, sub.Answers
	if r.Method == http.MethodGet && !st.slot.IsZero() { // only the form shows them
		st.who, err = p.whoOf(r.Context(), t.company.ID, sub)
	}
	return err
}

// whoOf is the name, e-mail and phone a submission gave: its answers to
// the fields of its form that target the attendee's fullname (else
// firstname and lastname), email and phone. A form deleted since, or a
// field no longer there, gives nothing.
func (p *Pages) whoOf(ctx context.Context, companyID string, sub meetd.FormSubmission) (bookingForm, error) {
	var who bookingForm
	form, err := p.cfg.Store.RoutingFormByID(ctx, companyID, sub.FormID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return who, nil
	} else if err != nil {
		return who, err
	}
	refs := form.Refs()
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.DataFieldID
	}
	fields, err := p.cfg.Store.DataFieldsByIDs(ctx, companyID, ids)
	if err != nil {
		return who, err
	}
	by := map[string]string{}
	for _, f := range fields {
		if s, ok := sub.Answers[f.Name].(string); ok && f.Target != "" && by[f.Target] == "" {
			by[f.Target] = strings.TrimSpace(s)
		}
	}
	who.Name = cmp.Or(by["fullname"], strings.TrimSpace(by["firstname"]+" "+by["lastname"]))
	who.Email, who.Phone = by["email"], by["phone"]
	return who, nil
}

// withoutSubmission is the address u (a page's language switch) without
// the submission a page dropped.
func withoutSubmission(u string) string {
	x, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := x.Query()
	q.Del("submission")
	x.RawQuery = q.Encode()
	return x.String()
}
