package main

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/httpapi"
)

func TestRateLimitSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		api     httpapi.RateLimit
		kill    httpapi.RateLimit
		login   int
	}{
		{name: "defaults are meetergo's numbers", api: httpapi.RateLimit{PerMinute: 100, Burst: 200},
			kill: httpapi.RateLimit{PerMinute: 10, Burst: 20}, login: 10},
		{name: "flags set every limit",
			args: []string{"--rate-limit", "6000", "--rate-burst", "50", "--killswitch-rate-limit", "3",
				"--killswitch-rate-burst", "4", "--login-rate-limit", "5"},
			api: httpapi.RateLimit{PerMinute: 6000, Burst: 50}, kill: httpapi.RateLimit{PerMinute: 3, Burst: 4}, login: 5},
		{name: "variables set limits",
			env: map[string]string{"MEETD_RATE_LIMIT": "7", "MEETD_RATE_BURST": "8", "MEETD_KILLSWITCH_RATE_LIMIT": "9",
				"MEETD_KILLSWITCH_RATE_BURST": "11", "MEETD_LOGIN_RATE_LIMIT": "12"},
			api: httpapi.RateLimit{PerMinute: 7, Burst: 8}, kill: httpapi.RateLimit{PerMinute: 9, Burst: 11}, login: 12},
		{name: "a flag wins over its variable", env: map[string]string{"MEETD_RATE_LIMIT": "7"},
			args: []string{"--rate-limit", "70"},
			api:  httpapi.RateLimit{PerMinute: 70, Burst: 200}, kill: httpapi.RateLimit{PerMinute: 10, Burst: 20}, login: 10},
		{name: "a flag wins over a broken variable", env: map[string]string{"MEETD_RATE_BURST": "lots"},
			args: []string{"--rate-burst", "300"},
			api:  httpapi.RateLimit{PerMinute: 100, Burst: 300}, kill: httpapi.RateLimit{PerMinute: 10, Burst: 20}, login: 10},
		{name: "zero is refused", args: []string{"--rate-limit", "0"}, wantErr: `--rate-limit="0": must be a positive integer`},
		{name: "a negative burst is refused", args: []string{"--rate-burst", "-1"}, wantErr: `--rate-burst="-1": must be a positive integer`},
		{name: "a word is refused", args: []string{"--login-rate-limit", "ten"}, wantErr: "must be a positive integer"},
		{name: "a broken variable is refused", env: map[string]string{"MEETD_KILLSWITCH_RATE_LIMIT": "1.5"},
			wantErr: `MEETD_KILLSWITCH_RATE_LIMIT="1.5": must be a positive integer`},
		{name: "a zero variable is refused", env: map[string]string{"MEETD_LOGIN_RATE_LIMIT": "0"},
			wantErr: `MEETD_LOGIN_RATE_LIMIT="0": must be a positive integer`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			r := newSettings(fs)
			l := limitFlags(r)
			err := fs.Parse(tc.args)
			if err == nil {
				err = r.apply()
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.api() != tc.api || l.killSwitch() != tc.kill ||
				l.login() != (dashboard.Rate{Limit: tc.login, Per: time.Minute, Burst: tc.login}) {
				t.Fatalf("api %+v, kill-switch %+v, login %+v", l.api(), l.killSwitch(), l.login())
			}
		})
	}
}

func TestServeRefusesABadRateLimit(t *testing.T) {
	err := run(t.Context(), []string{"serve", "--db", t.TempDir() + "/x.db", "--rate-limit", "0"},
		strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `--rate-limit="0": must be a positive integer`) {
		t.Fatalf("err = %v", err)
	}
}

func TestInFlightSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		want    httpapi.Concurrency
	}{
		{name: "defaults are the API's", want: httpapi.DefaultConcurrency()},
		{name: "flags set both bounds", args: []string{"--expensive-per-credential", "2", "--expensive-total", "16"},
			want: httpapi.Concurrency{PerCredential: 2, Total: 16}},
		{name: "a variable sets a bound and a flag wins over it",
			env:  map[string]string{"MEETD_EXPENSIVE_PER_CREDENTIAL": "3", "MEETD_EXPENSIVE_TOTAL": "5"},
			args: []string{"--expensive-total", "50"},
			want: httpapi.Concurrency{PerCredential: 3, Total: 50}},
		{name: "zero is refused", args: []string{"--expensive-total", "0"},
			wantErr: `--expensive-total="0": must be a positive integer`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			r := newSettings(fs)
			l := limitFlags(r)
			err := fs.Parse(tc.args)
			if err == nil {
				err = r.apply()
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := l.concurrency(); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
