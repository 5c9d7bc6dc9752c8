package ratelimit

import (
	"net/http"
	"net/textproto"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// sixAMinute refills one token every 10 s, up to 3.
var sixAMinute = Rate{Limit: 6, Per: time.Minute, Burst: 3}

func TestBurstThenRefusedUntilRefilled(t *testing.T) {
	clock := meetd.NewManualClock(start)
	l := New(sixAMinute, clock)
	for i := range 3 {
		if d := l.Take("k"); !d.Allowed || d.Wait() != 0 {
			t.Fatalf("take %d of the burst: %+v, wait %v", i+1, d, d.Wait())
		}
	}
	d := l.Take("k")
	if d.Allowed || d.Wait() != 10*time.Second {
		t.Fatalf("take past the burst: allowed %v, wait %v; want refused, 10s", d.Allowed, d.Wait())
	}
	if !l.Take("other").Allowed {
		t.Fatal("another key shares the bucket")
	}
	clock.Advance(4 * time.Second)
	if d := l.Take("k"); d.Allowed || d.Wait().Round(time.Millisecond) != 6*time.Second {
		t.Fatalf("after 4 s: allowed %v, wait %v; want refused, 6s", d.Allowed, d.Wait())
	}
	clock.Advance(6 * time.Second)
	if !l.Take("k").Allowed {
		t.Fatal("a refilled token was refused")
	}
	if l.Take("k").Allowed {
		t.Fatal("one refill period gave two tokens")
	}
}

func TestGiveRefundsUpToTheBurst(t *testing.T) {
	clock := meetd.NewManualClock(start)
	l := New(sixAMinute, clock)
	for range 3 {
		l.Take("k")
	}
	l.Give("k")
	if !l.Take("k").Allowed {
		t.Fatal("a given-back token was not available")
	}
	if l.Take("k").Allowed {
		t.Fatal("more tokens than given back")
	}
	fresh := New(sixAMinute, clock)
	for range 5 {
		fresh.Give("k")
	}
	for range 3 {
		if !fresh.Take("k").Allowed {
			t.Fatal("the burst was refused")
		}
	}
	if fresh.Take("k").Allowed {
		t.Fatal("Give raised a bucket above its burst")
	}
}

func TestClockSteppingBackDoesNotDrain(t *testing.T) {
	clock := meetd.NewManualClock(start)
	l := New(sixAMinute, clock)
	l.Take("k")
	clock.Set(start.Add(-time.Hour))
	if d := l.Take("k"); !d.Allowed || d.tokens != 1 {
		t.Fatalf("after the clock stepped back: %+v, want allowed with 1 token left", d)
	}
}

func TestFullBucketsAreSwept(t *testing.T) {
	clock := meetd.NewManualClock(start)
	l := New(sixAMinute, clock)
	l.Take("a")
	for range 3 {
		l.Take("b")
	}
	clock.Advance(25 * time.Second) // a is full again, b is not
	l.Take("c")
	clock.Advance(time.Minute) // the next take sweeps; everything is full
	l.Take("d")
	if _, ok := l.buckets["a"]; ok {
		t.Fatal("a full bucket was kept")
	}
	if len(l.buckets) != 1 {
		t.Fatalf("%d buckets after a sweep, want only the one just taken from", len(l.buckets))
	}
}

func TestSetHeaders(t *testing.T) {
	cases := []struct {
		name                    string
		takes                   int
		limit, remaining, reset string
		retryAfter              string
	}{
		{name: "first take leaves burst-1", takes: 1, limit: "3", remaining: "2", reset: "10"},
		{name: "last token of the burst", takes: 3, limit: "3", remaining: "0", reset: "30"},
		{name: "refused take says when to retry", takes: 4, limit: "3", remaining: "0", reset: "30", retryAfter: "10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := New(sixAMinute, meetd.NewManualClock(start))
			var d Decision
			for range c.takes {
				d = l.Take("k")
			}
			h := http.Header{}
			d.SetHeaders(h)
			got := [4]string{h.Get("RateLimit-Limit"), h.Get("RateLimit-Remaining"), h.Get("RateLimit-Reset"), h.Get("Retry-After")}
			if want := [4]string{c.limit, c.remaining, c.reset, c.retryAfter}; got != want {
				t.Fatalf("Limit, Remaining, Reset, Retry-After = %q, want %q", got, want)
			}
		})
	}
}

// TestSetHeadersUsesCanonicalNames: SetHeaders writes the header map
// directly, so its names must be the ones Header.Set would store, or a
// Get and the wire would see two spellings.
func TestSetHeadersUsesCanonicalNames(t *testing.T) {
	l := New(Rate{Limit: 60, Per: time.Minute, Burst: 1}, meetd.NewManualClock(start))
	l.Take("k")
	h := http.Header{}
	l.Take("k").SetHeaders(h)
	if len(h) != 4 {
		t.Fatalf("%d headers on a refusal, want 4: %v", len(h), h)
	}
	for name, vals := range h {
		if canon := textproto.CanonicalMIMEHeaderKey(name); name != canon {
			t.Errorf("header %q is stored under a name that is not canonical (%q)", name, canon)
		}
		if len(vals) != 1 || cap(vals) != 1 {
			t.Errorf("header %q: %d values, capacity %d; want one, capacity one", name, len(vals), cap(vals))
		}
	}
}

func TestRetryAfterIsAtLeastOneSecond(t *testing.T) {
	clock := meetd.NewManualClock(start)
	l := New(Rate{Limit: 6000, Per: time.Minute, Burst: 1}, clock) // a token every 10 ms
	l.Take("k")
	d := l.Take("k")
	h := http.Header{}
	d.SetHeaders(h)
	if d.Allowed || h.Get("Retry-After") != "1" {
		t.Fatalf("allowed %v, Retry-After %q; want refused, 1", d.Allowed, h.Get("Retry-After"))
	}
}

func TestPeekTakesNothing(t *testing.T) {
	clock := meetd.NewManualClock(time.Unix(1_700_000_000, 0))
	l := New(Rate{Limit: 60, Per: time.Minute, Burst: 2}, clock)
	for i := 0; i < 5; i++ {
		if !l.Peek("k").Allowed {
			t.Fatalf("peek %d refused a full bucket", i)
		}
	}
	l.Take("k")
	l.Take("k")
	d := l.Peek("k")
	if d.Allowed {
		t.Fatal("peek allowed an empty bucket")
	}
	h := http.Header{}
	d.SetHeaders(h)
	if h.Get("Retry-After") != "1" || h.Get("RateLimit-Remaining") != "0" {
		t.Fatalf("headers of a refused peek: %v", h)
	}
	clock.Advance(time.Second)
	if !l.Peek("k").Allowed {
		t.Fatal("peek refused after a token refilled")
	}
}

func TestPeekOfAnUnseenKeyKeepsNoBucket(t *testing.T) {
	l := New(Rate{Limit: 60, Per: time.Minute, Burst: 2}, meetd.NewManualClock(time.Unix(1_700_000_000, 0)))
	for i := 0; i < 100; i++ {
		if !l.Peek(string(rune('a'+i%26)) + "x").Allowed {
			t.Fatal("an unseen key was refused")
		}
	}
	if n := len(l.buckets); n != 0 {
		t.Fatalf("peeking made %d buckets", n)
	}
}
