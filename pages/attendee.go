package pages

import (
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/slots"
)

// maxReason is the API's bound on a cancellation's reason, in characters.
const maxReason = 500

// booked is an appointment an attendee's secret unlocked, with what its
// pages show.
type booked struct {
	ap      meetd.Appointment
	secret  string
	company meetd.Company
	m       meetd.MeetingType
	// typeGone is set when the meeting type was deleted since.
	typeGone bool
	host     meetd.User
	target   *target
}

// attendee finds the appointment of /appointment/{id} whose secret the
// request carries (query, or form for a POST): a wrong secret is the same
// 404 as a missing appointment.
func (p *Pages) attendee(r *http.Request) (*booked, error) {
	ctx := r.Context()
	secret := r.URL.Query().Get("secret")
	if secret == "" {
		secret = r.PostFormValue("secret")
	}
	ap, err := p.sched.AttendeeAppointment(ctx, r.PathValue("id"), secret)
	if err != nil {
		return nil, err
	}
	b := &booked{ap: ap, secret: secret}
	if b.company, err = p.cfg.Store.CompanyByID(ctx, ap.CompanyID); err != nil {
		return nil, err
	}
	b.m, err = p.cfg.Store.MeetingTypeByID(ctx, ap.CompanyID, ap.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		b.typeGone, err = true, nil
	}
	if err != nil {
		return nil, err
	}
	if b.host, err = p.cfg.Store.UserByID(ctx, ap.CompanyID, ap.MainHostID); err != nil {
		return nil, err
	}
	if !b.typeGone {
		b.target, err = p.targetOf(ctx, b.host, b.m, p.links.Booking(b.host.Slug, b.m.Slug))
	}
	return b, err
}

// bookable reports whether the appointment's meeting type can still be
// booked on a page: not deleted, enabled, and its host still in the
// company (a removed user's pages are 404s).
func (b *booked) bookable() bool { return !b.typeGone && b.m.Enabled && b.host.Active() }

func (b *booked) brand() *brand {
	if b.target == nil {
		return nil
	}
	return b.target.brand
}

func (b *booked) title() string {
	if b.typeGone {
		return "Appointment"
	}
	return b.m.Name
}

// zoneOf is the zone an appointment is shown in: ?tz=, else the attendee's
// own, else the host's.
func zoneOf(r *http.Request, b *booked) (*time.Location, string) {
	for _, name := range []string{r.URL.Query().Get("tz"), r.PostFormValue("tz"), attendeeZone(b.ap), b.host.Timezone} {
		if loc, ok := meetd.LoadZone(name); ok {
			return loc, name
		}
	}
	return time.UTC, "UTC"
}

func attendeeZone(ap meetd.Appointment) string {
	if len(ap.Attendees) > 0 {
		return ap.Attendees[0].Timezone
	}
	return ""
}

type appointmentData struct {
	Type, Host, When, TZ, Email, Location string
	Cancelled                             bool
	ICS, Cancel, Reschedule, Book         string
	Heading                               string
}

func (p *Pages) appointmentData(r *http.Request, b *booked, lang, heading string) appointmentData {
	loc, tz := zoneOf(r, b)
	d := appointmentData{Type: b.title(), Host: hostName(b.host), When: span(lang, b.ap.Start.In(loc), b.ap.End.In(loc)),
		TZ: tz, Location: b.ap.Location, Cancelled: b.ap.Cancelled, Heading: heading,
		ICS: p.links.Invitation(b.ap.ID, b.secret)}
	if len(b.ap.Attendees) > 0 {
		d.Email = b.ap.Attendees[0].Email
	}
	if !b.ap.Cancelled {
		d.Cancel = links.WithLanguage(p.links.Cancel(b.ap.ID, b.secret), r.URL.Query().Get("lang"))
		if b.bookable() {
			d.Reschedule = links.WithLanguage(p.links.Reschedule(b.ap.ID, b.secret), r.URL.Query().Get("lang"))
		}
	} else if b.bookable() {
		d.Book = p.links.Booking(b.host.Slug, b.m.Slug)
	}
	return d
}

// GET /appointment/{id}?secret=…: the confirmation page a booking leads
// to, and the attendee's page of the appointment ever after.
func (p *Pages) appointmentPage(w http.ResponseWriter, r *http.Request) {
	b, err := p.attendee(r)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	v := newView(r, b.title())
	v.Brand = b.brand()
	heading := v.L["booked"]
	if b.ap.Cancelled {
		heading = v.L["cancelledTitle"]
	} else if r.URL.Query().Get("moved") == "1" {
		heading = v.L["rescheduled"]
	}
	v.Data = p.appointmentData(r, b, v.Lang, heading)
	p.render(w, "appointment", v, &b.company)
}

// GET /appointment/{id}/invite.ics?secret=…: "add to calendar", the
// appointment as package invite renders it (the same UID as every other
// copy, so a calendar keeps one event).
func (p *Pages) invitation(w http.ResponseWriter, r *http.Request) {
	b, err := p.attendee(r)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	e := invite.FromAppointment(b.ap)
	e.Summary = b.title()
	if !b.typeGone {
		e.Description = b.m.Description
	}
	e.Organizer = invite.Person{Name: hostName(b.host), Email: b.host.Email}
	cal, err := invite.Render("", e)
	if err != nil {
		p.fail(w, r, &b.company, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="invite.ics"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(cal)
}

// GET /appointment/{id}/cancel?secret=…: asks before cancelling.
func (p *Pages) cancelPage(w http.ResponseWriter, r *http.Request) {
	b, err := p.attendee(r)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	v := newView(r, v0(r, "cancelTitle"))
	v.Brand = b.brand()
	d := p.appointmentData(r, b, v.Lang, v.L["cancelTitle"])
	if b.ap.Cancelled {
		d.Heading = v.L["cancelledTitle"]
	}
	v.Data = map[string]any{"A": d, "Action": p.links.Cancel(b.ap.ID, b.secret), "Secret": b.secret,
		"Keep": links.WithLanguage(p.links.Appointment(b.ap.ID, b.secret), r.URL.Query().Get("lang")), "Lang": r.URL.Query().Get("lang")}
	p.render(w, "cancel", v, &b.company)
}

func v0(r *http.Request, key string) string { return msgs[language(r)][key] }

// POST /appointment/{id}/cancel: cancels through scheduling, as the API's
// attendee link does, and shows the appointment cancelled.
func (p *Pages) cancel(w http.ResponseWriter, r *http.Request) {
	b, err := p.attendee(r)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	// The API's bound on a reason (POST /v4/public/appointment/{id}/cancel);
	// cutting a longer one at a byte split characters, which PostgreSQL
	// refused.
	reason := r.PostFormValue("reason")
	if utf8.RuneCountInString(reason) > maxReason {
		p.fail(w, r, &b.company, meetd.Errorf(meetd.EINVALID, "The reason must be at most 500 characters."))
		return
	}
	if _, err := p.sched.Cancel(r.Context(), p.actor(r), b.ap, reason, "attendee"); err != nil {
		p.fail(w, r, &b.company, err)
		return
	}
	p.log.Info("cancelled on a page", "appointment_id", b.ap.ID, "company_id", b.company.ID)
	http.Redirect(w, r, links.WithLanguage(p.links.Appointment(b.ap.ID, b.secret), r.PostFormValue("lang")), http.StatusSeeOther)
}

// GET /appointment/{id}/reschedule?secret=…: the month view of the
// meeting type (the appointment's own time counts as free); each slot is a
// button that moves the appointment there.
func (p *Pages) reschedulePage(w http.ResponseWriter, r *http.Request) {
	b, err := p.attendee(r)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	p.showReschedule(w, r, b, http.StatusOK)
}

func (p *Pages) showReschedule(w http.ResponseWriter, r *http.Request, b *booked, status int) {
	if b.ap.Cancelled || !b.bookable() {
		p.fail(w, r, &b.company, errCannotMove(b))
		return
	}
	t := *b.target
	t.self = p.links.Reschedule(b.ap.ID, b.secret)
	v := newView(r, b.title())
	v.Brand, v.Status = b.brand(), status
	// Without a zone chosen on the page, the month starts in the zone the
	// appointment is shown in (zoneOf: the attendee's), not the host's.
	_, t.owner.Timezone = zoneOf(r, b)
	st := p.stateOf(r, &t)
	st.duration, st.slot = 0, time.Time{}
	minutes := int(b.ap.End.Sub(b.ap.Start) / time.Minute)
	if minutes != t.m.Duration {
		st.duration = minutes
	}
	// The address already has ?secret=; the state's links append to it.
	self := t.self
	t.self = ""
	cal, err := p.calendarOf(r.Context(), &t, &st, v.Lang, b.ap.ID, func(st state, s slots.Slot) string { return "" })
	if err != nil {
		p.fail(w, r, &b.company, err)
		return
	}
	fix := func(u string) string {
		if u == "" {
			return ""
		}
		return self + "&" + u[1:]
	}
	// A reschedule keeps the appointment's length: no duration to choose.
	cal.Durations = nil
	cal.Prev, cal.Next = fix(cal.Prev), fix(cal.Next)
	for _, week := range cal.Weeks {
		for i := range week {
			week[i].Href = fix(week[i].Href)
		}
	}
	cal.Action = self
	cal.Hidden["secret"] = b.secret
	cal.Move = map[string]string{"secret": b.secret, "tz": st.tzName}
	if st.lang != "" {
		cal.Move["lang"] = st.lang
	}
	v.Data = map[string]any{"A": p.appointmentData(r, b, v.Lang, v.L["rescheduleTitle"]), "Cal": cal,
		"Action": self, "Secret": b.secret, "TZ": st.tzName, "Lang": st.lang,
		// Shown above the month when the time posted was not free.
		"Taken": status == http.StatusConflict}
	p.render(w, "reschedule", v, &b.company)
}

func errCannotMove(b *booked) error {
	if b.ap.Cancelled {
		return meetd.Errorf(meetd.ECONFLICT, "A cancelled appointment cannot be rescheduled")
	}
	if b.typeGone {
		return meetd.Errorf(meetd.ECONFLICT, "The meeting type of this booking was deleted")
	}
	return meetd.Errorf(meetd.ECONFLICT, "This meeting type can no longer be booked, so the appointment cannot be moved.")
}

// POST /appointment/{id}/reschedule: moves the appointment through
// scheduling; a time taken meanwhile shows the month view again (409).
func (p *Pages) reschedule(w http.ResponseWriter, r *http.Request) {
	b, err := p.attendee(r)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	start, err := time.Parse(time.RFC3339, r.PostFormValue("start"))
	if err != nil {
		p.fail(w, r, &b.company, meetd.Errorf(meetd.EINVALID, "start must be a time"))
		return
	}
	moved, err := p.sched.Reschedule(r.Context(), p.actor(r), b.ap, start.UTC(), false)
	if errors.Is(err, meetd.ErrSlotTaken) {
		p.showReschedule(w, r, b, http.StatusConflict)
		return
	} else if err != nil {
		p.fail(w, r, &b.company, err)
		return
	}
	p.log.Info("rescheduled on a page", "appointment_id", moved.ID, "company_id", b.company.ID)
	http.Redirect(w, r, links.WithLanguage(p.links.Appointment(b.ap.ID, b.secret), r.PostFormValue("lang"))+"&moved=1", http.StatusSeeOther)
}
