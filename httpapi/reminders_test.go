package httpapi_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestReminderMinutesAreValidatedAndTimeTheReminders: a meeting type's
// meetingOptions.reminderMinutes is checked, kept as sent, and decides when
// a booking's reminders are queued; [] turns them off.
func TestReminderMinutesAreValidatedAndTimeTheReminders(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	h.clock.Set(monday)
	a := h.a
	n := 0
	create := func(mins any) response {
		n++
		return h.do(req{method: "POST", path: "/v4/meeting-type", token: a.memberPAT, body: map[string]any{
			"meetingInfo":    map[string]any{"name": fmt.Sprint("Intro Call ", n), "duration": 30, "channel": "zoom", "description": ""},
			"availability":   map[string]any{"name": "Hours", "timezone": "Europe/Berlin", "schedule": workweek()},
			"meetingOptions": map[string]any{"reminderMinutes": mins}}})
	}
	for _, tc := range []struct {
		mins any
		want string
	}{
		{[]int{0}, "meetingOptions.reminderMinutes: each value in meetingOptions.reminderMinutes must be between 1 and 43200"},
		{[]int{43201}, "meetingOptions.reminderMinutes: each value in meetingOptions.reminderMinutes must be between 1 and 43200"},
		{[]int{1, 2, 3, 4, 5, 6}, "meetingOptions.reminderMinutes must contain no more than 5 elements"},
		{"1440", "meetingOptions.reminderMinutes must be an array of whole minutes"},
		{[]float64{1.5}, "meetingOptions.reminderMinutes must be an array of whole minutes"},
	} {
		wantMessages(t, create(tc.mins), tc.want)
	}
	r := create([]int{2880, 30})
	wantStatus(t, r, 201)
	created := decode(t, r)
	if got := created["meetingOptions"].(map[string]any)["reminderMinutes"]; len(got.([]any)) != 2 {
		t.Fatalf("reminderMinutes came back as %v", got)
	}
	off := decode(t, create([]int{}))["id"].(string)

	reminders := func(apID string) []time.Time {
		t.Helper()
		ms, _, err := h.db.OutboxMessages(t.Context(), meetd.OutboxFilter{CompanyID: a.company.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var at []time.Time
		for _, m := range ms {
			if m.AppointmentID == apID && m.Kind == meetd.MailReminder {
				at = append(at, m.SendAt)
			}
		}
		slices.SortFunc(at, time.Time.Compare)
		return at
	}
	start := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC) // Thursday 10:00 in Berlin
	r = h.book(a.key, created["id"].(string), a.member.ID, start, nil)
	wantStatus(t, r, 201)
	if got := reminders(decode(t, r)["appointmentId"].(string)); len(got) != 2 || !got[0].Equal(start.Add(-48*time.Hour)) ||
		!got[1].Equal(start.Add(-30*time.Minute)) {
		t.Fatalf("reminders at %v, want 48 h and 30 min before %v", got, start)
	}
	r = h.book(a.key, off, a.member.ID, start.Add(2*time.Hour), nil)
	wantStatus(t, r, 201)
	if got := reminders(decode(t, r)["appointmentId"].(string)); len(got) != 0 {
		t.Fatalf("reminderMinutes [] queued reminders at %v", got)
	}
}
