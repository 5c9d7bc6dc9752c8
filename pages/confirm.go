package pages

import (
	"net/http"

	"github.com/meetd/meetd"
)

// GET /confirm/{id}?token=…: the double opt-in link shows a button and
// confirms nothing, so a mail scanner that follows the link books nothing.
// It does not check the token: only the POST does, once.
func (p *Pages) confirmPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" || !meetd.IsUUID(r.PathValue("id")) {
		p.fail(w, r, nil, errNotFound)
		return
	}
	v := newView(r, v0(r, "confirmTitle"))
	lang := r.URL.Query().Get("lang")
	v.Data = map[string]string{"Action": p.links.Confirm(r.PathValue("id"), token), "Token": token, "Lang": lang}
	p.render(w, "confirm", v, nil)
}

// POST /confirm/{id}: confirms the provisional booking through
// scheduling.Service.Confirm (a second press answers the same
// appointment) and leads to the appointment's page.
func (p *Pages) confirm(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	ap, err := p.sched.Confirm(r.Context(), p.actor(r), r.PathValue("id"), token, p.cfg.Details)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	p.log.Info("confirmed on a page", "appointment_id", ap.ID, "company_id", ap.CompanyID)
	http.Redirect(w, r, withLang(p.links.Appointment(ap.ID, ap.Secret), r.PostFormValue("lang")), http.StatusSeeOther)
}
