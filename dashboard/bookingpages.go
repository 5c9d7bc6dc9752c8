package dashboard

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
)

// Settings → Booking pages: the origins allowed to embed the company's
// booking pages in an <iframe> (CSP frame-ancestors), for owners and
// admins. None means only meetd's own origin may frame them.

func (d *Dashboard) bookingPages(w http.ResponseWriter, r *http.Request, v *viewer) {
	d.render(w, r, http.StatusOK, "bookingpages", &view{Title: "Booking pages", Section: "bookingpages", Viewer: v,
		Data: strings.Join(v.Company.FrameAncestors, "\n")})
}

func (d *Dashboard) setFrameAncestors(w http.ResponseWriter, r *http.Request, v *viewer) {
	raw := r.PostFormValue("frame_ancestors")
	origins, err := meetd.CheckFrameAncestors(strings.Fields(raw))
	if err != nil {
		status, msg := d.errStatus(r, err)
		d.render(w, r, status, "bookingpages", &view{Title: "Booking pages", Section: "bookingpages", Viewer: v,
			Error: msg, Data: raw})
		return
	}
	if _, err := d.cfg.Store.SetFrameAncestors(r.Context(), v.Actor(), v.Company.ID, origins); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("booking page embedding origins changed", "company_id", v.Company.ID, "user_id", v.User.ID)
	d.flash(r.Context(), "Saved: the booking pages may be embedded by the origins listed.")
	http.Redirect(w, r, "/dashboard/settings/booking-pages", http.StatusSeeOther)
}
