package httpapi_test

import (
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestContactActivityRefusesCursorsItNeverReturned: a cursor is a count of
// items read, so one that is not a small whole number is a 400 naming it
// (the largest int once wrapped from+limit around and failed the request
// with a 500); one past the end is an empty last page.
func TestContactActivityRefusesCursorsItNeverReturned(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		r := h.do(req{method: "POST", path: "/crm", token: h.a.key, body: map[string]any{"email": "cursor@contact.example"}})
		wantStatus(t, r, 201)
		id := decode(t, r)["item"].(map[string]any)["id"].(string)
		for _, cursor := range []string{"9223372036854775807", "9223372036854775790", "9223372036854775808", "2147483648",
			"-1", "x", "1e3"} {
			t.Run(cursor, func(t *testing.T) {
				wantValidation(t, h.get("/crm/contacts/"+id+"/activity?cursor="+cursor, h.a.key, ""),
					"cursor", "cursor must be a cursor this route returned")
			})
		}
		r = h.get("/crm/contacts/"+id+"/activity?cursor=2147483647", h.a.key, "")
		wantStatus(t, r, 200)
		if got := decode(t, r); len(got["items"].([]any)) != 0 || got["hasMore"] != false {
			t.Fatalf("past the end: %s", r.body)
		}
	})
}

// TestBulkContactRowsNeedAnOwnerOfTheCompany: a bulk row whose
// accountOwnerId is another company's user, or nobody's, fails alone with
// the reason POST /crm gives, as a new contact and as an update of a known
// one; the other rows are made.
func TestBulkContactRowsNeedAnOwnerOfTheCompany(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		wantStatus(t, h.do(req{method: "POST", path: "/crm", token: h.a.key, body: map[string]any{"email": "known@contact.example"}}), 201)
		for _, update := range []bool{false, true} {
			r := h.do(req{method: "POST", path: "/crm/bulk", token: h.a.adminPAT, body: map[string]any{"updateExisting": update,
				"contacts": []any{
					map[string]any{"email": "theirs@contact.example", "accountOwnerId": h.b.member.ID},
					map[string]any{"email": "ours@contact.example", "accountOwnerId": h.a.member.ID},
					map[string]any{"email": "known@contact.example", "accountOwnerId": h.b.owner.ID},
					map[string]any{"phoneNumber": "+4930123456", "accountOwnerId": "00000000-0000-4000-8000-000000000000"},
				}}})
			wantStatus(t, r, 201)
			got := decode(t, r)
			if got["failed"] != 3.0 || got["created"].(float64)+got["skipped"].(float64)+got["updated"].(float64) != 1 {
				t.Fatalf("updateExisting %v: %s", update, r.body)
			}
			for i, is := range got["issues"].([]any) {
				is := is.(map[string]any)
				if is["message"] != "accountOwnerId must name a user of your company" || is["row"] != []float64{0, 2, 3}[i] {
					t.Fatalf("issue %d: %v", i, is)
				}
			}
		}
		list := decode(t, h.get("/crm?limit=100", h.a.key, ""))
		for _, row := range list["result"].([]any) {
			item := row.(map[string]any)["item"].(map[string]any)
			if owner := item["accountOwnerId"]; owner != h.a.owner.ID && owner != h.a.member.ID {
				t.Fatalf("contact %v is owned by %v, no user of company A", item["email"], owner)
			}
			if item["email"] == "theirs@contact.example" {
				t.Fatalf("the row owned by company B's member was made: %v", item)
			}
		}
	})
}

// TestBulkUpdateFollowsTheContactPolicy: updateExisting lets a member
// change only contacts they may manage (their own), as PATCH /crm/{id}
// does; a colleague's contact fails its row with the 403 message and is
// left as it was. A row without accountOwnerId keeps a known contact's
// owner.
func TestBulkUpdateFollowsTheContactPolicy(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		wantStatus(t, h.do(req{method: "POST", path: "/crm", token: h.a.adminPAT,
			body: map[string]any{"email": "admins@contact.example", "firstName": "Ada"}}), 201)
		r := h.do(req{method: "POST", path: "/crm/bulk", token: h.a.memberPAT, body: map[string]any{"updateExisting": true,
			"contacts": []any{map[string]any{"email": "admins@contact.example", "firstName": "Mallory"},
				map[string]any{"email": "mine@contact.example", "firstName": "Mia"}}}})
		wantStatus(t, r, 201)
		got := decode(t, r)
		if got["failed"] != 1.0 || got["created"] != 1.0 || got["updated"] != 0.0 {
			t.Fatalf("member's bulk update of an admin's contact: %s", r.body)
		}
		if is := got["issues"].([]any)[0].(map[string]any); is["row"] != 0.0 || is["email"] != "admins@contact.example" {
			t.Fatalf("issue: %v", is)
		}
		list := decode(t, h.get("/crm?limit=100", h.a.adminPAT, ""))
		owners := map[string]any{}
		for _, row := range list["result"].([]any) {
			item := row.(map[string]any)["item"].(map[string]any)
			owners[item["email"].(string)] = item["accountOwnerId"]
			if item["email"] == "admins@contact.example" && item["firstName"] != "Ada" {
				t.Fatalf("the admin's contact was changed by a member: %v", item)
			}
		}
		if owners["admins@contact.example"] != h.a.admin.ID || owners["mine@contact.example"] != h.a.member.ID {
			t.Fatalf("owners = %v", owners)
		}
		// The admin updates the member's contact without naming an owner:
		// the member still owns it.
		r = h.do(req{method: "POST", path: "/crm/bulk", token: h.a.adminPAT, body: map[string]any{"updateExisting": true,
			"contacts": []any{map[string]any{"email": "mine@contact.example", "lastName": "Meyer"}}}})
		wantStatus(t, r, 201)
		if got := decode(t, r); got["updated"] != 1.0 {
			t.Fatalf("admin's bulk update: %s", r.body)
		}
		list = decode(t, h.get("/crm?limit=100&searchTerm=mine@contact", h.a.adminPAT, ""))
		item := list["result"].([]any)[0].(map[string]any)["item"].(map[string]any)
		if item["accountOwnerId"] != h.a.member.ID || item["lastName"] != "Meyer" {
			t.Fatalf("after the admin's update: %v", item)
		}
	})
}
