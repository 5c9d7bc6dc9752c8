// Command meetd is the meetd server and its operator CLI: one binary whose
// subcommands serve the API, migrate the database and manage companies,
// users and credentials (README.md, "Operator CLI").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/sqldb"
	_ "time/tzdata" // IANA zones on machines without a zone database
)

const usage = `meetd: a self-hostable scheduling platform API speaking meetergo's v4 protocol.

Usage:
  meetd serve [--addr 127.0.0.1:8080] [--demo] [--tls-cert F --tls-key F] [--require-https]
              [--trusted-proxy CIDR,…] [--public-url URL] [--smtp-url URL --mail-from ADDR]
              [--webhook-allow-private] [--secret-key-file F] [--calendar-refresh-interval 5m]
              [--calendar-allow-private] [--metrics-addr 127.0.0.1:9090 [--pprof]] [--log-batch 1ms]
              [--rate-limit 100] [--rate-burst 200] [--killswitch-rate-limit 10] [--killswitch-rate-burst 20]
              [--login-rate-limit 10] [--booking-rate-limit 60] [--expensive-per-credential 4] [--expensive-total N]
              (each flag is also a variable, --trusted-proxy as MEETD_TRUSTED_PROXY; a flag wins;
               meetd serve --help lists them)
  meetd migrate
  meetd backup --to FILE        (SQLite; PostgreSQL is backed up with pg_dump)
  meetd version                 (also --version)
  meetd healthcheck [--url http://127.0.0.1:8080/healthz]   (exit 0 when the server answers 200)
  meetd company create|list|show|set-plan
  meetd user create|list|show|set-password|remove
  meetd pat create|list|revoke
  meetd apikey create|list|deactivate|reactivate|revoke|roll

Run "meetd GROUP --help" (meetd company --help) for a group's subcommands and
"meetd GROUP SUBCOMMAND --help" for a command's flags.

Every command takes --db DSN (default: the SQLite file meetd.db; a postgres:// URL selects
PostgreSQL; env MEETD_DB), --log-level debug|info|warn|error (env MEETD_LOG_LEVEL) and
--log-format json|text (env MEETD_LOG_FORMAT). Commands print one JSON object with --json.
DURATION is Go's syntax plus days: 90d, 36h, 2s.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "meetd: "+oneLine(err))
		os.Exit(1)
	}
}

// oneLine renders err as a single line, as the CLI promises.
func oneLine(err error) string {
	msg := err.Error()
	var e *meetd.Error
	if errors.As(err, &e) {
		msg = e.Message
		for _, f := range e.Fields {
			msg += "; " + f.Field + ": " + f.Message
		}
	}
	return strings.Join(strings.Fields(msg), " ")
}

// env is what every command gets: its streams and the parsed common flags.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	db     string
	level  string
	format string
	asJSON bool
	// settings are the flags of the command being run that are also
	// environment variables (settings.go); parse applies them.
	settings *settings
	// passwords are the parameters of the password hashes the CLI and the
	// dashboard make; the zero value means auth.DefaultPasswordParams.
	passwords auth.PasswordParams
}

// run dispatches args to a command. It is main without the process: tests
// call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version", "-version":
		return e.version(rest)
	case "serve":
		return e.serve(rest)
	case "migrate":
		return e.migrate(rest)
	case "backup":
		return e.backup(rest)
	}
	if cmd == "healthcheck" {
		return e.healthcheck(rest)
	}
	if group(cmd) != nil {
		return e.runGroup(cmd, rest)
	}
	return fmt.Errorf("unknown command %q; run meetd --help", cmd)
}

// flags returns a flag set with the common flags bound to e.
func (e *env) flags(name string, withJSON bool) *flag.FlagSet {
	fs := flag.NewFlagSet("meetd "+name, flag.ContinueOnError)
	// Errors are reported once, as one line, by main; --help prints the
	// flags to stdout (see parse).
	fs.SetOutput(io.Discard)
	e.settings = newSettings(fs)
	e.settings.StringVar(&e.db, "db", "meetd.db", "database: SQLite file path or postgres:// URL", nil)
	e.settings.StringVar(&e.level, "log-level", "info", "log level: debug, info, warn, error", checkLevel)
	e.settings.StringVar(&e.format, "log-format", "json", "log format: json or text", checkLogFormat)
	if withJSON {
		fs.BoolVar(&e.asJSON, "json", false, "print the result as one JSON object")
	}
	return fs
}

// parse parses args and checks that every flag in required was set,
// naming every missing one in one message. On --help it prints the
// command's flags to stdout.
func (e *env) parse(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fmt.Fprintf(e.stdout, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
			if e.settings != nil && e.settings.fs == fs {
				fmt.Fprintln(e.stdout, "\nA flag marked (env MEETD_…) may be set by that variable instead; a flag given here wins.")
			}
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if e.settings != nil && e.settings.fs == fs {
		if err := e.settings.apply(); err != nil {
			return err
		}
	}
	if _, err := e.logger(); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var missing []string
	for _, name := range required {
		if !set[name] {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s needs %s", fs.Name(), strings.Join(missing, ", "))
	}
	return nil
}

// logger returns the logger --log-level and --log-format ask for, writing
// to stderr.
func (e *env) logger() (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(e.level)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", e.level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch e.format {
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	}
	return nil, fmt.Errorf("invalid --log-format %q: use json or text", e.format)
}

// open opens and migrates the database.
func (e *env) open() (*sqldb.DB, error) {
	db, err := sqldb.Open(e.ctx, e.db, meetd.SystemClock{})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(e.ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (e *env) migrate(args []string) error {
	fs := e.flags("migrate", false)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := sqldb.Open(e.ctx, e.db, meetd.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.MigrateReport(e.ctx)
	if err != nil {
		return err
	}
	if len(r.Applied) == 0 {
		fmt.Fprintf(e.stdout, "database %s is already at version %d\n", db.Dialect(), r.Version)
		return nil
	}
	fmt.Fprintf(e.stdout, "applied %s; database %s is at version %d\n", strings.Join(r.Applied, ", "), db.Dialect(), r.Version)
	return nil
}
