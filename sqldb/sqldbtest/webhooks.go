package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func (f *fixture) webhook(companyID string, types ...string) meetd.Webhook {
	f.t.Helper()
	w, err := f.db.CreateWebhook(f.ctx, meetd.CLIActor, meetd.NewWebhook{CompanyID: companyID,
		Endpoint: "https://hooks.example.com/" + companyID, EventTypes: types, Secret: testSecret})
	if err != nil {
		f.t.Fatalf("CreateWebhook: %v", err)
	}
	return w
}

// claim takes every due delivery with a one-minute lease.
func (f *fixture) claim() []meetd.WebhookDelivery {
	f.t.Helper()
	ds, err := f.db.ClaimWebhookDeliveries(f.ctx, 100, time.Minute)
	if err != nil {
		f.t.Fatalf("ClaimWebhookDeliveries: %v", err)
	}
	return ds
}

func (f *fixture) finish(d meetd.WebhookDelivery, o meetd.WebhookOutcome, next time.Time) {
	f.t.Helper()
	if err := f.db.FinishWebhookDelivery(f.ctx, meetd.WebhookResult{DeliveryID: d.ID, Attempt: d.Attempt,
		Endpoint: d.Endpoint, Outcome: o, NextAttemptAt: next, Status: 500}); err != nil {
		f.t.Fatalf("FinishWebhookDelivery: %v", err)
	}
}

func payloadOf(f *fixture, d meetd.WebhookDelivery) map[string]any {
	f.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(d.Payload, &m); err != nil {
		f.t.Fatalf("payload %s: %v", d.Payload, err)
	}
	return m
}

// testWebhooks covers subscriptions: the limit of six, listing, updating,
// deleting, tenant separation of ids.
func testWebhooks(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	var made []meetd.Webhook
	for i := range meetd.MaxWebhooksPerCompany {
		f.clock.Advance(time.Second)
		made = append(made, f.webhook(c.ID, meetd.EventBookingCreated))
		if made[i].Secret != testSecret || !made[i].CreatedAt.Equal(f.clock.Now()) {
			t.Fatalf("created %+v", made[i])
		}
	}
	_, err := f.db.CreateWebhook(f.ctx, meetd.CLIActor, meetd.NewWebhook{CompanyID: c.ID, Endpoint: "https://x.example",
		EventTypes: []string{meetd.EventBookingCreated}, Secret: testSecret})
	wantCode(t, err, meetd.ENOTACCEPTABLE)
	if meetd.ErrorMessage(err) != "Maximum number of webhooks reached (6)" {
		t.Fatalf("7th: %v", err)
	}
	list, err := f.db.Webhooks(f.ctx, c.ID)
	if err != nil || len(list) != 6 || list[0].ID != made[0].ID || list[5].ID != made[5].ID {
		t.Fatalf("Webhooks = %d, %v", len(list), err)
	}
	desc, ep := "CRM sync", "https://crm.example.com/in"
	got, err := f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, made[0].ID, meetd.WebhookUpdate{Endpoint: &ep, Description: &desc,
		EventTypes: []string{meetd.EventBookingCancelled, meetd.EventBookingRescheduled}})
	if err != nil || got.Endpoint != ep || got.Description != desc || len(got.EventTypes) != 2 ||
		got.Subscribes(meetd.EventBookingCreated) || !got.Subscribes(meetd.EventBookingCancelled) {
		t.Fatalf("UpdateWebhook = %+v, %v", got, err)
	}
	again, err := f.db.WebhookByID(f.ctx, c.ID, made[0].ID)
	if err != nil || again.Endpoint != ep || again.Secret != testSecret {
		t.Fatalf("WebhookByID = %+v, %v", again, err)
	}
	if err := f.db.DeleteWebhook(f.ctx, meetd.CLIActor, c.ID, made[1].ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.WebhookByID(f.ctx, c.ID, made[1].ID)
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteWebhook(f.ctx, meetd.CLIActor, c.ID, made[1].ID), meetd.ENOTFOUND)
	_, err = f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, meetd.NewID(), meetd.WebhookUpdate{})
	wantCode(t, err, meetd.ENOTFOUND)
	// With one deleted there is room again.
	f.webhook(c.ID, meetd.EventBookingCreated)
	// Another company has its own six.
	c2, _ := f.company(meetd.PlanEnterprise, "owner2@example.com")
	f.webhook(c2.ID, meetd.EventBookingCreated)
	if l, _ := f.db.Webhooks(f.ctx, c2.ID); len(l) != 1 {
		t.Fatalf("the other company sees %d webhooks", len(l))
	}
}

// testWebhookOutbox covers events: written with the change that causes
// them, to the subscriptions that want them, claimed once, retried,
// delivered, given up on (disabling the subscription) and gone (deleting
// it).
func testWebhookOutbox(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	all := f.webhook(c.ID, meetd.EventBookingCreated, meetd.EventBookingCancelled, meetd.EventBookingRescheduled)
	cancelsOnly := f.webhook(c.ID, meetd.EventBookingCancelled)
	api := meetd.Actor{CredentialID: meetd.NewID(), CredentialKind: meetd.KindAPIKey, UserID: owner.ID, OnBehalf: true,
		IP: "203.0.113.9", Source: "api"}

	at := start.Add(48 * time.Hour)
	ap, err := f.db.BookAppointment(f.ctx, api, f.booking(h, at, 30))
	if err != nil {
		t.Fatal(err)
	}
	// A booking refused for a taken slot leaves no event.
	_, err = f.db.BookAppointment(f.ctx, api, f.booking(h, at, 30))
	wantCode(t, err, meetd.ECONFLICT)
	ds := f.claim()
	if len(ds) != 1 {
		t.Fatalf("claimed %d deliveries, want 1 (booking_created to one subscription)", len(ds))
	}
	d := ds[0]
	p := payloadOf(f, d)
	tb, _ := p["triggeredBy"].(map[string]any)
	if d.WebhookID != all.ID || d.EventType != meetd.EventBookingCreated || d.Attempt != 1 || d.Secret != testSecret ||
		d.Endpoint != all.Endpoint || d.CompanyID != c.ID || !d.FirstAttemptAt.Equal(f.clock.Now()) ||
		p["webhookType"] != meetd.EventBookingCreated || p["id"] != ap.ID || p["secret"] != ap.Secret ||
		tb["credentialId"] != api.CredentialID || tb["credentialType"] != "api_key" || tb["actingUserId"] != owner.ID {
		t.Fatalf("delivery %+v payload %s", d, d.Payload)
	}
	// Claimed: not due again until the lease runs out.
	if again := f.claim(); len(again) != 0 {
		t.Fatalf("claimed a leased delivery again: %+v", again)
	}
	f.clock.Advance(time.Minute)
	re := f.claim()
	if len(re) != 1 || re[0].ID != d.ID || re[0].Attempt != 2 || re[0].EventID != d.EventID ||
		!re[0].FirstAttemptAt.Equal(d.FirstAttemptAt) {
		t.Fatalf("after the lease: %+v", re)
	}
	// The first attempt's late report is ignored; the current one counts.
	f.finish(d, meetd.WebhookDelivered, time.Time{})
	if s, _ := f.db.WebhookStats(f.ctx, c.ID, all.ID); s.Pending != 1 || s.Delivered != 0 {
		t.Fatalf("a stale report counted: %+v", s)
	}
	f.finish(re[0], meetd.WebhookRetry, f.clock.Now().Add(30*time.Second))
	if len(f.claim()) != 0 {
		t.Fatal("a retry was due before its time")
	}
	f.clock.Advance(30 * time.Second)
	re = f.claim()
	if len(re) != 1 || re[0].Attempt != 3 {
		t.Fatalf("retry: %+v", re)
	}
	f.finish(re[0], meetd.WebhookDelivered, time.Time{})
	if s, _ := f.db.WebhookStats(f.ctx, c.ID, all.ID); s.Pending != 0 || s.Delivered != 1 {
		t.Fatalf("stats after delivery: %+v", s)
	}

	// Rescheduling carries the previous times; cancelling reaches both.
	moved, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, ap.CompanyID, ap.ID, at.Add(time.Hour), at.Add(90*time.Minute), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CancelAppointment(f.ctx, meetd.Actor{Source: "attendee"}, ap.CompanyID, ap.ID, "ill", "attendee"); err != nil {
		t.Fatal(err)
	}
	ds = f.claim()
	byType := map[string][]meetd.WebhookDelivery{}
	for _, d := range ds {
		byType[d.EventType] = append(byType[d.EventType], d)
	}
	if len(ds) != 3 || len(byType[meetd.EventBookingRescheduled]) != 1 || len(byType[meetd.EventBookingCancelled]) != 2 {
		t.Fatalf("claimed %d: %v", len(ds), byType)
	}
	rp := payloadOf(f, byType[meetd.EventBookingRescheduled][0])
	if rp["previousStart"] != meetd.FormatTime(at) || rp["previousEnd"] != meetd.FormatTime(at.Add(30*time.Minute)) ||
		rp["start"] != meetd.FormatTime(moved.Start) || rp["triggeredBy"] != nil {
		t.Fatalf("rescheduled payload %s", byType[meetd.EventBookingRescheduled][0].Payload)
	}
	cp := payloadOf(f, byType[meetd.EventBookingCancelled][0])
	if cp["isCancelled"] != true || cp["cancel"] == nil {
		t.Fatalf("cancelled payload %s", byType[meetd.EventBookingCancelled][0].Payload)
	}
	if byType[meetd.EventBookingCancelled][0].EventID != byType[meetd.EventBookingCancelled][1].EventID {
		t.Fatal("one event has two ids")
	}
	for _, d := range ds {
		switch d.WebhookID {
		case cancelsOnly.ID:
			// 410 Gone: the subscription is deleted.
			f.finish(d, meetd.WebhookGone, time.Time{})
		default:
			// Past the retry window: the subscription is disabled.
			f.finish(d, meetd.WebhookGiveUp, time.Time{})
		}
	}
	_, err = f.db.WebhookByID(f.ctx, c.ID, cancelsOnly.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	disabled, err := f.db.WebhookByID(f.ctx, c.ID, all.ID)
	if err != nil || disabled.DisabledAt == nil {
		t.Fatalf("after giving up: %+v, %v", disabled, err)
	}
	entries, _ := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 50})
	var sawDisabled, sawGone bool
	for _, e := range entries {
		sawDisabled = sawDisabled || e.Action == meetd.WebhookDisabledAuditName && e.TargetID == all.ID
		sawGone = sawGone || e.Action == "webhook.gone" && e.TargetID == cancelsOnly.ID
	}
	if !sawDisabled || !sawGone {
		t.Fatalf("audit lacks webhook_disabled (%v) or webhook.gone (%v)", sawDisabled, sawGone)
	}
	// A disabled subscription gets no events until it is updated.
	ap2, err := f.db.BookAppointment(f.ctx, api, f.booking(h, at.Add(4*time.Hour), 30))
	if err != nil {
		t.Fatal(err)
	}
	if ds := f.claim(); len(ds) != 0 {
		t.Fatalf("a disabled subscription got %d deliveries", len(ds))
	}
	if w, err := f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, all.ID, meetd.WebhookUpdate{}); err != nil || w.DisabledAt != nil {
		t.Fatalf("re-enable: %+v, %v", w, err)
	}
	if _, err := f.db.CancelAppointment(f.ctx, api, ap2.CompanyID, ap2.ID, "", "host"); err != nil {
		t.Fatal(err)
	}
	if ds := f.claim(); len(ds) != 1 || ds[0].EventType != meetd.EventBookingCancelled {
		t.Fatalf("after re-enabling: %+v", ds)
	}
	// Deleting a subscription drops what it had pending.
	f.clock.Advance(time.Minute)
	if err := f.db.DeleteWebhook(f.ctx, meetd.CLIActor, c.ID, all.ID); err != nil {
		t.Fatal(err)
	}
	if ds := f.claim(); len(ds) != 0 {
		t.Fatalf("a deleted subscription's delivery was claimed: %+v", ds)
	}
	// Finished deliveries and their events are pruned.
	if err := f.db.PruneWebhookEvents(f.ctx, f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// testWebhookProvisional: confirming a double opt-in booking is a
// booking_created without triggeredBy.
func testWebhookProvisional(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	f.webhook(c.ID, meetd.EventBookingCreated)
	at := start.Add(72 * time.Hour)
	p, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: c.ID,
		MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID}, Start: at, End: at.Add(30 * time.Minute),
		Request: json.RawMessage(`{}`), AttendeeEmail: "g@example.com", TokenHash: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	if ds := f.claim(); len(ds) != 0 {
		t.Fatalf("a provisional booking emitted %d events", len(ds))
	}
	ap, err := f.db.ConfirmProvisional(f.ctx, meetd.Actor{Source: "attendee"}, c.ID, p.ID, f.booking(h, at, 30))
	if err != nil {
		t.Fatal(err)
	}
	// Confirming again answers the same appointment and emits nothing new.
	if _, err := f.db.ConfirmProvisional(f.ctx, meetd.Actor{Source: "attendee"}, c.ID, p.ID, f.booking(h, at, 30)); err != nil {
		t.Fatal(err)
	}
	ds := f.claim()
	if len(ds) != 1 || ds[0].EventType != meetd.EventBookingCreated {
		t.Fatalf("claimed %+v", ds)
	}
	if pl := payloadOf(f, ds[0]); pl["id"] != ap.ID || pl["triggeredBy"] != nil {
		t.Fatalf("payload %s", ds[0].Payload)
	}
}

// testWebhookCredentials: revocations and expiry notices.
func testWebhookCredentials(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	w := f.webhook(c.ID, meetd.EventCredentialRevoked, meetd.EventCredentialExpiring)
	exp := func(d time.Duration) *time.Time { e := f.clock.Now().Add(d); return &e }
	mk := func(kind meetd.CredentialKind, hash byte, expires *time.Time) meetd.Credential {
		cr, err := f.db.CreateCredential(f.ctx, meetd.CLIActor, meetd.NewCredential{Kind: kind, Name: "k", CompanyID: c.ID,
			UserID: owner.ID, Hash: []byte{hash, 1, 2, 3}, ExpiresAt: expires})
		if err != nil {
			t.Fatal(err)
		}
		return cr
	}
	key := mk(meetd.KindAPIKey, 1, exp(10*24*time.Hour))
	pat := mk(meetd.KindPAT, 2, nil)                    // never expires: never announced
	short := mk(meetd.KindAPIKey, 3, exp(12*time.Hour)) // inside both thresholds at once
	leaked := mk(meetd.KindPAT, 4, exp(30*24*time.Hour))

	ths := []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}
	expiring := func(want int) []meetd.WebhookDelivery {
		t.Helper()
		n, err := f.db.EnqueueExpiringCredentials(f.ctx, ths)
		if err != nil || n != want {
			t.Fatalf("EnqueueExpiringCredentials = %d, %v; want %d", n, err, want)
		}
		ds := f.claim()
		for _, d := range ds {
			f.finish(d, meetd.WebhookDelivered, time.Time{})
		}
		return ds
	}
	ds := expiring(1)
	if len(ds) != 1 || payloadOf(f, ds[0])["credentialId"] != short.ID || payloadOf(f, ds[0])["threshold"] != "1d" {
		t.Fatalf("first pass: %+v", ds)
	}
	expiring(0) // announced once per threshold
	f.clock.Advance(3*24*time.Hour + time.Minute)
	ds = expiring(1)
	p := payloadOf(f, ds[0])
	if p["credentialId"] != key.ID || p["threshold"] != "7d" || p["credentialType"] != "api_key" ||
		p["webhookType"] != meetd.EventCredentialExpiring || p["hash"] != nil {
		t.Fatalf("7-day notice %s", ds[0].Payload)
	}
	expiring(0)
	f.clock.Advance(6 * 24 * time.Hour)
	ds = expiring(1)
	if p := payloadOf(f, ds[0]); p["credentialId"] != key.ID || p["threshold"] != "1d" {
		t.Fatalf("1-day notice %s", ds[0].Payload)
	}
	expiring(0)

	// Revocations: by status change and by the kill-switch.
	api := meetd.Actor{CredentialID: key.ID, CredentialKind: meetd.KindAPIKey, UserID: owner.ID, Source: "api"}
	if _, err := f.db.SetCredentialStatus(f.ctx, api, c.ID, pat.ID, meetd.CredentialRevoked); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetCredentialStatus(f.ctx, api, c.ID, key.ID, meetd.CredentialDeactivated); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RevokeByHashes(f.ctx, meetd.Actor{Source: "kill-switch", IP: "198.51.100.1"},
		[][]byte{leaked.Hash, {9, 9, 9}}); err != nil {
		t.Fatal(err)
	}
	ds = f.claim()
	if len(ds) != 2 {
		t.Fatalf("revocations emitted %d events, want 2", len(ds))
	}
	got := map[string]map[string]any{}
	for _, d := range ds {
		p := payloadOf(f, d)
		got[p["credentialId"].(string)] = p
	}
	if p := got[pat.ID]; p == nil || p["webhookType"] != meetd.EventCredentialRevoked || p["triggeredBy"] == nil ||
		p["status"] != "revoked" {
		t.Fatalf("revoked PAT payload %v", p)
	}
	if p := got[leaked.ID]; p == nil || p["source"] != "kill-switch" || p["triggeredBy"] != nil {
		t.Fatalf("kill-switch payload %v", p)
	}
	_ = w
}

// testWebhookConcurrentClaims: workers claiming at once never get the same
// delivery, and never have more than two attempts of one subscription in
// flight.
func testWebhookConcurrentClaims(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	f.webhook(c.ID, meetd.EventBookingCreated)
	f.webhook(c.ID, meetd.EventBookingCreated)
	api := meetd.Actor{UserID: owner.ID, Source: "cli"}
	for i := range 10 {
		if _, err := f.db.BookAppointment(f.ctx, api, f.booking(h, start.Add(time.Duration(24+i)*time.Hour), 30)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	inFlight := map[string]int{}
	var wg sync.WaitGroup
	deadline := time.Now().Add(20 * time.Second)
	for range 6 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				ds, err := f.db.ClaimWebhookDeliveries(f.ctx, 3, time.Minute)
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if len(ds) == 0 {
					mu.Lock()
					done := len(seen) == 20
					mu.Unlock()
					if done {
						return
					}
					continue // others hold the rest in flight
				}
				mu.Lock()
				for _, d := range ds {
					seen[d.ID]++
					if inFlight[d.WebhookID]++; inFlight[d.WebhookID] > meetd.MaxWebhookInFlight {
						t.Errorf("subscription %s has %d attempts in flight", d.WebhookID, inFlight[d.WebhookID])
					}
				}
				mu.Unlock()
				for _, d := range ds {
					mu.Lock()
					inFlight[d.WebhookID]-- // before the store hears of it: never an undercount
					mu.Unlock()
					if err := f.db.FinishWebhookDelivery(f.ctx, meetd.WebhookResult{DeliveryID: d.ID, Attempt: d.Attempt,
						Endpoint: d.Endpoint, Outcome: meetd.WebhookDelivered, Status: 200}); err != nil {
						t.Errorf("finish: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != 20 {
		t.Fatalf("claimed %d distinct deliveries, want 20", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("delivery %d claimed %d times", id, n)
		}
	}
}

// RunWebhooks runs the webhook store tests that need more than the
// conformance fixture: a second connection to the same database to look
// at the schema, hold locks and count rows, and a second store (another
// node). Tests of PostgreSQL's row locking skip on SQLite, whose single
// writer serialises every transaction.
func RunWebhooks(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*rawFixture)
		// pgOnly tests are about PostgreSQL's row locks; SQLite's single
		// writer serialises transactions, so they are not run there (a
		// skip would fail CI).
		pgOnly bool
	}{
		{"at most two attempts in flight per subscription, claimed fairly", testWebhookFairClaims, false},
		{"a failure postpones the subscription's other deliveries", testWebhookCircuitBreaker, false},
		{"creating a webhook does not wait for foreign-key locks on the company", testWebhookCreateKeyShare, true},
		{"the prune indexes exist", testWebhookIndexes, false},
		{"concurrent PATCHes of one subscription both stick", testWebhookConcurrentPatch, true},
		{"ids that are not UUIDs name no subscription", testWebhookNonUUID, false},
		{"expiry notices recorded by another node are skipped", testWebhookExpiryRace, false},
		{"deliveries of one subscription giving up at once do not deadlock", testWebhookConcurrentGiveUp, false},
		{"a late result from a replaced endpoint leaves the subscription alone", testWebhookStaleEndpoint, false},
		{"credential_expiring skips removed users and plans that forbid the kind", testWebhookExpiringSkips, false},
		{"expiry notices of expired and revoked credentials are pruned", testWebhookNoticePrune, false},
	}
	for _, tc := range tests {
		if tc.pgOnly && b.Name != Postgres.Name {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each test has a database of its own
			tc.fn(newRawFixture(t, b))
		})
	}
}

// rawFixture is a fixture with a plain connection to the same database.
type rawFixture struct {
	*fixture
	dsn string
	raw *sql.DB
	pg  bool
	// app is the application_name of the store's PostgreSQL connections,
	// so a test can see them wait for locks.
	app string
}

func newRawFixture(t *testing.T, b Backend) *rawFixture {
	clock := meetd.NewManualClock(start)
	dsn := MigratedDSN(t, b)
	r := &rawFixture{dsn: dsn}
	driver, rawDSN := "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	storeDSN := dsn
	if strings.HasPrefix(dsn, "postgres") {
		r.pg = true
		var rb [6]byte
		_, _ = rand.Read(rb[:])
		r.app = "meetd_test_" + hex.EncodeToString(rb[:])
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", r.app)
		u.RawQuery = q.Encode()
		driver, rawDSN, storeDSN = "pgx", dsn, u.String()
	}
	r.fixture = &fixture{t: t, db: OpenDSN(t, storeDSN, clock), clock: clock, ctx: context.Background()}
	raw, err := sql.Open(driver, rawDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	r.raw = raw
	return r
}

// q rebinds ? placeholders for the raw connection.
func (r *rawFixture) q(s string) string {
	if !r.pg {
		return s
	}
	var b strings.Builder
	n := 0
	for _, c := range s {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (r *rawFixture) count(query string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.raw.QueryRowContext(r.ctx, r.q(query), args...).Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// needPG guards the tests RunWebhooks registers for PostgreSQL only.
func (r *rawFixture) needPG() {
	if !r.pg {
		r.t.Fatal("a PostgreSQL-only test ran on another engine")
	}
}

// waitLockWaits waits until n of the store's connections wait for a lock.
func (r *rawFixture) waitLockWaits(n int) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if r.count(`SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'`,
			r.app) >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatalf("%d store connections never waited for a lock", n)
}

// bookN books n appointments of host h, an hour apart from at, as the CLI.
func (f *fixture) bookN(h host, at time.Time, n int) {
	f.t.Helper()
	for i := range n {
		if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, at.Add(time.Duration(i)*time.Hour), 30)); err != nil {
			f.t.Fatal(err)
		}
	}
}

func byWebhook(ds []meetd.WebhookDelivery) map[string][]meetd.WebhookDelivery {
	m := map[string][]meetd.WebhookDelivery{}
	for _, d := range ds {
		m[d.WebhookID] = append(m[d.WebhookID], d)
	}
	return m
}

// testWebhookFairClaims: a subscription with a backlog gets two slots, and
// another company's newer event is claimed in the same pass.
func testWebhookFairClaims(r *rawFixture) {
	f, t := r.fixture, r.t
	ca, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	cb, _ := f.company(meetd.PlanEnterprise, "b@example.com")
	ha, hb := f.host(ca.ID, "ha@example.com"), f.host(cb.ID, "hb@example.com")
	wa, wb := f.webhook(ca.ID, meetd.EventBookingCreated), f.webhook(cb.ID, meetd.EventBookingCreated)
	f.bookN(ha, start.Add(24*time.Hour), 10)
	f.clock.Advance(time.Second)
	f.bookN(hb, start.Add(24*time.Hour), 1)
	ds, err := f.db.ClaimWebhookDeliveries(f.ctx, 3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got := byWebhook(ds)
	if len(ds) != 3 || len(got[wa.ID]) != 2 || len(got[wb.ID]) != 1 {
		t.Fatalf("claimed %d: %d of the backlog, %d of the other company; want 2 and 1", len(ds), len(got[wa.ID]), len(got[wb.ID]))
	}
	// Both of wa's slots are taken until one is reported or its lease ends.
	if again := f.claim(); len(again) != 0 {
		t.Fatalf("claimed %d beyond the in-flight cap", len(again))
	}
	f.finish(got[wa.ID][0], meetd.WebhookDelivered, time.Time{})
	if again := f.claim(); len(again) != 1 || again[0].WebhookID != wa.ID {
		t.Fatalf("after one report: %+v", again)
	}
	// A lease that ran out (a node died) frees its slot.
	f.clock.Advance(time.Minute)
	if again := f.claim(); len(again) != 3 || len(byWebhook(again)[wa.ID]) != 2 {
		t.Fatalf("after the leases ran out: claimed %d, %d of the backlog; want 3 and 2", len(again),
			len(byWebhook(again)[wa.ID]))
	}
	// Many subscriptions with older backlogs, all at their cap, do not
	// hide a newer event of another subscription from a small claim.
	f.clock.Advance(time.Minute)
	cc, _ := f.company(meetd.PlanEnterprise, "c@example.com")
	hc := f.host(cc.ID, "hc@example.com")
	for range 3 {
		f.webhook(cc.ID, meetd.EventBookingCreated)
	}
	wa2 := f.webhook(ca.ID, meetd.EventBookingCreated) // wa's backlog is older still
	f.clock.Advance(time.Second)
	f.bookN(hc, start.Add(24*time.Hour), 3)
	if got := f.claim(); len(got) != 2+1+3*2 { // wa's and wb's lapsed leases, 2 for each of cc's three
		t.Fatalf("claimed %d", len(got))
	}
	f.clock.Advance(time.Second)
	f.bookN(ha, start.Add(48*time.Hour), 1) // one more event for wa (capped) and wa2
	ds, err = f.db.ClaimWebhookDeliveries(f.ctx, 1, time.Minute)
	if err != nil || len(ds) != 1 || ds[0].WebhookID != wa2.ID {
		t.Fatalf("a claim of one behind capped subscriptions: %+v, %v; want wa2's delivery", ds, err)
	}
}

// testWebhookCircuitBreaker: one failure makes the subscription's other
// due deliveries wait for its retry; attempts in flight and other
// subscriptions are untouched.
func testWebhookCircuitBreaker(r *rawFixture) {
	f, t := r.fixture, r.t
	c, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	h := f.host(c.ID, "h@example.com")
	dead := f.webhook(c.ID, meetd.EventBookingCreated)
	f.bookN(h, start.Add(24*time.Hour), 5)
	ds := f.claim()
	if len(ds) != 2 {
		t.Fatalf("claimed %d", len(ds))
	}
	retry := f.clock.Now().Add(30 * time.Second)
	f.finish(ds[0], meetd.WebhookRetry, retry)
	if n := r.count(`SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'
		AND next_attempt_at = ?`, dead.ID, retry.UnixMilli()); n != 4 {
		t.Fatalf("%d deliveries wait for the retry, want 4 (the failed one and the three never tried)", n)
	}
	// The other attempt in flight reports a sooner retry: that never pulls
	// the postponed deliveries earlier.
	f.finish(ds[1], meetd.WebhookRetry, f.clock.Now().Add(10*time.Second))
	if n := r.count(`SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'
		AND next_attempt_at = ?`, dead.ID, retry.UnixMilli()); n != 4 {
		t.Fatalf("%d deliveries still wait for the later retry, want 4", n)
	}
	if again := f.claim(); len(again) != 0 {
		t.Fatalf("claimed %d while the receiver is failing", len(again))
	}
	f.clock.Advance(10 * time.Second)
	again := f.claim()
	if len(again) != 1 || again[0].ID != ds[1].ID {
		t.Fatalf("after the sooner retry: claimed %+v, want only that delivery", again)
	}
	f.finish(again[0], meetd.WebhookDelivered, time.Time{})
	f.clock.Advance(20 * time.Second)
	if again := f.claim(); len(again) != 2 {
		t.Fatalf("after the retry time: claimed %d, want 2", len(again))
	}
	// Another subscription of the company was never held back.
	other := f.webhook(c.ID, meetd.EventBookingCreated)
	f.bookN(h, start.Add(48*time.Hour), 1)
	if got := byWebhook(f.claim()); len(got[other.ID]) != 1 {
		t.Fatalf("the other subscription got %d", len(got[other.ID]))
	}
}

// testWebhookCreateKeyShare: an open transaction that inserted a row
// referencing the company (it holds KEY SHARE on it) does not block
// CreateWebhook's lock of the company row.
func testWebhookCreateKeyShare(r *rawFixture) {
	r.needPG()
	f, t := r.fixture, r.t
	c, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	tx, err := r.raw.BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(f.ctx, `SELECT id FROM companies WHERE id = $1 FOR KEY SHARE`, c.ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(f.ctx, 3*time.Second)
	defer cancel()
	if _, err := f.db.CreateWebhook(ctx, meetd.CLIActor, meetd.NewWebhook{CompanyID: c.ID, Endpoint: "https://x.example/",
		EventTypes: []string{meetd.EventBookingCreated}, Secret: testSecret}); err != nil {
		t.Fatalf("CreateWebhook beside a foreign-key lock: %v", err)
	}
}

// testWebhookIndexes: pruning and the foreign key find deliveries by event
// and by state and age through indexes.
func testWebhookIndexes(r *rawFixture) {
	t := r.t
	want := map[string]string{"webhook_deliveries_event": "event_id", "webhook_deliveries_finished": "status"}
	for name, first := range want {
		var n int
		if r.pg {
			// The definition is rendered only for this schema's index
			// (OFFSET 0 keeps the subquery apart): rendering other
			// schemas' indexes races with tests dropping theirs.
			n = r.count(`SELECT COUNT(*) FROM (SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
				AND tablename = 'webhook_deliveries' AND indexname = ? OFFSET 0) d WHERE indexdef LIKE ?`, name, "%("+first+"%")
		} else {
			n = r.count(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'webhook_deliveries'
				AND name = ? AND sql LIKE ?`, name, "%("+first+"%")
		}
		if n != 1 {
			t.Errorf("index %s on webhook_deliveries (%s, …) is missing", name, first)
		}
	}
}

// testWebhookConcurrentPatch: two PATCHes of different fields that read
// the subscription at the same time both stick. A transaction holding the
// row makes both wait at the same point; without the lock on the read both
// would read the old row and the second write would undo the first.
func testWebhookConcurrentPatch(r *rawFixture) {
	r.needPG()
	f, t := r.fixture, r.t
	c, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	w := f.webhook(c.ID, meetd.EventBookingCreated)
	tx, err := r.raw.BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(f.ctx, `UPDATE webhooks SET updated_at = updated_at WHERE id = $1`, w.ID); err != nil {
		t.Fatal(err)
	}
	ep, desc := "https://new.example/in", "new description"
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() {
		_, errs[0] = f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, w.ID, meetd.WebhookUpdate{Endpoint: &ep})
	})
	wg.Go(func() {
		_, errs[1] = f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, w.ID, meetd.WebhookUpdate{Description: &desc})
	})
	r.waitLockWaits(2)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("PATCHes: %v", errs)
	}
	got, err := f.db.WebhookByID(f.ctx, c.ID, w.ID)
	if err != nil || got.Endpoint != ep || got.Description != desc {
		t.Fatalf("after two PATCHes: endpoint %q description %q (%v); a PATCH was lost", got.Endpoint, got.Description, err)
	}
}

// testWebhookNonUUID: an id that is not a UUID (a NUL byte, which
// PostgreSQL cannot even compare) is 404, not a database error.
func testWebhookNonUUID(r *rawFixture) {
	f, t := r.fixture, r.t
	c, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	for _, id := range []string{"\x00", "not-a-uuid", strings.Repeat("\x00", 36), "00000000-0000-0000-0000-00000000000\x00"} {
		_, err := f.db.WebhookByID(f.ctx, c.ID, id)
		wantCode(t, err, meetd.ENOTFOUND)
		_, err = f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, id, meetd.WebhookUpdate{})
		wantCode(t, err, meetd.ENOTFOUND)
		wantCode(t, f.db.DeleteWebhook(f.ctx, meetd.CLIActor, c.ID, id), meetd.ENOTFOUND)
	}
}

// expiringKey makes a credential of c of kind that expires in d.
func (f *fixture) expiringKey(c meetd.Company, userID string, kind meetd.CredentialKind, d time.Duration) meetd.Credential {
	f.t.Helper()
	exp := f.clock.Now().Add(d)
	hash := make([]byte, 32)
	_, _ = rand.Read(hash)
	cr, err := f.db.CreateCredential(f.ctx, meetd.CLIActor, meetd.NewCredential{Kind: kind, Name: "k", CompanyID: c.ID,
		UserID: userID, Hash: hash, ExpiresAt: &exp})
	if err != nil {
		f.t.Fatal(err)
	}
	return cr
}

// testWebhookExpiryRace: every node runs the expiry pass. A notice another
// node is recording makes this node's pass skip that credential, not fail
// on the primary key and roll back the rest of its pass.
func testWebhookExpiryRace(r *rawFixture) {
	f, t := r.fixture, r.t
	c, owner := f.company(meetd.PlanEnterprise, "a@example.com")
	f.webhook(c.ID, meetd.EventCredentialExpiring)
	f.expiringKey(c, owner.ID, meetd.KindAPIKey, 12*time.Hour)
	f.expiringKey(c, owner.ID, meetd.KindAPIKey, 5*24*time.Hour)
	ths := []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}
	// Two nodes at once, on both engines: one event per credential.
	node2 := OpenDSN(t, r.dsn, f.clock)
	var wg sync.WaitGroup
	ns, errs := make([]int, 2), make([]error, 2)
	for i, db := range []*sqldb.DB{f.db, node2} {
		wg.Go(func() { ns[i], errs[i] = db.EnqueueExpiringCredentials(f.ctx, ths) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || ns[0]+ns[1] != 2 {
		t.Fatalf("two nodes: %v events, errors %v; want 2 events in all", ns, errs)
	}
	if ds := f.claim(); len(ds) != 2 {
		t.Fatalf("%d events, want 2", len(ds))
	}
	if !r.pg {
		return
	}
	// Deterministically: another node's transaction has recorded the
	// 1-day notice of a credential and not committed yet.
	late := f.expiringKey(c, owner.ID, meetd.KindAPIKey, 20*time.Hour)
	tx, err := r.raw.BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, th := range ths {
		if _, err := tx.ExecContext(f.ctx, `INSERT INTO webhook_expiry_notices (credential_id, threshold, at) VALUES ($1, $2, $3)`,
			late.ID, th.Milliseconds(), f.clock.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	done := make(chan error, 1)
	go func() {
		var err error
		n, err = f.db.EnqueueExpiringCredentials(f.ctx, ths)
		done <- err
	}()
	r.waitLockWaits(1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil || n != 0 {
		t.Fatalf("pass beside another node's notice: %d events, %v; want 0 and no error", n, err)
	}
}

// testWebhookConcurrentGiveUp: two attempts of one subscription that give
// up (or get 410) at the same time each change all of the subscription's
// deliveries; they must not deadlock holding one delivery each. The store
// runs a deadlock's victim again, so a deadlock shows as a round that took
// PostgreSQL's deadlock_timeout (1 s by default; a round takes
// milliseconds).
func testWebhookConcurrentGiveUp(r *rawFixture) {
	f, t := r.fixture, r.t
	stall := time.Duration(1<<63 - 1)
	if r.pg {
		stall = time.Duration(r.count(`SELECT setting::int FROM pg_settings WHERE name = 'deadlock_timeout'`)) * time.Millisecond
	}
	c, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	h := f.host(c.ID, "h@example.com")
	at := start.Add(24 * time.Hour)
	for round := range 30 {
		w := f.webhook(c.ID, meetd.EventBookingCreated)
		f.bookN(h, at, 3)
		at = at.Add(3 * time.Hour)
		ds := f.claim()
		if len(ds) != 2 {
			t.Fatalf("round %d: claimed %d", round, len(ds))
		}
		outcome := meetd.WebhookGiveUp
		if round%2 == 1 {
			outcome = meetd.WebhookGone
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		began := time.Now()
		for i, d := range ds {
			wg.Go(func() {
				errs[i] = f.db.FinishWebhookDelivery(f.ctx, meetd.WebhookResult{DeliveryID: d.ID, Attempt: d.Attempt,
					Endpoint: d.Endpoint, Outcome: outcome, Status: 500})
			})
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d (%v): %v", round, outcome, errs)
		}
		if took := time.Since(began); took >= stall {
			t.Fatalf("round %d (%v) took %v: the two results deadlocked", round, outcome, took)
		}
		got, err := f.db.WebhookByID(f.ctx, c.ID, w.ID)
		switch {
		case outcome == meetd.WebhookGone && meetd.ErrorCode(err) != meetd.ENOTFOUND:
			t.Fatalf("round %d: after 410 the subscription is %+v, %v", round, got, err)
		case outcome == meetd.WebhookGiveUp && (err != nil || got.DisabledAt == nil):
			t.Fatalf("round %d: after giving up the subscription is %+v, %v", round, got, err)
		case outcome == meetd.WebhookGiveUp:
			if s, _ := f.db.WebhookStats(f.ctx, c.ID, w.ID); s.Pending != 0 {
				t.Fatalf("round %d: %d deliveries still pending", round, s.Pending)
			}
			if err := f.db.DeleteWebhook(f.ctx, meetd.CLIActor, c.ID, w.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// testWebhookStaleEndpoint: an attempt to the old endpoint that ends after
// a PATCH moved the subscription to a new one neither deletes (410) nor
// disables (giving up) it; the delivery goes to the new endpoint.
func testWebhookStaleEndpoint(r *rawFixture) {
	f, t := r.fixture, r.t
	c, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	h := f.host(c.ID, "h@example.com")
	w := f.webhook(c.ID, meetd.EventBookingCreated)
	f.bookN(h, start.Add(24*time.Hour), 2)
	ds := f.claim()
	if len(ds) != 2 || ds[0].Endpoint != w.Endpoint {
		t.Fatalf("claimed %+v", ds)
	}
	ep := "https://moved.example/in"
	if _, err := f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, w.ID, meetd.WebhookUpdate{Endpoint: &ep}); err != nil {
		t.Fatal(err)
	}
	f.finish(ds[0], meetd.WebhookGone, time.Time{})
	f.finish(ds[1], meetd.WebhookGiveUp, time.Time{})
	got, err := f.db.WebhookByID(f.ctx, c.ID, w.ID)
	if err != nil || got.DisabledAt != nil || got.Endpoint != ep {
		t.Fatalf("after late results from the old endpoint: %+v, %v", got, err)
	}
	entries, _ := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 50})
	for _, e := range entries {
		if e.Action == "webhook.gone" || e.Action == meetd.WebhookDisabledAuditName {
			t.Fatalf("audit %s for a result from the old endpoint", e.Action)
		}
	}
	re := f.claim()
	if len(re) != 2 || re[0].Endpoint != ep || re[1].Endpoint != ep || !re[0].FirstAttemptAt.Equal(f.clock.Now()) {
		t.Fatalf("the deliveries did not start over at the new endpoint: %+v", re)
	}
	// The new endpoint's own answers count.
	f.finish(re[0], meetd.WebhookGone, time.Time{})
	_, err = f.db.WebhookByID(f.ctx, c.ID, w.ID)
	wantCode(t, err, meetd.ENOTFOUND)
}

// testWebhookExpiringSkips: personal access tokens of removed users, and
// credentials whose kind the company's plan no longer allows, do not work
// and are not announced.
func testWebhookExpiringSkips(r *rawFixture) {
	f, t := r.fixture, r.t
	c, owner := f.company(meetd.PlanEnterprise, "a@example.com")
	f.webhook(c.ID, meetd.EventCredentialExpiring)
	gone := f.user(c.ID, "gone@example.com", "Gone", "User", meetd.RoleMember)
	stays := f.user(c.ID, "stays@example.com", "Stays", "User", meetd.RoleMember)
	gonePAT := f.expiringKey(c, gone.ID, meetd.KindPAT, 12*time.Hour)
	staysPAT := f.expiringKey(c, stays.ID, meetd.KindPAT, 12*time.Hour)
	key := f.expiringKey(c, owner.ID, meetd.KindAPIKey, 12*time.Hour)
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	// Growth allows personal access tokens, not API keys.
	if _, err := f.db.SetCompanyPlan(f.ctx, meetd.CLIActor, c.ID, meetd.PlanGrowth); err != nil {
		t.Fatal(err)
	}
	n, err := f.db.EnqueueExpiringCredentials(f.ctx, []time.Duration{24 * time.Hour})
	if err != nil || n != 1 {
		t.Fatalf("EnqueueExpiringCredentials = %d, %v; want 1", n, err)
	}
	ds := f.claim()
	if len(ds) != 1 || payloadOf(f, ds[0])["credentialId"] != staysPAT.ID {
		t.Fatalf("announced %d: %v (want only %s; not the removed user's %s nor the key %s)", len(ds),
			ds, staysPAT.ID, gonePAT.ID, key.ID)
	}
}

// testWebhookNoticePrune: notices of credentials that have expired or been
// revoked are deleted; those of live (and deactivated) ones stay.
func testWebhookNoticePrune(r *rawFixture) {
	f, t := r.fixture, r.t
	c, owner := f.company(meetd.PlanEnterprise, "a@example.com")
	expires := f.expiringKey(c, owner.ID, meetd.KindAPIKey, 12*time.Hour)
	revoked := f.expiringKey(c, owner.ID, meetd.KindAPIKey, 5*24*time.Hour)
	paused := f.expiringKey(c, owner.ID, meetd.KindAPIKey, 6*24*time.Hour)
	live := f.expiringKey(c, owner.ID, meetd.KindAPIKey, 20*24*time.Hour)
	if _, err := f.db.EnqueueExpiringCredentials(f.ctx, []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if n := r.count(`SELECT COUNT(*) FROM webhook_expiry_notices`); n != 4 {
		t.Fatalf("%d notices, want 4", n)
	}
	if _, err := f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, revoked.ID, meetd.CredentialRevoked); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, c.ID, paused.ID, meetd.CredentialDeactivated); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(13 * time.Hour)
	if err := f.db.PruneWebhookEvents(f.ctx, f.clock.Now().Add(-7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int{expires.ID: 0, revoked.ID: 0, paused.ID: 1, live.ID: 0} {
		if n := r.count(`SELECT COUNT(*) FROM webhook_expiry_notices WHERE credential_id = ?`, id); n != want {
			t.Errorf("credential %s has %d notices after the prune, want %d", id, n, want)
		}
	}
}

// testForeignWebhooks: every subscription method scoped to a company
// answers another company's subscription as a missing one, counts none of
// its deliveries and leaves it alone.
func testForeignWebhooks(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, otherOwner := f.company(meetd.PlanEnterprise, "owner@else.example")
	theirs := f.webhook(other.ID, meetd.EventCredentialRevoked)
	// One pending delivery for their subscription.
	pat := f.credential(meetd.KindPAT, other.ID, otherOwner.ID, hash(1), nil)
	if _, err := f.db.SetCredentialStatus(f.ctx, meetd.CLIActor, other.ID, pat.ID, meetd.CredentialRevoked); err != nil {
		t.Fatal(err)
	}

	ep := "https://attacker.example/in"
	_, missing := f.db.WebhookByID(f.ctx, c.ID, meetd.NewID())
	_, err := f.db.WebhookByID(f.ctx, c.ID, theirs.ID)
	wantForeign(t, err, missing)
	_, err = f.db.UpdateWebhook(f.ctx, meetd.CLIActor, c.ID, theirs.ID, meetd.WebhookUpdate{Endpoint: &ep})
	wantForeign(t, err, missing)
	wantForeign(t, f.db.DeleteWebhook(f.ctx, meetd.CLIActor, c.ID, theirs.ID), missing)
	if s, err := f.db.WebhookStats(f.ctx, c.ID, theirs.ID); err != nil || s != (meetd.WebhookStats{}) {
		t.Fatalf("WebhookStats of another company's subscription = %+v, %v; want none", s, err)
	}
	if l, err := f.db.Webhooks(f.ctx, c.ID); err != nil || len(l) != 0 {
		t.Fatalf("Webhooks = %+v, %v; want none", l, err)
	}

	got, err := f.db.WebhookByID(f.ctx, other.ID, theirs.ID)
	if err != nil || got.Endpoint != theirs.Endpoint {
		t.Fatalf("their subscription after the foreign calls = %+v, %v; want untouched", got, err)
	}
	if s, _ := f.db.WebhookStats(f.ctx, other.ID, theirs.ID); s.Pending != 1 {
		t.Fatalf("their stats = %+v; want the one pending delivery", s)
	}
}
