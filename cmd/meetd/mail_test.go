package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestMailSettingsRefuseWithoutShowingThePassword: a refused --smtp-url
// (or MEETD_SMTP_URL) names the setting and the reason, never the URL.
func TestMailSettingsRefuseWithoutShowingThePassword(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"plain text to another host", []string{"--smtp-url", "smtp+insecure://u:hunter2@mail.example.com:25", "--mail-from", "a@b.example"},
			"", "--smtp-url: smtp+insecure:// sends in the clear"},
		{"an unknown scheme, from the environment", []string{"--mail-from", "a@b.example"}, "imap://u:hunter2@mail.example.com",
			"MEETD_SMTP_URL: must start with smtp://"},
		{"no sender", []string{"--smtp-url", "smtps://u:hunter2@mail.example.com"}, "", "--smtp-url needs --mail-from"},
		{"a sender without a server", []string{"--mail-from", "Acme <a@b.example>"}, "", "--mail-from needs --smtp-url"},
		{"a sender that is no address", []string{"--smtp-url", "smtps://u:hunter2@mail.example.com", "--mail-from", "nobody"},
			"", `--mail-from="nobody": must be an e-mail address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MEETD_SMTP_URL", tc.env)
			var out, errOut bytes.Buffer
			e := &env{ctx: t.Context(), stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
			err := e.serve(append([]string{"--db", t.TempDir() + "/meetd.db"}, tc.args...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error()+out.String()+errOut.String(), "hunter2") {
				t.Fatalf("the password was shown: %v\n%s%s", err, out.String(), errOut.String())
			}
		})
	}
}
