package sqldbtest

import (
	"time"

	"github.com/meetd/meetd"
)

func (f *fixture) connection(companyID, userID string, kind meetd.CalendarKind, write string) meetd.CalendarConnection {
	f.t.Helper()
	f.clock.Advance(time.Millisecond) // distinct creation times give a stable order
	n := meetd.NewCalendarConnection{ID: meetd.NewID(), CompanyID: companyID, UserID: userID, Kind: kind,
		Secret: []byte{1, 2, 3}}
	if kind == meetd.CalendarCalDAV {
		n.ServerURL, n.Username = "https://dav.example.com/", "dora"
		n.Calendars = []meetd.CalendarRef{{Path: "/dora/work/", Name: "Work"}, {Path: "/dora/home/", Name: "Home"}}
		n.BusyCalendars, n.WriteCalendar = []string{"/dora/work/"}, write
	}
	c, err := f.db.CreateCalendarConnection(f.ctx, meetd.CLIActor, n)
	if err != nil {
		f.t.Fatalf("CreateCalendarConnection: %v", err)
	}
	return c
}

func testCalendarConnections(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	dav := f.connection(c.ID, h.user.ID, meetd.CalendarCalDAV, "/dora/work/")
	feed := f.connection(c.ID, h.user.ID, meetd.CalendarICS, "")
	if dav.Status != meetd.CalendarPending || len(dav.Calendars) != 2 || dav.WriteCalendar != "/dora/work/" ||
		string(dav.Secret) != "\x01\x02\x03" || feed.ServerURL != "" || len(feed.BusyCalendars) != 0 {
		t.Fatalf("created %+v and %+v", dav, feed)
	}
	list, err := f.db.CalendarConnections(f.ctx, c.ID, h.user.ID)
	if err != nil || len(list) != 2 || list[0].ID != dav.ID {
		t.Fatalf("list = %v, %v", list, err)
	}
	if of, err := f.db.CalendarConnectionsOfUsers(f.ctx, c.ID, []string{h.user.ID}); err != nil || len(of) != 2 {
		t.Fatalf("of users = %v, %v", of, err)
	}

	// Both are due at once; a claim leases them.
	claimed, err := f.db.ClaimCalendarRefreshes(f.ctx, 10, time.Minute)
	if err != nil || len(claimed) != 2 || claimed[0].ID != dav.ID {
		t.Fatalf("claim = %d, %v", len(claimed), err)
	}
	if again, _ := f.db.ClaimCalendarRefreshes(f.ctx, 10, time.Minute); len(again) != 0 {
		t.Fatalf("claimed again while leased: %d", len(again))
	}
	// Broken twice: one credential_error event.
	wh, err := f.db.CreateWebhook(f.ctx, meetd.CLIActor, meetd.NewWebhook{CompanyID: c.ID, Endpoint: "https://x.example.com",
		EventTypes: []string{meetd.EventCredentialError}, Secret: "whsec_x"})
	if err != nil {
		t.Fatal(err)
	}
	res := meetd.CalendarRefreshResult{ConnectionID: dav.ID, Status: meetd.CalendarBroken, Error: "refused", NextAt: f.clock.Now().Add(time.Minute)}
	for range 2 {
		if err := f.db.FinishCalendarRefresh(f.ctx, claimed[0], res); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := f.db.WebhookStats(f.ctx, c.ID, wh.ID); st.Pending != 1 {
		t.Fatalf("credential_error events = %+v, want 1", st)
	}
	got, _ := f.db.CalendarConnectionByID(f.ctx, c.ID, dav.ID)
	if got.Status != meetd.CalendarBroken || got.LastError != "refused" {
		t.Fatalf("after the refusal %+v", got)
	}
	// A result for a connection changed since its claim is dropped.
	f.clock.Advance(time.Second)
	name := "Renamed"
	if _, err := f.db.UpdateCalendarConnection(f.ctx, meetd.CLIActor, c.ID, feed.ID, meetd.CalendarConnectionUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.FinishCalendarRefresh(f.ctx, claimed[1], meetd.CalendarRefreshResult{ConnectionID: feed.ID,
		Status: meetd.CalendarOK, NextAt: start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.CalendarConnectionByID(f.ctx, c.ID, feed.ID); got.Status != meetd.CalendarPending || got.Name != "Renamed" {
		t.Fatalf("a stale result was recorded: %+v", got)
	}
	// A new secret mends the broken one.
	if got, err := f.db.UpdateCalendarConnection(f.ctx, meetd.CLIActor, c.ID, dav.ID,
		meetd.CalendarConnectionUpdate{Secret: []byte{9}}); err != nil || got.Status != meetd.CalendarPending {
		t.Fatalf("after a new secret %+v, %v", got, err)
	}

	// A booking queues one write-back for the connection with a write
	// calendar; a change makes it due again, never a second row.
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, start.Add(24*time.Hour), 30))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.db.ClaimCalendarWrites(f.ctx, 10, time.Minute)
	if err != nil || len(ws) != 1 || ws[0].Path != "/dora/work/"+ap.ID+".ics" || ws[0].ConnectionID != dav.ID || ws[0].Attempt != 1 {
		t.Fatalf("write-backs = %+v, %v", ws, err)
	}
	if _, err := f.db.CancelAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, "", "host"); err != nil {
		t.Fatal(err)
	}
	// The result of the older version does not finish the newer.
	if err := f.db.FinishCalendarWrite(f.ctx, meetd.CalendarWriteResult{ID: ws[0].ID, Version: ws[0].Version, Done: true}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.db.PendingCalendarWrites(f.ctx, c.ID); n != 1 {
		t.Fatalf("pending after a stale result = %d, want 1", n)
	}
	again, err := f.db.ClaimCalendarWrites(f.ctx, 10, time.Minute)
	if err != nil || len(again) != 1 || again[0].ID != ws[0].ID || again[0].Version <= ws[0].Version {
		t.Fatalf("write-backs after the cancellation = %+v, %v", again, err)
	}
	if err := f.db.FinishCalendarWrite(f.ctx, meetd.CalendarWriteResult{ID: again[0].ID, Version: again[0].Version, Done: true}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.db.PendingCalendarWrites(f.ctx, c.ID); n != 0 {
		t.Fatalf("pending = %d, want 0", n)
	}

	if err := f.db.DeleteCalendarConnection(f.ctx, meetd.CLIActor, c.ID, dav.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.CalendarConnectionByID(f.ctx, c.ID, dav.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	for range meetd.MaxCalendarConnectionsPerUser - 1 {
		f.connection(c.ID, h.user.ID, meetd.CalendarICS, "")
	}
	_, err = f.db.CreateCalendarConnection(f.ctx, meetd.CLIActor, meetd.NewCalendarConnection{ID: meetd.NewID(),
		CompanyID: c.ID, UserID: h.user.ID, Kind: meetd.CalendarICS, Secret: []byte{1}})
	wantCode(t, err, meetd.ENOTACCEPTABLE)
}

func testForeignCalendarConnections(f *fixture) {
	t := f.t
	mine, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	theirs, _ := f.company(meetd.PlanEnterprise, "owner@other.example.com")
	h := f.host(theirs.ID, "h1@other.example.com")
	conn := f.connection(theirs.ID, h.user.ID, meetd.CalendarICS, "")
	_, err := f.db.CalendarConnectionByID(f.ctx, mine.ID, conn.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	name := "mine"
	_, err = f.db.UpdateCalendarConnection(f.ctx, meetd.CLIActor, mine.ID, conn.ID, meetd.CalendarConnectionUpdate{Name: &name})
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteCalendarConnection(f.ctx, meetd.CLIActor, mine.ID, conn.ID), meetd.ENOTFOUND)
	_, err = f.db.CreateCalendarConnection(f.ctx, meetd.CLIActor, meetd.NewCalendarConnection{ID: meetd.NewID(),
		CompanyID: mine.ID, UserID: h.user.ID, Kind: meetd.CalendarICS, Secret: []byte{1}})
	wantCode(t, err, meetd.ENOTFOUND)
	if list, err := f.db.CalendarConnections(f.ctx, mine.ID, h.user.ID); err != nil || len(list) != 0 {
		t.Fatalf("list = %v, %v", list, err)
	}
	if list, err := f.db.CalendarConnectionsOfUsers(f.ctx, mine.ID, []string{h.user.ID}); err != nil || len(list) != 0 {
		t.Fatalf("of users = %v, %v", list, err)
	}
}
