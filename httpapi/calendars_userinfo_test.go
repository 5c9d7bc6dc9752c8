package httpapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd/calsync/caldavtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestCalDAVServerURLHoldsNoPassword: a CalDAV server address is stored
// and shown in clear, so one that carries a user name and password
// (https://user:pw@host/) is a 400 on create and on change, whose answer
// does not repeat the password: the password belongs in password, which
// is sealed.
func TestCalDAVServerURLHoldsNoPassword(t *testing.T) {
	rad := caldavtest.Start(t)
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		u, err := url.Parse(rad.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(rad.User, rad.Password)
		r := h.do(req{method: "POST", path: "/v4/calendar-connections/connections", token: h.a.memberPAT,
			body: map[string]any{"provider": "caldav", "serverUrl": u.String(), "username": rad.User, "password": rad.Password}})
		wantValidation(t, r, "serverUrl", "serverUrl must not hold a user name or password")
		if strings.Contains(string(r.body), rad.Password) {
			t.Fatalf("the answer repeats the password: %s", r.body)
		}
		c := h.caldavConnection(rad, h.a.memberPAT, "", "")
		r = h.do(req{method: "PATCH", path: "/v4/calendar-connections/connections/" + c["id"].(string), token: h.a.memberPAT,
			body: map[string]any{"serverUrl": u.String()}})
		wantValidation(t, r, "serverUrl", "serverUrl must not hold a user name or password")
		r = h.get("/v4/calendar-connections/connections/"+c["id"].(string), h.a.memberPAT, "")
		if strings.Contains(string(r.body), rad.Password) {
			t.Fatalf("the connection shows the password: %s", r.body)
		}
	})
}
