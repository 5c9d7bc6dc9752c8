package deploy_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// need finds a tool the test cannot do without. Without it the test skips,
// except in CI (CI=true), where a skip would hide the packaging and fails.
func need(t *testing.T, tool, install string) string {
	t.Helper()
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; CI must build the image (%s)", tool, install)
	}
	t.Skipf("%s is not installed (%s)", tool, install)
	return ""
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out
}

// TestImage builds the image with build-image.sh, checks that it runs as
// an unprivileged user with a static binary and the CA certificates, then
// runs that binary (podman run is not available everywhere the tests run,
// so the binary is taken out of the image's file system): `meetd version`,
// and `meetd serve` on a fresh SQLite file answering /healthz, which
// `meetd healthcheck` confirms.
func TestImage(t *testing.T) {
	podman := need(t, "podman", "apt-get install -y podman")
	tag := make([]byte, 6)
	_, _ = rand.Read(tag)
	image := "localhost/meetd-test:" + hex.EncodeToString(tag)
	t.Cleanup(func() { _ = exec.Command(podman, "rmi", "--force", image).Run() })
	cmd := exec.Command("sh", "build-image.sh", image)
	// Without layers no intermediate image outlives the test's own.
	cmd.Env = append(os.Environ(), "ENGINE="+podman, "BUILD_FLAGS=--layers=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-image.sh: %v\n%s", err, out)
	}

	var inspect []struct {
		Config struct {
			User       string
			Entrypoint []string
			Env        []string
		}
	}
	if err := json.Unmarshal(run(t, podman, "image", "inspect", image), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	cfg := inspect[0].Config
	if user, _, _ := strings.Cut(cfg.User, ":"); user == "" || user == "0" || user == "root" {
		t.Fatalf("the image runs as %q, want an unprivileged user", cfg.User)
	}
	if len(cfg.Entrypoint) != 1 || cfg.Entrypoint[0] != "/meetd" {
		t.Fatalf("entrypoint = %q", cfg.Entrypoint)
	}

	// The image's file system, as a container of it would see it.
	ctr := strings.TrimSpace(string(run(t, podman, "create", image)))
	t.Cleanup(func() { _ = exec.Command(podman, "rm", "--force", ctr).Run() })
	dir := t.TempDir()
	fsTar := filepath.Join(dir, "fs.tar")
	run(t, podman, "export", "--output", fsTar, ctr)
	files := untar(t, fsTar, dir, "meetd", "etc/ssl/certs/ca-certificates.crt", "etc/passwd")
	if files["data"].Uid != 65532 || !files["data"].FileInfo().IsDir() {
		t.Fatalf("/data is %+v, want a directory of the image's user", files["data"])
	}
	if files["etc/ssl/certs/ca-certificates.crt"].Size < 1000 {
		t.Fatal("the CA certificates are missing")
	}
	bin := filepath.Join(dir, "meetd")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary has an ELF interpreter: it is not static")
		}
	}
	f.Close()

	if out := run(t, bin, "version"); !strings.HasPrefix(string(out), "meetd ") {
		t.Fatalf("meetd version = %q", out)
	}
	serve(t, bin, filepath.Join(dir, "state"))
}

// untar unpacks the named regular files of the tar at path into dir and
// returns the headers of every entry, by path without a leading slash.
func untar(t *testing.T, path, dir string, names ...string) map[string]*tar.Header {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	headers := map[string]*tar.Header{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "/"), "/")
		headers[name] = h
		if !want[name] {
			continue
		}
		out, err := os.OpenFile(filepath.Join(dir, filepath.Base(name)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		out.Close()
		delete(want, name)
	}
	if len(want) > 0 {
		t.Fatalf("the image lacks %v", want)
	}
	return headers
}

// serve runs bin's server on a free port against a fresh SQLite file in
// state, waits for /healthz and stops it.
func serve(t *testing.T, bin, state string) {
	t.Helper()
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Dir = state
	cmd.Env = append(os.Environ(), "MEETD_DB="+filepath.Join(state, "meetd.db"))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	url := "http://" + addr + "/healthz"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
				t.Fatalf("GET /healthz = %d %s", resp.StatusCode, body)
			}
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("meetd serve exited: %v\n%s", err, logs.String())
		case <-ctx.Done():
			t.Fatalf("meetd serve did not answer /healthz: %v\n%s", err, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if out, err := exec.Command(bin, "healthcheck", "--url", url).CombinedOutput(); err != nil {
		t.Fatalf("meetd healthcheck: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(state, "meetd.db")); err != nil {
		t.Fatalf("no database file: %v", err)
	}
	// A server that is not there fails the health check.
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("meetd serve on SIGINT: %v\n%s", err, logs.String())
	}
	exited <- nil // for the cleanup
	if err := exec.Command(bin, "healthcheck", "--url", url).Run(); err == nil {
		t.Fatal("meetd healthcheck passes with no server")
	}
}

// TestSystemdUnit checks the unit's hardening and, where systemd-analyze is
// installed, that systemd accepts it without a warning.
func TestSystemdUnit(t *testing.T) {
	raw, err := os.ReadFile("meetd.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(raw)
	for _, line := range []string{"DynamicUser=yes", "StateDirectory=meetd", "ProtectSystem=strict",
		"NoNewPrivileges=yes", "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=",
		"ExecStart=/usr/local/bin/meetd serve ", "Environment=MEETD_DB=/var/lib/meetd/meetd.db"} {
		if !strings.Contains("\n"+unit, "\n"+line) {
			t.Errorf("meetd.service lacks %q", line)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: the unit is not verified")
		return
	}
	// verify insists that ExecStart's binary exists: point it at one.
	dir := t.TempDir()
	bin := filepath.Join(dir, "meetd")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "meetd.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(unit, "/usr/local/bin/meetd", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
	var complaints []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "meetd.service") {
			complaints = append(complaints, l)
		}
	}
	if err != nil || len(complaints) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, strings.Join(complaints, "\n"))
	}
}

// TestCompose reads compose.yaml: PostgreSQL 15 and meetd, each with a
// health check, meetd waiting for a healthy database and pointed at it.
func TestCompose(t *testing.T) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type healthcheck struct {
		Test     []string `yaml:"test"`
		Interval string   `yaml:"interval"`
	}
	var c struct {
		Services map[string]struct {
			Image       string                       `yaml:"image"`
			Environment map[string]string            `yaml:"environment"`
			DependsOn   map[string]map[string]string `yaml:"depends_on"`
			Healthcheck *healthcheck                 `yaml:"healthcheck"`
			Command     []string                     `yaml:"command"`
			CapDrop     []string                     `yaml:"cap_drop"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if len(c.Services) != 2 {
		t.Fatalf("services = %d, want postgres and meetd", len(c.Services))
	}
	pg, ok := c.Services["postgres"]
	if !ok || !strings.HasSuffix(pg.Image, "postgres:15") || pg.Healthcheck == nil ||
		!strings.Contains(strings.Join(pg.Healthcheck.Test, " "), "pg_isready") {
		t.Fatalf("postgres service = %+v", pg)
	}
	m, ok := c.Services["meetd"]
	if !ok || m.Healthcheck == nil || fmt.Sprint(m.Healthcheck.Test[:3]) != "[CMD /meetd healthcheck]" {
		t.Fatalf("meetd service = %+v", m)
	}
	if m.DependsOn["postgres"]["condition"] != "service_healthy" {
		t.Fatalf("meetd does not wait for a healthy database: %v", m.DependsOn)
	}
	if !strings.HasPrefix(m.Environment["MEETD_DB"], "postgres://") || !strings.Contains(m.Environment["MEETD_DB"], "@postgres:5432/") {
		t.Fatalf("MEETD_DB = %q", m.Environment["MEETD_DB"])
	}
	if len(m.CapDrop) == 0 || m.CapDrop[0] != "ALL" {
		t.Fatalf("meetd keeps capabilities: %v", m.CapDrop)
	}
	if _, ok := c.Volumes["pgdata"]; !ok {
		t.Fatal("the database has no named volume")
	}
}
