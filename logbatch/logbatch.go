// Package logbatch gathers log lines that come faster than one per
// interval into one write, so a busy server spends one write system call
// on many request lines instead of one each.
//
// A line that comes after a quiet interval is written at once (by the
// Writer's goroutine, microseconds later); lines that follow it within the
// interval wait for the rest of it and are written together. A line
// therefore waits at most one interval, and lines keep their order. The
// price is that lines written but not yet flushed are lost if the process
// is killed (at most one interval's worth); Close writes the rest.
package logbatch

import (
	"io"
	"sync"
	"time"
)

// maxPending is how many bytes may wait for a write: a writer that gets
// ahead of a slow output (a full pipe) waits rather than growing memory.
const maxPending = 1 << 20

// Writer batches the writes of log lines to an output. Each Write is kept
// whole and in order. It is safe for concurrent use.
type Writer struct {
	out      io.Writer
	interval time.Duration

	mu        sync.Mutex
	drained   sync.Cond // signalled when the pending bytes were taken
	pending   []byte
	signalled bool // the goroutine was woken and has not taken pending yet
	closed    bool
	wake      chan struct{}
	stop      chan struct{} // closed by Close
	done      chan struct{} // closed when run returned

	flushMu sync.Mutex // one write to out at a time, in order
	spare   []byte     // the buffer being written; guarded by flushMu
}

// New returns a Writer that writes to out at most once per interval while
// lines keep coming. With interval ≤ 0 every Write goes straight to out.
// Close it to write what waits and stop its goroutine.
func New(out io.Writer, interval time.Duration) *Writer {
	w := &Writer{out: out, interval: interval, wake: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	w.drained.L = &w.mu
	if interval <= 0 {
		w.closed = true
		close(w.done)
		return w
	}
	go w.run()
	return w
}

// Write queues p to be written whole. It returns an error only when the
// Writer is closed or unbuffered and the output refused p; a batched
// write's error has no caller to go to and is dropped, as a log line's
// would be.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	for len(w.pending) >= maxPending && !w.closed {
		w.drained.Wait()
	}
	w.pending = append(w.pending, p...)
	if w.closed {
		w.mu.Unlock()
		if err := w.flush(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if !w.signalled {
		w.signalled = true
		w.wake <- struct{}{} // never blocks: one signal at a time
	}
	w.mu.Unlock()
	return len(p), nil
}

// run writes what is pending each time it is woken, but not sooner than
// one interval after its previous write: lines that come while it waits
// share the next write.
func (w *Writer) run() {
	defer close(w.done)
	var last time.Time
	for {
		select {
		case <-w.wake:
		case <-w.stop:
			return // Close writes the rest
		}
		if d := w.interval - time.Since(last); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-w.stop:
				t.Stop()
				return
			}
		}
		_ = w.flush()
		last = time.Now()
	}
}

// flush writes everything pending in one write.
func (w *Writer) flush() error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	w.pending, w.spare = w.spare[:0], w.pending
	w.signalled = false
	w.drained.Broadcast()
	w.mu.Unlock()
	if len(w.spare) == 0 {
		return nil
	}
	_, err := w.out.Write(w.spare)
	if cap(w.spare) > maxPending { // a burst's buffer is not kept for ever
		w.spare = nil
	}
	return err
}

// Close writes what is pending and stops the goroutine; later writes go
// straight to the output. It is safe to call more than once.
func (w *Writer) Close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
		w.drained.Broadcast()
	}
	w.mu.Unlock()
	<-w.done
	return w.flush()
}
