package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters of new password hashes.
// Every hash records the parameters it was made with, so CheckPassword
// verifies a hash whatever its parameters: changing them affects only the
// hashes made from then on. The zero value means DefaultPasswordParams.
type PasswordParams struct {
	// Time is the number of passes over the memory; at least 1.
	Time uint32
	// Memory is the memory used, in KiB.
	Memory uint32
	// Threads is the degree of parallelism; at least 1.
	Threads uint8
}

// DefaultPasswordParams returns the production parameters (RFC 9106's
// second recommended set, memory-light: 3 passes over 64 MiB, 2 lanes).
// Servers use them; only tests have reason to pass cheaper ones.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Time: 3, Memory: 64 * 1024, Threads: 2}
}

// Lengths of the salt and the derived key, the same for every parameter set.
const (
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLength is the shortest dashboard password accepted.
const MinPasswordLength = 12

// orDefault returns p, or DefaultPasswordParams for the zero value.
func (p PasswordParams) orDefault() PasswordParams {
	if p == (PasswordParams{}) {
		return DefaultPasswordParams()
	}
	return p
}

// Hash returns the argon2id hash of a dashboard password made with p, in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash). It panics when
// p is non-zero with Time or Threads 0, as argon2 itself does.
func (p PasswordParams) Hash(password string) string {
	p = p.orDefault()
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		panic("auth: random source failed: " + err.Error())
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// HashPassword returns the argon2id hash of a dashboard password made with
// DefaultPasswordParams.
func HashPassword(password string) string { return PasswordParams{}.Hash(password) }

// CheckPassword reports whether password matches an encoded hash made by
// PasswordParams.Hash with any parameters (the hash records them). A
// malformed or empty hash never matches.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil || iters < 1 || threads < 1 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// RandomPassword returns a fresh random password of 20 base62 characters.
func RandomPassword() string { return randomBase62(20) }
