package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestTwoNodesShareRevocation starts two `meetd serve` processes on one
// database, warms both caches, revokes and removes through node A's API and
// measures when node B starts refusing: the published bound is 5 s.
func TestTwoNodesShareRevocation(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			dsn := dsnFor(t, b)
			co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
				"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
			companyID := co["companyId"].(string)
			member := cliJSON(t, dsn, "user", "create", "--company", companyID, "--email", "m@acme.example",
				"--given-name", "Mia", "--family-name", "Member")["userId"].(string)
			memberPAT := cliJSON(t, dsn, "pat", "create", "--user", member, "--name", "m", "--no-expiry")["token"].(string)
			key := cliJSON(t, dsn, "apikey", "create", "--company", companyID, "--name", "k", "--expires-in", "30d")["key"].(string)
			spare := cliJSON(t, dsn, "apikey", "create", "--company", companyID, "--name", "spare", "--expires-in", "30d")["key"].(string)

			a, bNode := startNode(t, dsn), startNode(t, dsn)
			for _, n := range []*node{a, bNode} {
				for _, tok := range []string{memberPAT, key, spare} {
					if s := n.request(t, "GET", "/v4/user/me", tok, ""); s != 200 {
						t.Fatalf("warm-up: %d", s)
					}
				}
			}

			// Revoke the key through node A's leak kill-switch.
			status, _ := a.requestBody(t, "POST", "/v4/credentials/revoke", "", "", fmt.Sprintf(`{"credentials":[%q]}`, key))
			if status != 202 {
				t.Fatalf("kill-switch: %d", status)
			}
			if s := a.request(t, "GET", "/v4/user/me", key, ""); s != 401 {
				t.Fatalf("node A still accepts the revoked key: %d", s)
			}
			d := bNode.waitFor(t, 401, revocationBound+2*time.Second, "GET", "/v4/user/me", key, "")
			t.Logf("revocation through node A reached node B in %v", d.Round(time.Millisecond))
			if d > revocationBound {
				t.Errorf("revocation took %v on node B, over the published %v", d, revocationBound)
			}

			// Remove the member through node A's API; their PAT dies on node B.
			if s, body := a.requestBody(t, "DELETE", "/v4/user/"+member, spare, co["ownerId"].(string), ""); s != 200 {
				t.Fatalf("delete user: %d %s", s, body)
			}
			d = bNode.waitFor(t, 401, revocationBound+2*time.Second, "GET", "/v4/user/me", memberPAT, "")
			t.Logf("user removal through node A reached node B in %v", d.Round(time.Millisecond))
			if d > revocationBound {
				t.Errorf("user removal took %v on node B, over the published %v", d, revocationBound)
			}
			if s := bNode.request(t, "GET", "/v4/user/me", spare, ""); s != 200 {
				t.Fatalf("an unrelated key stopped working on node B: %d", s)
			}
			for _, n := range []*node{a, bNode} {
				if logs := n.Logs(); strings.Contains(logs, key[len(key)-32:]) || strings.Contains(logs, memberPAT[4:]) {
					t.Fatal("a secret reached a node's log")
				}
			}
		})
	}
}
