// Package gcfloor keeps the Go garbage collector from running more often
// than a small heap needs.
//
// With the default GOGC=100 the runtime collects whenever the heap has
// doubled since the last collection, with a 4 MiB minimum. A server whose
// live heap is a few MiB but that allocates a hundred MiB a second under
// load (meetd answering /healthz or an authenticated read: about 2 MiB
// live, 1.5 KB allocated per request) then collects about a hundred times
// a second, and a sixth of its CPU goes to the collector. Keep raises the
// GC percentage after each collection so that the next one comes when the
// heap reaches the floor, while the live heap is below half of it; with a
// larger live heap it is GOGC=100 again. The price is at most the floor's
// size in extra heap.
package gcfloor

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// DefaultFloor is the heap size meetd lets the heap reach before a
// collection: 16 MiB.
const DefaultFloor = 16 << 20

// basePercent is the GC percentage with a live heap of half the floor or
// more: the runtime's default.
const basePercent = 100

// runtimeMinimum is the runtime's smallest heap target at GOGC=100. The
// runtime scales it with the percentage (at GOGC=400 no collection comes
// before 16 MiB), which is what bounds the percentage for a small heap.
const runtimeMinimum = 4 << 20

// mu serialises Keep and stop: the GC percentage is one per process.
var mu sync.Mutex

// Keep makes the next collection wait until the heap reaches about floor
// bytes (the live heap plus what the percentage allows), re-deciding after
// every collection, until stop is called, which restores GOGC=100. It
// does nothing (and stop nothing) when the GOGC environment variable is
// set: the operator's choice wins. GOMEMLIMIT keeps working alongside it.
// Calls may not overlap; a second Keep before stop is a no-op.
func Keep(floor uint64, getenv func(string) string) (stop func()) {
	mu.Lock()
	defer mu.Unlock()
	if getenv("GOGC") != "" || active != nil {
		return func() {}
	}
	t := &tuner{floor: floor, samples: []metrics.Sample{{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}}
	active = t
	t.tune()
	t.arm()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if active == t {
			active = nil
			debug.SetGCPercent(basePercent)
		}
	}
}

// active is the tuner of the Keep in force, or nil.
var active *tuner

type tuner struct {
	floor   uint64
	samples []metrics.Sample
	percent int
}

// sentinel is an object whose only use is its finalizer, which runs after
// the collection that found it unreachable: once per GC cycle, since each
// run allocates the next. It holds a pointer so that it is not placed in
// a tiny-allocator block, whose finalizers run late.
type sentinel struct{ t *tuner }

func (t *tuner) arm() {
	runtime.SetFinalizer(&sentinel{t: t}, func(s *sentinel) {
		mu.Lock()
		defer mu.Unlock()
		if active != s.t {
			return // stopped: let the chain end
		}
		s.t.tune()
		s.t.arm()
	})
}

// tune sets the percentage for the live heap the last collection left.
// Called with mu held.
func (t *tuner) tune() {
	metrics.Read(t.samples)
	var v [3]uint64
	for i, sm := range t.samples {
		if sm.Value.Kind() == metrics.KindUint64 {
			v[i] = sm.Value.Uint64()
		}
	}
	p := Percent(v[0], v[1]+v[2], t.floor)
	if p != t.percent {
		t.percent = p
		debug.SetGCPercent(p)
	}
}

// Percent is the GC percentage that lets a heap of live bytes, with roots
// bytes of goroutine stacks and globals to scan, grow to floor before the
// next collection, and no further. The runtime's goal is live + (live +
// roots) × percent/100, and never below 4 MiB × percent/100; so the
// percentage is the smaller of (floor - live)/(live + roots) and
// floor/4 MiB, in percent, and never below 100.
func Percent(live, roots, floor uint64) int {
	p := float64(floor) / runtimeMinimum * 100
	if floor <= live {
		return basePercent
	}
	if live+roots > 0 {
		p = math.Min(p, float64(floor-live)/float64(live+roots)*100)
	}
	return int(math.Max(basePercent, p))
}
