package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/dashboard"
)

// book books a meeting of owner's with ada@example.com, queueing its
// messages, and returns the appointment.
func (h *harness) book(owner meetd.User) meetd.Appointment {
	h.t.Helper()
	ctx := context.Background()
	av, err := h.db.CreateAvailability(ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: owner.CompanyID,
		UserID: owner.ID, Name: "Hours", Timezone: "Europe/Berlin", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		h.t.Fatal(err)
	}
	mt, err := h.db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: owner.CompanyID, UserID: owner.ID,
		AvailabilityID: av.ID, Name: "Intro call", Slug: "intro", Duration: 30, Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	at := h.clock.Now().Add(72 * time.Hour).Truncate(time.Hour)
	ap, err := h.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: owner.CompanyID,
		MeetingTypeID: mt.ID, HostIDs: []string{owner.ID}, Start: at, End: at.Add(30 * time.Minute),
		Attendee: meetd.Attendee{Email: "ada@example.com", Fullname: "Ada", ReceiveReminders: true, Notes: json.RawMessage(`{}`)}})
	if err != nil {
		h.t.Fatal(err)
	}
	return ap
}

func TestOutboxListsTheCompanysMessagesWithoutTheirSecrets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, owner, admin, member := h.company("a", meetd.PlanEnterprise)
	_, otherOwner, _, _ := h.company("b", meetd.PlanEnterprise)
	ap := h.book(owner.User)
	other := h.book(otherOwner.User)

	want(t, h.loggedIn(member).get("/dashboard/outbox"), http.StatusForbidden, "Owners and admins only")
	b := h.loggedIn(admin)
	p := b.get("/dashboard/outbox")
	want(t, p, http.StatusOK, `aria-current="page">Outbox`, "4 messages", "Booking confirmation", "New booking (to host)",
		"Reminder", "ada@example.com", "owner@a.example.com", "Confirmed: Intro call on", "pending")
	for _, leak := range []string{ap.Secret, other.Secret, "owner@b.example.com", "secret=", "BEGIN:VCALENDAR"} {
		if strings.Contains(p.body, leak) {
			t.Fatalf("the outbox page shows %q", leak)
		}
	}
	want(t, b.get("/dashboard/outbox?status=sent"), http.StatusOK, "No messages with status sent")
	want(t, b.get("/dashboard/outbox?status=pending"), http.StatusOK, "4 messages")
	want(t, b.get("/dashboard/outbox?status=bogus"), http.StatusOK, "4 messages")
}

// TestOutboxSaysMailIsOffOnlyWhenItIs: the hint that messages wait for an
// SMTP server is shown when meetd runs without one, and not when it has
// one (serve --smtp-url).
func TestOutboxSaysMailIsOffOnlyWhenItIs(t *testing.T) {
	t.Parallel()
	const hint = "wait here as pending"
	for _, tc := range []struct {
		name     string
		on, hint bool
	}{
		{"without an SMTP server the page says mail is off", false, true},
		{"with an SMTP server the page says nothing of it", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *dashboard.Config) { c.MailOn = tc.on })
			_, owner, _, _ := h.company("a", meetd.PlanEnterprise)
			h.book(owner.User)
			p := h.loggedIn(owner).get("/dashboard/outbox")
			want(t, p, http.StatusOK, "4 messages")
			if got := strings.Contains(p.body, hint); got != tc.hint {
				t.Fatalf("mail on %v: the page shows the mail-off hint: %v, want %v", tc.on, got, tc.hint)
			}
		})
	}
}
