package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the meetd binary built once for the tests that run it as a
// real process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "meetd-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "meetd")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building meetd:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the meetd binary with args against dsn and returns stdout; it
// fails the test on a non-zero exit.
func cli(t *testing.T, dsn string, args ...string) string {
	t.Helper()
	out, errOut, err := cliResult(dsn, "", args...)
	if err != nil {
		t.Fatalf("meetd %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func cliResult(dsn, stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(binary, append(args, "--db", dsn)...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func cliJSON(t *testing.T, dsn string, args ...string) map[string]any {
	t.Helper()
	var m map[string]any
	out := cli(t, dsn, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("meetd %s printed %q: %v", strings.Join(args, " "), out, err)
	}
	return m
}

// node is a running `meetd serve` process.
type node struct {
	url  string
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
}

func (n *node) Logs() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.logs.String()
}

type lockedWriter struct{ n *node }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.n.mu.Lock()
	defer w.n.mu.Unlock()
	return w.n.logs.Write(p)
}

// startNode starts `meetd serve` on a free port against dsn with debug
// logging and waits until /healthz answers. It stops the process (SIGTERM)
// when the test ends.
func startNode(t *testing.T, dsn string, extra ...string) *node {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "debug"}, extra...)...)
	n := &node{cmd: cmd, done: make(chan struct{})}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = lockedWriter{n}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		defer close(n.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			lockedWriter{n}.Write([]byte(line + "\n"))
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "meetd listening" {
				addr <- rec.Addr
			}
		}
	}()
	t.Cleanup(func() { n.stop(t) })
	select {
	case a := <-addr:
		n.url = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatalf("meetd serve did not start:\n%s", n.Logs())
	}
	if r := n.request(t, "GET", "/healthz", "", ""); r != 200 {
		t.Fatalf("/healthz = %d", r)
	}
	return n
}

func (n *node) stop(t *testing.T) {
	if n.cmd.ProcessState != nil {
		return
	}
	_ = n.cmd.Process.Signal(os.Interrupt)
	select {
	case <-n.done:
	case <-time.After(20 * time.Second):
		_ = n.cmd.Process.Kill()
		t.Errorf("meetd serve did not stop on SIGINT")
	}
	_ = n.cmd.Wait()
}

// request sends one request and returns the status.
func (n *node) request(t *testing.T, method, path, token, acting string) int {
	t.Helper()
	status, _ := n.requestBody(t, method, path, token, acting, "")
	return status
}

func (n *node) requestBody(t *testing.T, method, path, token, acting, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, n.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if acting != "" {
		req.Header.Set("x-meetergo-api-user-id", acting)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitFor polls until the request answers want and returns how long that
// took, failing after limit.
func (n *node) waitFor(t *testing.T, want int, limit time.Duration, method, path, token, acting string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if n.request(t, method, path, token, acting) == want {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("%s %s did not answer %d within %v", method, path, want, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
