package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSettingPrecedence: a flag on the command line wins over its
// variable, a variable over the default, an empty variable counts as unset.
func TestSettingPrecedence(t *testing.T) {
	type values struct {
		addr, proxy, url string
		demo             bool
		n                int
	}
	defaults := values{addr: "127.0.0.1:8080", n: 100}
	everyVariable := map[string]string{"MEETD_ADDR": ":9000", "MEETD_DEMO": "1", "MEETD_TRUSTED_PROXY": "10.0.0.0/8, 127.0.0.1",
		"MEETD_PUBLIC_URL": "https://cal.example.com/book", "MEETD_RATE_LIMIT": "7"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want values
	}{
		{name: "without flag or variable the defaults hold", want: defaults},
		{name: "variables set every kind of value", env: everyVariable,
			want: values{addr: ":9000", proxy: "10.0.0.0/8, 127.0.0.1", url: "https://cal.example.com/book", demo: true, n: 7}},
		{name: "flags win over variables", env: everyVariable,
			args: []string{"--addr", "127.0.0.1:1", "--demo=false", "--trusted-proxy", "192.168.0.1",
				"--public-url", "http://localhost:8080/book", "--rate-limit", "8"},
			want: values{addr: "127.0.0.1:1", proxy: "192.168.0.1", url: "http://localhost:8080/book", n: 8}},
		{name: "a bare boolean flag wins over a variable that says false", env: map[string]string{"MEETD_DEMO": "false"},
			args: []string{"--demo"}, want: values{addr: "127.0.0.1:8080", demo: true, n: 100}},
		{name: "a flag wins over a variable that would be refused",
			env:  map[string]string{"MEETD_ADDR": "nonsense", "MEETD_RATE_LIMIT": "lots", "MEETD_TRUSTED_PROXY": "10.0.0.0/33"},
			args: []string{"--addr", ":1", "--rate-limit", "2", "--trusted-proxy", ""},
			want: values{addr: ":1", n: 2}},
		{name: "empty variables leave the defaults",
			env:  map[string]string{"MEETD_ADDR": "", "MEETD_DEMO": "", "MEETD_RATE_LIMIT": ""},
			want: defaults},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			r := newSettings(fs)
			addr := r.String("addr", "127.0.0.1:8080", "", checkAddr)
			demo := r.Bool("demo", false, "")
			proxy := r.String("trusted-proxy", "", "", checkProxies)
			url := r.String("public-url", "", "", checkPublicURL)
			n := r.Int("rate-limit", 100, "")
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if err := r.apply(); err != nil {
				t.Fatal(err)
			}
			got := values{addr: *addr, proxy: *proxy, url: *url, demo: *demo, n: *n}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestServeRefusesSettings: every kind of value is checked by `meetd
// serve` the same way from a flag and from its variable, and the refusal
// names where the value came from.
func TestServeRefusesSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{name: "a CIDR list from the environment", env: map[string]string{"MEETD_TRUSTED_PROXY": "10.0.0.0/33"},
			wantErr: `MEETD_TRUSTED_PROXY="10.0.0.0/33": invalid proxy network "10.0.0.0/33"`},
		{name: "a CIDR list from the flag", args: []string{"--trusted-proxy", "10.0.0.0/33"},
			wantErr: `--trusted-proxy="10.0.0.0/33": invalid proxy network "10.0.0.0/33"`},
		{name: "a boolean from the environment", env: map[string]string{"MEETD_REQUIRE_HTTPS": "yes"},
			wantErr: `MEETD_REQUIRE_HTTPS="yes": must be true or false (or 1, 0, t, f)`},
		{name: "a boolean from the flag", args: []string{"--webhook-allow-private=yes"},
			wantErr: `--webhook-allow-private="yes": must be true or false (or 1, 0, t, f)`},
		{name: "an address from the environment", env: map[string]string{"MEETD_ADDR": "8080"},
			wantErr: `MEETD_ADDR="8080": must be HOST:PORT, such as 127.0.0.1:8080 or :8080`},
		{name: "an address from the flag", args: []string{"--metrics-addr", "localhost"},
			wantErr: `--metrics-addr="localhost": must be HOST:PORT, such as 127.0.0.1:8080 or :8080`},
		{name: "a URL without scheme from the environment", env: map[string]string{"MEETD_PUBLIC_URL": "cal.example.com/book"},
			wantErr: `MEETD_PUBLIC_URL="cal.example.com/book": must be an http or https URL without query`},
		{name: "a URL with a query from the flag", args: []string{"--public-url", "https://cal.example.com/?x=1"},
			wantErr: `--public-url="https://cal.example.com/?x=1": must be an http or https URL without query`},
		{name: "a limit from the environment", env: map[string]string{"MEETD_EXPENSIVE_TOTAL": "-3"},
			wantErr: `MEETD_EXPENSIVE_TOTAL="-3": must be a positive integer`},
		{name: "a log format from the environment", env: map[string]string{"MEETD_LOG_FORMAT": "xml"},
			wantErr: `MEETD_LOG_FORMAT="xml": must be json or text`},
		{name: "a certificate without key from the environment", env: map[string]string{"MEETD_TLS_CERT": "cert.pem"},
			wantErr: `MEETD_TLS_CERT and --tls-key go together`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			dsn := filepath.Join(t.TempDir(), "meetd.db")
			err := run(t.Context(), append([]string{"serve", "--db", dsn}, tc.args...), strings.NewReader(""), io.Discard, io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if _, err := os.Stat(dsn); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the database was touched before the settings were checked: %v", err)
			}
		})
	}
}

// TestEveryCommandRefusesABadLogLevel: the common settings are checked by
// every command, naming the variable and the allowed values.
func TestEveryCommandRefusesABadLogLevel(t *testing.T) {
	t.Setenv("MEETD_LOG_LEVEL", "bogus")
	const want = `MEETD_LOG_LEVEL="bogus": must be debug, info, warn or error`
	for _, args := range [][]string{{"migrate"}, {"serve"}, {"backup", "--to", "copy.db"}, {"company", "list"},
		{"user", "create", "--company", "x"}, {"pat", "list"}, {"apikey", "roll", "--id", "x"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "meetd.db")
			err := run(t.Context(), append(args, "--db", dsn), strings.NewReader(""), io.Discard, io.Discard)
			if err == nil || err.Error() != want {
				t.Fatalf("err = %v, want %q", err, want)
			}
		})
	}
	t.Run("a flag wins", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "meetd.db")
		if err := run(t.Context(), []string{"migrate", "--db", dsn, "--log-level", "warn"}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSettingsAreDocumented: every flag of `meetd serve`, the common ones
// included, has a variable, shows it in --help, and has a row in README.md's
// configuration table and a line in .env.example, both with its default.
func TestSettingsAreDocumented(t *testing.T) {
	var help bytes.Buffer
	e := &env{ctx: t.Context(), stdin: strings.NewReader(""), stdout: &help, stderr: io.Discard}
	if err := e.serve([]string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("serve --help: %v", err)
	}
	byName := map[string]*setting{}
	for _, s := range e.settings.list {
		byName[s.name] = s
	}
	table := readmeConfiguration(t)
	example := envExample(t)
	seen := map[string]bool{}
	e.settings.fs.VisitAll(func(f *flag.Flag) {
		s, ok := byName[f.Name]
		if !ok {
			t.Errorf("--%s has no variable: register it as a setting (settings.go)", f.Name)
			return
		}
		seen[s.env] = true
		inHelp := regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(f.Name) + `( value)?\n\s+.*\(env ` + s.env + `\)`)
		if !inHelp.Match(help.Bytes()) {
			t.Errorf("meetd serve --help does not show --%s with (env %s)", f.Name, s.env)
		}
		documented := s.shown
		if documented == "" {
			documented = s.def
		}
		if documented == "" {
			documented = "none"
		}
		if row, ok := table["--"+f.Name]; !ok {
			t.Errorf("README.md's configuration table has no row for --%s", f.Name)
		} else if row.variable != s.env || row.def != documented {
			t.Errorf("README.md: --%s is %s with default %q, want %s with default %q", f.Name, row.variable, row.def, s.env, documented)
		}
		exampleValue := s.def // a default that depends on something is stated in a comment
		if s.shown != "" {
			exampleValue = ""
		}
		if v, ok := example[s.env]; !ok {
			t.Errorf(".env.example lacks %s", s.env)
		} else if v != exampleValue {
			t.Errorf(".env.example: %s=%s, want the default %q", s.env, v, exampleValue)
		}
	})
	for flagName, row := range table {
		if !seen[row.variable] {
			t.Errorf("README.md's configuration table names %s (%s), which is no setting", flagName, row.variable)
		}
	}
	for v := range example {
		if !seen[v] {
			t.Errorf(".env.example names %s, which is no setting", v)
		}
	}
}

type configRow struct{ variable, def string }

// readmeConfiguration parses the table under README.md's "### Configuration".
func readmeConfiguration(t *testing.T) map[string]configRow {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n### Configuration\n")
	if !ok {
		t.Fatal("README.md has no ### Configuration")
	}
	rows := map[string]configRow{}
	inTable := false
	for line := range strings.SplitSeq(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(strings.ReplaceAll(cells[i], "`", ""))
		}
		if len(cells) != 4 || !strings.HasPrefix(cells[0], "--") || strings.Trim(cells[0], "-") == "" {
			continue // the header and its rule
		}
		if _, dup := rows[cells[0]]; dup {
			t.Errorf("README.md's configuration table has %s twice", cells[0])
		}
		rows[cells[0]] = configRow{variable: cells[1], def: cells[2]}
	}
	if len(rows) == 0 {
		t.Fatal("README.md's configuration table is empty")
	}
	return rows
}

// envExample reads .env.example's assignments, commented or not.
func envExample(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	assignment := regexp.MustCompile(`^#?\s*(MEETD_[A-Z0-9_]+)=(.*)$`)
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := assignment.FindStringSubmatch(sc.Text()); m != nil {
			if _, dup := vars[m[1]]; dup {
				t.Errorf(".env.example assigns %s twice", m[1])
			}
			vars[m[1]] = m[2]
		}
	}
	return vars
}

// withoutSettings is the test's environment without any MEETD_ variable,
// so that a developer's own settings do not leak into a process test.
func withoutSettings() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MEETD_") {
			out = append(out, kv)
		}
	}
	return out
}

// TestServeFromEnvironment runs the binary configured by variables alone:
// it listens on MEETD_ADDR and keeps its data in MEETD_DB.
func TestServeFromEnvironment(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dsn := filepath.Join(t.TempDir(), "from-env.db")
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(withoutSettings(), "MEETD_ADDR="+addr, "MEETD_DB="+dsn, "MEETD_LOG_FORMAT=text")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() string {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
		return logs.String()
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("meetd serve exited: %v\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/healthz on MEETD_ADDR = %d\n%s", resp.StatusCode, stop())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing answers on MEETD_ADDR %s: %v\n%s", addr, err, stop())
		}
	}
	out := stop()
	if _, err := os.Stat(dsn); err != nil {
		t.Fatalf("the database is not at MEETD_DB: %v", err)
	}
	if !strings.Contains(out, `msg="meetd listening" addr=`+addr) {
		t.Fatalf("MEETD_LOG_FORMAT=text or MEETD_ADDR not used:\n%s", out)
	}
}

// TestMigrateRefusesABadLogLevelVariable: the binary exits non-zero with
// one line naming the variable and the allowed values, and touches no
// database; the flag, when given, wins.
func TestMigrateRefusesABadLogLevelVariable(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	cmd := exec.Command(binary, "migrate")
	cmd.Env = append(withoutSettings(), "MEETD_LOG_LEVEL=bogus", "MEETD_DB="+dsn)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("meetd migrate with MEETD_LOG_LEVEL=bogus: %v, want exit status 1", err)
	}
	if want := "meetd: MEETD_LOG_LEVEL=\"bogus\": must be debug, info, warn or error\n"; stderr.String() != want {
		t.Fatalf("stderr = %q, want %q", stderr.String(), want)
	}
	if _, err := os.Stat(dsn); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the database was created: %v", err)
	}
	cmd = exec.Command(binary, "migrate", "--log-level", "info")
	cmd.Env = append(withoutSettings(), "MEETD_LOG_LEVEL=bogus", "MEETD_DB="+dsn)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("meetd migrate --log-level info: %v\n%s", err, out)
	}
}

// TestUsageNamesEveryServeFlag: "meetd -h" and the README's synopsis of
// meetd serve are where a newcomer looks first, so each names every flag
// of meetd serve, as its --help does.
func TestUsageNamesEveryServeFlag(t *testing.T) {
	e := &env{ctx: t.Context(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	if err := e.serve([]string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("serve --help: %v", err)
	}
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, synopsis, _ := strings.Cut(string(raw), "\nmeetd serve ")
	synopsis, _, _ = strings.Cut(synopsis, "\nmeetd migrate")
	_, top, _ := strings.Cut(usage, "meetd serve ")
	top, _, _ = strings.Cut(top, "meetd migrate")
	common := map[string]bool{"db": true, "log-level": true, "log-format": true} // every command's, said once
	e.settings.fs.VisitAll(func(f *flag.Flag) {
		if common[f.Name] {
			return
		}
		named := regexp.MustCompile(`[\[ ]--` + regexp.QuoteMeta(f.Name) + `[ \]]`)
		if !named.MatchString(top) {
			t.Errorf("meetd -h does not show --%s in the synopsis of meetd serve", f.Name)
		}
		if !named.MatchString(synopsis) {
			t.Errorf("README.md's synopsis of meetd serve does not show --%s", f.Name)
		}
	})
}
