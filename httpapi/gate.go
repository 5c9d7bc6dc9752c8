package httpapi

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// The input gate: every text a request brings in (JSON strings and keys,
// form values, query values, path values and the headers meetd reads) is
// checked once, where it is read, by the same rules on SQLite and
// PostgreSQL. It must be valid UTF-8 without NUL (PostgreSQL stores
// neither invalid UTF-8 nor NUL, SQLite would store and serve back both)
// and of bounded length. A refusal is a 400 validation failure naming the
// field, so both engines answer alike and nothing refused is stored.
// docs/decisions.md ("Input text") lists the rules and messages.
const (
	// MaxStringChars bounds any one JSON string of a request body and any
	// form value, in characters.
	MaxStringChars = 10000
	// MaxKeyChars bounds a JSON object key, in characters.
	MaxKeyChars = 200
	// MaxParamBytes bounds each query value and path value, in bytes.
	MaxParamBytes = 2000
	// MaxHeaderBytes bounds Idempotency-Key and x-meetergo-api-user-id.
	MaxHeaderBytes = 255
	// MaxNesting bounds how deep a JSON body's arrays and objects nest.
	MaxNesting = 32
	// MaxExtraBytes bounds the fields a meeting type keeps without
	// interpreting them (its unknown fields, meetingInfo's and
	// meetingOptions' included), all together, serialized.
	MaxExtraBytes = 16 << 10
)

// fieldLimits are the lengths, in characters, of fields with an obvious
// bound: they apply to a JSON key of that name at any depth, a form value
// and a query parameter of that name. Handlers may check more (a name
// must not be blank); they need not check these.
var fieldLimits = map[string]int{
	"slug":       100,
	"email":      254,
	"name":       200,
	"givenName":  200,
	"familyName": 200,
	"firstname":  200,
	"lastname":   200,
	"fullname":   200,
	// An appointment's transcription and summary (PATCH …/transcription).
	"transcription": meetd.MaxTranscriptionLength,
	"summary":       meetd.MaxTranscriptionLength,
}

// maxGateErrors bounds the field errors one refusal lists, so the answer
// to a body full of bad strings stays small.
const maxGateErrors = 10

func badText(field string) string {
	return field + " must be valid UTF-8 text without NUL characters"
}

// cleanText reports whether s is valid UTF-8 without NUL.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// limitOf is the length bound of the field named key, in characters.
func limitOf(key string) int {
	if n, ok := fieldLimits[key]; ok {
		return n
	}
	return MaxStringChars
}

// shown makes a name from the request fit for an error body: valid UTF-8,
// NUL replaced, at most 100 characters.
func shown(name string) string {
	name = strings.ReplaceAll(strings.ToValidUTF8(name, "\uFFFD"), "\x00", "\uFFFD")
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100]) + "…"
	}
	return name
}

// checkText records in v what is wrong with one text value: a form value,
// or a query or path value (maxBytes > 0 bounds its bytes as well).
func checkText(v *meetd.Validation, field, key, s string, maxBytes int) {
	field = shown(field)
	switch {
	case !cleanText(s):
		v.Add(field, badText(field))
	case maxBytes > 0 && len(s) > maxBytes:
		v.Add(field, field+" must be at most "+strconv.Itoa(maxBytes)+" bytes")
	case utf8.RuneCountInString(s) > limitOf(key):
		v.Add(field, field+" must be at most "+strconv.Itoa(limitOf(key))+" characters")
	}
}

// checkValues checks every name and value of a query string or form, in
// the order of their names, so an answer does not vary.
func checkValues(v *meetd.Validation, values url.Values, maxBytes int) {
	for _, name := range slices.Sorted(maps.Keys(values)) {
		vals := values[name]
		if !cleanText(name) || len(name) > MaxKeyChars {
			checkText(v, name, "", name, MaxKeyChars)
			continue
		}
		for _, s := range vals {
			checkText(v, name, name, s, maxBytes)
		}
	}
}

// checkForm checks a parsed form body (and the query, already checked by
// the gate, again).
func checkForm(r *http.Request) error {
	var v meetd.Validation
	checkValues(&v, r.Form, 0)
	return capped(&v)
}

// capped returns v's error with at most maxGateErrors field errors.
func capped(v *meetd.Validation) error {
	err := v.Err()
	if e, ok := err.(*meetd.Error); ok && len(e.Fields) > maxGateErrors {
		e.Fields = e.Fields[:maxGateErrors]
	}
	return err
}

// gated checks a route's query values and, for routes that take a
// credential, its credential headers before anything else runs: the
// handler, and for a guarded route the credential lookup. Path values are
// not its business: every one is an id, and an id that is not a UUID
// names nothing (404, docs/decisions.md), which each handler decides
// before any lookup.
func gated(rt Route, next http.Handler) http.Handler {
	if !strings.HasPrefix(rt.Pattern, "/v4/") && rt.Pattern != "/webhooks" && !strings.HasPrefix(rt.Pattern, "/webhooks/") {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v meetd.Validation
		// A query that does not parse is read as the part that does, as
		// the handlers read it.
		if r.URL.RawQuery != "" {
			checkValues(&v, r.URL.Query(), MaxParamBytes)
		}
		if rt.Access != Public {
			checkCredentialHeaders(&v, r.Header)
		}
		if err := capped(&v); err != nil {
			writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkCredentialHeaders refuses a second Authorization or
// x-meetergo-api-user-id header (which one would win is up to whoever
// reads it, so neither does), and an acting-user header that is not short
// printable ASCII.
func checkCredentialHeaders(v *meetd.Validation, h http.Header) {
	// The map is read by canonical key: net/http stores the headers of a
	// request under their canonical names, and a name that is not
	// canonical would be canonicalised (an allocation) on every read.
	if len(h["Authorization"]) > 1 {
		v.Add("Authorization", "Authorization must be sent once")
	}
	acting := h[actingUserHeader]
	if len(acting) > 1 {
		v.Add("x-meetergo-api-user-id", "x-meetergo-api-user-id must be sent once")
	}
	if len(acting) == 1 && !printableASCII(acting[0], MaxHeaderBytes) {
		v.Add("x-meetergo-api-user-id", "x-meetergo-api-user-id must be at most 255 printable ASCII characters")
	}
}

// actingUserHeader is x-meetergo-api-user-id's canonical name, the key of
// its values in an http.Header.
const actingUserHeader = "X-Meetergo-Api-User-Id"

// printableASCII reports whether s is at most max bytes of ASCII from
// space to tilde.
func printableASCII(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// checkIdempotencyKey is the gate for the Idempotency-Key header: at most
// 255 printable ASCII characters.
func checkIdempotencyKey(key string) error {
	if len(key) > MaxHeaderBytes {
		return meetd.Errorf(meetd.EINVALID, "Idempotency-Key must be at most 255 characters")
	}
	if !printableASCII(key, MaxHeaderBytes) {
		return meetd.Errorf(meetd.EINVALID, "Idempotency-Key must be printable ASCII")
	}
	return nil
}

// securityHeaders are set on every response: browsers must not sniff a
// JSON answer into something executable, and a client that reached the
// server over HTTPS must not be talked into plain HTTP later. The values
// are info's or constant: setting them allocates nothing.
func (s *Server) securityHeaders(h http.Header, info *requestInfo) {
	h["X-Content-Type-Options"] = info.headers[1:2:2]
	if info.secure {
		h["Strict-Transport-Security"] = hsts
	}
}

// hsts is the one value of Strict-Transport-Security. Header values are
// replaced, never written in place, so responses can share it.
var hsts = []string{"max-age=63072000; includeSubDomains"}
