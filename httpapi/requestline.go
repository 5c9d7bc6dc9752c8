package httpapi

import (
	"strconv"
	"sync"
	"time"
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
// value: like appendJSONString but without HTML escaping, and with \b and
// \f as \u0008 and \u000c.
func appendSlogString(b []byte, s string) []byte { return appendQuoted(b, s, &slogQuoting) }
