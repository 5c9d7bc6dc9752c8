package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// versionLine describes the running binary from its build information: the
// module version (a tag for `go install …@v1.2.3`, "(devel)" for a build
// from a checkout), the VCS revision and time when the binary was built in a
// Git work tree (with "+dirty" when it had uncommitted changes) and the Go
// version. It never fails: missing pieces are left out.
func versionLine(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "meetd (unknown version)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	parts := []string{"meetd", version}
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if settings["vcs.modified"] == "true" {
			rev += "+dirty"
		}
		parts = append(parts, "revision "+rev)
	}
	if at := settings["vcs.time"]; at != "" {
		parts = append(parts, "built from a commit of "+at)
	}
	parts = append(parts, info.GoVersion)
	return strings.Join(parts, " ")
}

// version prints versionLine for this binary.
func (e *env) version(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("meetd version takes no arguments, got %q", args[0])
	}
	fmt.Fprintln(e.stdout, versionLine(debug.ReadBuildInfo()))
	return nil
}
