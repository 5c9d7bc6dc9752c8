package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCheckJSONTextPassesCleanText: text that is valid UTF-8 without NUL
// passes however it is spelled, and so does JSON the gate need not judge.
func TestCheckJSONTextPassesCleanText(t *testing.T) {
	for _, body := range []string{
		`{}`, `{"a":1,"b":-2.5e3,"c":true,"d":false,"e":null,"f":[],"g":{}}`,
		`{"emoji":"😀","escaped pair":"\ud83d\ude00","replacement char":"\ufffd","ctl":"\u0001\t\n"}`,
		`{"quote":"a\"b\\c\/d","nested":[[1,[2,{"x":"y"}]],{"z":[]}]}`,
		` { "spaced" : [ 1 , "two" ] } `,
		`{"slug":"` + strings.Repeat("s", 100) + `","zz":"` + strings.Repeat("é", 10000) + `"}`,
		`{"not json": }`, // malformed: json.Unmarshal says so, not the gate
	} {
		if err := checkJSONText([]byte(body)); err != nil {
			t.Errorf("%.60s: %v", body, err)
		}
	}
}

// FuzzCheckJSONText: whatever JSON the gate passes decodes to text
// PostgreSQL can store: valid UTF-8, no NUL, no string or key made up by
// encoding/json's replacement of invalid input.
func FuzzCheckJSONText(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u0000"}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":[{"b":"c"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkJSONText(b) != nil || !json.Valid(b) {
			return
		}
		if !utf8.Valid(b) {
			t.Fatalf("passed invalid UTF-8: %q", b)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return
		}
		var walk func(any)
		walk = func(x any) {
			switch x := x.(type) {
			case string:
				if strings.ContainsRune(x, 0) || strings.ContainsRune(x, utf8.RuneError) && !strings.Contains(string(b), "\ufffd") &&
					!strings.Contains(strings.ToLower(string(b)), `\ufffd`) {
					t.Fatalf("passed %q, decoded to %q", b, x)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					walk(k)
					walk(e)
				}
			}
		}
		walk(v)
	})
}
