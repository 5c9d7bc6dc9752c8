package dashboard_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/calsync/caldavtest"
	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/webhook"
)

// The Calendars page connects a CalDAV account, lists its calendars to
// pick from, tests it, shows it broken once the server refuses its
// password, and removes it. Without the operator's key it says so.
func TestCalendarsPage(t *testing.T) {
	rad := caldavtest.Start(t)
	work := rad.Calendar(t, "work")
	rad.Calendar(t, "family")
	key := make([]byte, calsync.KeySize)
	_, _ = rand.Read(key)
	box, err := calsync.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	var svc *calsync.Service
	h := newHarness(t, func(c *dashboard.Config) {
		svc = calsync.NewService(calsync.Service{Store: c.Store, Box: box, Guard: webhook.Guard{AllowPrivate: true}, Clock: c.Clock})
		c.Calendars = svc
	})
	company, _, _, member := h.company("cal", meetd.PlanEnterprise)
	b := h.browser()
	b.signIn(member)
	want(t, b.get("/dashboard/calendars"), 200, "Connect a calendar", "You have connected no calendars yet.")

	p := b.post("/dashboard/calendars", url.Values{"provider": {"caldav"}, "serverUrl": {rad.URL}, "username": {rad.User},
		"password": {"wrong"}, "name": {"Work"}})
	want(t, p, 400, "refused the credentials")
	wantRedirect(t, b.post("/dashboard/calendars", url.Values{"provider": {"caldav"}, "serverUrl": {rad.URL},
		"username": {rad.User}, "password": {rad.Password}, "name": {"Work"}}), "/dashboard/calendars")
	page := b.get("/dashboard/calendars")
	want(t, page, 200, "Calendar connected", "work", "family", "pending")
	if strings.Contains(page.body, rad.Password) {
		t.Fatal("the page shows the app password")
	}
	conns, err := h.db.CalendarConnections(context.Background(), company.ID, member.ID)
	if err != nil || len(conns) != 1 {
		t.Fatalf("connections %v, %v", conns, err)
	}
	id := conns[0].ID
	wantRedirect(t, b.post("/dashboard/calendars/"+id+"/calendars", url.Values{"busy": {work}, "primary": {work}}),
		"/dashboard/calendars")
	c, err := h.db.CalendarConnectionByID(context.Background(), company.ID, id)
	if err != nil || c.WriteCalendar != work || len(c.BusyCalendars) != 1 || c.BusyCalendars[0] != work {
		t.Fatalf("after picking: %+v, %v", c, err)
	}
	want(t, b.post("/dashboard/calendars/"+id+"/test", nil), 200, "Test")

	rad.SetPassword(t, "changed-elsewhere")
	r := &calsync.Refresher{Service: svc}
	if _, err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	want(t, b.get("/dashboard/calendars"), 200, "broken: the server refused the credentials")

	wantRedirect(t, b.post("/dashboard/calendars/"+id+"/remove", nil), "/dashboard/calendars")
	want(t, b.get("/dashboard/calendars"), 200, "Calendar removed.", "You have connected no calendars yet.")

	h2 := newHarness(t)
	_, _, _, m2 := h2.company("nokey", meetd.PlanEnterprise)
	b2 := h2.browser()
	b2.signIn(m2)
	want(t, b2.get("/dashboard/calendars"), 200, "the operator must set <code>--secret-key-file</code>")
}
