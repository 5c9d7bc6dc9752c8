package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// auditPage is the body of GET /v4/audit.
type auditPage struct {
	Entries []struct {
		ID             int64   `json:"id"`
		Action         string  `json:"action"`
		TargetID       string  `json:"targetId"`
		CredentialID   *string `json:"credentialId"`
		CredentialType *string `json:"credentialType"`
		ActingUserID   *string `json:"actingUserId"`
		OnBehalf       bool    `json:"onBehalf"`
		IP             *string `json:"ip"`
		Source         string  `json:"source"`
		At             string  `json:"at"`
	} `json:"entries"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func (h *harness) audit(query, token, acting string) auditPage {
	h.t.Helper()
	r := h.get("/v4/audit"+query, token, acting)
	wantStatus(h.t, r, 200)
	var p auditPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		h.t.Fatalf("body %s: %v", r.body, err)
	}
	return p
}

// TestAuditLogOverTheAPI reads the audit log as an admin's PAT and as API
// keys, filtered and paged, and never sees another company's entries.
func TestAuditLogOverTheAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		before := h.clock.Now()
		h.clock.Advance(time.Hour)
		// Two writes through the API: the key renames the member (on
		// behalf of the owner), the admin renames themselves.
		wantStatus(t, h.do(req{method: "PATCH", path: "/v4/user/" + h.a.member.ID, token: h.a.key, acting: h.a.owner.ID,
			body: map[string]any{"givenName": "Mila"}}), 200)
		h.clock.Advance(time.Hour)
		wantStatus(t, h.do(req{method: "PATCH", path: "/v4/user/" + h.a.admin.ID, token: h.a.adminPAT,
			body: map[string]any{"givenName": "Adrian"}}), 200)
		adminPATID := decode(t, h.get("/v4/credential/current", h.a.adminPAT, ""))["id"].(string)
		// Company B writes with its own key.
		wantStatus(t, h.do(req{method: "PATCH", path: "/v4/user/" + h.b.member.ID, token: h.b.key, acting: h.b.owner.ID,
			body: map[string]any{"givenName": "Bea"}}), 200)

		all := h.audit("?limit=100", h.a.adminPAT, "")
		if all.Total != len(all.Entries) || all.Limit != 100 || all.Offset != 0 || all.Total < 3 {
			t.Fatalf("page = total %d, %d entries, limit %d, offset %d", all.Total, len(all.Entries), all.Limit, all.Offset)
		}
		newest := all.Entries[0]
		if newest.Action != "user.update" || newest.TargetID != h.a.admin.ID || *newest.CredentialID != adminPATID ||
			*newest.CredentialType != "personal_access_token" || *newest.ActingUserID != h.a.admin.ID ||
			newest.OnBehalf || newest.Source != "api" || newest.IP == nil {
			t.Fatalf("newest entry = %+v", newest)
		}
		for i, e := range all.Entries {
			if e.TargetID == h.b.member.ID || e.TargetID == h.b.company.ID || e.CredentialID != nil && *e.CredentialID == h.b.keyID {
				t.Fatalf("company A's audit log holds company B's entry %+v", e)
			}
			if i > 0 && e.ID >= all.Entries[i-1].ID {
				t.Fatalf("entries not newest first: %d after %d", e.ID, all.Entries[i-1].ID)
			}
		}
		if d := h.audit("", h.a.adminPAT, ""); d.Limit != 20 || d.Offset != 0 {
			t.Fatalf("default page: limit %d, offset %d", d.Limit, d.Offset)
		}

		// Filters.
		byKey := h.audit("?credentialId="+strings.ToUpper(h.a.keyID), h.a.key, "")
		if byKey.Total != 1 || byKey.Entries[0].TargetID != h.a.member.ID || !byKey.Entries[0].OnBehalf ||
			*byKey.Entries[0].ActingUserID != h.a.owner.ID || *byKey.Entries[0].CredentialType != "api_key" {
			t.Fatalf("by credential = %+v", byKey)
		}
		if byUser := h.audit("?userId="+h.a.admin.ID, h.a.key, h.a.member.ID); byUser.Total != 1 || byUser.Entries[0].TargetID != h.a.admin.ID {
			t.Fatalf("by user, as a key acting for a member = %+v", byUser)
		}
		window := fmt.Sprintf("?from=%s&to=%s", before.Add(30*time.Minute).UTC().Format(time.RFC3339Nano),
			before.Add(90*time.Minute).UTC().Format(time.RFC3339Nano))
		if w := h.audit(window, h.a.ownerPAT, ""); w.Total != 1 || w.Entries[0].TargetID != h.a.member.ID {
			t.Fatalf("time window = %+v", w)
		}
		if theirs := h.audit("?credentialId="+h.b.keyID, h.a.key, ""); theirs.Total != 0 || len(theirs.Entries) != 0 {
			t.Fatalf("company B's credential as a filter of A = %+v", theirs)
		}
		if theirs := h.audit("?userId="+h.b.owner.ID, h.a.adminPAT, ""); theirs.Total != 0 {
			t.Fatalf("company B's user as a filter of A = %+v", theirs)
		}

		// Paging counts everything the filter selects.
		page := h.audit("?limit=2&offset=1", h.a.adminPAT, "")
		if page.Total != all.Total || len(page.Entries) != 2 || page.Entries[0].ID != all.Entries[1].ID || page.Limit != 2 || page.Offset != 1 {
			t.Fatalf("page 2 = %+v", page)
		}
	})
}

// TestAuditLogRefusals: members' PATs may not read it, and bad filters are
// validation errors naming the field.
func TestAuditLogRefusals(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	wantExact(t, h.get("/v4/audit", h.a.memberPAT, ""), 403,
		`{"statusCode":403,"message":"Only company admins can read the audit log","error":"Forbidden"}`)
	for _, c := range []struct{ query, field string }{
		{"?credentialId=nope", "credentialId"},
		{"?userId=123", "userId"},
		{"?from=yesterday", "from"},
		{"?to=2026-13-01", "to"},
		{"?from=2026-03-02&to=2026-03-01", "to"},
		{"?limit=0", "limit"},
		{"?limit=101", "limit"},
		{"?offset=-1", "offset"},
	} {
		t.Run(c.query, func(t *testing.T) {
			r := h.get("/v4/audit"+c.query, h.a.adminPAT, "")
			wantStatus(t, r, 400)
			if !strings.Contains(string(r.body), `"field":"`+c.field+`"`) {
				t.Fatalf("body %s does not name %s", r.body, c.field)
			}
		})
	}
}
