package mail_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"
	"pgregory.net/rapid"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/mail"
	"github.com/meetd/meetd/mail/mailtest"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// booked is a store with one booking of ada@example.com (reminders off)
// and its two messages queued: hers and the host's.
func booked(t *testing.T) (*sqldb.DB, *meetd.ManualClock, meetd.Appointment) {
	t.Helper()
	clock := meetd.NewManualClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	db := sqldbtest.Open(t, sqldbtest.SQLite, clock)
	ctx := t.Context()
	c, owner, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "hanna@acme.example", GivenName: "Hanna", FamilyName: "Host", Timezone: "Europe/Berlin",
			Type: meetd.UserStandard})
	if err != nil {
		t.Fatal(err)
	}
	av, err := db.CreateAvailability(ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: c.ID, UserID: owner.ID,
		Name: "Hours", Timezone: "Europe/Berlin", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		t.Fatal(err)
	}
	mt, err := db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: owner.ID,
		AvailabilityID: av.ID, Name: "Intro call", Slug: "intro", Duration: 30, Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := clock.Now().Add(72 * time.Hour)
	ap, err := db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: c.ID, MeetingTypeID: mt.ID,
		HostIDs: []string{owner.ID}, Start: at, End: at.Add(30 * time.Minute),
		Attendee: meetd.Attendee{Email: "ada@example.com", Fullname: "Ada", Notes: json.RawMessage(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	return db, clock, ap
}

func worker(db *sqldb.DB, clock meetd.Clock, srv *mailtest.Server) *mail.Worker {
	return &mail.Worker{Store: db, Clock: clock, Composer: composer,
		Sender: &mail.SMTP{Server: mail.Server{Host: "127.0.0.1", Port: srv.Port, TLS: mail.NoTLS}}}
}

func TestWorkerSendsEachMessageOnceAndRetriesThroughAnOutage(t *testing.T) {
	db, clock, ap := booked(t)
	srv := mailtest.Start(t, mailtest.Options{})
	srv.SetDown(true)
	w := worker(db, clock, srv)
	if n, err := w.Deliver(t.Context()); err != nil || n != 2 {
		t.Fatalf("Deliver during the outage = %d, %v", n, err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("a message went out during the outage")
	}
	srv.SetDown(false)
	if n, _ := w.Deliver(t.Context()); n != 0 {
		t.Fatalf("retried %d messages before their time", n)
	}
	clock.Advance(mail.FirstRetry)
	if n, err := w.Deliver(t.Context()); err != nil || n != 2 {
		t.Fatalf("Deliver after the outage = %d, %v", n, err)
	}
	clock.Advance(time.Hour)
	if n, _ := w.Deliver(t.Context()); n != 0 {
		t.Fatalf("sent messages were attempted again: %d", n)
	}
	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages, want 2", len(got))
	}
	to, text := map[string]string{}, map[string]string{}
	for _, m := range got {
		to[m.To[0]] = string(m.Data)
		_, parts := parse(t, m.Data)
		for _, p := range parts {
			text[m.To[0]] += p.Body
		}
	}
	if !strings.Contains(text["ada@example.com"], "cancel?secret="+ap.Secret) || strings.Contains(text["hanna@acme.example"], ap.Secret) {
		t.Error("the attendee's message lacks her links, or the host's has them")
	}
	list, _, err := db.OutboxMessages(t.Context(), meetd.OutboxFilter{CompanyID: ap.CompanyID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.Status != meetd.OutboxSent || m.Attempts != 2 || m.SentAt == nil || m.LastError != "" {
			t.Errorf("message %s: %s after %d attempts, error %q", m.Kind, m.Status, m.Attempts, m.LastError)
		}
		if !strings.Contains(to[m.Recipient], "Message-Id: <"+m.MessageID+">") && !strings.Contains(to[m.Recipient], "Message-ID: <"+m.MessageID+">") {
			t.Errorf("message %s went out without its stable Message-ID", m.ID)
		}
	}
}

func TestWorkerGivesUpOnARefusedRecipientAtOnce(t *testing.T) {
	db, clock, ap := booked(t)
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Reject("ada@example.com")
	if n, err := worker(db, clock, srv).Deliver(t.Context()); err != nil || n != 2 {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	list, _, _ := db.OutboxMessages(t.Context(), meetd.OutboxFilter{CompanyID: ap.CompanyID, Limit: 10})
	for _, m := range list {
		want := meetd.OutboxSent
		if m.Recipient == "ada@example.com" {
			want = meetd.OutboxFailed
		}
		if m.Status != want || (want == meetd.OutboxFailed && !strings.Contains(m.LastError, "550")) {
			t.Errorf("%s: %s (%q), want %s", m.Recipient, m.Status, m.LastError, want)
		}
	}
}

func TestScheduleBacksOffWithinTheWindow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		elapsed := time.Duration(rapid.Int64Range(0, int64(mail.RetryWindow+time.Hour)).Draw(t, "elapsed"))
		attempt := rapid.IntRange(1, 200).Draw(t, "attempt")
		now := first.Add(elapsed)
		next, giveUp := mail.Schedule(first, now, attempt)
		if giveUp != (elapsed >= mail.RetryWindow) {
			t.Fatalf("giveUp = %v after %v", giveUp, elapsed)
		}
		if giveUp {
			return
		}
		wait := next.Sub(now)
		if wait <= 0 || wait > mail.MaxRetry || next.After(first.Add(mail.RetryWindow)) {
			t.Fatalf("attempt %d at +%v: next in %v", attempt, elapsed, wait)
		}
		if b := mail.Backoff(attempt); b < mail.Backoff(attempt-1+boolInt(attempt == 1)) {
			t.Fatalf("Backoff(%d) = %v shrank", attempt, b)
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestLanguageIsGermanForGermanAndEnglishOtherwise(t *testing.T) {
	for tag, want := range map[string]string{"de": "de", "de-AT": "de", "DE_ch": "de", " de ": "de", "en": "en",
		"": "en", "fr": "en", "deu": "en", "en-DE": "en"} {
		if got := mail.Language(tag); got != want {
			t.Errorf("Language(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestParseServer(t *testing.T) {
	for _, tc := range []struct {
		in, want   string // want: the server's String, or "" for a refusal
		user, pass string
		tls        string
	}{
		{"smtp://meetd:p%40ss@mail.example.com", "smtp://meetd@mail.example.com:587", "meetd", "p@ss", mail.StartTLS},
		{"smtps://u:pw@mail.example.com", "smtps://u@mail.example.com:465", "u", "pw", mail.Implicit},
		{"smtp://mail.example.com:2525", "smtp://mail.example.com:2525", "", "", mail.StartTLS},
		{"smtp+insecure://127.0.0.1:2525", "smtp+insecure://127.0.0.1:2525", "", "", mail.NoTLS},
		{"smtp+insecure://[::1]:25", "smtp+insecure://[::1]:25", "", "", mail.NoTLS},
		{"smtp+insecure://localhost:25", "smtp+insecure://localhost:25", "", "", mail.NoTLS},
		{"smtp+insecure://mail.example.com:25", "", "", "", ""},
		{"smtp+insecure://10.0.0.1:25", "", "", "", ""},
		{"http://mail.example.com", "", "", "", ""},
		{"smtp://", "", "", "", ""},
		{"smtp://mail.example.com:99999", "", "", "", ""},
		{"smtp://mail.example.com/path", "", "", "", ""},
		{"smtp://mail.example.com?tls=off", "", "", "", ""},
		{"mail.example.com:587", "", "", "", ""},
	} {
		srv, err := mail.ParseServer(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseServer(%q) accepted", tc.in)
			}
			continue
		}
		if err != nil || srv.String() != tc.want || srv.Username != tc.user || srv.Password != tc.pass || srv.TLS != tc.tls {
			t.Errorf("ParseServer(%q) = %+v (%s), %v", tc.in, srv, srv, err)
		}
	}
}

func FuzzParseServerNeverShowsThePassword(f *testing.F) {
	for _, s := range []string{"smtp://u:hunter2@h:1", "smtps://u:hunter2@[::1]:x", "smtp+insecure://u:hunter2@example.com",
		"smtp://u:hunter2@h/p?q", "smtp://u:hunter2@:25"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		srv, err := mail.ParseServer(s)
		if err != nil {
			if strings.Contains(s, "hunter2") && strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error shows the password: %v", err)
			}
			return
		}
		if srv.Password != "" && strings.Contains(srv.String(), srv.Password) && !strings.Contains(srv.Host+srv.Username, srv.Password) {
			t.Fatalf("String %q shows the password", srv)
		}
		if srv.Host == "" || srv.Port < 1 || srv.Port > 65535 {
			t.Fatalf("accepted %q as %+v", s, srv)
		}
	})
}

// stopper is a Sender that stops the worker (cancels its context) just
// before handing the batch to the real one.
type stopper struct {
	cancel context.CancelFunc
	next   mail.Sender
}

func (s stopper) Send(ctx context.Context, msgs []*gomail.Msg) []error {
	s.cancel()
	return s.next.Send(ctx, msgs)
}

func TestWorkerStoppingLeavesUnsentMessagesDueAtOnce(t *testing.T) {
	db, clock, ap := booked(t)
	srv := mailtest.Start(t, mailtest.Options{})
	w := worker(db, clock, srv)
	ctx, cancel := context.WithCancel(t.Context())
	w.Sender = stopper{cancel: cancel, next: w.Sender}
	if _, err := w.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("messages were sent after the worker was stopped")
	}
	list, _, _ := db.OutboxMessages(t.Context(), meetd.OutboxFilter{CompanyID: ap.CompanyID, Limit: 10})
	for _, m := range list {
		if m.Status != meetd.OutboxPending || m.NextAttemptAt.After(clock.Now()) || m.LastError != "not attempted: meetd was stopping" {
			t.Fatalf("after stopping: %s due %v (%q)", m.Status, m.NextAttemptAt, m.LastError)
		}
	}
	if n, err := worker(db, clock, srv).Deliver(t.Context()); err != nil || n != 2 || len(srv.Messages()) != 2 {
		t.Fatalf("the next worker: %d attempts, %v, %d messages", n, err, len(srv.Messages()))
	}
}
