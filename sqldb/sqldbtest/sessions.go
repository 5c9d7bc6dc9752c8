package sqldbtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/meetd/meetd/sqldb"
)

// sessionEnded reports whether err says the session was deleted, the way
// the dashboard recognises it (without importing sqldb).
func sessionEnded(err error) bool {
	var e interface{ SessionEnded() bool }
	return errors.As(err, &e) && e.SessionEnded() && errors.Is(err, sqldb.ErrSessionEnded)
}

// testSessions checks the dashboard's session store: it finds what was
// committed until it expires, overwrites on commit, deletes idempotently and
// for good (a later commit does not revive a deleted session), reclaims
// expired rows, and takes concurrent commits of one token.
func testSessions(f *fixture) {
	t := f.t
	s := f.db.Sessions()
	find := func(token string) ([]byte, bool) {
		t.Helper()
		b, found, err := s.FindCtx(f.ctx, token)
		if err != nil {
			t.Fatalf("Find(%q): %v", token, err)
		}
		return b, found
	}
	if _, found := find("no-such-token"); found {
		t.Fatal("an unknown token was found")
	}
	if _, found := find(""); found {
		t.Fatal("the empty token was found")
	}

	if err := s.CommitCtx(f.ctx, "token-a", []byte("first"), start.Add(time.Hour)); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if b, found := find("token-a"); !found || string(b) != "first" {
		t.Fatalf("Find = %q, %v; want first", b, found)
	}
	// Commit replaces data and expiry.
	if err := s.Commit("token-a", []byte("second"), start.Add(2*time.Hour)); err != nil {
		t.Fatalf("Commit again: %v", err)
	}
	if b, found, err := s.Find("token-a"); err != nil || !found || string(b) != "second" {
		t.Fatalf("Find after overwrite = %q, %v, %v", b, found, err)
	}
	// Binary data survives byte for byte; empty data is still a session.
	bin := []byte{0, 1, 2, 0xff, 0xfe, '\n', 0}
	if err := s.CommitCtx(f.ctx, "token-b", bin, start.Add(30*time.Minute)); err != nil {
		t.Fatalf("Commit binary: %v", err)
	}
	if b, found := find("token-b"); !found || !bytes.Equal(b, bin) {
		t.Fatalf("binary data = %v, %v; want %v", b, found, bin)
	}
	if err := s.CommitCtx(f.ctx, "token-empty", nil, start.Add(time.Hour)); err != nil {
		t.Fatalf("Commit empty: %v", err)
	}
	if b, found := find("token-empty"); !found || len(b) != 0 {
		t.Fatalf("empty data = %v, %v", b, found)
	}
	// The value a database read would show (the hash) is not a session.
	h := sha256.Sum256([]byte("token-a"))
	if _, found := find(hex.EncodeToString(h[:])); found {
		t.Fatal("the stored key of a session works as its token")
	}

	// Expiry is read from the store's clock, exclusive at the deadline.
	f.clock.Advance(30 * time.Minute)
	if _, found := find("token-b"); found {
		t.Fatal("a session was found at its expiry")
	}
	if _, found := find("token-a"); !found {
		t.Fatal("an unexpired session was not found")
	}
	n, err := s.DeleteExpired(f.ctx)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
	}
	if _, found := find("token-a"); !found {
		t.Fatal("DeleteExpired removed a live session")
	}
	// An expired session committed again with a new expiry lives again
	// (scs renews idle sessions this way).
	if err := s.CommitCtx(f.ctx, "token-b", bin, start.Add(3*time.Hour)); err != nil {
		t.Fatalf("Commit after expiry: %v", err)
	}
	if _, found := find("token-b"); !found {
		t.Fatal("a re-committed session was not found")
	}

	if err := s.DeleteCtx(f.ctx, "token-a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found := find("token-a"); found {
		t.Fatal("a deleted session was found")
	}
	if err := s.Delete("token-a"); err != nil {
		t.Fatalf("Delete of a deleted session: %v", err)
	}
	if err := s.Delete("never-existed"); err != nil {
		t.Fatalf("Delete of an unknown session: %v", err)
	}

	// A deleted session stays deleted: a request that loaded it before the
	// sign-out and saves it afterwards (scs saves every loaded session when
	// an idle timeout is set) neither revives it nor fails silently.
	if err := s.CommitCtx(f.ctx, "token-a", []byte("in flight"), start.Add(5*time.Hour)); !sessionEnded(err) {
		t.Fatalf("Commit of a deleted session = %v, want ErrSessionEnded", err)
	}
	if _, found := find("token-a"); found {
		t.Fatal("a commit after Delete revived the session")
	}
	if err := s.Commit("token-a", []byte("again"), start.Add(5*time.Hour)); !sessionEnded(err) {
		t.Fatalf("second Commit of a deleted session = %v, want ErrSessionEnded", err)
	}
	if _, found := find("token-a"); found {
		t.Fatal("a second commit after Delete revived the session")
	}
	// The tombstone outlives the session's own expiry when that was near:
	// an in-flight request still cannot revive it after a sweep.
	if err := s.CommitCtx(f.ctx, "token-d", []byte("d"), start.Add(31*time.Minute)); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := s.DeleteCtx(f.ctx, "token-d"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	f.clock.Advance(10 * time.Minute)
	if n, err := s.DeleteExpired(f.ctx); err != nil || n != 0 {
		t.Fatalf("DeleteExpired = %d, %v; want 0 (the tombstone is kept)", n, err)
	}
	if err := s.CommitCtx(f.ctx, "token-d", []byte("d"), start.Add(12*time.Hour)); !sessionEnded(err) {
		t.Fatalf("Commit of a deleted session after its expiry = %v, want ErrSessionEnded", err)
	}
	if _, found := find("token-d"); found {
		t.Fatal("a commit after Delete and a sweep revived the session")
	}
	// Commits racing a Delete: once every one has returned, the session is
	// gone, whatever the order.
	if err := s.CommitCtx(f.ctx, "token-e", []byte("e"), start.Add(4*time.Hour)); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	var race sync.WaitGroup
	raceErrs := make(chan error, 9)
	for range 8 {
		race.Go(func() {
			if err := s.CommitCtx(f.ctx, "token-e", []byte("e2"), start.Add(4*time.Hour)); err != nil && !sessionEnded(err) {
				raceErrs <- err
			}
		})
	}
	race.Go(func() { raceErrs <- s.DeleteCtx(f.ctx, "token-e") })
	race.Wait()
	close(raceErrs)
	for err := range raceErrs {
		if err != nil {
			t.Fatalf("Commit or Delete racing: %v", err)
		}
	}
	if _, found := find("token-e"); found {
		t.Fatal("a commit racing Delete revived the session")
	}

	// Concurrent commits of one token (one browser, parallel requests)
	// all succeed and leave one of the values.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			errs <- s.CommitCtx(f.ctx, "token-c", []byte{byte('0' + i)}, start.Add(4*time.Hour))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Commit: %v", err)
		}
	}
	if b, found := find("token-c"); !found || len(b) != 1 {
		t.Fatalf("after concurrent commits: %q, %v", b, found)
	}

	// The sweep reclaims expired sessions and tombstones alike: token-a,
	// -b, -c, -d, -e and -empty.
	f.clock.Advance(5 * time.Hour)
	if n, err := s.DeleteExpired(f.ctx); err != nil || n != 6 {
		t.Fatalf("DeleteExpired = %d, %v; want 6", n, err)
	}
	if n, err := s.DeleteExpired(f.ctx); err != nil || n != 0 {
		t.Fatalf("DeleteExpired again = %d, %v; want 0", n, err)
	}
}
