package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// The hottest answers are written by hand rather than by encoding/json's
// reflection, which was most of a GET /v4/user/me's handler time under load
// (BENCHMARKS.md, "Request path"). Each appender writes exactly the bytes
// json.Marshal writes for the same value, HTML escaping included; a fuzz
// test holds them equal.

// appendJSONString appends s as a JSON string, escaped as json.Marshal
// escapes it: quote and backslash, \b \f \n \r \t by name, other control
// characters and <, >, & as \u00XX, U+2028 and U+2029 as \u2028 and
// \u2029, and each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte { return appendQuoted(b, s, &marshalQuoting) }

// quoting is how a JSON encoder escapes a string: which ASCII bytes it
// keeps as they are, and which control bytes it escapes by name (\n)
// rather than as \u00XX. Both escape quote and backslash with a
// backslash, U+2028 and U+2029 as \u2028 and \u2029, and each byte of
// invalid UTF-8 as \ufffd.
type quoting struct {
	plain [utf8.RuneSelf]bool
	named [0x20]byte // the letter after the backslash, or 0
}

// newQuoting keeps every printable ASCII byte but quote, backslash and
// those in escaped, and names the control bytes in named ("\n" → 'n').
func newQuoting(escaped string, named map[byte]byte) (q quoting) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		q.plain[c] = c != '"' && c != '\\' && !strings.ContainsRune(escaped, rune(c))
	}
	for c, letter := range named {
		q.named[c] = letter
	}
	return q
}

// marshalQuoting is encoding/json's (HTML-safe); slogQuoting is
// log/slog's JSONHandler's.
var (
	marshalQuoting = newQuoting("<>&", map[byte]byte{'\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't'})
	slogQuoting    = newQuoting("", map[byte]byte{'\n': 'n', '\r': 'r', '\t': 't'})
)

// appendQuoted appends s as a JSON string escaped the way q says.
func appendQuoted(b []byte, s string, q *quoting) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if q.plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 && q.named[c] != 0:
				b = append(b, '\\', q.named[c])
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSON appends j as json.Marshal writes it.
func (j *userJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, j.ID)
	b = append(b, `,"email":`...)
	b = appendJSONString(b, j.Email)
	b = append(b, `,"givenName":`...)
	b = appendJSONString(b, j.GivenName)
	b = append(b, `,"familyName":`...)
	b = appendJSONString(b, j.FamilyName)
	b = append(b, `,"fullName":`...)
	b = appendJSONString(b, j.FullName)
	b = append(b, `,"slug":`...)
	b = appendJSONString(b, j.Slug)
	b = append(b, `,"timezone":`...)
	b = appendJSONString(b, j.Timezone)
	b = append(b, `,"companyId":`...)
	b = appendJSONString(b, j.CompanyID)
	b = append(b, `,"userType":`...)
	b = appendJSONString(b, j.UserType)
	b = append(b, `,"isAdmin":`...)
	b = strconv.AppendBool(b, j.IsAdmin)
	b = append(b, `,"role":`...)
	b = appendJSONString(b, j.Role)
	b = append(b, `,"defaultAvailabilityId":`...)
	if j.DefaultAvailabilityID == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *j.DefaultAvailabilityID)
	}
	b = append(b, `,"createdAt":`...)
	b = appendJSONString(b, j.CreatedAt)
	b = append(b, `,"updatedAt":`...)
	b = appendJSONString(b, j.UpdatedAt)
	return append(b, '}')
}

// answerBuffers hold the bytes of hand-written answers between requests:
// the response writer copies what it is given, so a buffer is free again
// once Write returns.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// writeUser answers status with u as a User object, the bytes
// writeJSON(w, status, toUserJSON(u)) writes.
func writeUser(w http.ResponseWriter, status int, u meetd.User) {
	j := toUserJSON(u)
	bp := answerBuffers.Get().(*[]byte)
	b := j.appendJSON((*bp)[:0])
	writeJSONBytes(w, status, b)
	*bp = b[:0]
	answerBuffers.Put(bp)
}
