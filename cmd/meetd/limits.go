package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/httpapi"
)

// limits are the rate and in-flight limits `meetd serve` takes as settings: each is a
// flag with an environment variable as its default, so a flag wins.
type limits struct {
	fs    *flag.FlagSet
	items []*limitSetting
	// The settings, bound to the flags.
	perMinute, burst         limitSetting
	killPerMinute, killBurst limitSetting
	loginPerMinute           limitSetting
	expensivePerCredential   limitSetting
	expensiveTotal           limitSetting
}

// limitSetting is one positive integer setting: a flag and its variable.
type limitSetting struct {
	flag, env, usage string
	value            int
	envErr           error // a variable that is not an integer, reported unless the flag is set
}

func (s *limitSetting) String() string { return strconv.Itoa(s.value) }

func (s *limitSetting) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("must be a positive integer")
	}
	s.value = n
	return nil
}

// limitFlags registers the rate-limit flags on fs, with meetergo's numbers
// (100 requests a minute, bursts of 200) as the per-credential defaults.
func limitFlags(fs *flag.FlagSet) *limits {
	l := &limits{fs: fs}
	add := func(s *limitSetting, name, env string, def int, usage string) {
		*s = limitSetting{flag: name, env: env, usage: usage, value: def}
		if v, ok := os.LookupEnv(env); ok {
			if err := s.Set(v); err != nil {
				s.envErr = fmt.Errorf("%s=%q: %w", env, v, err)
			}
		}
		fs.Var(s, name, fmt.Sprintf("%s (env %s)", usage, env))
		l.items = append(l.items, s)
	}
	add(&l.perMinute, "rate-limit", "MEETD_RATE_LIMIT", httpapi.DefaultRateLimit.PerMinute,
		"requests a minute per credential")
	add(&l.burst, "rate-burst", "MEETD_RATE_BURST", httpapi.DefaultRateLimit.Burst,
		"requests a credential may make at once (the bucket's size)")
	add(&l.killPerMinute, "killswitch-rate-limit", "MEETD_KILLSWITCH_RATE_LIMIT", httpapi.KillSwitchRateLimit.PerMinute,
		"kill-switch requests (POST /v4/credentials/revoke) a minute per client IP")
	add(&l.killBurst, "killswitch-rate-burst", "MEETD_KILLSWITCH_RATE_BURST", httpapi.KillSwitchRateLimit.Burst,
		"kill-switch requests a client IP may make at once")
	add(&l.loginPerMinute, "login-rate-limit", "MEETD_LOGIN_RATE_LIMIT", dashboard.DefaultLoginRate.Limit,
		"dashboard sign-in attempts a minute per client address and per email")
	def := httpapi.DefaultConcurrency()
	add(&l.expensivePerCredential, "expensive-per-credential", "MEETD_EXPENSIVE_PER_CREDENTIAL", def.PerCredential,
		"expensive requests (slots, appointment lists, GDPR exports) one credential may have in flight")
	add(&l.expensiveTotal, "expensive-total", "MEETD_EXPENSIVE_TOTAL", def.Total,
		"expensive requests the process runs at once")
	return l
}

// check validates the settings after parsing: every one a positive
// integer, from its flag or else from its variable.
func (l *limits) check() error {
	set := map[string]bool{}
	l.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range l.items {
		if !set[s.flag] && s.envErr != nil {
			return s.envErr
		}
		if s.value <= 0 {
			return fmt.Errorf("--%s must be a positive integer (%s), got %d", s.flag, s.usage, s.value)
		}
	}
	return nil
}

// api is the per-credential limit.
func (l *limits) api() httpapi.RateLimit {
	return httpapi.RateLimit{PerMinute: l.perMinute.value, Burst: l.burst.value}
}

// killSwitch is the kill-switch's limit per client IP.
func (l *limits) killSwitch() httpapi.RateLimit {
	return httpapi.RateLimit{PerMinute: l.killPerMinute.value, Burst: l.killBurst.value}
}

// concurrency bounds the expensive requests in flight.
func (l *limits) concurrency() httpapi.Concurrency {
	return httpapi.Concurrency{PerCredential: l.expensivePerCredential.value, Total: l.expensiveTotal.value}
}

// login is the dashboard's sign-in limit; the burst is one minute's worth.
func (l *limits) login() dashboard.Rate {
	return dashboard.Rate{Limit: l.loginPerMinute.value, Per: time.Minute, Burst: l.loginPerMinute.value}
}
