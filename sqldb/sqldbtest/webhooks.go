package sqldbtest

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/meetd/meetd"
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
		Outcome: o, NextAttemptAt: next, Status: 500}); err != nil {
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
	got, err := f.db.UpdateWebhook(f.ctx, meetd.CLIActor, made[0].ID, meetd.WebhookUpdate{Endpoint: &ep, Description: &desc,
		EventTypes: []string{meetd.EventBookingCancelled, meetd.EventBookingRescheduled}})
	if err != nil || got.Endpoint != ep || got.Description != desc || len(got.EventTypes) != 2 ||
		got.Subscribes(meetd.EventBookingCreated) || !got.Subscribes(meetd.EventBookingCancelled) {
		t.Fatalf("UpdateWebhook = %+v, %v", got, err)
	}
	again, err := f.db.WebhookByID(f.ctx, made[0].ID)
	if err != nil || again.Endpoint != ep || again.Secret != testSecret {
		t.Fatalf("WebhookByID = %+v, %v", again, err)
	}
	if err := f.db.DeleteWebhook(f.ctx, meetd.CLIActor, made[1].ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.WebhookByID(f.ctx, made[1].ID)
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteWebhook(f.ctx, meetd.CLIActor, made[1].ID), meetd.ENOTFOUND)
	_, err = f.db.UpdateWebhook(f.ctx, meetd.CLIActor, meetd.NewID(), meetd.WebhookUpdate{})
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
	if s, _ := f.db.WebhookStats(f.ctx, all.ID); s.Pending != 1 || s.Delivered != 0 {
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
	if s, _ := f.db.WebhookStats(f.ctx, all.ID); s.Pending != 0 || s.Delivered != 1 {
		t.Fatalf("stats after delivery: %+v", s)
	}

	// Rescheduling carries the previous times; cancelling reaches both.
	moved, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, ap.ID, at.Add(time.Hour), at.Add(90*time.Minute), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CancelAppointment(f.ctx, meetd.Actor{Source: "attendee"}, ap.ID, "ill", "attendee"); err != nil {
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
	_, err = f.db.WebhookByID(f.ctx, cancelsOnly.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	disabled, err := f.db.WebhookByID(f.ctx, all.ID)
	if err != nil || disabled.DisabledAt == nil {
		t.Fatalf("after giving up: %+v, %v", disabled, err)
	}
	entries, _ := f.db.Audit(f.ctx, c.ID, 50, 0)
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
	if w, err := f.db.UpdateWebhook(f.ctx, meetd.CLIActor, all.ID, meetd.WebhookUpdate{}); err != nil || w.DisabledAt != nil {
		t.Fatalf("re-enable: %+v, %v", w, err)
	}
	if _, err := f.db.CancelAppointment(f.ctx, api, ap2.ID, "", "host"); err != nil {
		t.Fatal(err)
	}
	if ds := f.claim(); len(ds) != 1 || ds[0].EventType != meetd.EventBookingCancelled {
		t.Fatalf("after re-enabling: %+v", ds)
	}
	// Deleting a subscription drops what it had pending.
	f.clock.Advance(time.Minute)
	if err := f.db.DeleteWebhook(f.ctx, meetd.CLIActor, all.ID); err != nil {
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
	ap, err := f.db.ConfirmProvisional(f.ctx, meetd.Actor{Source: "attendee"}, p.ID, f.booking(h, at, 30))
	if err != nil {
		t.Fatal(err)
	}
	// Confirming again answers the same appointment and emits nothing new.
	if _, err := f.db.ConfirmProvisional(f.ctx, meetd.Actor{Source: "attendee"}, p.ID, f.booking(h, at, 30)); err != nil {
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
	if _, err := f.db.SetCredentialStatus(f.ctx, api, pat.ID, meetd.CredentialRevoked); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetCredentialStatus(f.ctx, api, key.ID, meetd.CredentialDeactivated); err != nil {
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
// delivery.
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
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for {
				ds, err := f.db.ClaimWebhookDeliveries(f.ctx, 3, time.Minute)
				if err != nil {
					t.Errorf("claim: %v", err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					seen[d.ID]++
				}
				mu.Unlock()
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
