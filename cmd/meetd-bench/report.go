package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is what one backend's run measured.
type report struct {
	backend   string
	rows      []*row
	problems  []string
	rss, peak int64
	memOK     bool
	coldEmpty time.Duration
	coldLarge time.Duration
	largest   int // appointments of the company in the last phase
}

// print writes the report as Markdown: a heading, the table, then memory
// and cold starts, ready to paste into BENCHMARKS.md.
func (rep *report) print(w io.Writer, o options) {
	fmt.Fprintf(w, "\n### %s\n\n", rep.backend)
	fmt.Fprintf(w, "%d CPUs, %s/%s, %s; -c %d -d %s -rounds %d; meetd --log-level %s. "+
		"req/s over all rounds (slowest–fastest round); latency per request; vs ceiling = req/s ÷ the ceiling's at the same c; "+
		"server CPU = the CPU time (user and system) of the serving process (meetd or the ceiling; not PostgreSQL's) per request.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), o.conns, o.duration, o.rounds, o.logLevel)
	fmt.Fprintln(w, "| scenario | c | appointments | req/s | rounds | p50 | p99 | vs ceiling | server CPU | answers | notes |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rep.rows {
		sortSamples(&r.res)
		rps, rounds, ratio := fmt.Sprintf("%.0f", r.res.rps()), spread(r.perRound), "—"
		if r.contended {
			rps, rounds = "—", "—"
		} else if r.ceilingFor != nil && r.ceilingFor.res.rps() > 0 {
			ratio = fmt.Sprintf("%.0f %%", 100*r.res.rps()/r.ceilingFor.res.rps())
		}
		cpu := "—"
		if r.cpuOK && r.res.requests > 0 {
			cpu = fmt.Sprintf("%.0f µs", float64(r.cpu.Microseconds())/float64(r.res.requests))
		}
		answers := statusLine(r.res.statuses)
		if r.contended {
			// Per round: each must be one 201 and the rest 409.
			answers = strings.Join(slices.Compact(slices.Clone(r.roundAnswers)), " / ")
			if len(r.roundAnswers) > 1 && !strings.Contains(answers, " / ") {
				answers += fmt.Sprintf(" (each of %d rounds)", len(r.roundAnswers))
			}
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.name, r.c, r.appointments, rps, rounds,
			ms(percentile(r.res.samples, 50)), ms(percentile(r.res.samples, 99)), ratio, cpu, answers, r.note)
	}
	fmt.Fprintln(w)
	if rep.memOK {
		fmt.Fprintf(w, "- meetd's resident memory after the suite: %s (peak %s)\n", mib(rep.rss), mib(rep.peak))
	} else {
		fmt.Fprintln(w, "- meetd's resident memory: not available (no /proc)")
	}
	fmt.Fprintf(w, "- cold start to a healthy /healthz: %s on the empty database (migrations included), %s with %d appointments in the company\n",
		ms(rep.coldEmpty), ms(rep.coldLarge), rep.largest)
	if len(rep.problems) > 0 {
		fmt.Fprintf(w, "- **failed**: %s\n", strings.Join(rep.problems, "; "))
	}
}

// ms renders a duration in milliseconds with three significant digits.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v == 0:
		return "—"
	case v < 1:
		return fmt.Sprintf("%.3f ms", v)
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 100:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// spread renders the slowest and fastest round.
func spread(perRound []float64) string {
	if len(perRound) == 0 {
		return "—"
	}
	lo, hi := slices.Min(perRound), slices.Max(perRound)
	if len(perRound) == 1 {
		return fmt.Sprintf("%.0f", lo)
	}
	return fmt.Sprintf("%.0f–%.0f", lo, hi)
}
