// Package meetdtest holds the fixtures that the tests of every meetd package
// share: cheap password hashing and tenants (a company with its people and
// credentials) built on a real store. It is for tests only; no server code
// imports it.
package meetdtest

import "github.com/meetd/meetd/auth"

// Passwords returns argon2id parameters that cost next to nothing (one pass
// over 64 KiB), for tests that create and check many passwords. The hashes
// record their parameters, so auth.CheckPassword verifies them exactly as it
// verifies production hashes. Never use them outside tests.
func Passwords() auth.PasswordParams {
	return auth.PasswordParams{Time: 1, Memory: 64, Threads: 1}
}
