package pages

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
)

// GET /confirm/{id}?token=…: the double opt-in link shows what it books
// and a button, and confirms nothing, so a mail scanner that follows the
// link books nothing. A token that does not match is the same 404 as a
// missing booking: the page shows a stranger nothing.
func (p *Pages) confirmPage(w http.ResponseWriter, r *http.Request) {
	token, id := r.URL.Query().Get("token"), r.PathValue("id")
	if token == "" || !meetd.IsUUID(id) {
		p.fail(w, r, nil, errNotFound)
		return
	}
	pb, err := p.cfg.Store.ProvisionalForAttendee(r.Context(), id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		err = errNotFound
	}
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	if h := sha256.Sum256([]byte(token)); subtle.ConstantTimeCompare(h[:], pb.TokenHash) != 1 {
		p.fail(w, r, nil, errNotFound)
		return
	}
	v := newView(r, v0(r, "confirmTitle"))
	what, company, err := p.provisionalData(r, pb, v.Lang)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	lang := r.URL.Query().Get("lang")
	v.Data = map[string]any{"Action": p.links.Confirm(id, token), "Token": token, "Lang": lang, "A": what}
	p.render(w, "confirm", v, &company)
}

// provisionalData is what a double opt-in booking would book, as the
// appointment pages show an appointment: the meeting type and its host,
// and the time in the attendee's zone (else the host's).
func (p *Pages) provisionalData(r *http.Request, pb meetd.ProvisionalBooking, lang string) (appointmentData, meetd.Company, error) {
	ctx := r.Context()
	company, err := p.cfg.Store.CompanyByID(ctx, pb.CompanyID)
	if err != nil {
		return appointmentData{}, company, err
	}
	d := appointmentData{Type: "Appointment"}
	if m, err := p.cfg.Store.MeetingTypeByID(ctx, pb.CompanyID, pb.MeetingTypeID); err == nil {
		d.Type = m.Name
	} else if meetd.ErrorCode(err) != meetd.ENOTFOUND {
		return d, company, err
	}
	var host meetd.User
	if len(pb.HostIDs) > 0 {
		if host, err = p.cfg.Store.UserByID(ctx, pb.CompanyID, pb.HostIDs[0]); err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
			return d, company, err
		}
	}
	d.Host = hostName(host)
	var req struct {
		Attendee meetd.Attendee `json:"attendee"`
	}
	_ = json.Unmarshal(pb.Request, &req) // as validated at booking; a missing zone falls back
	d.TZ = "UTC"
	loc := time.UTC
	for _, name := range []string{r.URL.Query().Get("tz"), req.Attendee.Timezone, host.Timezone} {
		if l, ok := meetd.LoadZone(name); ok {
			loc, d.TZ = l, name
			break
		}
	}
	d.When = span(lang, pb.Start.In(loc), pb.End.In(loc))
	return d, company, nil
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
	http.Redirect(w, r, links.WithLanguage(p.links.Appointment(ap.ID, ap.Secret), r.PostFormValue("lang")), http.StatusSeeOther)
}
