package dashboard

import (
	"net/http"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
)

// The account page also manages the user's calendar feed: a secret
// iCalendar address of their appointments (docs/decisions.md#calendar-feed).
// Its address is shown once, after it is made, like a token.

// revealAccount is the account page's reveal (reveal.go): a new feed
// address.
const revealAccount = "account"

// accountData is what the account page shows beyond the viewer.
type accountData struct {
	// Feed is the user's feed, nil when they have none.
	Feed *meetd.CalendarFeed
	// NewFeedURL is the address just made, shown once.
	NewFeedURL string
}

// newFeed is the payload of the account page's reveal.
type newFeed struct{ URL string }

// accountView is the account page for v, with the feed's state and the
// address just made, if any.
func (d *Dashboard) accountView(w http.ResponseWriter, r *http.Request, v *viewer) (*view, error) {
	data := &accountData{}
	var made newFeed
	if d.take(w, r, v, revealAccount, &made) {
		data.NewFeedURL = made.URL
	}
	f, err := d.cfg.Store.CalendarFeedOf(r.Context(), v.Company.ID, v.User.ID)
	switch {
	case err == nil:
		data.Feed = &f
	case meetd.ErrorCode(err) != meetd.ENOTFOUND:
		return nil, err
	}
	return &view{Title: "Account", Section: "account", Viewer: v, Data: data}, nil
}

// createCalendarFeed makes the user a new feed address (the old one stops
// working) and sends the browser to the account page, which shows it once.
// The address is in no log, and in no session or cookie in readable form.
func (d *Dashboard) createCalendarFeed(w http.ResponseWriter, r *http.Request, v *viewer) {
	token := meetd.NewCalendarFeedToken()
	if _, err := d.cfg.Store.SetCalendarFeed(r.Context(), v.Actor(), v.Company.ID, v.User.ID,
		meetd.HashCalendarFeedToken(token)); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("calendar feed made", "user_id", v.User.ID)
	if err := d.stash(w, r, v, revealAccount, newFeed{URL: links.New(d.baseURL(r)).CalendarFeed(token)}); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/account", http.StatusSeeOther)
}

// revokeCalendarFeed stops the user's feed address.
func (d *Dashboard) revokeCalendarFeed(w http.ResponseWriter, r *http.Request, v *viewer) {
	err := d.cfg.Store.DeleteCalendarFeed(r.Context(), v.Actor(), v.Company.ID, v.User.ID)
	if err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("calendar feed revoked", "user_id", v.User.ID)
	d.flash(r.Context(), "Your calendar feed address no longer works.")
	http.Redirect(w, r, "/dashboard/account", http.StatusSeeOther)
}
