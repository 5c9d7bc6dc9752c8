package formpages

import "testing"

func TestLanguageFollowsAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "en",
		"de":                      "de",
		"de-AT,de;q=0.9,en;q=0.8": "de",
		"en-US,de;q=0.5":          "en",
		"fr-FR,de;q=0.7,en;q=0.6": "de",
		"de;q=0,en":               "en",
		"fr":                      "en",
		"DE-de":                   "de",
		"en;q=0.4, de;q=0.9":      "de",
		"de;q=garbage":            "de",
	} {
		if got := language(header); got != want {
			t.Errorf("language(%q) = %q, want %q", header, got, want)
		}
	}
}
