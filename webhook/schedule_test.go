package webhook

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := Backoff(1000); got != time.Hour {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

func TestJitterStaysWithinBounds(t *testing.T) {
	for range 1000 {
		d := Jitter(time.Hour)
		if d < 45*time.Minute || d > time.Hour {
			t.Fatalf("Jitter(1h) = %v", d)
		}
	}
}

func TestSchedule(t *testing.T) {
	first := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	id := func(d time.Duration) time.Duration { return d }
	next, giveUp := Schedule(first, first, 1, id)
	if giveUp || !next.Equal(first.Add(30*time.Second)) {
		t.Fatalf("after the first failure: %v, %v", next, giveUp)
	}
	now := first.Add(23*time.Hour + 30*time.Minute)
	next, giveUp = Schedule(first, now, 30, id)
	if giveUp || !next.Equal(first.Add(RetryWindow)) {
		t.Fatalf("near the end: %v, %v; want the window's end", next, giveUp)
	}
	if _, giveUp = Schedule(first, first.Add(RetryWindow), 31, id); !giveUp {
		t.Fatal("a failure at the end of the window did not give up")
	}
	// Simulate a day of failures with the identity jitter: attempts are
	// spaced by the backoff and the last one lands at 24 h.
	at, n := first, 1
	for {
		next, giveUp := Schedule(first, at, n, id)
		if giveUp {
			break
		}
		if d := next.Sub(at); d > time.Hour || d <= 0 {
			t.Fatalf("attempt %d waited %v", n, d)
		}
		at, n = next, n+1
	}
	if !at.Equal(first.Add(RetryWindow)) || n < 24 || n > 40 {
		t.Fatalf("gave up after attempt %d at %v", n, at.Sub(first))
	}
}
