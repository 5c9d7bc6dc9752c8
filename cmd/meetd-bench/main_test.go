package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestMain serves the ceiling when the suite starts this test binary as
// its ceiling process (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	if addr := os.Getenv(ceilingEnv); addr != "" {
		if err := serveCeiling(addr); err != nil {
			os.Exit(1)
		}
		return
	}
	os.Exit(m.Run())
}

// TestQuickRunPrintsEveryScenario runs the smoke suite end to end (meetd
// built and run as a process, SQLite, and PostgreSQL when
// MEETD_TEST_POSTGRES is set) and checks the table, not the speed.
func TestQuickRunPrintsEveryScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("starts meetd and drives load for a few seconds")
	}
	var out, logs bytes.Buffer
	if err := run(t.Context(), []string{"-quick"}, &out, &logs); err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, out.String(), logs.String())
	}
	tables := strings.Split(out.String(), "\n### ")[1:]
	want := 1
	if os.Getenv("MEETD_TEST_POSTGRES") != "" {
		want = 2
	}
	if len(tables) != want {
		t.Fatalf("%d tables, want %d:\n%s", len(tables), want, out.String())
	}
	for _, table := range tables {
		backend, _, _ := strings.Cut(table, "\n")
		rows := map[string]int{}
		var contended []string
		for _, line := range strings.Split(table, "\n") {
			cells := strings.Split(line, "|")
			if len(cells) < 12 || strings.HasPrefix(cells[1], "---") {
				continue
			}
			name := strings.TrimSpace(cells[1])
			rows[name]++
			if name == "contended" {
				contended = append(contended, strings.TrimSpace(cells[10]))
			}
			if cpu := strings.TrimSpace(cells[9]); name != "contended" && name != "scenario" && !strings.HasSuffix(cpu, " µs") {
				t.Errorf("%s: %s has no server CPU per request: %q", backend, name, cpu)
			}
		}
		// The base phase and one size phase: slot scenarios at c=1, 8 and
		// 32 in the first, once more in the second.
		for name, n := range map[string]int{"ceiling": 4, "healthz": 1, "auth-pat": 1, "auth-apikey": 1, "slots-1": 4,
			"slots-10": 4, "book": 2, "contended": 1, "list-first": 2, "list-late": 2} {
			if rows[name] != n {
				t.Errorf("%s: %d rows of %s, want %d:\n%s", backend, rows[name], name, n, table)
			}
		}
		if len(contended) != 1 || contended[0] != "201×1 409×49" {
			t.Errorf("%s: contended answered %q, want one 201 and 49 409", backend, contended)
		}
		for _, line := range []string{"resident memory after the suite", "cold start to a healthy /healthz"} {
			if !strings.Contains(table, line) {
				t.Errorf("%s: no %q line", backend, line)
			}
		}
	}
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "defaults"},
		{name: "a subset of scenarios", args: []string{"-scenarios", "book,list"}},
		{name: "an unknown scenario is refused", args: []string{"-scenarios", "nap"}, wantErr: `unknown scenario "nap"`},
		{name: "a bad size is refused", args: []string{"-sizes", "1000,lots"}, wantErr: `"lots" is not a positive integer`},
		{name: "zero connections are refused", args: []string{"-c", "0"}, wantErr: "must be positive"},
		{name: "no backend is refused", args: []string{"-sqlite=false", "-postgres", ""}, wantErr: "nothing to run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.args) == 0 && (o.conns != 32 || o.duration.String() != "5s" || o.rounds != 3 || len(o.sizes) != 3) {
				t.Fatalf("defaults %+v", o)
			}
			if len(tc.args) > 0 && (!o.wants("book") || !o.wants("ceiling") || o.wants("slots-1")) {
				t.Fatalf("subset %+v", o.only)
			}
		})
	}
}
