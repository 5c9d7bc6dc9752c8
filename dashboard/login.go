package dashboard

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/clientip"
)

// loginData is the sign-in form.
type loginData struct {
	Email string
	Next  string
}

// home sends the browser where it belongs: setup on a fresh instance, the
// sign-in page, or Integrations → API.
func (d *Dashboard) home(w http.ResponseWriter, r *http.Request) {
	need, err := d.needsSetup(r)
	if err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	switch {
	case need:
		http.Redirect(w, r, "/dashboard/setup", http.StatusSeeOther)
	case d.sm.GetString(r.Context(), keyUser) != "":
		http.Redirect(w, r, "/dashboard/integrations", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
	}
}

func (d *Dashboard) loginForm(w http.ResponseWriter, r *http.Request) {
	need, err := d.needsSetup(r)
	if err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	if need {
		http.Redirect(w, r, "/dashboard/setup", http.StatusSeeOther)
		return
	}
	d.render(w, r, http.StatusOK, "login", &view{Title: "Sign in",
		Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// dummy is a real argon2id hash of a random password, made with the
// dashboard's parameters: checked against when the email is unknown, so the
// answer takes as long as for a real user.
func (d *Dashboard) dummy() string {
	d.dummyOnce.Do(func() { d.dummyHash = d.cfg.Passwords.Hash(auth.RandomPassword()) })
	return d.dummyHash
}

// login checks an email and password. Unknown emails and wrong passwords get
// the same answer in about the same time. Attempts are rate-limited per
// client address (an IPv6 /64 counts as one) and per email; an account is
// never locked (see knownClients).
func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ip := d.clientIP(r)
	client := clientip.RateKey(ip)
	data := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	pw := r.PostFormValue("password")
	page := &view{Title: "Sign in", Data: data}
	if wait := d.logins.take("ip:" + client); wait > 0 {
		d.log.Warn("dashboard sign-in rate-limited", "ip", ip)
		d.tooMany(w, r, "login", page, wait)
		return
	}
	if data.Email == "" || pw == "" {
		page.Error = "Enter your email and password."
		d.render(w, r, http.StatusBadRequest, "login", page)
		return
	}
	// The email's token is taken before the password is hashed, so
	// concurrent guesses cannot all pass one check; a successful sign-in
	// gives it back. When the bucket is empty, a client from a prefix that
	// has signed in to this account before still gets through (no
	// lockout); everyone else waits.
	account := strings.ToLower(data.Email)
	emailKey := "email:" + account
	charged := true
	if wait := d.emails.take(emailKey); wait > 0 {
		if !d.known.known(account, client) {
			d.log.Warn("dashboard sign-in rate-limited for an email", "ip", ip)
			d.tooMany(w, r, "login", page, wait)
			return
		}
		charged = false
	}

	hash := ""
	u, err := d.cfg.Store.UserByEmail(ctx, data.Email)
	switch {
	case err == nil:
		if hash, err = d.cfg.Store.PasswordHash(ctx, u.CompanyID, u.ID); err != nil {
			d.failErr(w, r, nil, err)
			return
		}
	case meetd.ErrorCode(err) != meetd.ENOTFOUND:
		d.failErr(w, r, nil, err)
		return
	}
	against := hash
	if against == "" {
		against = d.dummy()
	}
	ok, err := d.checkPassword(ctx, against, pw)
	if err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	if !ok || hash == "" || !u.Active() {
		d.log.Info("dashboard sign-in failed", "ip", ip)
		page.Error = "Incorrect email or password."
		d.render(w, r, http.StatusUnauthorized, "login", page)
		return
	}
	if charged {
		d.emails.give(emailKey)
	}
	if err := d.signIn(ctx, u, hash); err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	d.known.remember(account, client)
	d.log.Info("dashboard sign-in", "user_id", u.ID, "ip", ip)
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// logout ends the session. Without a signed-in session there is nothing to
// end, and nothing is written: the browser is only sent to sign in.
func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if d.sm.GetString(ctx, keyUser) == "" {
		http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
		return
	}
	if err := d.sm.Destroy(ctx); err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	d.flash(ctx, "You are signed out.")
	http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
}
