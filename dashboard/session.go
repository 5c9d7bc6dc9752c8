package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/meetd/meetd"
)

// Session keys. A session holds who signed in and a tag of their password
// hash at the time, nothing else of value: never a readable secret, never a
// token (a secret waiting to be shown is sealed, its key in a cookie: see
// reveal.go).
const (
	keyUser     = "user_id"
	keyPassword = "password_tag"
	keyFlash    = "flash"
)

// viewer is the signed-in user of a request.
type viewer struct {
	User    meetd.User
	Company meetd.Company
	IP      string
}

// Actor is the audit identity of the viewer's writes.
func (v *viewer) Actor() meetd.Actor {
	return meetd.Actor{UserID: v.User.ID, IP: v.IP, Source: "dashboard"}
}

type sessionLoaded struct{}

// sessions loads the request's session and saves it before the response
// starts. It is scs's LoadAndSave, except that the cookie is marked Secure
// per request (whenever the request came over TLS).
func (d *Dashboard) sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Cookie")
		var token string
		if c, err := r.Cookie(SessionCookie); err == nil {
			token = c.Value
		}
		ctx, err := d.sm.Load(r.Context(), token)
		if err != nil {
			// A session that cannot be decoded is treated as none.
			d.log.Warn("loading a dashboard session failed", "err", err)
			ctx, _ = d.sm.Load(r.Context(), "")
		}
		r = r.WithContext(context.WithValue(ctx, sessionLoaded{}, true))
		sw := &sessionWriter{ResponseWriter: w, save: func() { d.saveSession(w, r) }}
		next.ServeHTTP(sw, r)
		if !sw.saved {
			sw.saved = true
			d.saveSession(w, r)
		}
	})
}

func (d *Dashboard) saveSession(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cookie := &http.Cookie{Name: SessionCookie, Path: "/dashboard", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: d.cfg.SecureCookies || d.secure(r)}
	switch d.sm.Status(ctx) {
	case scs.Modified:
		token, expiry, err := d.sm.Commit(ctx)
		if ended(err) {
			// Signed out (or renewed) by another request while this one
			// was running: the session stays ended, and its cookie is not
			// sent again.
			d.log.Debug("not saving a dashboard session that has ended")
			return
		}
		if err != nil {
			d.log.Error("saving a dashboard session failed", "err", err)
			return
		}
		cookie.Value, cookie.Expires = token, expiry.Add(time.Second).Truncate(time.Second)
		cookie.MaxAge = int(time.Until(expiry).Seconds()) + 1
	case scs.Destroyed:
		cookie.MaxAge = -1
	default:
		return
	}
	w.Header().Add("Set-Cookie", cookie.String())
}

// ended reports whether err is a session store's answer to a commit of a
// session that was deleted (sqldb.ErrSessionEnded): it has a method
// SessionEnded() bool that reports true.
func ended(err error) bool {
	var e interface{ SessionEnded() bool }
	return errors.As(err, &e) && e.SessionEnded()
}

type sessionWriter struct {
	http.ResponseWriter
	save  func()
	saved bool
}

func (w *sessionWriter) WriteHeader(code int) {
	if !w.saved {
		w.saved = true
		w.save()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *sessionWriter) Write(b []byte) (int, error) {
	if !w.saved {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *sessionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func hasSession(ctx context.Context) bool {
	ok, _ := ctx.Value(sessionLoaded{}).(bool)
	return ok
}

// passwordTag identifies a password hash without revealing it. A session
// remembers the tag it signed in with; a new password (set by the user or
// an admin) ends every other session.
func passwordTag(hash string) string {
	h := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(h[:16])
}

// signIn starts a fresh session for u (a new token, against fixation).
func (d *Dashboard) signIn(ctx context.Context, u meetd.User, hash string) error {
	if err := d.sm.RenewToken(ctx); err != nil {
		return err
	}
	d.sm.Put(ctx, keyUser, u.ID)
	d.sm.Put(ctx, keyPassword, passwordTag(hash))
	return nil
}

func (d *Dashboard) flash(ctx context.Context, msg string) { d.sm.Put(ctx, keyFlash, msg) }

// handler is a page of a signed-in user.
type handler func(w http.ResponseWriter, r *http.Request, v *viewer)

// signedIn runs h for a signed-in, active user, sending anyone else to the
// sign-in page. The user, their company and their password tag are read on
// every request, so removing a user or changing a password ends sessions at
// once. adminOnly pages answer members with a 403 page.
func (d *Dashboard) signedIn(adminOnly bool, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		uid := d.sm.GetString(ctx, keyUser)
		if uid == "" {
			d.toLogin(w, r)
			return
		}
		// The session holds only the user's id: the company is learnt
		// from the user.
		u, err := d.cfg.Store.UserByIDUnscoped(ctx, uid)
		if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && !u.Active() {
			d.endSession(w, r, "Your session has ended. Please sign in again.")
			return
		} else if err != nil {
			d.failErr(w, r, nil, err)
			return
		}
		hash, err := d.cfg.Store.PasswordHash(ctx, u.CompanyID, u.ID)
		if err != nil {
			d.failErr(w, r, nil, err)
			return
		}
		if passwordTag(hash) != d.sm.GetString(ctx, keyPassword) {
			d.endSession(w, r, "Your password was changed. Please sign in again.")
			return
		}
		c, err := d.cfg.Store.CompanyByID(ctx, u.CompanyID)
		if err != nil {
			d.failErr(w, r, nil, err)
			return
		}
		v := &viewer{User: u, Company: c, IP: d.clientIP(r)}
		if adminOnly && !u.Role.IsAdmin() {
			d.fail(w, r, v, http.StatusForbidden, "Owners and admins only",
				"This page is for the company's owners and admins. Ask one of them if you need access.")
			return
		}
		h(w, r, v)
	})
}

func (d *Dashboard) endSession(w http.ResponseWriter, r *http.Request, msg string) {
	ctx := r.Context()
	if err := d.sm.Destroy(ctx); err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	d.flash(ctx, msg)
	d.toLogin(w, r)
}

// toLogin sends the browser to the sign-in page, remembering a GET page to
// come back to.
func (d *Dashboard) toLogin(w http.ResponseWriter, r *http.Request) {
	target := "/dashboard/login"
	if r.Method == http.MethodGet && r.URL.Path != "/dashboard/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext returns next when it is a dashboard path on this site, else the
// dashboard's home.
func safeNext(next string) string {
	if strings.HasPrefix(next, Prefix) && !strings.ContainsAny(next, "\\\r\n") && !strings.HasPrefix(next, "//") {
		if u, err := url.Parse(next); err == nil && u.Scheme == "" && u.Host == "" {
			return next
		}
	}
	return Prefix
}
