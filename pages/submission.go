package pages

import (
	"net/http"

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
