package sqldbtest

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/meetd/meetd"
)

func (f *fixture) oneTimeLink(companyID, meetingTypeID string) (meetd.OneTimeLink, string) {
	f.t.Helper()
	token := meetd.NewOneTimeToken()
	l, err := f.db.CreateOneTimeLink(f.ctx, meetd.CLIActor, companyID, meetingTypeID, meetd.HashOneTimeToken(token))
	if err != nil {
		f.t.Fatalf("CreateOneTimeLink: %v", err)
	}
	return l, token
}

// appointments counts a company's appointments, cancelled or not.
func (f *fixture) appointments(companyID string) int {
	f.t.Helper()
	_, total, err := f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: companyID, Limit: 100})
	if err != nil {
		f.t.Fatal(err)
	}
	return total
}

func testOneTimeLinks(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	at := start.Add(48 * time.Hour)

	made := f.clock.Now()
	first, firstToken := f.oneTimeLink(c.ID, h.mt.ID)
	if len(firstToken) != meetd.OneTimeTokenLength || first.MeetingTypeID != h.mt.ID || first.CompanyID != c.ID ||
		!first.CreatedAt.Equal(made) || !first.ExpiresAt.Equal(made.Add(meetd.OneTimeLinkTTL)) || first.UsedAt != nil || first.ReplacedAt != nil ||
		!bytes.Equal(first.TokenHash, meetd.HashOneTimeToken(firstToken)) {
		t.Fatalf("created %+v (token %q)", first, firstToken)
	}
	got, err := f.db.OneTimeLinkByTokenHash(f.ctx, meetd.HashOneTimeToken(firstToken))
	if err != nil || got.ID != first.ID {
		t.Fatalf("OneTimeLinkByTokenHash = %+v, %v", got, err)
	}
	_, err = f.db.OneTimeLinkByTokenHash(f.ctx, meetd.HashOneTimeToken(meetd.NewOneTimeToken()))
	wantCode(t, err, meetd.ENOTFOUND)

	// A new link replaces the unused one of the same meeting type.
	f.clock.Advance(time.Minute)
	second, _ := f.oneTimeLink(c.ID, h.mt.ID)
	if got, err := f.db.OneTimeLinkByID(f.ctx, c.ID, first.ID); err != nil || got.ReplacedAt == nil ||
		!got.ReplacedAt.Equal(made.Add(time.Minute)) || got.Usable(h.mt.ID, f.clock.Now()) != meetd.ErrOneTimeLinkReplaced {
		t.Fatalf("the replaced link = %+v, %v", got, err)
	}
	through := func(l meetd.OneTimeLink, when time.Time) meetd.NewAppointment {
		n := f.booking(h, when, 30)
		n.OneTimeLinkID = l.ID
		return n
	}
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, through(first, at))
	wantCode(t, err, meetd.ECONFLICT)

	// It books once, and the booking records it in the same transaction.
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, through(second, at))
	if err != nil {
		t.Fatalf("booking through the link: %v", err)
	}
	used, err := f.db.OneTimeLinkByID(f.ctx, c.ID, second.ID)
	if err != nil || used.UsedAt == nil || used.AppointmentID != ap.ID {
		t.Fatalf("the used link = %+v, %v", used, err)
	}
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, through(second, at.Add(time.Hour)))
	if err != meetd.ErrOneTimeLinkUsed {
		t.Fatalf("booking through a used link: %v, want %v", err, meetd.ErrOneTimeLinkUsed)
	}
	// A used link is not replaced by a newer one: it keeps its record.
	third, _ := f.oneTimeLink(c.ID, h.mt.ID)
	if got, _ := f.db.OneTimeLinkByID(f.ctx, c.ID, second.ID); got.ReplacedAt != nil {
		t.Fatalf("a used link was marked replaced: %+v", got)
	}

	// A link books only its own meeting type.
	other := f.host(c.ID, "h2@example.com")
	n := f.booking(other, at, 30)
	n.OneTimeLinkID = third.ID
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != meetd.ErrOneTimeLinkNotFound {
		t.Fatalf("booking another meeting type through the link: %v", err)
	}
	// A failed booking does not use the link up, and a taken slot fails
	// the booking without using it up either.
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, through(third, at))
	if err != meetd.ErrSlotTaken {
		t.Fatalf("booking a taken slot through a link: %v", err)
	}
	if got, _ := f.db.OneTimeLinkByID(f.ctx, c.ID, third.ID); got.UsedAt != nil {
		t.Fatalf("a failed booking used the link up: %+v", got)
	}

	// A double opt-in confirmation books through the link too.
	p, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: c.ID,
		MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID}, Start: at.Add(2 * time.Hour), End: at.Add(150 * time.Minute),
		Request: json.RawMessage(`{}`), AttendeeEmail: "g@example.com", TokenHash: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	confirmed, err := f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, c.ID, p.ID, through(third, at.Add(2*time.Hour)))
	if err != nil {
		t.Fatalf("confirming through the link: %v", err)
	}
	if got, _ := f.db.OneTimeLinkByID(f.ctx, c.ID, third.ID); got.AppointmentID != confirmed.ID {
		t.Fatalf("the confirmation did not use the link: %+v", got)
	}

	// Thirty days after it was made, an unused link is dead.
	fourth, _ := f.oneTimeLink(c.ID, h.mt.ID)
	f.clock.Advance(meetd.OneTimeLinkTTL)
	before := f.appointments(c.ID)
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, through(fourth, at.Add(4*time.Hour)))
	if err != meetd.ErrOneTimeLinkExpired {
		t.Fatalf("booking through an expired link: %v", err)
	}
	if after := f.appointments(c.ID); after != before {
		t.Fatalf("a refused booking left an appointment: %d, was %d", after, before)
	}

	_, err = f.db.CreateOneTimeLink(f.ctx, meetd.CLIActor, c.ID, meetd.NewID(), meetd.HashOneTimeToken("x"))
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.OneTimeLinkByID(f.ctx, c.ID, "not-a-uuid")
	wantCode(t, err, meetd.ENOTFOUND)
}

// testForeignOneTimeLinks: another company's link and meeting type are
// missing ones, and a booking cannot use another company's link.
func testForeignOneTimeLinks(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, _ := f.company(meetd.PlanEnterprise, "owner@else.example")
	mine := f.host(c.ID, "h1@example.com")
	theirs := f.host(other.ID, "t1@else.example")
	link, token := f.oneTimeLink(other.ID, theirs.mt.ID)

	_, missing := f.db.OneTimeLinkByID(f.ctx, c.ID, meetd.NewID())
	_, err := f.db.OneTimeLinkByID(f.ctx, c.ID, link.ID)
	wantForeign(t, err, missing)
	_, err = f.db.CreateOneTimeLink(f.ctx, meetd.CLIActor, c.ID, theirs.mt.ID, meetd.HashOneTimeToken("y"))
	wantCode(t, err, meetd.ENOTFOUND)
	n := f.booking(mine, start.Add(48*time.Hour), 30)
	n.OneTimeLinkID = link.ID
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	wantForeign(t, err, missing)
	if f.appointments(c.ID) != 0 {
		t.Fatal("a booking through another company's link was made")
	}
	// Their link still works, and is found by its token alone.
	got, err := f.db.OneTimeLinkByTokenHash(f.ctx, meetd.HashOneTimeToken(token))
	if err != nil || got.ID != link.ID || got.UsedAt != nil || got.ReplacedAt != nil {
		t.Fatalf("their link after the foreign calls = %+v, %v", got, err)
	}
}
