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
	"github.com/meetd/meetd/sqldb"
	_ "time/tzdata" // IANA zones on machines without a zone database
)

const usage = `meetd: a self-hostable scheduling platform API speaking meetergo's v4 protocol.

Usage:
  meetd serve [--addr 127.0.0.1:8080] [--demo] [--tls-cert F --tls-key F] [--require-https]
              [--trusted-proxy CIDR,…] [--public-url URL] [--metrics-addr 127.0.0.1:9090]
  meetd migrate
  meetd version                 (also --version)
  meetd healthcheck [--url http://127.0.0.1:8080/healthz]   (exit 0 when the server answers 200)
  meetd company create --name N --plan P --owner-email E --owner-given-name G --owner-family-name F [--owner-password-stdin] [--json]
  meetd company set-plan --company ID --plan P
  meetd user create --company ID --email E --given-name G --family-name F [--role member|admin]
                    [--type standard|api-platform|resource|partner] [--timezone Z] [--password-stdin] [--json]
  meetd user remove --user ID
  meetd pat create --user ID --name N [--expires-in DURATION] [--json]
  meetd pat revoke --id ID
  meetd apikey create --company ID --name N --expires-in DURATION [--json]
  meetd apikey deactivate|reactivate|revoke --id ID
  meetd apikey roll --id ID [--grace DURATION] [--json]

Every command takes --db DSN (default: the SQLite file meetd.db; a postgres:// URL selects
PostgreSQL; env MEETD_DB) and --log-level debug|info|warn|error (env MEETD_LOG_LEVEL).
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
	asJSON bool
}

// run dispatches args to a command. It is main without the process: tests
// call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	if cmd == "version" || cmd == "--version" || cmd == "-version" {
		return e.version(rest)
	}
	if cmd == "serve" {
		return e.serve(rest)
	}
	if cmd == "migrate" {
		return e.migrate(rest)
	}
	if cmd == "healthcheck" {
		return e.healthcheck(rest)
	}
	if len(rest) == 0 {
		return fmt.Errorf("unknown command %q; run meetd --help", cmd)
	}
	sub, rest := rest[0], rest[1:]
	switch cmd + " " + sub {
	case "company create":
		return e.companyCreate(rest)
	case "company set-plan":
		return e.companySetPlan(rest)
	case "user create":
		return e.userCreate(rest)
	case "user remove":
		return e.userRemove(rest)
	case "pat create":
		return e.patCreate(rest)
	case "pat revoke":
		return e.patRevoke(rest)
	case "apikey create":
		return e.apikeyCreate(rest)
	case "apikey deactivate":
		return e.apikeyStatus(rest, meetd.CredentialDeactivated)
	case "apikey reactivate":
		return e.apikeyStatus(rest, meetd.CredentialActive)
	case "apikey revoke":
		return e.apikeyStatus(rest, meetd.CredentialRevoked)
	case "apikey roll":
		return e.apikeyRoll(rest)
	}
	return fmt.Errorf("unknown command %q; run meetd --help", cmd+" "+sub)
}

// flags returns a flag set with the common flags bound to e.
func (e *env) flags(name string, withJSON bool) *flag.FlagSet {
	fs := flag.NewFlagSet("meetd "+name, flag.ContinueOnError)
	// Errors are reported once, as one line, by main; --help prints the
	// flags to stdout (see parse).
	fs.SetOutput(io.Discard)
	def := os.Getenv("MEETD_DB")
	if def == "" {
		def = "meetd.db"
	}
	fs.StringVar(&e.db, "db", def, "database: SQLite file path or postgres:// URL (env MEETD_DB)")
	lvl := os.Getenv("MEETD_LOG_LEVEL")
	if lvl == "" {
		lvl = "info"
	}
	fs.StringVar(&e.level, "log-level", lvl, "log level: debug, info, warn, error (env MEETD_LOG_LEVEL)")
	if withJSON {
		fs.BoolVar(&e.asJSON, "json", false, "print the result as one JSON object")
	}
	return fs
}

// parse parses args and checks that every flag in required was set. On
// --help it prints the command's flags to stdout.
func (e *env) parse(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fmt.Fprintf(e.stdout, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range required {
		if !set[name] {
			return fmt.Errorf("%s needs --%s", fs.Name(), name)
		}
	}
	return nil
}

func (e *env) logger() (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(e.level)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", e.level)
	}
	return slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: lvl})), nil
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
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(e.stdout, "database %s is up to date\n", db.Dialect())
	return nil
}
