package auth

import (
	"context"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func resolve(v *Verifier, authz, acting string, needsUser bool) (meetd.Principal, error) {
	return v.Resolve(context.Background(), Request{Authorization: authz, ActingUser: acting, NeedsUser: needsUser, IP: "192.0.2.1"})
}

func TestResolveSteps(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t, nil)
	bad := w.patToken[:35] + "x"
	if bad == w.patToken {
		bad = w.patToken[:35] + "y"
	}
	tests := []struct {
		name      string
		authz     string
		acting    string
		needsUser bool
		want      error
		wantUser  string
	}{
		{"no header", "", "", false, ErrMissingAuthorization, ""},
		{"not bearer, PAT", "Token " + w.patToken, "", false, ErrInvalidPAT, ""},
		{"not bearer, key", "Basic " + w.keyToken, "", false, ErrInvalidAPIKey, ""},
		{"bearer without credential", "Bearer", "", false, ErrInvalidPAT, ""},
		{"unknown prefix", "Bearer sk_live_abc", "", false, ErrInvalidPAT, ""},
		{"bad PAT checksum", "Bearer " + bad, "", false, ErrInvalidPAT, ""},
		{"bad key", "Bearer ak_live:" + meetd.NewID() + ":abc", "", false, ErrInvalidAPIKey, ""},
		{"PAT as owner", "Bearer " + w.patToken, "", true, nil, w.owner.ID},
		{"lower-case scheme", "bearer " + w.patToken, "", true, nil, w.owner.ID},
		{"PAT naming its owner", "Bearer " + w.patToken, w.owner.ID, true, nil, w.owner.ID},
		{"PAT naming another", "Bearer " + w.patToken, w.member.ID, true, ErrPATImpersonation, ""},
		{"PAT naming garbage", "Bearer " + w.patToken, "nope", true, ErrPATImpersonation, ""},
		{"key acting as member", "Bearer " + w.keyToken, w.member.ID, true, nil, w.member.ID},
		{"key with upper-case id", "Bearer " + w.keyToken, upper(w.member.ID), true, nil, w.member.ID},
		{"key with non-UUID", "Bearer " + w.keyToken, "member", true, ErrActingUserNotUUID, ""},
		{"key with unknown user", "Bearer " + w.keyToken, meetd.NewID(), true, ErrActingUserForeign, ""},
		{"key without header where needed", "Bearer " + w.keyToken, "", true, ErrActingUserMissing, ""},
		{"key without header where not needed", "Bearer " + w.keyToken, "", false, nil, w.owner.ID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := resolve(v, tc.authz, tc.acting, tc.needsUser)
			if err != tc.want {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && p.User.ID != tc.wantUser {
				t.Fatalf("acting user = %s, want %s", p.User.ID, tc.wantUser)
			}
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestResolveLifecycle(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	v := w.verifier(t, nil)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check := func(token, acting string, want error) {
		t.Helper()
		must(v.Refresh(ctx))
		if _, err := resolve(v, "Bearer "+token, acting, true); err != want {
			t.Fatalf("err = %v, want %v", err, want)
		}
	}
	check(w.keyToken, w.member.ID, nil)

	// Deactivate and reactivate an API key.
	_, err := w.DB.SetCredentialStatus(ctx, meetd.CLIActor, w.company.ID, w.keyID, meetd.CredentialDeactivated)
	must(err)
	check(w.keyToken, w.member.ID, ErrInvalidAPIKey)
	_, err = w.DB.SetCredentialStatus(ctx, meetd.CLIActor, w.company.ID, w.keyID, meetd.CredentialActive)
	must(err)
	check(w.keyToken, w.member.ID, nil)

	// Plan changes gate both kinds at once.
	_, err = w.DB.SetCompanyPlan(ctx, meetd.CLIActor, w.company.ID, meetd.PlanGrowth)
	must(err)
	must(v.Refresh(ctx))
	if _, err := resolve(v, "Bearer "+w.keyToken, w.member.ID, true); meetd.ErrorCode(err) != meetd.EPLANLIMIT {
		t.Fatalf("key on growth: %v, want plan limit", err)
	}
	check(w.patToken, "", nil)
	_, err = w.DB.SetCompanyPlan(ctx, meetd.CLIActor, w.company.ID, meetd.PlanFree)
	must(err)
	must(v.Refresh(ctx))
	if _, err := resolve(v, "Bearer "+w.patToken, "", true); meetd.ErrorCode(err) != meetd.EPLANLIMIT {
		t.Fatalf("PAT on free: %v, want plan limit", err)
	}
	_, err = w.DB.SetCompanyPlan(ctx, meetd.CLIActor, w.company.ID, meetd.PlanEnterprise)
	must(err)

	// A removed member can neither use their PAT nor be acted as.
	must(w.DB.RemoveUser(ctx, meetd.CLIActor, w.company.ID, w.member.ID))
	check(w.memberPAT, "", ErrInvalidPAT)
	check(w.keyToken, w.member.ID, ErrActingUserForeign)

	// Expiry, then revocation.
	w.clock.Advance(31 * 24 * time.Hour)
	check(w.keyToken, w.owner.ID, ErrExpiredAPIKey)
	_, err = w.DB.SetCredentialStatus(ctx, meetd.CLIActor, w.company.ID, w.keyID, meetd.CredentialRevoked)
	must(err)
	check(w.keyToken, w.owner.ID, ErrInvalidAPIKey)
}

func TestExpiredPAT(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	is := &Issuer{Store: w.DB, Clock: w.clock}
	out, err := is.CreatePAT(ctx, meetd.CLIActor, w.company.ID, w.owner.ID, "short", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v := w.verifier(t, nil)
	if _, err := resolve(v, "Bearer "+out.Secret, "", true); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Hour)
	if _, err := resolve(v, "Bearer "+out.Secret, "", true); err != ErrExpiredPAT {
		t.Fatalf("err = %v, want ErrExpiredPAT", err)
	}
}

func TestOtherCompanysUserIsForeign(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	_, stranger, err := w.DB.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Other", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "s@example.org", GivenName: "S", FamilyName: "S", Timezone: "UTC", Type: meetd.UserStandard})
	if err != nil {
		t.Fatal(err)
	}
	v := w.verifier(t, nil)
	if _, err := resolve(v, "Bearer "+w.keyToken, stranger.ID, true); err != ErrActingUserForeign {
		t.Fatalf("err = %v, want ErrActingUserForeign", err)
	}
}

func TestCacheAvoidsTheDatabase(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t, nil)
	for _, tc := range [][2]string{{w.patToken, ""}, {w.keyToken, w.member.ID}, {w.keyToken, ""}} {
		if _, err := resolve(v, "Bearer "+tc[0], tc[1], false); err != nil {
			t.Fatal(err)
		}
	}
	before := w.n.Load()
	for range 100 {
		for _, tc := range [][2]string{{w.patToken, ""}, {w.keyToken, w.member.ID}, {w.keyToken, ""}} {
			if _, err := resolve(v, "Bearer "+tc[0], tc[1], false); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := w.n.Load() - before; n != 0 {
		t.Fatalf("warm resolutions made %d database lookups, want 0", n)
	}
	// Past the TTL the entries are reloaded.
	w.clock.Advance(DefaultTTL)
	resolve(v, "Bearer "+w.patToken, "", false)
	if w.n.Load() == before {
		t.Fatal("an entry older than the TTL was trusted")
	}
}

// racingStore invalidates the verifier's cache in the middle of a load, as
// a revocation committing at that moment would.
type racingStore struct {
	*countingStore
	v *Verifier
}

func (r *racingStore) CredentialByIDUnscoped(ctx context.Context, id string) (meetd.Credential, error) {
	c, err := r.countingStore.CredentialByIDUnscoped(ctx, id)
	r.v.Invalidate(meetd.Change{Kind: meetd.ChangeCredential, ID: id})
	return c, err
}

// A load that started before an invalidation must not put its stale result
// into the cache.
func TestStaleFillIsDropped(t *testing.T) {
	w := newWorld(t)
	rs := &racingStore{countingStore: w.countingStore}
	v, err := NewVerifier(context.Background(), rs, w.clock, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs.v = v
	if _, err := resolve(v, "Bearer "+w.keyToken, "", false); err != nil {
		t.Fatal(err)
	}
	parsed, _ := Parse(w.keyToken)
	if _, ok := v.creds[parsed.Hash]; ok {
		t.Fatal("a load raced by an invalidation was cached")
	}
	// Without the race the same load is cached.
	v2 := w.verifier(t, nil)
	resolve(v2, "Bearer "+w.keyToken, "", false)
	if _, ok := v2.creds[parsed.Hash]; !ok {
		t.Fatal("an unraced load was not cached")
	}
}

func TestRefreshRemembersGaps(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	v := w.verifier(t, nil)
	v.lastSeq = 5
	v.gaps = map[int64]time.Time{3: w.clock.Now()}
	if err := v.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.gaps[3]; !ok {
		t.Fatal("an unseen sequence number was forgotten before its time")
	}
	w.clock.Advance(2 * gapTTL)
	if err := v.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.gaps[3]; ok {
		t.Fatal("a gap older than gapTTL was kept")
	}
}

func TestUsageIsBatched(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	u := NewUsage(w.DB, nil)
	v := w.verifier(t, u)
	p, err := resolve(v, "Bearer "+w.patToken, "", true)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := w.DB.CredentialByID(ctx, w.company.ID, p.CredentialID)
	if c.LastUsedAt != nil {
		t.Fatal("authentication wrote last-used time to the database")
	}
	if use, ok := u.Pending(p.CredentialID); !ok || use.IP != "192.0.2.1" {
		t.Fatalf("pending use = %+v, %v", use, ok)
	}
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ = w.DB.CredentialByID(ctx, w.company.ID, p.CredentialID)
	if c.LastUsedAt == nil || !c.LastUsedAt.Equal(w.clock.Now()) || c.LastUsedIP != "192.0.2.1" {
		t.Fatalf("after flush: %v %q", c.LastUsedAt, c.LastUsedIP)
	}
	if _, ok := u.Pending(p.CredentialID); ok {
		t.Fatal("flushed use still pending")
	}
}

func TestUsageRunFlushesOnShutdown(t *testing.T) {
	w := newWorld(t)
	u := NewUsage(w.DB, nil)
	c, _ := w.DB.CredentialByHash(context.Background(), hashOf(w.patToken))
	u.Note(c.ID, w.clock.Now(), "198.51.100.4")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { u.Run(ctx, time.Hour); close(done) }()
	cancel()
	<-done
	c, _ = w.DB.CredentialByID(context.Background(), w.company.ID, c.ID)
	if c.LastUsedIP != "198.51.100.4" {
		t.Fatalf("shutdown did not flush: %+v", c)
	}
}

func hashOf(s string) []byte { h := Hash(s); return h[:] }

func BenchmarkResolveCached(b *testing.B) {
	for _, bc := range []struct{ name, header, acting string }{
		{"pat", "", ""}, {"apikey-acting", "key", "member"}, {"apikey-owner", "key", ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := newWorld(b)
			v := w.verifier(b, NewUsage(w.DB, nil))
			req := Request{Authorization: "Bearer " + w.patToken, NeedsUser: false, IP: "192.0.2.1"}
			if bc.header == "key" {
				req.Authorization = "Bearer " + w.keyToken
			}
			if bc.acting == "member" {
				req.ActingUser = w.member.ID
			}
			ctx := context.Background()
			if _, err := v.Resolve(ctx, req); err != nil {
				b.Fatal(err)
			}
			before := w.n.Load()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := v.Resolve(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n := w.n.Load() - before; n != 0 {
				b.Fatalf("%d database lookups during the benchmark, want 0", n)
			}
			b.ReportMetric(0, "db-queries/op")
		})
	}
}

// TestKnown: only a credential the verifier has verified, and still holds,
// is known; garbage, unseen and forgotten (revoked) ones are not, and
// asking reads no database.
func TestKnown(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	v := w.verifier(t, nil)
	unseen, _ := NewPAT()
	for _, a := range []string{"", "Bearer", "Basic " + w.patToken, "Bearer rgo-x", "Bearer " + unseen, "Bearer " + w.patToken} {
		if v.Known(a) {
			t.Errorf("Known(%.20q) before any use", a)
		}
	}
	if _, err := resolve(v, "Bearer "+w.patToken, "", false); err != nil {
		t.Fatal(err)
	}
	before := w.n.Load()
	if !v.Known("Bearer "+w.patToken) || !v.Known("bearer  "+w.patToken) || v.Known("Bearer "+w.memberPAT) {
		t.Error("Known does not tell the verified PAT from the unseen one")
	}
	w.clock.Advance(DefaultTTL * 10) // stale entries are still known: Resolve reloads them
	if !v.Known("Bearer " + w.patToken) {
		t.Error("a stale entry is not known")
	}
	if w.n.Load() != before {
		t.Errorf("Known read the database %d times", w.n.Load()-before)
	}
	pat, err := w.DB.CredentialByHash(ctx, hashOf(w.patToken))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.SetCredentialStatus(ctx, meetd.CLIActor, pat.CompanyID, pat.ID, meetd.CredentialRevoked); err != nil {
		t.Fatal(err)
	}
	if err := v.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if v.Known("Bearer " + w.patToken) {
		t.Error("a revoked PAT is still known")
	}
}
