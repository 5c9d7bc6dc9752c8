package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// revocationBound is the published bound (README) on how long a change made
// by another process takes to reach a serving node.
const revocationBound = 5 * time.Second

func dsnFor(t *testing.T, b sqldbtest.Backend) string {
	if b.Name == "sqlite" {
		return filepath.Join(t.TempDir(), "meetd.db")
	}
	return b.DSN(t)
}

// TestOperatorCLIAgainstARunningNode drives every operator command against
// a database that a `meetd serve` process is serving, and measures how long
// each change takes to reach it.
func TestOperatorCLIAgainstARunningNode(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := dsnFor(t, b)
			co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
				"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
			companyID, ownerID := co["companyId"].(string), co["ownerId"].(string)
			admin := cliJSON(t, dsn, "user", "create", "--company", companyID, "--email", "admin@acme.example",
				"--given-name", "Adam", "--family-name", "Admin", "--role", "admin")["userId"].(string)
			pat := cliJSON(t, dsn, "pat", "create", "--user", admin, "--name", "ci", "--expires-in", "30d")
			if !strings.HasPrefix(pat["token"].(string), "rgo-") || pat["expiresAt"] == nil {
				t.Fatalf("pat create printed %v", pat)
			}
			forever := cliJSON(t, dsn, "pat", "create", "--user", admin, "--name", "forever", "--no-expiry")
			if forever["expiresAt"] != nil {
				t.Fatalf("a PAT with --no-expiry expires: %v", forever)
			}
			key := cliJSON(t, dsn, "apikey", "create", "--company", companyID, "--name", "ci", "--expires-in", "1d")
			keyID, keyToken := key["id"].(string), key["key"].(string)
			if !strings.HasPrefix(keyToken, "ak_live:"+keyID+":") {
				t.Fatalf("apikey create printed %v", key)
			}

			n := startNode(t, dsn)
			patToken := pat["token"].(string)
			if s := n.request(t, "GET", "/v4/user/me", patToken, ""); s != 200 {
				t.Fatalf("PAT: %d", s)
			}
			if s := n.request(t, "GET", "/v4/user", keyToken, admin); s != 200 {
				t.Fatalf("key: %d", s)
			}
			measure := func(what string, want int, token, acting string) {
				t.Helper()
				d := n.waitFor(t, want, revocationBound+2*time.Second, "GET", "/v4/user/me", token, acting)
				t.Logf("%s reached the node in %v", what, d.Round(time.Millisecond))
				if d > revocationBound {
					t.Errorf("%s took %v, over the published %v", what, d, revocationBound)
				}
			}
			cli(t, dsn, "apikey", "deactivate", "--id", keyID)
			measure("apikey deactivate", 401, keyToken, "")
			cli(t, dsn, "apikey", "reactivate", "--id", keyID)
			measure("apikey reactivate", 200, keyToken, "")

			rolled := cliJSON(t, dsn, "apikey", "roll", "--id", keyID, "--grace", "0")
			measure("apikey roll (grace 0)", 401, keyToken, "")
			newKey := rolled["key"].(string)
			if s := n.request(t, "GET", "/v4/user/me", newKey, admin); s != 200 {
				t.Fatalf("rolled key: %d", s)
			}
			if _, _, err := cliResult(dsn, "", "apikey", "roll", "--id", keyID); err == nil {
				t.Fatal("rolling an expired key succeeded")
			}

			cli(t, dsn, "company", "set-plan", "--company", companyID, "--plan", "growth")
			measure("plan change", 403, newKey, "")
			cli(t, dsn, "company", "set-plan", "--company", companyID, "--plan", "enterprise")
			measure("plan change back", 200, newKey, "")

			cli(t, dsn, "apikey", "revoke", "--id", rolled["id"].(string))
			measure("apikey revoke", 401, newKey, "")
			cli(t, dsn, "pat", "revoke", "--id", pat["id"].(string))
			measure("pat revoke", 401, patToken, "")
			if s := n.request(t, "GET", "/v4/user/me", forever["token"].(string), ""); s != 200 {
				t.Fatalf("other PAT: %d", s)
			}
			cli(t, dsn, "user", "remove", "--user", admin)
			measure("user remove", 401, forever["token"].(string), "")

			if _, _, err := cliResult(dsn, "", "user", "remove", "--user", ownerID); err == nil {
				t.Fatal("removing the owner succeeded")
			}
			for _, s := range []string{patToken, keyToken, newKey, forever["token"].(string)} {
				if strings.Contains(n.Logs(), s[len(s)-32:]) {
					t.Fatalf("a secret reached the server's log")
				}
			}
		})
	}
}

func TestCLIErrorsAreOneLine(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	cases := [][]string{
		{"pat", "create", "--name", "x"},
		{"apikey", "create", "--company", "c", "--name", "x"},
		{"company", "create", "--name", "A", "--plan", "platinum", "--owner-email", "a@b.example", "--owner-given-name", "A", "--owner-family-name", "B"},
		{"company", "create", "--name", "A", "--plan", "free", "--owner-email", "nope", "--owner-given-name", "A", "--owner-family-name", "B"},
		{"apikey", "revoke", "--id", "00000000-0000-4000-8000-000000000000"},
		{"pat", "create", "--user", "00000000-0000-4000-8000-000000000000", "--name", "x", "--expires-in", "soon"},
		{"frobnicate"},
		{"user", "frobnicate"},
	}
	for _, args := range cases {
		stdout, stderr, err := cliResult(dsn, "", args...)
		if err == nil {
			t.Fatalf("meetd %v succeeded: %s", args, stdout)
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "meetd") {
			t.Fatalf("meetd %v wrote %q to stderr, want one line", args, stderr)
		}
	}
}

func TestAPIKeyLifetimeRules(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "growth",
		"--owner-email", "o@acme.example", "--owner-given-name", "O", "--owner-family-name", "O")
	// Growth does not include API keys.
	if _, stderr, err := cliResult(dsn, "", "apikey", "create", "--company", co["companyId"].(string), "--name", "k", "--expires-in", "1d"); err == nil ||
		!strings.Contains(stderr, "plan does not include API access") {
		t.Fatalf("apikey on growth: %v %s", err, stderr)
	}
	cli(t, dsn, "company", "set-plan", "--company", co["companyId"].(string), "--plan", "api-platform")
	// The operator is bound as the API is: 1 to 90 days.
	k := cliJSON(t, dsn, "apikey", "create", "--company", co["companyId"].(string), "--name", "k", "--expires-in", "90d")
	exp, err := time.Parse(time.RFC3339, k["expiresAt"].(string))
	if err != nil || time.Until(exp) < 89*24*time.Hour {
		t.Fatalf("expiresAt %v, %v", k["expiresAt"], err)
	}
	if _, _, err := cliResult(dsn, "", "apikey", "roll", "--id", k["id"].(string), "--grace", "8d"); err == nil {
		t.Fatal("a grace period over 7 days was accepted")
	}
	// A password from stdin is hashed, and too short a one refused.
	if _, _, err := cliResult(dsn, "short\n", "user", "create", "--company", co["companyId"].(string), "--email", "u@acme.example",
		"--given-name", "U", "--family-name", "U", "--password-stdin"); err == nil {
		t.Fatal("a short password was accepted")
	}
}

func TestParseDuration(t *testing.T) {
	cases := map[string]time.Duration{"90d": 90 * 24 * time.Hour, "36h": 36 * time.Hour, "2s": 2 * time.Second,
		"1d12h": 36 * time.Hour, "0d": 0}
	for in, want := range cases {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "1x", "1d-", "3 days", "213504d", "100000d2562047h", "-5s"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) succeeded", bad)
		}
	}
}
