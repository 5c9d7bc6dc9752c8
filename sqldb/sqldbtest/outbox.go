package sqldbtest

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/mail"
)

// RunMail runs the e-mail outbox's conformance tests against b.
func RunMail(t *testing.T, b Backend) {
	for _, tc := range []struct {
		name string
		fn   func(*rawFixture)
	}{
		{"mail outbox: written with the booking, claimed once, retried, given up; reminders re-timed and cancelled", testMailOutbox},
		{"mail outbox: the opt-in link is queued with the booking and its token kept only until sent", testMailOptIn},
		{"mail outbox: concurrent claims go to one worker each", testMailConcurrentClaims},
		{"mail outbox: guests hear in the zone and language of the attendee who brought them", testMailGuestZone},
		{"mail outbox: the claim and the dashboard's list use indexes", testMailIndexes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each test has a database of its own
			tc.fn(newRawFixture(t, b))
		})
	}
}

// outbox lists every message of a company, oldest first.
func (f *fixture) outbox(companyID string) []meetd.OutboxMessage {
	f.t.Helper()
	ms, n, err := f.db.OutboxMessages(f.ctx, meetd.OutboxFilter{CompanyID: companyID, Limit: 1000})
	if err != nil || n != len(ms) {
		f.t.Fatalf("OutboxMessages = %d of %d, %v", len(ms), n, err)
	}
	slices.Reverse(ms)
	return ms
}

// byKind counts a company's messages by kind and status, "kind/status to
// recipient".
func byKind(ms []meetd.OutboxMessage) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		out[m.Kind+"/"+m.Status+" to "+m.Recipient]++
	}
	return out
}

func (f *fixture) claimMail(limit int, lease time.Duration) []meetd.OutboxClaim {
	f.t.Helper()
	cs, err := f.db.ClaimOutbox(f.ctx, limit, lease)
	if err != nil {
		f.t.Fatalf("ClaimOutbox: %v", err)
	}
	return cs
}

func (f *fixture) finishMail(c meetd.OutboxClaim, outcome int, next time.Time) {
	f.t.Helper()
	if err := f.db.FinishOutbox(f.ctx, meetd.OutboxResult{ID: c.Message.ID, Attempt: c.Message.Attempts,
		Outcome: outcome, NextAttemptAt: next, Error: "421 try again later"}); err != nil {
		f.t.Fatalf("FinishOutbox: %v", err)
	}
}

// testMailOutbox: a booking writes its messages and reminders with it;
// claims lease them; results move them; stale results change nothing;
// reschedules and cancellations re-time and cancel reminders.
func testMailOutbox(f *rawFixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	other, _ := f.company(meetd.PlanEnterprise, "owner@other.example")
	at := start.Add(72 * time.Hour)
	n := f.booking(h, at, 30)
	n.Attendee = meetd.Attendee{Email: "ada@example.com", Fullname: "Ada", Language: "de", Timezone: "Europe/Berlin",
		ReceiveReminders: true, Notes: json.RawMessage(`{}`), BringalongEmails: []string{"guest@example.com"}}
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil {
		t.Fatal(err)
	}
	ms := f.outbox(c.ID)
	want := map[string]int{
		"booking-confirmation/pending to ada@example.com":   1,
		"booking-confirmation/pending to guest@example.com": 1,
		"host-booking/pending to h1@example.com":            1,
		"reminder/pending to ada@example.com":               2,
		"reminder/pending to guest@example.com":             2, // guests are added with reminders on
	}
	if got := byKind(ms); !mapsEqual(got, want) {
		t.Fatalf("queued %v, want %v", got, want)
	}
	var reminders []time.Time
	for _, m := range ms {
		if m.MessageID != m.ID+"@meetd" || m.CompanyID != c.ID || m.AppointmentID != ap.ID {
			t.Fatalf("message %+v", m)
		}
		switch m.Kind {
		case meetd.MailConfirmation:
			if m.Recipient == "ada@example.com" && (m.Language != "de" || !strings.HasPrefix(m.Subject, "Bestätigt: Intro am ")) {
				t.Fatalf("confirmation %q in %q", m.Subject, m.Language)
			}
			if !strings.Contains(string(m.Calendar), "METHOD:REQUEST") || !strings.Contains(string(m.Calendar), "UID:"+ap.ID+"@meetd") {
				t.Fatalf("confirmation calendar:\n%s", m.Calendar)
			}
		case meetd.MailReminder:
			if m.Recipient == "ada@example.com" {
				reminders = append(reminders, m.SendAt)
			}
		}
		if strings.Contains(string(m.Data), ap.Secret) || strings.Contains(string(m.Calendar), ap.Secret) {
			t.Fatal("an outbox row holds the appointment's secret")
		}
	}
	slices.SortFunc(reminders, time.Time.Compare)
	if len(reminders) != 2 || !reminders[0].Equal(at.Add(-24*time.Hour)) || !reminders[1].Equal(at.Add(-time.Hour)) {
		t.Fatalf("reminders at %v", reminders)
	}
	if ms := f.outbox(other.ID); len(ms) != 0 {
		t.Fatalf("another company lists %d messages", len(ms))
	}

	// The three due messages are claimed once; reminders wait.
	claimedAt := f.clock.Now()
	cs := f.claimMail(10, time.Minute)
	if len(cs) != 3 {
		t.Fatalf("claimed %d, want 3", len(cs))
	}
	for _, cl := range cs {
		// The secret is read for every message of the appointment; the
		// composer shows it only where the facts say Links.
		if cl.Message.Attempts != 1 || cl.AppointmentSecret != ap.Secret || cl.Message.FirstAttemptAt == nil {
			t.Fatalf("claim %+v", cl)
		}
	}
	if again := f.claimMail(10, time.Minute); len(again) != 0 {
		t.Fatalf("leased messages claimed again: %d", len(again))
	}
	f.finishMail(cs[0], meetd.OutboxOutcomeSent, time.Time{})
	f.finishMail(cs[1], meetd.OutboxOutcomeRetry, start.Add(5*time.Minute))
	// A retry recorded, the same attempt's later "sent" still counts (it
	// is the current attempt); only a newer claim makes a result stale.
	f.finishMail(cs[1], meetd.OutboxOutcomeSent, time.Time{})
	f.clock.Advance(time.Minute) // cs[2]'s lease runs out: a crashed worker's claim
	cs2 := f.claimMail(10, time.Minute)
	if len(cs2) != 1 || cs2[0].Message.ID != cs[2].Message.ID || cs2[0].Message.Attempts != 2 ||
		!cs2[0].Message.FirstAttemptAt.Equal(claimedAt) {
		t.Fatalf("after the lease: %d claims, first %s attempt %d since %v", len(cs2), cs2[0].Message.ID,
			cs2[0].Message.Attempts, cs2[0].Message.FirstAttemptAt)
	}
	f.finishMail(cs[2], meetd.OutboxOutcomeSent, time.Time{}) // stale: attempt 1
	f.finishMail(cs2[0], meetd.OutboxOutcomeGiveUp, time.Time{})
	status := map[string]meetd.OutboxMessage{}
	for _, m := range f.outbox(c.ID) {
		status[m.ID] = m
	}
	if m := status[cs[0].Message.ID]; m.Status != meetd.OutboxSent || m.SentAt == nil || m.LastError != "" {
		t.Fatalf("sent message %+v", m)
	}
	if m := status[cs[1].Message.ID]; m.Status != meetd.OutboxSent {
		t.Fatalf("retried then sent message %+v", m)
	}
	if m := status[cs[2].Message.ID]; m.Status != meetd.OutboxFailed || m.Attempts != 2 || m.LastError != "421 try again later" {
		t.Fatalf("given-up message %+v (a stale result must not mark it sent)", m)
	}

	// A retry waits for its time.
	bob := f.booking(h, at.Add(2*time.Hour), 30)
	bob.Attendee.Email = "bob@example.com"
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, bob); err != nil {
		t.Fatal(err)
	}
	cs = f.claimMail(10, time.Minute)
	if len(cs) != 2 { // bob (no reminders asked) and the host
		t.Fatalf("claimed %d", len(cs))
	}
	for _, cl := range cs {
		f.finishMail(cl, meetd.OutboxOutcomeRetry, f.clock.Now().Add(2*time.Minute))
	}
	f.clock.Advance(time.Minute)
	if cs := f.claimMail(10, time.Minute); len(cs) != 0 {
		t.Fatalf("claimed %d before their retry time", len(cs))
	}
	f.clock.Advance(time.Minute)
	cs = f.claimMail(10, time.Minute)
	if len(cs) != 2 || cs[0].Message.Attempts != 2 {
		t.Fatalf("retries: %+v", cs)
	}
	for _, cl := range cs {
		f.finishMail(cl, meetd.OutboxOutcomeSent, time.Time{})
	}

	// A guest added later gets the confirmation and the reminders; nobody
	// else hears of it again.
	before := len(f.outbox(c.ID))
	if _, err := f.db.AddGuests(f.ctx, meetd.CLIActor, c.ID, ap.ID, "", []string{"dan@example.com"}); err != nil {
		t.Fatal(err)
	}
	if got := byKind(f.outbox(c.ID)); len(f.outbox(c.ID)) != before+3 || got["booking-confirmation/pending to dan@example.com"] != 1 ||
		got["reminder/pending to dan@example.com"] != 2 {
		t.Fatalf("after adding a guest: %v", got)
	}

	// A reschedule cancels the reminders not yet sent and writes new ones.
	moved := at.Add(24 * time.Hour)
	if _, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, moved, moved.Add(30*time.Minute), 0, 0); err != nil {
		t.Fatal(err)
	}
	var pendingReminders []time.Time
	cancelled := 0
	for _, m := range f.outbox(c.ID) {
		if m.Kind == meetd.MailReminder && m.Recipient == "ada@example.com" {
			switch m.Status {
			case meetd.OutboxPending:
				pendingReminders = append(pendingReminders, m.SendAt)
			case meetd.OutboxCancelled:
				cancelled++
			}
		}
		if m.Kind == meetd.MailRescheduled && m.Recipient == "ada@example.com" &&
			(!strings.Contains(string(m.Calendar), "SEQUENCE:1") || !strings.Contains(string(m.Data), "previousStart")) {
			t.Fatalf("reschedule message %s\n%s", m.Data, m.Calendar)
		}
	}
	slices.SortFunc(pendingReminders, time.Time.Compare)
	if cancelled != 2 || len(pendingReminders) != 2 || !pendingReminders[0].Equal(moved.Add(-24*time.Hour)) {
		t.Fatalf("after the reschedule: %d cancelled, pending at %v", cancelled, pendingReminders)
	}

	// A cancellation cancels the reminders and sends METHOD:CANCEL.
	if _, err := f.db.CancelAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, "ill", "host"); err != nil {
		t.Fatal(err)
	}
	got := byKind(f.outbox(c.ID))
	if got["reminder/pending to ada@example.com"] != 0 || got["reminder/cancelled to ada@example.com"] != 4 ||
		got["booking-cancelled/pending to ada@example.com"] != 1 || got["host-cancelled/pending to h1@example.com"] != 1 {
		t.Fatalf("after the cancellation: %v", got)
	}
	for _, m := range f.outbox(c.ID) {
		if m.Kind == meetd.MailCancelled && !strings.Contains(string(m.Calendar), "METHOD:CANCEL") {
			t.Fatalf("cancellation calendar:\n%s", m.Calendar)
		}
	}
	// Cleo's reminders were never sent before her meeting began (mail
	// was off): they are dropped, not sent late.
	cleo := f.booking(h, at.Add(4*time.Hour), 30)
	cleo.Attendee.Email, cleo.Attendee.ReceiveReminders = "cleo@example.com", true
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, cleo); err != nil {
		t.Fatal(err)
	}
	// Past the reminders' times nothing of them is claimed.
	f.clock.Advance(96 * time.Hour)
	for _, cl := range f.claimMail(100, time.Minute) {
		if cl.Message.Kind == meetd.MailReminder {
			t.Fatalf("a reminder of a cancelled or begun appointment was claimed (to %s)", cl.Message.Recipient)
		}
	}
	if got := byKind(f.outbox(c.ID)); got["reminder/cancelled to cleo@example.com"] != 2 {
		t.Fatalf("late reminders: %v", got)
	}

	// Pruning deletes finished messages, never pending ones.
	pending := byKind(f.outbox(c.ID))
	if err := f.db.PruneOutbox(f.ctx, f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for k, n := range byKind(f.outbox(c.ID)) {
		if !strings.Contains(k, "/pending ") || pending[k] != n {
			t.Fatalf("after pruning %s: %d (had %d)", k, n, pending[k])
		}
	}
}

// testMailOptIn: a double opt-in booking queues its link in its own
// transaction; the token goes with the claim only while the booking waits
// and is erased once sent.
func testMailOptIn(f *rawFixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	at := start.Add(72 * time.Hour)
	newP := func(email string) meetd.ProvisionalBooking {
		p, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: c.ID,
			MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID}, Start: at, End: at.Add(30 * time.Minute),
			Request:       json.RawMessage(`{"attendee":{"email":"` + email + `","fullname":"Ada","language":"de"}}`),
			AttendeeEmail: email, TokenHash: []byte{1}, Token: "tok-" + email})
		if err != nil {
			t.Fatal(err)
		}
		if p.Token != "" {
			t.Fatal("CreateProvisional returned the token")
		}
		return p
	}
	p1, p2 := newP("ada@example.com"), newP("bob@example.com")
	ms := f.outbox(c.ID)
	if len(ms) != 2 || ms[0].Kind != meetd.MailOptIn || ms[0].Language != "de" ||
		!strings.HasPrefix(ms[0].Subject, "Bitte bestätigen Sie Ihre Buchung") || strings.Contains(string(ms[0].Data), "tok-") {
		t.Fatalf("opt-in messages %+v", ms)
	}
	// Confirmed before its mail went out: the mail is not sent.
	if _, err := f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, c.ID, p2.ID, f.booking(h, at, 30)); err != nil {
		t.Fatal(err)
	}
	var optIn []meetd.OutboxClaim
	for _, cl := range f.claimMail(10, time.Minute) {
		if cl.Message.Kind == meetd.MailOptIn {
			optIn = append(optIn, cl)
		}
	}
	if len(optIn) != 1 || optIn[0].Token != "tok-ada@example.com" || optIn[0].ProvisionalID != p1.ID {
		t.Fatalf("opt-in claims %+v", optIn)
	}
	f.finishMail(optIn[0], meetd.OutboxOutcomeSent, time.Time{})
	for _, m := range f.outbox(c.ID) {
		if m.Kind == meetd.MailOptIn && m.Recipient == "bob@example.com" && m.Status != meetd.OutboxCancelled {
			t.Fatalf("the confirmed booking's opt-in mail is %s", m.Status)
		}
	}
	if n := f.count(`SELECT COUNT(*) FROM outbox_messages WHERE token IS NOT NULL AND status <> ?`, meetd.OutboxPending); n != 0 {
		t.Fatalf("%d confirmation tokens kept after sending", n)
	}

	// A new token after the link went out: a new message carries it.
	if err := f.db.ResetProvisionalToken(f.ctx, c.ID, p1.ID, []byte{2}, "tok-2"); err != nil {
		t.Fatal(err)
	}
	// A new token before the link went out: the pending message carries
	// it, and there is still one.
	p3 := newP("cleo@example.com")
	if err := f.db.ResetProvisionalToken(f.ctx, c.ID, p3.ID, []byte{3}, "tok-3"); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, cl := range f.claimMail(10, time.Minute) {
		if cl.Message.Kind == meetd.MailOptIn {
			if _, dup := tokens[cl.ProvisionalID]; dup {
				t.Fatalf("two confirmation messages of %s", cl.ProvisionalID)
			}
			tokens[cl.ProvisionalID] = cl.Token
		}
	}
	if len(tokens) != 2 || tokens[p1.ID] != "tok-2" || tokens[p3.ID] != "tok-3" {
		t.Fatalf("after new tokens, claimed %v", tokens)
	}
}

// testMailConcurrentClaims: workers claiming at once never get the same
// message.
func testMailConcurrentClaims(f *rawFixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	for i := range 10 {
		if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, start.Add(time.Duration(24+i)*time.Hour), 30)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for {
				cs, err := f.db.ClaimOutbox(f.ctx, 3, time.Hour)
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				mu.Lock()
				for _, cl := range cs {
					seen[cl.Message.ID]++
				}
				done := len(seen) == 20
				mu.Unlock()
				if len(cs) == 0 && done {
					return
				}
				if len(cs) == 0 {
					continue
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != 20 {
		t.Fatalf("claimed %d messages, want 20", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("message %s claimed %d times", id, n)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// testMailIndexes: the outbox's hot queries have their indexes (the query
// plans are checked in sqldb's plan test).
func testMailIndexes(f *rawFixture) {
	for _, name := range []string{"outbox_messages_due", "outbox_messages_company", "outbox_messages_appointment",
		"outbox_messages_provisional"} {
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?`
		if f.pg {
			q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?` // other tests' schemas have it too
		}
		if f.count(q, name) != 1 {
			f.t.Fatalf("index %s is missing", name)
		}
	}
}

// testMailGuestZone: a guest gives no zone or language of their own, so
// their messages (at booking, and for a guest added later) speak as the
// messages to the attendee who brought them do, not in English and UTC.
func testMailGuestZone(f *rawFixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	n := f.booking(h, start.Add(72*time.Hour), 30)
	n.Attendee = meetd.Attendee{Email: "ada@example.com", Fullname: "Ada", Language: "de", Timezone: "America/New_York",
		ReceiveReminders: true, Notes: json.RawMessage(`{}`), BringalongEmails: []string{"guest@example.com"}}
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddGuests(f.ctx, meetd.CLIActor, c.ID, ap.ID, "", []string{"late@example.com"}); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, m := range f.outbox(c.ID) {
		if m.Recipient != "guest@example.com" && m.Recipient != "late@example.com" {
			continue
		}
		seen++
		facts, err := mail.ParseFacts(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if m.Language != "de" || facts.TimeZone != "America/New_York" || facts.Links {
			t.Errorf("%s to %s: language %q, zone %q, links %v; want de, America/New_York, no links",
				m.Kind, m.Recipient, m.Language, facts.TimeZone, facts.Links)
		}
	}
	if seen != 6 { // each guest: the confirmation and two reminders
		t.Fatalf("%d messages to the guests, want 6", seen)
	}
}
