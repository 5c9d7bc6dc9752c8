package sqldbtest

import (
	"time"

	"github.com/meetd/meetd"
)

func testCalendarFeeds(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	u := f.user(c.ID, "mia@example.com", "Mia", "M", meetd.RoleMember)
	first, second := meetd.HashCalendarFeedToken("first"), meetd.HashCalendarFeedToken("second")

	if _, err := f.db.CalendarFeedByTokenHash(f.ctx, first); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("a feed never made = %v, want ENOTFOUND", err)
	}
	feed, err := f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c.ID, u.ID, first)
	if err != nil || feed.UserID != u.ID || feed.CompanyID != c.ID || !feed.CreatedAt.Equal(f.clock.Now()) {
		t.Fatalf("SetCalendarFeed = %+v, %v", feed, err)
	}
	if got, err := f.db.CalendarFeedByTokenHash(f.ctx, first); err != nil || got != feed {
		t.Fatalf("CalendarFeedByTokenHash = %+v, %v; want %+v", got, err, feed)
	}
	if got, err := f.db.CalendarFeedOf(f.ctx, c.ID, u.ID); err != nil || got != feed {
		t.Fatalf("CalendarFeedOf = %+v, %v; want %+v", got, err, feed)
	}
	if _, err := f.db.CalendarFeedOf(f.ctx, c.ID, owner.ID); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("CalendarFeedOf a user without one = %v, want ENOTFOUND", err)
	}
	// A new token replaces the old one.
	f.clock.Advance(time.Minute)
	if _, err := f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c.ID, u.ID, second); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CalendarFeedByTokenHash(f.ctx, first); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("the replaced token = %v, want ENOTFOUND", err)
	}
	if got, err := f.db.CalendarFeedByTokenHash(f.ctx, second); err != nil || !got.CreatedAt.Equal(f.clock.Now()) {
		t.Fatalf("the new token = %+v, %v", got, err)
	}
	// The owner's feed is their own.
	if _, err := f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c.ID, owner.ID, first); err != nil {
		t.Fatal(err)
	}
	// A removed user's feed stops answering and cannot be made.
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CalendarFeedByTokenHash(f.ctx, second); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("a removed user's feed = %v, want ENOTFOUND", err)
	}
	_, err = f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c.ID, u.ID, second)
	wantCode(t, err, meetd.ENOTFOUND)
	// Revoking.
	if err := f.db.DeleteCalendarFeed(f.ctx, meetd.CLIActor, c.ID, owner.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CalendarFeedByTokenHash(f.ctx, first); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("a revoked feed = %v, want ENOTFOUND", err)
	}
	wantCode(t, f.db.DeleteCalendarFeed(f.ctx, meetd.CLIActor, c.ID, owner.ID), meetd.ENOTFOUND)
	_, err = f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c.ID, "not-a-uuid", first)
	wantCode(t, err, meetd.ENOTFOUND)
}

// testForeignCalendarFeeds: another company can neither make, nor revoke a
// user's feed.
func testForeignCalendarFeeds(f *fixture) {
	t := f.t
	c1, u := f.company(meetd.PlanEnterprise, "one@example.com")
	c2, _ := f.company(meetd.PlanEnterprise, "two@example.com")
	h := meetd.HashCalendarFeedToken("mine")
	if _, err := f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c1.ID, u.ID, h); err != nil {
		t.Fatal(err)
	}
	_, err := f.db.SetCalendarFeed(f.ctx, meetd.CLIActor, c2.ID, u.ID, meetd.HashCalendarFeedToken("theirs"))
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteCalendarFeed(f.ctx, meetd.CLIActor, c2.ID, u.ID), meetd.ENOTFOUND)
	_, err = f.db.CalendarFeedOf(f.ctx, c2.ID, u.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	if got, err := f.db.CalendarFeedByTokenHash(f.ctx, h); err != nil || got.CompanyID != c1.ID {
		t.Fatalf("the feed after another company's attempts = %+v, %v", got, err)
	}
}
