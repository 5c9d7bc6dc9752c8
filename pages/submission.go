package pages

import (
	"net/http"
	"net/url"

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
	return nil
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
