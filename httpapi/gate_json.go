package httpapi

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// checkJSONText is the input gate for a JSON body: it walks the raw bytes
// (encoding/json would quietly turn invalid UTF-8 into U+FFFD in decoded
// strings, but keeps it verbatim in a json.RawMessage, and never refuses
// \u0000) and records every string or key that is not valid UTF-8 text
// without NUL, is longer than its limit, or nests too deep, under its path
// ("attendee.notes.answer", "hostIds.0"). It refuses nothing else: a body
// that is not JSON is left to json.Unmarshal to call malformed.
func checkJSONText(body []byte) error {
	s := jsonScan{b: body}
	s.value("", "", 0)
	return capped(&s.v)
}

// jsonScan walks one JSON document.
type jsonScan struct {
	b []byte
	i int
	v meetd.Validation
	// stop is set on a syntax error (json.Unmarshal reports it) or when
	// enough errors were found.
	stop   bool
	errors int
}

func (s *jsonScan) add(field, message string) {
	s.v.Add(field, message)
	if s.errors++; s.errors >= maxGateErrors {
		s.stop = true
	}
}

func (s *jsonScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// value walks the value at s.i, whose path is path and whose key (the
// last name of the path, "" in an array) selects its length limit.
func (s *jsonScan) value(path, key string, depth int) {
	s.ws()
	if s.stop || s.i >= len(s.b) {
		s.stop = true
		return
	}
	switch s.b[s.i] {
	case '{', '[':
		if depth >= MaxNesting {
			s.add(shown(path), shown(path)+" must not nest deeper than "+strconv.Itoa(MaxNesting)+" levels")
			s.stop = true
			return
		}
		if s.b[s.i] == '{' {
			s.object(path, depth)
		} else {
			s.array(path, depth)
		}
	case '"':
		_, chars, clean := s.str()
		if s.stop {
			return
		}
		field := shown(path)
		if !clean {
			s.add(field, badText(field))
		} else if limit := limitOf(key); chars > limit {
			s.add(field, field+" must be at most "+strconv.Itoa(limit)+" characters")
		}
	default: // a number or literal: json.Unmarshal judges it
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', ']', '}', ' ', '\t', '\r', '\n':
				return
			}
			s.i++
		}
	}
}

func (s *jsonScan) object(path string, depth int) {
	s.i++ // {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return
	}
	for !s.stop {
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			s.stop = true
			return
		}
		lit, chars, clean := s.str()
		if s.stop {
			return
		}
		// A key is named as encoding/json reads it (invalid UTF-8 as
		// U+FFFD, escapes decoded), or raw where even it cannot.
		var key string
		if json.Unmarshal(lit, &key) != nil {
			key = string(lit[1 : len(lit)-1])
		}
		field := shown(join(path, key))
		switch {
		case !clean:
			s.add(field, badText(field))
		case chars > MaxKeyChars:
			s.add(field, field+" must be a key of at most "+strconv.Itoa(MaxKeyChars)+" characters")
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			s.stop = true
			return
		}
		s.i++
		s.value(join(path, key), key, depth+1)
		if !s.next('}') {
			return
		}
	}
}

func (s *jsonScan) array(path string, depth int) {
	s.i++ // [
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return
	}
	for n := 0; !s.stop; n++ {
		s.value(join(path, strconv.Itoa(n)), "", depth+1)
		if !s.next(']') {
			return
		}
	}
}

// next steps past what follows a member or element: true after a comma,
// when another comes; false after close, which ends the container, and
// false with s.stop set on anything else.
func (s *jsonScan) next(close byte) bool {
	s.ws()
	if s.stop || s.i >= len(s.b) {
		s.stop = true
		return false
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return true
	case close:
		s.i++
		return false
	}
	s.stop = true
	return false
}

// str reads the string literal at s.i and returns it with its quotes, its
// length in characters and whether it is valid UTF-8 text without NUL:
// no invalid byte sequence, no NUL as a byte or as \u0000, and no \u
// escape of half a surrogate pair.
func (s *jsonScan) str() (lit []byte, chars int, clean bool) {
	start := s.i
	s.i++ // "
	clean = true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start:s.i], chars, clean
		case c == '\\':
			if s.i+1 >= len(s.b) {
				s.stop = true
				return nil, 0, false
			}
			chars++
			if s.b[s.i+1] != 'u' {
				s.i += 2
				continue
			}
			r, ok := hex4(s.b[s.i+2:])
			if !ok {
				s.stop = true
				return nil, 0, false
			}
			s.i += 6
			switch {
			case r == 0:
				clean = false
			case r >= 0xd800 && r < 0xdc00: // must be followed by its low half
				if lo, ok := lowSurrogate(s.b[s.i:]); ok && lo >= 0xdc00 && lo < 0xe000 {
					s.i += 6
				} else {
					clean = false
				}
			case r >= 0xdc00 && r < 0xe000:
				clean = false
			}
		case c < utf8.RuneSelf:
			if c == 0 {
				clean = false
			}
			s.i++
			chars++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				clean = false
			}
			s.i += size
			chars++
		}
	}
	s.stop = true
	return nil, 0, false
}

// lowSurrogate reads a \uXXXX escape at the start of b.
func lowSurrogate(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	return hex4(b[2:])
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}
