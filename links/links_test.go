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
