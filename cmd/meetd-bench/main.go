// Command meetd-bench measures meetd against the ceiling: it builds meetd,
// runs it as a real process on a fresh database (SQLite, and PostgreSQL
// when MEETD_TEST_POSTGRES or -postgres names a server), seeds it, runs a
// bare net/http server answering {"status":"ok"} beside it, drives each
// scenario with keep-alive connections for a fixed time in interleaved
// rounds, and prints requests/s, p50, p99 and the ratio to the ceiling as
// a Markdown table, with meetd's resident memory and cold-start times.
//
//	go run ./cmd/meetd-bench                       # the full suite (several minutes)
//	go run ./cmd/meetd-bench -sizes 1000 -d 2s     # a shorter one
//	go run ./cmd/meetd-bench -quick                # a smoke run (seconds)
//
// It only talks to the servers it started, on 127.0.0.1, and stops by
// itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if addr := os.Getenv(ceilingEnv); addr != "" {
		if err := serveCeiling(addr); err != nil {
			fmt.Fprintln(os.Stderr, "ceiling:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "meetd-bench:", err)
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	conns     int
	duration  time.Duration
	rounds    int
	sizes     []int
	only      map[string]bool // nil: every scenario
	postgres  string
	sqlite    bool
	perHost   int // appointments of each round-robin host in the slot window
	bookers   int
	contended int
	logLevel  string
	// meetdFlags are passed to meetd serve after the suite's own, for
	// example to profile it under the suite's load.
	meetdFlags []string
}

// Scenario names, as -scenarios takes them.
var scenarioNames = []string{"ceiling", "healthz", "auth-pat", "auth-apikey", "slots-1", "slots-10", "book", "contended", "list"}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("meetd-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := options{bookers: 16, contended: 50}
	fs.IntVar(&o.conns, "c", 32, "connections per scenario (slot scenarios also run at 1 and 8)")
	fs.DurationVar(&o.duration, "d", 5*time.Second, "measured time of each scenario in each round")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each runs every scenario once, interleaved (A B A B)")
	sizes := fs.String("sizes", "1000,10000,100000", "appointment counts the company holds in the size phases (comma-separated; empty: none)")
	only := fs.String("scenarios", "", "comma-separated subset of "+strings.Join(scenarioNames, ",")+" (the ceiling always runs)")
	fs.StringVar(&o.postgres, "postgres", os.Getenv("MEETD_TEST_POSTGRES"), "PostgreSQL server URL: also run on a fresh schema there (default env MEETD_TEST_POSTGRES)")
	fs.BoolVar(&o.sqlite, "sqlite", true, "run on a fresh SQLite file")
	fs.IntVar(&o.perHost, "host-appointments", 500, "appointments of each of the 10 round-robin hosts within the 31-day slot window")
	fs.IntVar(&o.bookers, "booking-hosts", 16, "hosts the book scenario books in turn; with fewer than -c, clients booking the same host wait for each other's commit")
	fs.StringVar(&o.logLevel, "log-level", "info", "meetd's --log-level (info logs every request, as in production)")
	extra := fs.String("meetd-flags", "", "more flags for meetd serve, space-separated, after the suite's own (e.g. \"--metrics-addr 127.0.0.1:6061 --pprof\" to profile it under load)")
	quick := fs.Bool("quick", false, "smoke run: -c 4 -d 100ms -rounds 1 -sizes 300 -host-appointments 20 (unless given)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.meetdFlags = strings.Fields(*extra)
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		if !set["d"] {
			o.duration = 100 * time.Millisecond
		}
		if !set["c"] {
			o.conns = 4
		}
		if !set["rounds"] {
			o.rounds = 1
		}
		if !set["sizes"] {
			*sizes = "300"
		}
		if !set["host-appointments"] {
			o.perHost = 20
		}
	}
	if o.conns < 1 || o.rounds < 1 || o.duration <= 0 || o.perHost < 0 || o.bookers < 1 {
		return o, errors.New("-c, -rounds and -booking-hosts must be positive, -d a positive duration")
	}
	for _, s := range strings.Split(*sizes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return o, fmt.Errorf("-sizes: %q is not a positive integer", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if *only != "" {
		o.only = map[string]bool{"ceiling": true}
		for _, s := range strings.Split(*only, ",") {
			s = strings.TrimSpace(s)
			known := false
			for _, n := range scenarioNames {
				known = known || n == s
			}
			if !known {
				return o, fmt.Errorf("-scenarios: unknown scenario %q (have %s)", s, strings.Join(scenarioNames, ", "))
			}
			o.only[s] = true
		}
	}
	if !o.sqlite && o.postgres == "" {
		return o, errors.New("nothing to run: -sqlite=false and no -postgres URL")
	}
	return o, nil
}

// wants reports whether scenario name was selected.
func (o options) wants(name string) bool { return o.only == nil || o.only[name] }

// run is main without the process: the test calls it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "meetd-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	began := time.Now()
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "meetd-bench %6.1fs: "+format+"\n", append([]any{time.Since(began).Seconds()}, a...)...)
	}
	logf("building meetd")
	bin, err := buildMeetd(ctx, dir)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var failed []string
	var backends []backend
	if o.sqlite {
		backends = append(backends, sqliteBackend(dir))
	}
	if o.postgres != "" {
		backends = append(backends, postgresBackend(o.postgres))
	}
	for _, b := range backends {
		s := &suite{o: o, bin: bin, self: self, dir: dir, b: b, logf: logf}
		rep, err := s.run(ctx)
		if rep != nil {
			rep.print(stdout, o)
			failed = append(failed, rep.problems...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("the run failed:\n  %s", strings.Join(failed, "\n  "))
	}
	return nil
}
