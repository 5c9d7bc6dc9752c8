package pages

import (
	"net/http/httptest"
	"testing"
)

func TestLanguageIsChosenByQualityThenSwitch(t *testing.T) {
	for _, tc := range []struct{ header, query, want string }{
		{"", "", "en"},
		{"de-DE,de;q=0.9,en;q=0.8", "", "de"},
		{"en-GB;q=0.4, de;q=0.7", "", "de"},
		{"fr, it;q=0.9", "", "en"},
		{"de;q=0", "", "en"},
		{"de", "lang=en", "en"},
		{"en", "lang=de", "de"},
		{"de", "lang=fr", "de"},
	} {
		r := httptest.NewRequest("GET", "/x?"+tc.query, nil)
		r.Header.Set("Accept-Language", tc.header)
		if got := language(r); got != tc.want {
			t.Errorf("Accept-Language %q, ?%s: %s, want %s", tc.header, tc.query, got, tc.want)
		}
	}
}

// FuzzLanguage: any Accept-Language header picks a language the pages
// speak, without panicking.
func FuzzLanguage(f *testing.F) {
	for _, s := range []string{"de-DE,de;q=0.9", "en;q=abc", ";;;,,", "de;q=1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Accept-Language"] = []string{header}
		if l := language(r); msgs[l] == nil {
			t.Fatalf("language %q for %q", l, header)
		}
	})
}

// TestEveryTextHasBothLanguages: no text is missing from one language
// (a missing key renders as nothing).
func TestEveryTextHasBothLanguages(t *testing.T) {
	for _, pair := range [][2]string{{"en", "de"}, {"de", "en"}} {
		for k := range msgs[pair[0]] {
			if msgs[pair[1]][k] == "" {
				t.Errorf("%q has no %s text", k, pair[1])
			}
		}
	}
}
