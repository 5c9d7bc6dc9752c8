package httpapi_test

import (
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// The request shapes of meetergo's clients that meetd refuses on purpose
// (the OAuth URL of a calendar provider: meetd connects CalDAV accounts
// and feeds, which need none; MCP 0.1's path of the connection list),
// each with the answer the client gets (docs/decisions.md, "What meetd
// does not serve yet"). The refusal is meetergo's own 404 for a route it
// does not have, so every client shows it as an error and none mistakes it
// for an empty answer.
func TestCompatRefusedShapes(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		for _, tc := range []struct{ client, method, path string }{
			{"MCP 0.1 list_calendar_connections", "GET", "/v4/calendar-connections"},
			{"docs: calendar OAuth URL", "GET", "/v4/calendar-connections/auth/caldav/url"},
		} {
			t.Run(tc.client, func(t *testing.T) {
				r := h.do(req{method: tc.method, path: tc.path, token: h.a.key, acting: h.a.owner.ID,
					body: map[string]any{}})
				wantStatus(t, r, 404)
				got := decode(t, r)
				if got["message"] != "Cannot "+tc.method+" "+tc.path || got["error"] != "Not Found" {
					t.Fatalf("%s %s answered %s", tc.method, tc.path, r.body)
				}
			})
		}
	})
}
