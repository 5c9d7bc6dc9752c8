package main

import (
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build information", nil, false, "meetd (unknown version)"},
		{"tagged module from go install", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			true, "meetd v1.4.0 go1.26.8"},
		{"checkout with uncommitted changes", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
				{Key: "vcs.time", Value: "2026-11-30T12:00:00Z"}}},
			true, "meetd (devel) revision 0123456789ab+dirty built from a commit of 2026-11-30T12:00:00Z go1.26.8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionLine(tc.info, tc.ok); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVersionCommandsOfTheBinary runs the built binary: `meetd version`,
// `meetd --version` and `meetd -version` print the same line, naming the Go
// version it was built with.
func TestVersionCommandsOfTheBinary(t *testing.T) {
	var first string
	for _, arg := range []string{"version", "--version", "-version"} {
		out, err := exec.Command(binary, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("meetd %s: %v\n%s", arg, err, out)
		}
		line := strings.TrimSpace(string(out))
		if !regexp.MustCompile(`^meetd \S+ .*` + regexp.QuoteMeta(runtime.Version()) + `$`).MatchString(line) {
			t.Fatalf("meetd %s printed %q", arg, line)
		}
		if first == "" {
			first = line
		} else if line != first {
			t.Fatalf("meetd %s printed %q, meetd version printed %q", arg, line, first)
		}
	}
}
