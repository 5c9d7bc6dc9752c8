package dashboard

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/meetd/meetd"
)

// Usage: the bookings metered on an api-platform company, per month and per
// credential (owners and admins). Other plans are not metered; the page says
// so and shows how many appointments each month has instead.

// usageData is the Usage page.
type usageData struct {
	// Metered is set on the api-platform plan.
	Metered bool
	Plan    meetd.Plan
	// Month is the picked month (YYYY-MM); Months are it and the month
	// before, newest first.
	Month  string
	Months []usageMonth
	// Prev and Next are the months the pager links to ("" for none: no
	// month after the current one).
	Prev, Next string
	// Current is the current month, the picker's upper bound.
	Current string
}

// usageMonth is one month of the page.
type usageMonth struct {
	Month       string // YYYY-MM
	Label       string // "March 2026"
	Bookings    int
	Credentials []usageCredential
	// Appointments (cancelled included) and Cancelled count the month's
	// appointments by meeting time, on plans that are not metered.
	Appointments, Cancelled int
}

// usageCredential is one credential's metered bookings in a month.
type usageCredential struct {
	credRow
	// Known is false for an id that names no credential of the company
	// (the id is shown instead of a name).
	Known bool
	// Owner names a personal access token's owner.
	Owner    string
	Bookings int
}

const monthLayout = "2006-01"

func (d *Dashboard) usage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	now := d.cfg.Clock.Now().UTC()
	current := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	picked, status, problem := current, http.StatusOK, ""
	if raw := r.URL.Query().Get("month"); raw != "" {
		if m, err := time.Parse(monthLayout, raw); err != nil || m.Year() < 2000 {
			status, problem = http.StatusBadRequest, "Pick a month as YYYY-MM, for example "+current.Format(monthLayout)+"."
		} else {
			picked = m
		}
	}
	data := usageData{Metered: v.Company.Plan == meetd.PlanAPIPlatform, Plan: v.Company.Plan,
		Month: picked.Format(monthLayout), Current: current.Format(monthLayout),
		Prev: picked.AddDate(0, -1, 0).Format(monthLayout)}
	if picked.Before(current) {
		data.Next = picked.AddDate(0, 1, 0).Format(monthLayout)
	}
	from := picked.AddDate(0, -1, 0)
	metered, err := d.cfg.Store.Usage(ctx, v.Company.ID, from, picked.AddDate(0, 1, 0))
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	byMonth := map[string]meetd.UsageMonth{}
	for _, m := range metered {
		byMonth[m.Month] = m
	}
	creds := map[string]usageCredential{}
	for _, start := range []time.Time{picked, from} {
		m := usageMonth{Month: start.Format(monthLayout), Label: start.Format("January 2006")}
		counted := byMonth[m.Month]
		m.Bookings = counted.Bookings
		for id, n := range counted.ByCredential {
			c, ok := creds[id]
			if !ok {
				c = d.usageCredential(r, v, id)
				creds[id] = c
			}
			c.Bookings = n
			m.Credentials = append(m.Credentials, c)
		}
		slices.SortFunc(m.Credentials, func(a, b usageCredential) int {
			// Most bookings first; unknown credentials after named ones.
			return cmp.Or(b.Bookings-a.Bookings, cmp.Compare(unknown(a), unknown(b)), cmp.Compare(a.Name, b.Name),
				cmp.Compare(a.ID, b.ID))
		})
		if !data.Metered {
			if m.Appointments, m.Cancelled, err = d.appointmentCounts(r, v, start); err != nil {
				d.failErr(w, r, v, err)
				return
			}
		}
		data.Months = append(data.Months, m)
	}
	d.render(w, r, status, "usage", &view{Title: "Usage", Section: "usage", Viewer: v, Error: problem, Data: data})
}

func unknown(c usageCredential) int {
	if c.Known {
		return 0
	}
	return 1
}

// usageCredential names the credential id of a usage record.
func (d *Dashboard) usageCredential(r *http.Request, v *viewer, id string) usageCredential {
	c, err := d.cfg.Store.CredentialByID(r.Context(), v.Company.ID, id)
	if err != nil {
		return usageCredential{credRow: credRow{Credential: meetd.Credential{ID: id}}}
	}
	out := usageCredential{credRow: d.rows(r.Context(), []meetd.Credential{c})[0], Known: true}
	if c.Kind == meetd.KindPAT && c.UserID != "" {
		out.Owner = c.UserID
		if u, err := d.cfg.Store.UserByID(r.Context(), c.CompanyID, c.UserID); err == nil {
			out.Owner = u.FullName()
		}
	}
	return out
}

// appointmentCounts counts the company's appointments that take place in
// the month starting at start, and how many of them were cancelled.
func (d *Dashboard) appointmentCounts(r *http.Request, v *viewer, start time.Time) (all, cancelled int, err error) {
	end := start.AddDate(0, 1, 0)
	f := meetd.AppointmentFilter{CompanyID: v.Company.ID, From: &start, To: &end}
	if _, all, err = d.cfg.Store.ListAppointments(r.Context(), f); err != nil {
		return 0, 0, err
	}
	f.Status = "cancelled"
	_, cancelled, err = d.cfg.Store.ListAppointments(r.Context(), f)
	return all, cancelled, err
}
