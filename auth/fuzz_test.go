package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

// FuzzParse checks that the parser never panics, accepts only strings of the
// documented shapes, and that whatever it accepts re-derives the same hash.
func FuzzParse(f *testing.F) {
	pat, _ := NewPAT()
	key, _ := NewAPIKey(meetd.NewID())
	for _, s := range []string{pat, key, "", "rgo-", "ak_live:", "ak_live:x:y", pat + " ", strings.ToUpper(pat)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if err != ErrMalformed {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if p.Hash != Hash(s) {
			t.Fatal("hash mismatch")
		}
		switch p.Kind {
		case meetd.KindPAT:
			if len(s) != 36 || !strings.HasPrefix(s, PATPrefix) {
				t.Fatalf("accepted %q as a PAT", s)
			}
		case meetd.KindAPIKey:
			if len(s) != 77 || !strings.HasPrefix(s, APIKeyPrefix) || !meetd.IsUUID(p.KeyID) {
				t.Fatalf("accepted %q as an API key", s)
			}
		default:
			t.Fatalf("unknown kind %q", p.Kind)
		}
	})
}

// FuzzResolveHeaders feeds arbitrary Authorization and
// x-meetergo-api-user-id values to principal resolution. Whatever comes in,
// the answer is a principal or one of the documented errors, never a panic
// or an internal error, and no error message repeats the input.
func FuzzResolveHeaders(f *testing.F) {
	s := newWorld(f)
	v := s.verifier(f, nil)
	for _, seed := range [][2]string{
		{"Bearer " + s.patToken, ""}, {"Bearer " + s.patToken, s.owner.ID}, {"Bearer " + s.patToken, meetd.NewID()},
		{"Bearer " + s.keyToken, ""}, {"Bearer " + s.keyToken, s.owner.ID}, {"Bearer " + s.keyToken, "not-a-uuid"},
		{"bearer " + s.keyToken, strings.ToUpper(s.owner.ID)}, {"Basic abc", ""}, {"Bearer", ""}, {"", "x"},
		{"Bearer  " + s.patToken, ""}, {"Bearer ak_live:" + s.owner.ID + ":x", ""},
	} {
		f.Add(seed[0], seed[1], true)
		f.Add(seed[0], seed[1], false)
	}
	allowed := map[string]bool{}
	for _, e := range []*meetd.Error{ErrMissingAuthorization, ErrInvalidAPIKey, ErrInvalidPAT, ErrExpiredAPIKey,
		ErrExpiredPAT, ErrPATImpersonation, ErrActingUserNotUUID, ErrActingUserForeign, ErrActingUserMissing} {
		allowed[e.Message] = true
	}
	f.Fuzz(func(t *testing.T, authz, acting string, needsUser bool) {
		p, err := v.Resolve(context.Background(), Request{Authorization: authz, ActingUser: acting, NeedsUser: needsUser})
		if err != nil {
			msg := meetd.ErrorMessage(err)
			if !allowed[msg] {
				t.Fatalf("Resolve(%q, %q) = %v: not a documented answer", authz, acting, err)
			}
			return
		}
		if p.Company.ID != s.company.ID || p.User.ID != s.owner.ID {
			t.Fatalf("Resolve(%q, %q) resolved to %+v", authz, acting, p)
		}
	})
}
