package httpapi

import (
	"encoding/json"
	"testing"
)

// FuzzAppendJSONStringMatchesEncodingJSON: every string, valid UTF-8 or
// not, is written as json.Marshal writes it.
func FuzzAppendJSONStringMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \back\`, "<a href='x'>&amp;</a>", "\b\f\n\r\t\x00\x1f\x7f",
		"Zoë 日本 😀", "\u2028\u2029", "\xff\xfe", "a\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// FuzzUserJSONMatchesEncodingJSON: the hand-written User object is the
// bytes json.Marshal writes, for any field values.
func FuzzUserJSONMatchesEncodingJSON(f *testing.F) {
	f.Add("3f0c1c9e-1b2a-4c3d-8e4f-5a6b7c8d9e0f", "ana@example.com", "Ana", "<Zoë>", "ana-zoe", "Europe/Berlin", "admin", true, "")
	f.Add("", "\"q\"", "\xff", "\u2028", "", "", "", false, "av-1")
	f.Fuzz(func(t *testing.T, id, email, given, family, slug, tz, role string, admin bool, av string) {
		j := userJSON{ID: id, Email: email, GivenName: given, FamilyName: family, FullName: given + " " + family,
			Slug: slug, Timezone: tz, CompanyID: id + "c", UserType: "standard", IsAdmin: admin, Role: role,
			CreatedAt: "2026-03-01T09:00:00.000Z", UpdatedAt: tz}
		if av != "" {
			j.DefaultAvailabilityID = &av
		}
		want, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		got := j.appendJSON(nil)
		if string(got) != string(want) {
			t.Fatalf("appendJSON = %s\nwant        %s", got, want)
		}
		if !json.Valid(got) {
			t.Fatalf("not JSON: %s", got)
		}
	})
}
