package pages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/slots"
)

// Bounds of the booking form.
const (
	maxName  = 200
	maxPhone = 50
	maxNotes = 5000
	// monthsAhead bounds the month view, so following "next month" ends.
	monthsAhead = 12
	// alternatives is how many free times a "just taken" page offers.
	alternatives = 6
)

// target is a meeting type a page books, with everything its page shows.
type target struct {
	company meetd.Company
	owner   meetd.User
	m       meetd.MeetingType
	brand   *brand
	// self is the booking page's address: links.Booking, or links.OneTime
	// for a one-time link.
	self    string
	oneTime *meetd.OneTimeLink
}

// principal is who books on a public page: the company itself, with no
// credential and no user, as booking is what attendees do (see
// scheduling.Service.Book).
func (t *target) principal() meetd.Principal { return meetd.Principal{Company: t.company} }

// bySlugs finds the enabled meeting type of the address /{user}/{type}.
func (p *Pages) bySlugs(ctx context.Context, userSlug, typeSlug string) (*target, error) {
	u, err := p.cfg.Store.UserBySlug(ctx, userSlug)
	if err != nil {
		return nil, err
	}
	types, err := p.cfg.Store.ListMeetingTypes(ctx, meetd.MeetingTypeFilter{CompanyID: u.CompanyID, UserID: u.ID})
	if err != nil {
		return nil, err
	}
	for _, m := range types {
		if m.Slug == typeSlug && m.Enabled {
			return p.targetOf(ctx, u, m, p.links.Booking(u.Slug, m.Slug))
		}
	}
	return nil, errNotFound
}

func (p *Pages) targetOf(ctx context.Context, owner meetd.User, m meetd.MeetingType, self string) (*target, error) {
	c, err := p.cfg.Store.CompanyByID(ctx, m.CompanyID)
	if err != nil {
		return nil, err
	}
	t := &target{company: c, owner: owner, m: m, self: self}
	if pp, err := p.cfg.Store.PersonalPage(ctx, c.ID, owner.ID); err == nil {
		t.brand = brandOf(pp)
	}
	return t, nil
}

// state is where the attendee is on a booking page, carried in the
// query string (GET) or the form (POST): every step works without script.
type state struct {
	tzName   string
	loc      *time.Location
	tzGiven  bool
	month    time.Time // noon of the first of the month shown, in loc (see monthOf)
	day      string    // YYYY-MM-DD in loc, "" for none chosen
	duration int       // minutes, 0 for the meeting type's
	slot     time.Time // the chosen start, zero for none
	lang     string    // the language asked for by the switch, "" for none
	// monthGiven is false when the page chooses the month itself.
	monthGiven bool
	// submission is the routing form submission the booking carries (see
	// submissionOf), answers its answers; dropped is set when the one
	// asked for was not found.
	submission string
	answers    meetd.Answers
	dropped    bool
	// who is the name, e-mail and phone the submission gave (its answers
	// to fields that target them), which fill in a form not yet sent.
	who bookingForm
}

func (p *Pages) stateOf(r *http.Request, t *target) state {
	get := func(k string) string {
		if r.Method == http.MethodPost {
			return r.PostFormValue(k)
		}
		return r.URL.Query().Get(k)
	}
	st := state{tzName: get("tz"), lang: get("lang")}
	if st.lang != "en" && st.lang != "de" {
		st.lang = ""
	}
	if loc, ok := meetd.LoadZone(st.tzName); ok {
		st.loc, st.tzGiven = loc, true
	} else if loc, ok := meetd.LoadZone(t.owner.Timezone); ok {
		// Without script the attendee starts in the host's zone, named
		// on the page and changeable by the select.
		st.loc, st.tzName = loc, t.owner.Timezone
	} else {
		st.loc, st.tzName = time.UTC, "UTC"
	}
	if d, err := strconv.Atoi(get("d")); err == nil && d != t.m.Duration && t.m.DurationAllowed(d) {
		st.duration = d
	}
	now := p.cfg.Clock.Now().In(st.loc)
	st.month = monthOf(now.Year(), now.Month(), st.loc)
	if m, err := time.Parse("2006-01", get("month")); err == nil {
		if m := monthOf(m.Year(), m.Month(), st.loc); !m.Before(st.month) && m.Before(st.month.AddDate(0, monthsAhead+1, 0)) {
			st.month, st.monthGiven = m, true
		}
	}
	// Dates are read as calendar dates (UTC), never as a midnight in loc,
	// which a daylight saving change may skip.
	if d, err := time.Parse("2006-01-02", get("day")); err == nil &&
		d.Year() == st.month.Year() && d.Month() == st.month.Month() {
		st.day = get("day")
	}
	if s, err := time.Parse(time.RFC3339, get("slot")); err == nil {
		st.slot = s.UTC()
	}
	return st
}

// minutes is the length booked.
func (st state) minutes(m meetd.MeetingType) int {
	if st.duration != 0 {
		return st.duration
	}
	return m.Duration
}

// url is the booking page's address for this state with changes applied
// ("key", "value" pairs; "" removes a key).
func (st state) url(self string, changes ...string) string {
	q := url.Values{}
	if st.tzGiven {
		q.Set("tz", st.tzName)
	}
	if st.monthGiven {
		q.Set("month", st.month.Format("2006-01"))
	}
	if st.day != "" {
		q.Set("day", st.day)
	}
	if st.duration != 0 {
		q.Set("d", strconv.Itoa(st.duration))
	}
	if !st.slot.IsZero() {
		q.Set("slot", st.slot.Format(time.RFC3339))
	}
	if st.lang != "" {
		q.Set("lang", st.lang)
	}
	if st.submission != "" {
		q.Set("submission", st.submission)
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			q.Del(changes[i])
		} else {
			q.Set(changes[i], changes[i+1])
		}
	}
	if len(q) == 0 {
		return self
	}
	return self + "?" + q.Encode()
}

// freeSlots are the slots of the meeting type in [from, to).
func (p *Pages) freeSlots(ctx context.Context, t *target, minutes int, from, to time.Time, except string) ([]slots.Slot, error) {
	if now := p.cfg.Clock.Now(); from.Before(now) {
		from = now
	}
	if !to.After(from) {
		return nil, nil
	}
	d := 0
	if minutes != t.m.Duration {
		d = minutes
	}
	list, err := p.sched.Slots(ctx, t.principal(), scheduling.SlotRequest{MeetingTypeID: t.m.ID, Duration: d,
		From: from, To: to, ExceptAppointmentID: except})
	if errors.Is(err, scheduling.ErrSlotMeetingTypeNotFound) {
		return nil, errNotFound
	}
	return list, err
}

// calDay is one cell of the month view.
type calDay struct {
	Day          int
	Href, Label  string
	Count        int
	Current, Pad bool
}

type slotLink struct {
	Label, Href string
	// Value is the slot's start (RFC 3339) for a form that posts it.
	Value string
}

// calendar is the month view with the chosen day's slots.
type calendar struct {
	Month, Prev, Next string
	Weekdays          []string
	Weeks             [][]calDay
	Day               string // the chosen day, long form
	Slots             []slotLink
	TZ                string
	Zones             []string
	Durations         []durationChoice
	// Hidden are the fields the GET forms (zone, duration) carry.
	Hidden map[string]string
	Action string
	// Move, when set, makes each slot a button that posts these fields and
	// start to Action (the reschedule page).
	Move map[string]string
}

type durationChoice struct {
	Minutes  int
	Selected bool
}

// calendarOf computes the month view of st: slots of the month grouped by
// day in the attendee's zone, the chosen day (or the first with slots)
// and its slots, each linking to slotHref.
func (p *Pages) calendarOf(ctx context.Context, t *target, st *state, lang, except string,
	slotHref func(st state, s slots.Slot) string) (*calendar, error) {
	list, err := p.freeSlots(ctx, t, st.minutes(t.m), monthStart(st.month), monthStart(st.month.AddDate(0, 1, 0)), except)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 && !st.monthGiven {
		// Late in a month the next one is what the attendee wants.
		next := st.month.AddDate(0, 1, 0)
		if more, err := p.freeSlots(ctx, t, st.minutes(t.m), monthStart(next), monthStart(next.AddDate(0, 1, 0)), except); err == nil && len(more) > 0 {
			st.month, st.monthGiven, st.day, list = next, true, "", more
		}
	}
	byDay := map[string][]slots.Slot{}
	for _, s := range list {
		k := s.Start.In(st.loc).Format("2006-01-02")
		byDay[k] = append(byDay[k], s)
	}
	if st.day == "" || len(byDay[st.day]) == 0 {
		if st.day == "" && len(list) > 0 {
			st.day = list[0].Start.In(st.loc).Format("2006-01-02")
		}
	}
	c := &calendar{Month: month(lang, st.month), TZ: st.tzName, Zones: zones(st.tzName)}
	now := p.cfg.Clock.Now().In(st.loc)
	if st.month.After(monthOf(now.Year(), now.Month(), st.loc)) {
		c.Prev = st.url(t.self, "month", st.month.AddDate(0, -1, 0).Format("2006-01"), "day", "", "slot", "")
	}
	if st.month.Before(monthOf(now.Year(), now.Month()+monthsAhead, st.loc)) {
		c.Next = st.url(t.self, "month", st.month.AddDate(0, 1, 0).Format("2006-01"), "day", "", "slot", "")
	}
	for i := 1; i <= 7; i++ {
		c.Weekdays = append(c.Weekdays, dayNames[lang][i%7][:2])
	}
	for _, week := range monthGrid(st.month) {
		row := make([]calDay, 7)
		for i, d := range week {
			if d.IsZero() {
				row[i].Pad = true
				continue
			}
			k := d.Format("2006-01-02")
			cd := calDay{Day: d.Day(), Count: len(byDay[k]), Current: k == st.day, Label: longDate(lang, d)}
			if cd.Count > 0 {
				cd.Href = st.url(t.self, "month", st.month.Format("2006-01"), "day", k, "slot", "")
				cd.Label += ", " + strconv.Itoa(cd.Count) + " " + msgs[lang]["available"]
			}
			row[i] = cd
		}
		c.Weeks = append(c.Weeks, row)
	}
	if st.day != "" {
		d, _ := time.Parse("2006-01-02", st.day)
		c.Day = longDate(lang, d)
		for _, s := range byDay[st.day] {
			c.Slots = append(c.Slots, slotLink{Label: clock(lang, s.Start.In(st.loc)), Href: slotHref(*st, s),
				Value: s.Start.Format(time.RFC3339)})
		}
	}
	if len(t.m.AllowedDurations) > 0 {
		// One list by length, whatever order the API was given them in.
		all := slices.Compact(slices.Sorted(slices.Values(append([]int{t.m.Duration}, t.m.AllowedDurations...))))
		for _, m := range all {
			c.Durations = append(c.Durations, durationChoice{Minutes: m, Selected: m == st.minutes(t.m)})
		}
	}
	c.Hidden = map[string]string{}
	if st.monthGiven {
		c.Hidden["month"] = st.month.Format("2006-01")
	}
	if st.lang != "" {
		c.Hidden["lang"] = st.lang
	}
	if st.submission != "" {
		c.Hidden["submission"] = st.submission
	}
	return c, nil
}

// monthOf is noon of the first of a month in loc: the month's identity on
// the page. Noon always exists; midnight does not in every zone.
func monthOf(y int, m time.Month, loc *time.Location) time.Time {
	return time.Date(y, m, 1, 12, 0, 0, 0, loc)
}

// monthStart is the first instant of month (a monthOf time) in its zone:
// midnight, or when a daylight saving change skips midnight, the time the
// day begins.
func monthStart(month time.Time) time.Time {
	y, m, loc := month.Year(), month.Month(), month.Location()
	for h := 0; h < 12; h++ {
		if t := time.Date(y, m, 1, h, 0, 0, 0, loc); t.Day() == 1 && t.Month() == m {
			return t
		}
	}
	return month
}

// monthGrid lays out the month of first (a time in the attendee's zone) as
// weeks of seven days, Monday first, each day at noon; the zero time pads
// the first and last week (and stands for a day the zone skipped). Noon, because in some zones a daylight saving
// change skips midnight, and stepping from one midnight to the next would
// then land on the day before.
func monthGrid(first time.Time) [][7]time.Time {
	y, m, loc := first.Year(), first.Month(), first.Location()
	var weeks [][7]time.Time
	var week [7]time.Time
	last := -1
	for day := 1; day <= 31; day++ {
		d := time.Date(y, m, day, 12, 0, 0, 0, loc)
		if d.Month() != m || d.Day() != day {
			// Past the month's end, or a day the zone skipped (Samoa
			// went from 29 to 31 December 2011).
			continue
		}
		col := (int(d.Weekday()) + 6) % 7
		if col <= last {
			weeks, week = append(weeks, week), [7]time.Time{}
		}
		week[col], last = d, col
	}
	if last >= 0 {
		weeks = append(weeks, week)
	}
	return weeks
}

// bookingData is the booking page's content.
type bookingData struct {
	Host, Type, Description string
	Minutes                 int
	Cal                     *calendar
	// Chosen is set once a slot is chosen: the form.
	Chosen *chosen
	Back   string
	// Notice tells the attendee that the routing form answers they came
	// with were not found.
	Notice string
}

type chosen struct {
	When, Start, TZ, Change, Action string
	Duration                        int
	AskPhone                        bool
	// AskNotes is false when one of the questions is named "notes" and
	// takes the notes' place.
	AskNotes   bool
	Questions  []question
	Submission string
	Form       bookingForm
	Errors     []string
	// Invalid names the fields the errors are about: each is marked
	// aria-invalid and described by the list of errors.
	Invalid map[string]bool
	Lang    string
}

type bookingForm struct {
	Name, Email, Phone, Notes, Guests string
	// Answers are the questions' values by field name as posted; nil
	// before the form was sent (the questions then show a routing form's
	// answers, if any).
	Answers url.Values
}

func hostName(u meetd.User) string { return strings.TrimSpace(u.GivenName + " " + u.FamilyName) }

// asksPhone: a meeting type on the phone channel is a call to the attendee,
// so their number is required.
func asksPhone(m meetd.MeetingType) bool { return m.Channel == "phone" }

// GET /{user}/{type}
func (p *Pages) bookingPage(w http.ResponseWriter, r *http.Request) {
	t, err := p.bySlugs(r.Context(), r.PathValue("user"), r.PathValue("type"))
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	st := p.stateOf(r, t)
	if err := p.submissionOf(r, t, &st); err != nil {
		p.fail(w, r, &t.company, err)
		return
	}
	p.showBooking(w, r, t, st, st.who, nil, nil, http.StatusOK)
}

// showBooking renders the booking page: the month view, or once a slot is
// chosen the form.
func (p *Pages) showBooking(w http.ResponseWriter, r *http.Request, t *target, st state, f bookingForm, errs []string, invalid map[string]bool, status int) {
	v := newView(r, t.m.Name)
	v.Brand, v.Status = t.brand, status
	d := &bookingData{Host: hostName(t.owner), Type: t.m.Name, Description: t.m.Description, Minutes: st.minutes(t.m)}
	if st.dropped {
		v.Switch = withoutSubmission(v.Switch)
		if gone := v.L["submissionGone"]; !slices.Contains(errs, gone) {
			d.Notice = gone
		}
	}
	if !st.slot.IsZero() {
		fields, err := p.questionsOf(r.Context(), t)
		if err != nil {
			p.fail(w, r, &t.company, err)
			return
		}
		values := f.Answers
		if values == nil {
			values = prefill(st.answers, fields)
		}
		end := st.slot.Add(time.Duration(st.minutes(t.m)) * time.Minute)
		d.Chosen = &chosen{When: span(v.Lang, st.slot.In(st.loc), end.In(st.loc)), Start: st.slot.Format(time.RFC3339),
			TZ: st.tzName, Duration: st.duration, Change: st.url(t.self, "slot", ""), Action: t.self,
			AskPhone: asksPhone(t.m), AskNotes: !asksFor(fields, "notes"), Questions: newQuestions(fields, values, invalid),
			Submission: st.submission, Form: f, Errors: errs, Invalid: invalid, Lang: st.lang}
	} else {
		cal, err := p.calendarOf(r.Context(), t, &st, v.Lang, "", func(st state, s slots.Slot) string {
			return st.url(t.self, "slot", s.Start.Format(time.RFC3339))
		})
		if err != nil {
			p.fail(w, r, &t.company, err)
			return
		}
		cal.Action = t.self
		d.Cal = cal
	}
	if t.oneTime == nil {
		d.Back = p.links.User(t.owner.Slug)
	}
	v.Data = d
	p.render(w, "booking", v, &t.company)
}

// POST /{user}/{type}
func (p *Pages) book(w http.ResponseWriter, r *http.Request) {
	t, err := p.bySlugs(r.Context(), r.PathValue("user"), r.PathValue("type"))
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	p.doBook(w, r, t)
}

// doBook books the form's slot through scheduling.Service.Book, the API's
// path: a confirmation (a redirect to the appointment's page), "check your
// e-mail" for double opt-in, the form again with what is wrong, or "just
// taken" with the next free times.
func (p *Pages) doBook(w http.ResponseWriter, r *http.Request, t *target) {
	st := p.stateOf(r, t)
	if err := p.submissionOf(r, t, &st); err != nil {
		p.fail(w, r, &t.company, err)
		return
	}
	lang := language(r)
	f := bookingForm{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Notes: strings.TrimSpace(r.PostFormValue("notes")),
		Guests: strings.TrimSpace(r.PostFormValue("guests"))}
	if st.slot.IsZero() {
		http.Redirect(w, r, st.url(t.self), http.StatusSeeOther)
		return
	}
	fields, err := p.questionsOf(r.Context(), t)
	if err != nil {
		p.fail(w, r, &t.company, err)
		return
	}
	f.Answers = postedAnswers(r.PostForm, fields)
	var errs []string
	invalid := map[string]bool{}
	bad := func(field, msg string) {
		if !invalid[field] {
			errs = append(errs, msg)
		}
		invalid[field] = true
	}
	L := msgs[lang]
	// Too long is said as such: "please enter" would tell someone who
	// did enter something to do what they did.
	switch {
	case f.Name == "":
		bad("name", L["errName"])
	case utf8.RuneCountInString(f.Name) > maxName:
		bad("name", fmt.Sprintf(L["errNameLong"], maxName))
	}
	if !validEmail(f.Email) {
		bad("email", L["errEmail"])
	}
	switch {
	case asksPhone(t.m) && f.Phone == "":
		bad("phone", L["errPhone"])
	case utf8.RuneCountInString(f.Phone) > maxPhone:
		bad("phone", fmt.Sprintf(L["errPhoneLong"], maxPhone))
	}
	answers, qErrs, qInvalid := checkAnswers(fields, f.Answers, lang)
	errs = append(errs, qErrs...)
	for k := range qInvalid {
		invalid[k] = true
	}
	if utf8.RuneCountInString(f.Notes) > maxNotes {
		bad("notes", fmt.Sprintf(L["errNotes"], maxNotes))
	}
	guests := strings.FieldsFunc(f.Guests, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' })
	if len(guests) > meetd.MaxBookingGuests {
		bad("guests", L["errGuests"])
	}
	for _, g := range guests {
		if !validEmail(g) {
			bad("guests", L["errGuests"])
		}
	}
	if st.dropped {
		// Said before the booking is made, never after: the attendee
		// books again knowing the form's answers are not part of it.
		errs = append(errs, L["submissionGone"])
	}
	if len(errs) > 0 {
		p.showBooking(w, r, t, st, f, errs, invalid, http.StatusBadRequest)
		return
	}
	// The answers go where the API takes them, keyed by field name, beside
	// the attendee's own notes.
	notes := map[string]any{}
	for k, v := range answers {
		notes[k] = v
	}
	if f.Notes != "" && !asksFor(fields, "notes") {
		notes["notes"] = f.Notes
	}
	at := map[string]any{"email": f.Email, "fullname": f.Name,
		"timezone": st.tzName, "language": lang, "receiveReminders": true, "notes": notes}
	if f.Phone != "" {
		at["phone"] = f.Phone
	}
	if len(guests) > 0 {
		at["bringalongEmails"] = guests
	}
	body := map[string]any{"meetingTypeId": t.m.ID, "start": st.slot.Format(time.RFC3339), "attendee": at}
	if st.duration != 0 {
		body["duration"] = st.duration
	}
	if st.submission != "" {
		body["routingFormSubmissionId"] = st.submission
	}
	var oneTimeID string
	if t.oneTime != nil {
		oneTimeID = t.oneTime.ID
		body["oneTimeLinkId"] = oneTimeID
	}
	raw, _ := json.Marshal(body)
	// The form becomes an API booking body, read by the API's own reader
	// (Config.Details): the attendee is made by the same rules (a full
	// name split into first and last, reminders, notes, guests) whether
	// it is booked now or confirmed later from the kept request.
	details, err := p.cfg.Details(raw)
	if err != nil {
		p.fail(w, r, &t.company, err)
		return
	}
	res, err := p.sched.Book(r.Context(), t.principal(), p.actor(r), scheduling.BookRequest{MeetingTypeID: t.m.ID,
		Start: st.slot, Duration: st.duration, Request: raw, BookingDetails: details})
	switch {
	case errors.Is(err, meetd.ErrSlotTaken):
		p.taken(w, r, t, st)
		return
	case err != nil:
		// A refused answer, or a submission gone since it was read, is
		// the form again with the reason; anything else the error page.
		errs, invalid, dropped, ok := bookingRefusal(err, fields, lang)
		if !ok {
			p.fail(w, r, &t.company, err)
			return
		}
		if dropped {
			st.submission, st.dropped = "", true
			errs = append(errs, L["submissionGone"])
		}
		p.showBooking(w, r, t, st, f, errs, invalid, http.StatusBadRequest)
		return
	case res.Provisional != nil:
		p.log.Info("double opt-in booking made on a page", "provisional_id", res.Provisional.ID, "company_id", t.company.ID)
		v := newView(r, msgs[lang]["checkEmail"])
		v.Brand = t.brand
		v.Data = map[string]string{"Lead": strings.Replace(v.L["checkEmailLead"], "%s", f.Email, 1)}
		p.render(w, "checkemail", v, &t.company)
		return
	}
	p.log.Info("booked on a page", "appointment_id", res.Appointment.ID, "company_id", t.company.ID)
	http.Redirect(w, r, links.WithLanguage(p.links.Appointment(res.Appointment.ID, res.Appointment.Secret), st.lang), http.StatusSeeOther)
}

// taken answers a booking whose slot went to someone else first: 409 with
// the next free times from the slot asked for, each leading to the form.
func (p *Pages) taken(w http.ResponseWriter, r *http.Request, t *target, st state) {
	v := newView(r, msgs[language(r)]["taken"])
	v.Brand, v.Status = t.brand, http.StatusConflict
	list, err := p.freeSlots(r.Context(), t, st.minutes(t.m), st.slot, st.slot.Add(14*24*time.Hour), "")
	if err != nil {
		p.fail(w, r, &t.company, err)
		return
	}
	var next []slotLink
	for _, s := range list {
		if len(next) == alternatives {
			break
		}
		next = append(next, slotLink{Label: span(v.Lang, s.Start.In(st.loc), s.End.In(st.loc)),
			Href: st.url(t.self, "slot", s.Start.Format(time.RFC3339), "month", "", "day", "")})
	}
	// A form left open past its time is refused the same way; it is not
	// "someone booked it a moment before you".
	v.Data = map[string]any{"Next": next, "Back": st.url(t.self, "slot", ""), "TZ": st.tzName,
		"Passed": !st.slot.After(p.cfg.Clock.Now())}
	p.render(w, "taken", v, &t.company)
}

// asksFor reports whether one of the questions is named name.
func asksFor(fields []meetd.DataField, name string) bool {
	return slices.ContainsFunc(fields, func(f meetd.DataField) bool { return f.Name == name })
}

func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == strings.TrimSpace(s) && meetd.ValidEmail(addr.Address)
}
