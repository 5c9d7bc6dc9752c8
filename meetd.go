// Package meetd holds the domain of the meetd scheduling platform API: the
// types every other package shares (companies, users, credentials, the
// principal a request acts as), the one error type, the clock and the store
// contract. It imports neither net/http nor database/sql: the packages that
// implement these contracts live beside it and cmd/meetd wires them together.
package meetd

import (
	"crypto/rand"
	"fmt"
	"time"
)

// Clock tells the time. Everything that reads the time takes a Clock so that
// tests can move time deliberately; the database never supplies "now".
type Clock interface {
	Now() time.Time
}

// SystemClock is the Clock of the running server: the machine's time in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// NewID returns a random (version 4) UUID in its canonical lower-case form.
// It panics only if the operating system's random source fails, which leaves
// nothing safe to do.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("meetd: random source failed: %v", err))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// IsUUID reports whether s is a UUID in the 8-4-4-4-12 hexadecimal form,
// in either case. It does not check the version or variant bits, because
// clients send ids minted by other systems.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// FormatTime renders t the way every response does: ISO 8601 in UTC with
// milliseconds, for example 2024-01-15T10:30:00.000Z.
func FormatTime(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(timeLayout)
	}
	// Written by hand: every response formats its times, and time.Format
	// spends most of its effort reading the layout.
	hour, minute, sec := t.Clock()
	var b [len(timeLayout)]byte
	digits(b[0:4], year)
	b[4] = '-'
	digits(b[5:7], int(month))
	b[7] = '-'
	digits(b[8:10], day)
	b[10] = 'T'
	digits(b[11:13], hour)
	b[13] = ':'
	digits(b[14:16], minute)
	b[16] = ':'
	digits(b[17:19], sec)
	b[19] = '.'
	digits(b[20:23], t.Nanosecond()/1e6) // truncated, as Format does
	b[23] = 'Z'
	return string(b[:])
}

// timeLayout is FormatTime's layout.
const timeLayout = "2006-01-02T15:04:05.000Z"

// digits writes n into b in decimal, zero-padded to len(b) digits.
func digits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}
