package dashboard

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/calsync"
)

// Calendars: the signed-in user's connected calendars (CalDAV accounts and
// iCalendar feeds): connect, test, pick the calendars that block time and
// the one that receives bookings, remove. A connection whose server
// refuses its credentials shows as broken. Secrets are typed in and never
// shown again.

// calendarsData is the Calendars page.
type calendarsData struct {
	Enabled     bool
	Connections []calendarRow
	// Form holds what was typed into the connect form, secrets excepted.
	Provider, ServerURL, Username, Name string
	// Test is the outcome of a test just run.
	Test *calendarTest
}

type calendarRow struct {
	meetd.CalendarConnection
	Broken bool
}

// IsBusy reports whether the calendar at path blocks time.
func (r calendarRow) IsBusy(path string) bool { return slices.Contains(r.BusyCalendars, path) }

type calendarTest struct {
	ConnectionID string
	calsync.TestResult
}

func (d *Dashboard) calendarsView(r *http.Request, v *viewer, data calendarsData) (*view, error) {
	list, err := d.cfg.Store.CalendarConnections(r.Context(), v.Company.ID, v.User.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		data.Connections = append(data.Connections, calendarRow{CalendarConnection: c, Broken: c.Status == meetd.CalendarBroken})
	}
	data.Enabled = d.cfg.Calendars.Enabled()
	if data.Provider == "" {
		data.Provider = string(meetd.CalendarCalDAV)
	}
	return &view{Title: "Calendars", Section: "calendars", Viewer: v, Data: data}, nil
}

func (d *Dashboard) calendars(w http.ResponseWriter, r *http.Request, v *viewer) {
	page, err := d.calendarsView(r, v, calendarsData{})
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "calendars", page)
}

// calendarsAgain renders the page with err's message, or goes back to it
// with msg flashed.
func (d *Dashboard) calendarsAgain(w http.ResponseWriter, r *http.Request, v *viewer, data calendarsData, err error, msg string) {
	if err == nil {
		d.flash(r.Context(), msg)
		http.Redirect(w, r, "/dashboard/calendars", http.StatusSeeOther)
		return
	}
	page, lerr := d.calendarsView(r, v, data)
	if lerr != nil {
		d.failErr(w, r, v, lerr)
		return
	}
	status, text := d.errStatus(r, err)
	var e *meetd.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = f.Message
		}
		text = strings.Join(parts, " ")
	}
	page.Error = text
	d.render(w, r, status, "calendars", page)
}

func formPtr(r *http.Request, key string) *string {
	s := strings.TrimSpace(r.PostFormValue(key))
	if s == "" {
		return nil
	}
	return &s
}

// connectCalendar checks the server and stores the connection.
func (d *Dashboard) connectCalendar(w http.ResponseWriter, r *http.Request, v *viewer) {
	data := calendarsData{Provider: r.PostFormValue("provider"), ServerURL: strings.TrimSpace(r.PostFormValue("serverUrl")),
		Username: strings.TrimSpace(r.PostFormValue("username")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	in := calsync.Input{Kind: meetd.CalendarKind(data.Provider), Name: formPtr(r, "name")}
	if in.Kind == meetd.CalendarICS {
		in.FeedURL = formPtr(r, "feedUrl")
	} else {
		in.ServerURL, in.Username = formPtr(r, "serverUrl"), formPtr(r, "username")
		if p := r.PostFormValue("password"); p != "" {
			in.Password = &p
		}
	}
	var err error
	if !d.cfg.Calendars.Enabled() {
		err = calsync.ErrNoKey
	} else {
		var c meetd.CalendarConnection
		c, err = d.cfg.Calendars.Create(r.Context(), v.Actor(), v.Company.ID, v.User.ID, in)
		if err == nil {
			d.log.Info("calendar connected", "connection_id", c.ID, "user_id", v.User.ID)
		}
	}
	d.calendarsAgain(w, r, v, data, err, "Calendar connected. Its busy times arrive within a minute.")
}

// ownCalendar is the connection named in the path if it is the viewer's.
func (d *Dashboard) ownCalendar(r *http.Request, v *viewer) (meetd.CalendarConnection, error) {
	c, err := d.cfg.Store.CalendarConnectionByID(r.Context(), v.Company.ID, r.PathValue("id"))
	if err != nil || c.UserID != v.User.ID {
		return meetd.CalendarConnection{}, notFound
	}
	return c, nil
}

// pickCalendars saves which calendars block time and which receives
// bookings.
func (d *Dashboard) pickCalendars(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, err := d.ownCalendar(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		d.failErr(w, r, v, formError("The form could not be read."))
		return
	}
	busy := append([]string{}, r.PostForm["busy"]...)
	write := r.PostFormValue("primary")
	_, err = d.cfg.Calendars.Update(r.Context(), v.Actor(), c, calsync.Input{BusyCalendars: busy, WriteCalendar: &write})
	d.calendarsAgain(w, r, v, calendarsData{}, err, "Calendars saved.")
}

// testCalendar talks to the server now and shows what it said.
func (d *Dashboard) testCalendar(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, err := d.ownCalendar(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	res, err := d.cfg.Calendars.Test(r.Context(), c)
	if err != nil {
		d.calendarsAgain(w, r, v, calendarsData{}, err, "")
		return
	}
	page, err := d.calendarsView(r, v, calendarsData{Test: &calendarTest{ConnectionID: c.ID, TestResult: res}})
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "calendars", page)
}

// removeCalendar deletes the connection and its cached busy times.
func (d *Dashboard) removeCalendar(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, err := d.ownCalendar(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	err = d.cfg.Store.DeleteCalendarConnection(r.Context(), v.Actor(), v.Company.ID, c.ID)
	d.calendarsAgain(w, r, v, calendarsData{}, err, "Calendar removed.")
}
