package links

import "testing"

func TestLinksAreBuiltUnderTheBaseWithSecretsInTheQuery(t *testing.T) {
	b := New("https://cal.example.test/")
	for _, tc := range []struct{ name, got, want string }{
		{"user", b.User("ada"), "https://cal.example.test/ada"},
		{"booking", b.Booking("ada", "intro call"), "https://cal.example.test/ada/intro%20call"},
		{"one-time", b.OneTime("tok"), "https://cal.example.test/1t/tok"},
		{"appointment", b.Appointment("a1", "s"), "https://cal.example.test/appointment/a1?secret=s"},
		{"cancel", b.Cancel("a1", "s+/"), "https://cal.example.test/appointment/a1/cancel?secret=s%2B%2F"},
		{"reschedule", b.Reschedule("a1", "s"), "https://cal.example.test/appointment/a1/reschedule?secret=s"},
		{"invitation", b.Invitation("a1", "s"), "https://cal.example.test/appointment/a1/invite.ics?secret=s"},
		{"confirm", b.Confirm("p1", "t"), "https://cal.example.test/confirm/p1?token=t"},
		{"form", b.Form("intake", ""), "https://cal.example.test/f/intake"},
		{"form recipient", b.Form("intake", "t+k"), "https://cal.example.test/f/intake?r=t%2Bk"},
		{"relative", New("").User("ada"), "/ada"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestLanguageIsOneThePagesSpeakOrNothing(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"de", "de"}, {"de-AT", "de"}, {"DE_ch", "de"}, {" en-GB ", "en"}, {"en", "en"},
		{"fr", ""}, {"", ""}, {"deu", ""}, {"english", ""},
	} {
		if got := Language(tc.tag); got != tc.want {
			t.Errorf("Language(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

func TestWithLanguageAddsOnlyThePagesLanguages(t *testing.T) {
	b := New("https://cal.example.test")
	for _, tc := range []struct{ name, got, want string }{
		{"confirm in German", WithLanguage(b.Confirm("p1", "t"), "de"), "https://cal.example.test/confirm/p1?token=t&lang=de"},
		{"cancel in English", WithLanguage(b.Cancel("a1", "s"), "en"), "https://cal.example.test/appointment/a1/cancel?secret=s&lang=en"},
		{"form without a query", WithLanguage(b.Form("intake", ""), "de"), "https://cal.example.test/f/intake?lang=de"},
		{"another language is left out", WithLanguage(b.Reschedule("a1", "s"), "fr"), "https://cal.example.test/appointment/a1/reschedule?secret=s"},
		{"no language is left out", WithLanguage(b.Appointment("a1", "s"), ""), "https://cal.example.test/appointment/a1?secret=s"},
		{"a value that is no language is left out", WithLanguage(b.Appointment("a1", "s"), "de&x=1"), "https://cal.example.test/appointment/a1?secret=s"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
