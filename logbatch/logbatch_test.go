package logbatch

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder keeps each write to it as one string.
type recorder struct {
	mu     sync.Mutex
	writes []string
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.writes...)
}

// waitWrites waits until r has n writes; the bound is far above what the
// wait takes and only keeps a broken Writer from hanging the test.
func (r *recorder) waitWrites(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(r.snapshot()) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("writes = %q; want %d", r.snapshot(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestConcurrentLinesArriveWholeOnceAndInOrderPerWriter(t *testing.T) {
	out := &recorder{}
	w := New(out, 200*time.Microsecond)
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(w, "writer %d line %d %s\n", g, i, strings.Repeat("x", i%97))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(out.snapshot(), "")
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(all, "\n"), "\n")
	for _, line := range got {
		var g, i int
		var pad string
		if _, err := fmt.Sscanf(line, "writer %d line %d %s", &g, &i, &pad); err != nil && i%97 != 0 {
			t.Fatalf("torn line %q: %v", line, err)
		}
		if i != next[g] || len(pad) != i%97 {
			t.Fatalf("writer %d: got line %d (pad %d), want line %d", g, i, len(pad), next[g])
		}
		next[g]++
	}
	if len(got) != writers*lines {
		t.Fatalf("%d lines written, want %d", len(got), writers*lines)
	}
	if len(out.snapshot()) >= writers*lines {
		t.Errorf("%d writes for %d lines: nothing was batched", len(out.snapshot()), writers*lines)
	}
}

func TestALineAfterAQuietIntervalIsWrittenWithoutWaiting(t *testing.T) {
	out := &recorder{}
	w := New(out, time.Hour) // waiting for the interval would hang the test
	defer w.Close()
	fmt.Fprintln(w, "first")
	out.waitWrites(t, 1)
	if got := out.snapshot(); got[0] != "first\n" {
		t.Fatalf("writes = %q", got)
	}
}

func TestLinesWithinTheIntervalShareOneWriteAndCloseWritesThem(t *testing.T) {
	out := &recorder{}
	w := New(out, time.Hour)
	fmt.Fprintln(w, "first")
	out.waitWrites(t, 1)
	fmt.Fprintln(w, "second")
	fmt.Fprintln(w, "third")
	if got := out.snapshot(); len(got) != 1 {
		t.Fatalf("lines within the interval were written at once: %q", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"first\n", "second\nthird\n"}
	if got := out.snapshot(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("writes = %q; want %q", got, want)
	}
	fmt.Fprintln(w, "after close")
	if got := out.snapshot(); len(got) != 3 || got[2] != "after close\n" {
		t.Fatalf("a write after Close did not go straight out: %q", got)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestZeroIntervalWritesEachLineAtOnce(t *testing.T) {
	out := &recorder{}
	w := New(out, 0)
	for i := range 3 {
		fmt.Fprintf(w, "line %d\n", i)
		if got := out.snapshot(); len(got) != i+1 || got[i] != fmt.Sprintf("line %d\n", i) {
			t.Fatalf("after line %d: writes = %q", i, got)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// blocked is an output that takes nothing until released.
type blocked struct {
	recorder
	release chan struct{}
}

func (b *blocked) Write(p []byte) (int, error) {
	<-b.release
	return b.recorder.Write(p)
}

func TestASlowOutputHoldsWritersBackInsteadOfGrowingMemory(t *testing.T) {
	out := &blocked{release: make(chan struct{})}
	w := New(out, time.Microsecond)
	line := strings.Repeat("y", 1023) + "\n"
	fmt.Fprint(w, line) // taken by the goroutine, which now blocks in out
	out.waitTaken(t, w)
	wrote := make(chan int)
	go func() {
		n := 0
		for range 3 * maxPending / len(line) {
			fmt.Fprint(w, line)
			n++
		}
		wrote <- n
	}()
	// The writer stops once maxPending bytes wait; releasing the output
	// lets it finish.
	for {
		w.mu.Lock()
		full := len(w.pending) >= maxPending
		w.mu.Unlock()
		if full {
			break
		}
		time.Sleep(time.Millisecond)
	}
	w.mu.Lock()
	if len(w.pending) > maxPending+len(line) {
		t.Errorf("%d bytes pending; the bound is %d", len(w.pending), maxPending)
	}
	w.mu.Unlock()
	close(out.release)
	n := <-wrote
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := len(strings.Join(out.snapshot(), "")); got != (n+1)*len(line) {
		t.Fatalf("%d bytes written, want %d", got, (n+1)*len(line))
	}
}

// waitTaken waits until w's goroutine took the pending bytes.
func (b *blocked) waitTaken(t *testing.T, w *Writer) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		w.mu.Lock()
		taken := len(w.pending) == 0
		w.mu.Unlock()
		if taken {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the goroutine never took the first line")
		}
	}
}

// BenchmarkLogLine writes request-sized lines from every P to /dev/null:
// each unbatched line is a write system call.
func BenchmarkLogLine(b *testing.B) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	line := []byte(`{"time":"2026-12-01T04:00:00Z","level":"INFO","msg":"request","request_id":"0123456789abcdef","status":200}` + "\n")
	for _, interval := range []time.Duration{0, time.Millisecond} {
		b.Run(interval.String(), func(b *testing.B) {
			w := New(null, interval)
			defer w.Close()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, _ = w.Write(line)
				}
			})
		})
	}
}
