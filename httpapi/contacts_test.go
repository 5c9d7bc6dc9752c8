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
