package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// fields is a JSON object read key by key, for bodies whose unknown keys
// must be kept (meeting types) or whose keys may be null to clear a value.
// Each getter records a validation error in v for a value of the wrong
// type and reports whether the key was present.
type fields map[string]json.RawMessage

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// take removes and returns key, so what remains are the extras.
func (f fields) take(key string) (json.RawMessage, bool) {
	raw, ok := f[key]
	delete(f, key)
	return raw, ok
}

func (f fields) str(v *meetd.Validation, name, key string) (*string, bool) {
	raw, ok := f.take(key)
	if !ok || isNull(raw) {
		return nil, ok
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		v.Add(name, name+" must be a string")
		return nil, true
	}
	return &s, true
}

func (f fields) integer(v *meetd.Validation, name, key string, lo, hi int) (*int, bool) {
	raw, ok := f.take(key)
	if !ok || isNull(raw) {
		return nil, ok
	}
	var n int
	if json.Unmarshal(raw, &n) != nil || n < lo || n > hi {
		v.Add(name, fmt.Sprintf("%s must be an integer from %d to %d", name, lo, hi))
		return nil, true
	}
	return &n, true
}

func (f fields) boolean(v *meetd.Validation, name, key string) (*bool, bool) {
	raw, ok := f.take(key)
	if !ok || isNull(raw) {
		return nil, ok
	}
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		v.Add(name, name+" must be a boolean")
		return nil, true
	}
	return &b, true
}

func (f fields) object(v *meetd.Validation, name, key string) (fields, bool) {
	raw, ok := f.take(key)
	if !ok || isNull(raw) {
		return nil, ok
	}
	var o fields
	if json.Unmarshal(raw, &o) != nil || o == nil {
		v.Add(name, name+" must be an object")
		return nil, true
	}
	return o, true
}

// decode unmarshals key into dst, reporting a type error under name.
func (f fields) decode(v *meetd.Validation, name, key string, dst any) bool {
	raw, ok := f.take(key)
	if !ok || isNull(raw) {
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		v.Add(name, name+" has the wrong type")
		return false
	}
	return true
}

// extras returns what is left, or nil.
func (f fields) extras() map[string]json.RawMessage {
	if len(f) == 0 {
		return nil
	}
	return map[string]json.RawMessage(f)
}

// checkExtras bounds what a meeting type keeps without interpreting it:
// its unknown fields and meetingInfo's and meetingOptions' together may
// take MaxExtraBytes serialized. It checks the merged result, so PATCHes
// cannot grow the extras past the bound one field at a time. A refusal
// names the largest kept field, the one to drop (null removes it).
func checkExtras(v *meetd.Validation, m *meetd.MeetingType) {
	total, largest, largestSize := 0, "", -1
	for prefix, set := range map[string]map[string]json.RawMessage{
		"": m.Extra, "meetingInfo.": m.ExtraInfo, "meetingOptions.": m.ExtraOptions} {
		for k, raw := range set {
			size := len(k) + len(raw) + 4 // quotes, colon, comma
			total += size
			if size > largestSize || size == largestSize && prefix+k < largest {
				largest, largestSize = prefix+k, size
			}
		}
	}
	if total > MaxExtraBytes {
		field := shown(largest)
		v.Add(field, fmt.Sprintf("fields meetd does not interpret may take at most %d bytes together; the largest is %s", MaxExtraBytes, field))
	}
}

// parseInstant reads an ISO 8601 datetime with an offset or Z.
func parseInstant(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseDateOrInstant reads a datetime, or a YYYY-MM-DD date taken as local
// midnight in loc. isDate reports which it was.
func parseDateOrInstant(s string, loc *time.Location) (t time.Time, isDate, ok bool) {
	if t, ok := parseInstant(s); ok {
		return t, false, true
	}
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, false, false
	}
	return d, true, true
}
