package dashboard

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// A page that creates a secret (a token, an API key, a generated password)
// answers its POST with a redirect, and the page the browser then loads
// shows the secret once (post, redirect, get): reloading it creates nothing
// and shows the secret no more.
//
// Between the POST and the GET the secret is kept in two halves, so that it
// is nowhere at rest in readable form: the session, which lives in the
// database, holds it sealed with a fresh key (AES-256-GCM), and a cookie
// that only this browser holds carries the key. The GET takes both away.
// A reveal left untaken expires after revealTTL; it is bound to its page and
// to the user who made it.

// revealTTL is how long a secret waits for the page that shows it.
const revealTTL = 5 * time.Minute

// revealCookiePrefix names the cookie with the key of a page's reveal.
const revealCookiePrefix = "meetd_reveal_"

// Pages that reveal a secret.
const (
	revealTokens  = "tokens"
	revealAPIKeys = "apikeys"
	revealUsers   = "users"
)

// sealedReveal is what the session holds until the page is loaded.
type sealedReveal struct {
	At      time.Time
	Payload json.RawMessage
}

func revealSessionKey(page string) string { return "reveal_" + page }

func (d *Dashboard) revealCookie(r *http.Request, page, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: revealCookiePrefix + page, Value: value, Path: "/dashboard", MaxAge: maxAge,
		HttpOnly: true, Secure: d.cfg.SecureCookies || d.secure(r), SameSite: http.SameSiteStrictMode}
}

// stash keeps payload for the next load of page by v (see the comment
// above). It must run before the response's header is written.
func (d *Dashboard) stash(w http.ResponseWriter, r *http.Request, v *viewer, page string, payload any) error {
	inner, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(sealedReveal{At: d.cfg.Clock.Now(), Payload: inner})
	if err != nil {
		return err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	aead, err := newAEAD(key)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, plain, revealBinding(v, page))
	d.sm.Put(r.Context(), revealSessionKey(page), base64.RawURLEncoding.EncodeToString(sealed))
	http.SetCookie(w, d.revealCookie(r, page, base64.RawURLEncoding.EncodeToString(key), int(revealTTL/time.Second)))
	return nil
}

// take returns what stash kept for page into dst and forgets it, reporting
// whether there was anything (unexpired, for this user) to show. It must
// run before the response's header is written.
func (d *Dashboard) take(w http.ResponseWriter, r *http.Request, v *viewer, page string, dst any) bool {
	sealed := d.sm.PopString(r.Context(), revealSessionKey(page))
	c, err := r.Cookie(revealCookiePrefix + page)
	if err == nil {
		http.SetCookie(w, d.revealCookie(r, page, "", -1))
	}
	if sealed == "" || err != nil {
		return false
	}
	key, err1 := base64.RawURLEncoding.DecodeString(c.Value)
	box, err2 := base64.RawURLEncoding.DecodeString(sealed)
	if err1 != nil || err2 != nil || len(key) != 32 {
		return false
	}
	aead, err := newAEAD(key)
	if err != nil || len(box) < aead.NonceSize() {
		return false
	}
	plain, err := aead.Open(nil, box[:aead.NonceSize()], box[aead.NonceSize():], revealBinding(v, page))
	if err != nil {
		return false
	}
	var sr sealedReveal
	if json.Unmarshal(plain, &sr) != nil || d.cfg.Clock.Now().Sub(sr.At) > revealTTL {
		return false
	}
	return json.Unmarshal(sr.Payload, dst) == nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// revealBinding is the additional data a reveal is sealed with: a reveal
// opens only on its own page, for the user who made it.
func revealBinding(v *viewer, page string) []byte {
	return []byte(page + "\x00" + v.User.ID)
}
