package httpapi

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Every request logs one line at info. Through slog the line took a
// record, its attribute list and the JSON handler's state machine, about
// a tenth of a /healthz's CPU under load (BENCHMARKS.md, "The request
// line under load"); written by hand it takes a few appends. The bytes
// are exactly those slog's JSONHandler writes for the same record, which
// a fuzz test holds equal.

// requestLine is what the request line says.
type requestLine struct {
	at                                 time.Time
	id, credential, acting, method, ip string
	path                               string
	status                             int
	durationMS                         int64
}

// linePool keeps line buffers between requests.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 320); return &b }}

// appendRequestLine appends l as slog.NewJSONHandler writes a record of
// level info and message "request" with l's attributes in this order,
// newline included.
func appendRequestLine(b []byte, l requestLine) []byte {
	b = append(b, `{"time":"`...)
	b = l.at.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"request","request_id":`...)
	b = appendSlogString(b, l.id)
	b = append(b, `,"credential_id":`...)
	b = appendSlogString(b, l.credential)
	b = append(b, `,"acting_user_id":`...)
	b = appendSlogString(b, l.acting)
	b = append(b, `,"method":`...)
	b = appendSlogString(b, l.method)
	b = append(b, `,"path":`...)
	b = appendSlogString(b, l.path)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendInt(b, l.durationMS, 10)
	b = append(b, `,"ip":`...)
	b = appendSlogString(b, l.ip)
	return append(b, "}\n"...)
}

// appendSlogString appends s quoted as slog's JSONHandler quotes a string
// value: quote, backslash, \n, \r and \t escaped, other control
// characters as \u00XX, U+2028 and U+2029 as \u2028 and \u2029, each byte
// of invalid UTF-8 as \ufffd, and nothing else (no HTML escaping, unlike
// appendJSONString).
func appendSlogString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
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
