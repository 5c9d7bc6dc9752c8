package dashboard

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// maxPasswordLength bounds a new dashboard password (argon2 would take any
// length; a bound keeps forms sane).
const maxPasswordLength = 1024

// maxConcurrentHashes bounds how many argon2id computations (64 MiB each)
// run at once, so a burst of sign-ins cannot exhaust memory.
const maxConcurrentHashes = 4

// hashSlot waits for a free argon2 slot; release it with the returned func.
func (d *Dashboard) hashSlot(ctx context.Context) (func(), error) {
	select {
	case d.hashing <- struct{}{}:
		return func() { <-d.hashing }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (d *Dashboard) hashPassword(ctx context.Context, pw string) (string, error) {
	release, err := d.hashSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return d.cfg.Passwords.Hash(pw), nil
}

func (d *Dashboard) checkPassword(ctx context.Context, hash, pw string) (bool, error) {
	release, err := d.hashSlot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return auth.CheckPassword(hash, pw), nil
}

// checkNewPassword adds the problems of a new password and its confirmation
// to v.
func checkNewPassword(v *meetd.Validation, pw, confirm string) {
	switch {
	case utf8.RuneCountInString(pw) < auth.MinPasswordLength:
		v.Add("password", "the password needs at least "+strconv.Itoa(auth.MinPasswordLength)+" characters")
	case len(pw) > maxPasswordLength:
		v.Add("password", "the password is too long")
	case pw != confirm:
		v.Add("password", "the two passwords do not match")
	}
}

// userForm is the person part of the setup and add-user forms.
type userForm struct {
	Email      string
	GivenName  string
	FamilyName string
	Timezone   string
	Role       string
	Type       string
}

func readUserForm(r *http.Request) userForm {
	return userForm{
		Email:      strings.TrimSpace(r.PostFormValue("email")),
		GivenName:  strings.TrimSpace(r.PostFormValue("given_name")),
		FamilyName: strings.TrimSpace(r.PostFormValue("family_name")),
		Timezone:   strings.TrimSpace(r.PostFormValue("timezone")),
		Role:       r.PostFormValue("role"),
		Type:       r.PostFormValue("type"),
	}
}

// check adds the form's problems to v, in words for people.
func (f userForm) check(v *meetd.Validation) {
	if !meetd.ValidEmail(f.Email) {
		v.Add("email", "enter a valid email address")
	}
	for _, n := range []struct{ field, label, value string }{
		{"givenName", "first name", f.GivenName}, {"familyName", "last name", f.FamilyName},
	} {
		if n.value == "" {
			v.Add(n.field, "enter a "+n.label)
		} else if len(n.value) > meetd.MaxNameLength {
			v.Add(n.field, "the "+n.label+" may have at most "+strconv.Itoa(meetd.MaxNameLength)+" characters")
		}
	}
	if _, ok := meetd.LoadZone(f.Timezone); f.Timezone == "" || !ok {
		v.Add("timezone", "enter a time zone such as Europe/Berlin or America/New_York")
	}
}

// timezones are offered as suggestions; any IANA zone is accepted.
var timezones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Zurich", "Europe/Vienna", "Europe/Warsaw",
	"Europe/Stockholm", "Europe/Helsinki", "Europe/Athens", "Europe/Istanbul", "Europe/Kyiv", "Africa/Johannesburg",
	"Africa/Lagos", "Africa/Cairo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
	"Asia/Seoul", "Australia/Sydney", "Pacific/Auckland", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Toronto", "America/Mexico_City", "America/Sao_Paulo", "America/Buenos_Aires"}

// tooMany answers a rate-limited attempt with a 429 page of page, telling
// how long to wait.
func (d *Dashboard) tooMany(w http.ResponseWriter, r *http.Request, page string, v *view, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	v.Error = "Too many attempts. Please wait " + strconv.Itoa(secs) + " seconds and try again."
	d.render(w, r, http.StatusTooManyRequests, page, v)
}
