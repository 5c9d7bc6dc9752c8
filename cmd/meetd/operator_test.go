package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// stderrOf runs the binary, expects it to fail, and returns its one stderr
// line.
func stderrOf(t *testing.T, dsn, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := cliResult(dsn, stdin, args...)
	if err == nil {
		t.Fatalf("meetd %s succeeded: %s", strings.Join(args, " "), out)
	}
	return strings.TrimSpace(errOut)
}

// signIn posts the dashboard's sign-in form and returns the status: 303
// when the password was right.
func signIn(t *testing.T, n *node, email, password string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", n.url+"/dashboard/login",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", n.url)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAnOwnerWithoutPasswordIsWarnedAndCanBeGivenOne: company create says
// how to set the owner's password, user set-password sets it from stdin,
// and the owner then signs in to the dashboard.
func TestAnOwnerWithoutPasswordIsWarnedAndCanBeGivenOne(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	out, errOut, err := cliResult(dsn, "", "company", "create", "--name", "Acme", "--plan", "growth",
		"--owner-email", "owner@acme.example", "--owner-given-name", "O", "--owner-family-name", "P", "--json")
	if err != nil {
		t.Fatal(err, errOut)
	}
	var co map[string]string
	if err := json.Unmarshal([]byte(out), &co); err != nil {
		t.Fatalf("stdout %q is not the JSON object alone: %v", out, err)
	}
	want := "meetd: warning: the owner " + co["ownerId"] + " has no dashboard password and cannot sign in; " +
		"set one with: meetd user set-password --user " + co["ownerId"] + " (reads the password from standard input)"
	if strings.TrimSpace(errOut) != want {
		t.Fatalf("stderr = %q\nwant %q", errOut, want)
	}
	// With a password there is nothing to warn about.
	if _, errOut, err := cliResult(dsn, "correct horse battery\n", "company", "create", "--name", "B", "--plan", "growth",
		"--owner-email", "owner@b.example", "--owner-given-name", "O", "--owner-family-name", "P", "--owner-password-stdin"); err != nil || errOut != "" {
		t.Fatalf("company create with a password: %v, stderr %q", err, errOut)
	}

	n := startNode(t, dsn)
	if s := signIn(t, n, "owner@acme.example", "correct horse battery"); s == http.StatusSeeOther {
		t.Fatal("an owner without a password signed in")
	}
	if got := stderrOf(t, dsn, "short\n", "user", "set-password", "--user", co["ownerId"]); !strings.Contains(got, "at least") {
		t.Fatalf("a short password: %q", got)
	}
	if got := stderrOf(t, dsn, "", "user", "set-password", "--user", co["ownerId"]); got != "meetd: no password on standard input" {
		t.Fatalf("no password: %q", got)
	}
	if out, errOut, err := cliResult(dsn, "correct horse battery\n", "user", "set-password", "--user", co["ownerId"]); err != nil ||
		!strings.Contains(out, "dashboard password of owner@acme.example") {
		t.Fatalf("set-password: %v %q %q", err, out, errOut)
	}
	if s := signIn(t, n, "owner@acme.example", "correct horse battery"); s != http.StatusSeeOther {
		t.Fatalf("sign-in after set-password: %d, want 303", s)
	}
	show := cliJSON(t, dsn, "user", "show", "--user", co["ownerId"])
	if show["dashboardPassword"] != true || show["role"] != "owner" {
		t.Fatalf("user show = %v", show)
	}
}

// TestListAndShowNeverPrintSecrets lists and shows every kind of object on
// both engines, and finds neither a secret nor a hash in what is printed.
func TestListAndShowNeverPrintSecrets(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := dsnFor(t, b)
			co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
				"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
			companyID, ownerID := co["companyId"].(string), co["ownerId"].(string)
			other := cliJSON(t, dsn, "company", "create", "--name", "Other", "--plan", "free",
				"--owner-email", "owner@other.example", "--owner-given-name", "O", "--owner-family-name", "O")
			member := cliJSON(t, dsn, "user", "create", "--company", companyID, "--email", "mia@acme.example",
				"--given-name", "Mia", "--family-name", "Member")["userId"].(string)
			pat := cliJSON(t, dsn, "pat", "create", "--user", member, "--name", "laptop", "--expires-in", "30d")
			key := cliJSON(t, dsn, "apikey", "create", "--company", companyID, "--name", "backend", "--expires-in", "90d")
			secrets := []string{pat["token"].(string), key["key"].(string)}
			for _, s := range append([]string(nil), secrets...) {
				h := sha256.Sum256([]byte(s))
				secrets = append(secrets, hex.EncodeToString(h[:]), s[len(s)-32:])
			}

			var printed strings.Builder
			run := func(args ...string) map[string]any {
				t.Helper()
				m := cliJSON(t, dsn, args...)
				b, _ := json.Marshal(m)
				printed.Write(b)
				printed.WriteString(cli(t, dsn, args...)) // and the text form
				return m
			}
			companies := run("company", "list")["companies"].([]any)
			if len(companies) != 2 || companies[0].(map[string]any)["id"] != companyID ||
				companies[1].(map[string]any)["id"] != other["companyId"] ||
				companies[0].(map[string]any)["ownerEmail"] != "owner@acme.example" {
				t.Fatalf("company list = %v", companies)
			}
			show := run("company", "show", "--company", companyID)
			if show["plan"] != "enterprise" || show["activeUsers"] != 2.0 || show["activePersonalAccessTokens"] != 1.0 ||
				show["activeAPIKeys"] != 1.0 || show["owner"].(map[string]any)["id"] != ownerID ||
				show["owner"].(map[string]any)["dashboardPassword"] != false {
				t.Fatalf("company show = %v", show)
			}
			users := run("user", "list", "--company", companyID)["users"].([]any)
			if len(users) != 2 || users[0].(map[string]any)["id"] != ownerID || users[1].(map[string]any)["email"] != "mia@acme.example" {
				t.Fatalf("user list = %v", users)
			}
			if u := run("user", "show", "--user", member); u["role"] != "member" || u["companyId"] != companyID || u["dashboardPassword"] != false {
				t.Fatalf("user show = %v", u)
			}
			for _, args := range [][]string{{"pat", "list", "--company", companyID}, {"pat", "list", "--user", member}} {
				tokens := run(args...)["tokens"].([]any)
				if len(tokens) != 1 || tokens[0].(map[string]any)["id"] != pat["id"] || tokens[0].(map[string]any)["status"] != "active" ||
					tokens[0].(map[string]any)["expiresAt"] != pat["expiresAt"] {
					t.Fatalf("meetd %v = %v", args, tokens)
				}
			}
			keys := run("apikey", "list", "--company", companyID)["keys"].([]any)
			if len(keys) != 1 || keys[0].(map[string]any)["id"] != key["id"] || keys[0].(map[string]any)["name"] != "backend" {
				t.Fatalf("apikey list = %v", keys)
			}
			// Another company's lists are its own.
			if keys := run("apikey", "list", "--company", other["companyId"].(string))["keys"].([]any); len(keys) != 0 {
				t.Fatalf("another company's keys = %v", keys)
			}
			for _, s := range secrets {
				if strings.Contains(printed.String(), s) {
					t.Fatalf("list or show printed a secret or a hash (%s…)", s[:8])
				}
			}
			if got := stderrOf(t, dsn, "", "pat", "list"); got != "meetd: pat list needs --company or --user (one of them)" {
				t.Fatalf("pat list without a scope: %q", got)
			}
		})
	}
}

// TestGroupHelpListsSubcommands: "meetd GROUP --help" lists every
// subcommand of the group and exits 0.
func TestGroupHelpListsSubcommands(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	for group, subs := range map[string][]string{
		"company": {"create", "list", "show", "set-plan"},
		"user":    {"create", "list", "show", "set-password", "remove"},
		"pat":     {"create", "list", "revoke"},
		"apikey":  {"create", "list", "deactivate", "reactivate", "revoke", "roll"},
	} {
		out, errOut, err := cliResult(dsn, "", group, "--help")
		if err != nil || errOut != "" {
			t.Fatalf("meetd %s --help: %v %q", group, err, errOut)
		}
		for _, sub := range subs {
			if !strings.Contains(out, "meetd "+group+" "+sub+" ") {
				t.Errorf("meetd %s --help does not list %s:\n%s", group, sub, out)
			}
		}
	}
	if got := stderrOf(t, dsn, "", "apikey", "frobnicate"); got != `meetd: unknown command "apikey frobnicate": meetd apikey has create, list, deactivate, reactivate, revoke, roll; run meetd apikey --help` {
		t.Fatalf("unknown subcommand: %q", got)
	}
	if got := stderrOf(t, dsn, "", "company"); got != "meetd: meetd company needs a subcommand: create, list, show, set-plan" {
		t.Fatalf("no subcommand: %q", got)
	}
}

// TestMissingFlagsAreNamedAtOnce: one message names every missing flag.
func TestMissingFlagsAreNamedAtOnce(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"company", "create", "--name", "A", "--owner-given-name", "G", "--owner-family-name", "F"},
			"meetd: meetd company create needs --plan, --owner-email"},
		{[]string{"company", "create"},
			"meetd: meetd company create needs --name, --plan, --owner-email, --owner-given-name, --owner-family-name"},
		{[]string{"apikey", "create", "--name", "k"}, "meetd: meetd apikey create needs --company, --expires-in"},
		{[]string{"user", "set-password"}, "meetd: meetd user set-password needs --user"},
		{[]string{"backup"}, "meetd: meetd backup needs --to"},
	}
	for _, c := range cases {
		if got := stderrOf(t, dsn, "", c.args...); got != c.want {
			t.Errorf("meetd %v:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
}

// TestLifetimesAreBounded: a personal access token lives 1d to 365d or,
// asked for explicitly, forever; an API key 1d to 90d, as the API allows.
func TestLifetimesAreBounded(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "o@acme.example", "--owner-given-name", "O", "--owner-family-name", "O")
	user, company := co["ownerId"].(string), co["companyId"].(string)
	pat := func(extra ...string) []string {
		return append([]string{"pat", "create", "--user", user, "--name", "t"}, extra...)
	}
	key := func(life string) []string {
		return []string{"apikey", "create", "--company", company, "--name", "k", "--expires-in", life}
	}
	refused := []struct {
		args []string
		want string
	}{
		{pat("--expires-in", "0"), "meetd: --expires-in 0 is out of range: a personal access token lives 1d to 365d; for one that never expires use --no-expiry"},
		{pat("--expires-in", "12h"), "meetd: --expires-in 12h is out of range: a personal access token lives 1d to 365d; for one that never expires use --no-expiry"},
		{pat("--expires-in", "366d"), "meetd: --expires-in 366d is out of range: a personal access token lives 1d to 365d; for one that never expires use --no-expiry"},
		{pat(), "meetd: pat create needs --expires-in DURATION (1d to 365d) or --no-expiry"},
		{pat("--expires-in", "30d", "--no-expiry"), "meetd: pat create takes --expires-in or --no-expiry, not both"},
		{key("0"), "meetd: --expires-in 0 is out of range: an API key lives 1d to 90d"},
		{key("23h"), "meetd: --expires-in 23h is out of range: an API key lives 1d to 90d"},
		{key("91d"), "meetd: --expires-in 91d is out of range: an API key lives 1d to 90d"},
	}
	for _, c := range refused {
		if got := stderrOf(t, dsn, "", c.args...); got != c.want {
			t.Errorf("meetd %v:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
	for _, args := range [][]string{pat("--expires-in", "1d"), pat("--expires-in", "365d"), key("1d"), key("90d")} {
		if out := cliJSON(t, dsn, args...); out["expiresAt"] == nil {
			t.Errorf("meetd %v printed no expiry: %v", args, out)
		}
	}
	if out := cliJSON(t, dsn, pat("--no-expiry")...); out["expiresAt"] != nil {
		t.Errorf("--no-expiry printed an expiry: %v", out)
	}
}

// TestRepeatedStatusChangesSucceedAlike: revoking a revoked credential and
// deactivating a deactivated key both succeed, say "already" and change
// nothing; what revocation forbids still fails.
func TestRepeatedStatusChangesSucceedAlike(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "o@acme.example", "--owner-given-name", "O", "--owner-family-name", "O")
	patID := cliJSON(t, dsn, "pat", "create", "--user", co["ownerId"].(string), "--name", "t", "--no-expiry")["id"].(string)
	keyID := cliJSON(t, dsn, "apikey", "create", "--company", co["companyId"].(string), "--name", "k", "--expires-in", "30d")["id"].(string)
	steps := []struct {
		args    []string
		changed bool
		text    string
	}{
		{[]string{"pat", "revoke", "--id", patID}, true, "personal access token " + patID + " is now revoked"},
		{[]string{"pat", "revoke", "--id", patID}, false, "personal access token " + patID + " was already revoked; nothing changed"},
		{[]string{"apikey", "reactivate", "--id", keyID}, false, "API key " + keyID + " was already active; nothing changed"},
		{[]string{"apikey", "deactivate", "--id", keyID}, true, "API key " + keyID + " is now deactivated"},
		{[]string{"apikey", "deactivate", "--id", keyID}, false, "API key " + keyID + " was already deactivated; nothing changed"},
		{[]string{"apikey", "revoke", "--id", keyID}, true, "API key " + keyID + " is now revoked"},
		{[]string{"apikey", "revoke", "--id", keyID}, false, "API key " + keyID + " was already revoked; nothing changed"},
	}
	for _, s := range steps {
		// The text form first: a JSON run after it would always say
		// "already".
		if !s.changed {
			if got := strings.TrimSpace(cli(t, dsn, s.args...)); got != s.text {
				t.Fatalf("meetd %v = %q, want %q", s.args, got, s.text)
			}
			if out := cliJSON(t, dsn, s.args...); out["changed"] != false {
				t.Fatalf("meetd %v --json = %v", s.args, out)
			}
			continue
		}
		if got := strings.TrimSpace(cli(t, dsn, s.args...)); got != s.text {
			t.Fatalf("meetd %v = %q, want %q", s.args, got, s.text)
		}
	}
	if got := stderrOf(t, dsn, "", "apikey", "reactivate", "--id", keyID); got != "meetd: The credential is revoked; revocation is permanent" {
		t.Fatalf("reactivating a revoked key: %q", got)
	}
	if got := stderrOf(t, dsn, "", "apikey", "revoke", "--id", patID); got != "meetd: no API key with id "+patID {
		t.Fatalf("a PAT's id as a key: %q", got)
	}
}

// TestDatabaseErrorsNameThePathAndTheCause runs a command on databases
// that cannot be opened.
func TestDatabaseErrorsNameThePathAndTheCause(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("garbage ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing", "meetd.db")
	cases := []struct{ dsn, want string }{
		{missing, "meetd: open database " + missing + ": folder " + filepath.Join(dir, "missing") + " does not exist"},
		{dir, "meetd: open database " + dir + ": " + dir + " is a folder, not a database file"},
		{notDB, "meetd: open database " + notDB + ": " + notDB + " is not a meetd database (file is not a database)"},
		{"mysql://root:hunter2@db.example/meetd", "meetd: unsupported database URL scheme mysql://: use a file path for SQLite or postgres://user@host/db for PostgreSQL"},
	}
	for _, c := range cases {
		for _, cmd := range [][]string{{"migrate"}, {"company", "list"}} {
			if got := stderrOf(t, c.dsn, "", cmd...); got != c.want {
				t.Errorf("meetd %v --db %s:\n got %q\nwant %q", cmd, c.dsn, got, c.want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a failed open created the missing folder")
	}
}

// TestMigrateNamesWhatItApplied: a new database says every migration it
// got and the version; a second run says it is already there.
func TestMigrateNamesWhatItApplied(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	names, version := migrationNames(t)
	want := "applied " + strings.Join(names, ", ") + "; database sqlite is at version " + version + "\n"
	if got := cli(t, dsn, "migrate"); got != want {
		t.Fatalf("first migrate = %q\nwant %q", got, want)
	}
	if got := cli(t, dsn, "migrate"); got != "database sqlite is already at version "+version+"\n" {
		t.Fatalf("second migrate = %q", got)
	}
}
