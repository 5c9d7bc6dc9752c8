package gcfloor

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name               string
		live, roots, floor uint64
		want               int
	}{
		{"a small live heap waits for the runtime's minimum, scaled to the floor", 2 * mib, 0, 16 * mib, 400},
		{"a larger live heap grows to the floor", 5 * mib, 0, 16 * mib, 220},
		{"stacks and globals count in the growth", 4 * mib, 4 * mib, 16 * mib, 150},
		{"half the floor is the default", 8 * mib, 0, 16 * mib, 100},
		{"a live heap above the floor is the default", 40 * mib, 0, 16 * mib, 100},
		{"an almost empty heap waits for the scaled minimum", 1024, 0, 64 * mib, 1600},
		{"no live heap at all waits for the scaled minimum", 0, 0, 16 * mib, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percent(tc.live, tc.roots, tc.floor); got != tc.want {
				t.Errorf("Percent(%d, %d, %d) = %d, want %d", tc.live, tc.roots, tc.floor, got, tc.want)
			}
		})
	}
}

// The tests change the process's GC percentage: none runs in parallel.

var sink []byte

// churn allocates n bytes of garbage in 4 KiB pieces and returns how many
// collections that took.
func churn(n int) uint32 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i += 4096 {
		sink = make([]byte, 4096)
	}
	runtime.ReadMemStats(&after)
	return after.NumGC - before.NumGC
}

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// waitGOGC waits for the finalizer of the collection just run to set the
// percentage to one that ok accepts.
func waitGOGC(t *testing.T, ok func(uint64) bool) uint64 {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; {
		runtime.GC()
		if p := gogc(); ok(p) {
			return p
		} else if time.Now().After(deadline) {
			t.Fatalf("GOGC stayed %d", p)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestKeepLetsASmallHeapGrowToTheFloor reads the runtime's own heap goal:
// about 4 MiB at GOGC=100 with a small live heap, about the floor with
// Keep, and the default again after stop. How many collections some
// garbage takes is logged, not checked against the default: on a busy
// machine the runtime overshoots its goal by more and collects less.
func TestKeepLetsASmallHeapGrowToTheFloor(t *testing.T) {
	const floor = 64 << 20
	runtime.GC()
	before := heapGoal()
	stop := Keep(floor, func(string) string { return "" })
	p := waitGOGC(t, func(p uint64) bool { return p > 100 })
	goal := heapGoal()
	with := churn(256 << 20)
	stop()
	t.Logf("heap goal %d KiB at GOGC=100, %d KiB with a 64 MiB floor (GOGC=%d); %d collections for 256 MiB",
		before>>10, goal>>10, p, with)
	if before > 16<<20 {
		t.Fatalf("the heap goal at GOGC=100 is already %d KiB: the test's heap is not small", before>>10)
	}
	if goal < floor*9/10 || goal > floor*11/10 {
		t.Errorf("with the floor the heap goal is %d KiB, want about %d KiB", goal>>10, floor>>10)
	}
	if with < 1 || with > 8 { // about four for 256 MiB through 64 MiB
		t.Errorf("with the floor %d collections for 256 MiB of garbage, want about four", with)
	}
	runtime.GC()
	if p := gogc(); p != 100 {
		t.Errorf("after stop GOGC = %d, want 100", p)
	}
}

func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestKeepIsTheDefaultOnceTheLiveHeapIsHalfTheFloor(t *testing.T) {
	stop := Keep(16<<20, func(string) string { return "" })
	defer stop()
	waitGOGC(t, func(p uint64) bool { return p > 100 })
	retained := make([][]byte, 0, 48)
	for range 48 {
		retained = append(retained, make([]byte, 1<<20))
	}
	waitGOGC(t, func(p uint64) bool { return p == 100 })
	runtime.KeepAlive(retained)
}

func TestKeepLeavesAnOperatorsGOGCAlone(t *testing.T) {
	stop := Keep(64<<20, func(k string) string {
		if k == "GOGC" {
			return "100"
		}
		return ""
	})
	defer stop()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	if p := gogc(); p != 100 {
		t.Fatalf("with GOGC set, the percentage became %d", p)
	}
}
