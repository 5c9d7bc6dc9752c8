package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/meetd/meetd/clientip"
)

// settings are the flags that are also environment variables: the common
// flags of every command and every flag of `meetd serve`. Each flag
// --some-name has the variable MEETD_SOME_NAME. A flag given on the command
// line wins; otherwise a non-empty variable sets the value; otherwise the
// default holds. Both go through the same check, and a refused value is
// reported naming where it came from (`--addr="x": …` or
// `MEETD_ADDR="x": …`). The registry is the one list the help output,
// README.md's configuration table and .env.example are tested against.
type settings struct {
	fs   *flag.FlagSet
	list []*setting
	// cmdline are the flags given on the command line, known after apply.
	cmdline map[string]bool
}

// setting is one flag and its variable. As a flag.Value its Set never
// fails: it keeps the refusal for apply, which reports it in the same
// words whether the value came from the flag or the variable.
type setting struct {
	name, env, usage string
	// def is the default as text; shown, when set, is the default as the
	// documentation states it, for a default that depends on the machine
	// or on other settings.
	def, shown string
	isBool     bool
	parse      func(string) error // checks a value and stores it, typed
	text       string
	bad        string // the last value refused, and why
	err        error
	fromEnv    bool
}

func (s *setting) String() string {
	if s == nil {
		return ""
	}
	return s.text
}

func (s *setting) Set(v string) error {
	if err := s.parse(v); err != nil {
		s.bad, s.err = v, err
		return nil
	}
	s.text, s.bad, s.err = v, "", nil
	return nil
}

// IsBoolFlag lets a boolean setting be given as a bare --flag.
func (s *setting) IsBoolFlag() bool { return s != nil && s.isBool }

// envName is a flag's variable: MEETD_ and the name in upper snake case.
func envName(flagName string) string {
	return "MEETD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func newSettings(fs *flag.FlagSet) *settings { return &settings{fs: fs} }

// add registers a setting; def must pass its own check.
func (r *settings) add(name, def, usage string, isBool bool, parse func(string) error) *setting {
	s := &setting{name: name, env: envName(name), usage: usage, def: def, isBool: isBool, parse: parse}
	if err := s.parse(def); err != nil {
		panic(fmt.Sprintf("setting --%s: default %q: %v", name, def, err))
	}
	s.text = def
	r.fs.Var(s, name, fmt.Sprintf("%s (env %s)", usage, s.env))
	if isBool && def == "false" {
		r.fs.Lookup(name).DefValue = "" // help shows no default for an off switch, as for flag.Bool
	}
	r.list = append(r.list, s)
	return s
}

// String registers a text setting; check, when not nil, refuses a value
// with a reason ("must be …").
func (r *settings) String(name, def, usage string, check func(string) error) *string {
	p := new(string)
	r.StringVar(p, name, def, usage, check)
	return p
}

// StringVar is String storing into p.
func (r *settings) StringVar(p *string, name, def, usage string, check func(string) error) {
	r.add(name, def, usage, false, func(v string) error {
		if check != nil {
			if err := check(v); err != nil {
				return err
			}
		}
		*p = v
		return nil
	})
}

// Bool registers a boolean setting, read as strconv.ParseBool reads it.
func (r *settings) Bool(name string, def bool, usage string) *bool {
	p := new(bool)
	r.add(name, strconv.FormatBool(def), usage, true, func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false (or 1, 0, t, f)")
		}
		*p = b
		return nil
	})
	return p
}

// Int registers a positive integer setting.
func (r *settings) Int(name string, def int, usage string) *int {
	p := new(int)
	r.add(name, strconv.Itoa(def), usage, false, func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("must be a positive integer")
		}
		*p = n
		return nil
	})
	return p
}

// showDefault records how the documentation states a setting's default,
// for one that depends on the machine or on other settings.
func (r *settings) showDefault(name, text string) {
	s := r.lookup(name)
	s.shown = text
	f := r.fs.Lookup(name)
	f.Usage = fmt.Sprintf("%s (env %s) (default %s)", s.usage, s.env, text)
	f.DefValue = "" // help shows the stated default instead
}

func (r *settings) lookup(name string) *setting {
	for _, s := range r.list {
		if s.name == name {
			return s
		}
	}
	panic("no setting --" + name)
}

// apply runs after the flags are parsed: it reports a flag's refused value,
// and gives every setting not on the command line its variable's value
// when that is set and not empty. A value is never logged; it appears only
// in the refusal of that value (no setting that holds a secret, such as
// --db, refuses anything).
func (r *settings) apply() error {
	r.cmdline = map[string]bool{}
	r.fs.Visit(func(f *flag.Flag) { r.cmdline[f.Name] = true })
	for _, s := range r.list {
		if r.cmdline[s.name] {
			if s.err != nil {
				return fmt.Errorf("--%s=%q: %w", s.name, s.bad, s.err)
			}
			continue
		}
		v := os.Getenv(s.env)
		if v == "" {
			continue
		}
		_ = s.Set(v)
		if s.err != nil {
			return fmt.Errorf("%s=%q: %w", s.env, v, s.err)
		}
		s.fromEnv = true
	}
	return nil
}

// given reports whether a setting was given, on the command line or in the
// environment, rather than left at its default.
func (r *settings) given(name string) bool {
	return r.cmdline[name] || r.lookup(name).fromEnv
}

// source names where a setting's value came from, for messages.
func (r *settings) source(name string) string {
	if s := r.lookup(name); s.fromEnv {
		return s.env
	}
	return "--" + name
}

// checkLevel accepts slog's level names.
func checkLevel(v string) error {
	var lvl slog.Level
	if lvl.UnmarshalText([]byte(v)) != nil {
		return fmt.Errorf("must be debug, info, warn or error")
	}
	return nil
}

// checkLogFormat accepts the two log formats.
func checkLogFormat(v string) error {
	if v != "json" && v != "text" {
		return fmt.Errorf("must be json or text")
	}
	return nil
}

// checkAddr accepts an address to listen on: HOST:PORT, where HOST may be
// empty (every interface) and PORT is a number or a service name.
func checkAddr(v string) error {
	_, port, err := net.SplitHostPort(v)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("must be HOST:PORT, such as 127.0.0.1:8080 or :8080")
	}
	return nil
}

// checkOptionalAddr accepts an address to listen on, or nothing (off).
func checkOptionalAddr(v string) error {
	if v == "" {
		return nil
	}
	return checkAddr(v)
}

// checkProxies accepts what --trusted-proxy takes: clientip.Parse.
func checkProxies(v string) error {
	_, err := clientip.Parse(v)
	return err
}

// checkPublicURL accepts nothing (the default) or an absolute http(s) URL
// without query or fragment, since paths are appended to it.
func checkPublicURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must be an http or https URL without query, such as https://cal.example.com/book")
	}
	return nil
}
