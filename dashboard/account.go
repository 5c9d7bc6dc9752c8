package dashboard

import (
	"net/http"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
)

// Account: the signed-in user's profile and password.

func (d *Dashboard) account(w http.ResponseWriter, r *http.Request, v *viewer) {
	page, err := d.accountView(w, r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "account", page)
}

// changePassword sets a new password after checking the current one. This
// session continues (with a new token); every other session of the user
// ends.
func (d *Dashboard) changePassword(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	page, err := d.accountView(w, r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if wait := d.logins.take("ip:" + clientip.RateKey(v.IP)); wait > 0 {
		d.tooMany(w, r, "account", page, wait)
		return
	}
	current, err := d.cfg.Store.PasswordHash(ctx, v.Company.ID, v.User.ID)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	ok, err := d.checkPassword(ctx, current, r.PostFormValue("current_password"))
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if !ok {
		page.Error = "Your current password is not correct."
		d.render(w, r, http.StatusUnauthorized, "account", page)
		return
	}
	var val meetd.Validation
	pw := r.PostFormValue("password")
	checkNewPassword(&val, pw, r.PostFormValue("password_confirm"))
	if err := val.Err(); err != nil {
		status, msg := d.errStatus(r, err)
		page.Error = msg
		d.render(w, r, status, "account", page)
		return
	}
	hash, err := d.hashPassword(ctx, pw)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if err := d.cfg.Store.SetPassword(ctx, v.Actor(), v.Company.ID, v.User.ID, hash); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if err := d.signIn(ctx, v.User, hash); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("dashboard password changed", "user_id", v.User.ID)
	d.flash(ctx, "Your password was changed. Other sessions of your account have ended.")
	http.Redirect(w, r, "/dashboard/account", http.StatusSeeOther)
}
