package main

import (
	"bufio"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb"
)

// migrationNames returns the SQLite migrations' names, in order, and the
// version the last one brings the schema to.
func migrationNames(t *testing.T) ([]string, string) {
	t.Helper()
	fsys, err := sqldb.Migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".sql"))
	}
	v, _, _ := strings.Cut(names[len(names)-1], "_")
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatal(err)
	}
	return names, strconv.Itoa(n)
}

// TestReadyzOnARunningNode: a serving node is ready, and says so about its
// database (and on PostgreSQL its change listener, tested in httpapi).
func TestReadyzOnARunningNode(t *testing.T) {
	n := startNode(t, filepath.Join(t.TempDir(), "meetd.db"))
	status, body := n.requestBody(t, "GET", "/readyz", "", "", "")
	if status != 200 || body != `{"status":"ok","checks":{"database":"ok"}}` {
		t.Fatalf("GET /readyz = %d %s", status, body)
	}
}

// TestServeLogsStoppedLast: after "shutting down" and the drain, the last
// line the server logs is "stopped".
func TestServeLogsStoppedLast(t *testing.T) {
	n := startNode(t, filepath.Join(t.TempDir(), "meetd.db"))
	n.stop(t)
	lines := strings.Split(strings.TrimSpace(n.Logs()), "\n")
	var msgs []string
	for _, l := range lines {
		var rec struct {
			Msg string `json:"msg"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %q", l)
		}
		msgs = append(msgs, rec.Msg)
	}
	shutting := -1
	for i, m := range msgs {
		if m == "shutting down" {
			shutting = i
		}
	}
	if shutting < 0 || msgs[len(msgs)-1] != "stopped" {
		t.Fatalf("log messages %q: want \"shutting down\" and, last, \"stopped\"", msgs)
	}
}

// TestLogFormat: --log-format text (or MEETD_LOG_FORMAT=text) writes
// logfmt lines; anything but json or text is refused, naming both.
func TestLogFormat(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	for _, how := range []struct {
		name string
		args []string
		env  string
	}{
		{"flag", []string{"--log-format", "text"}, ""},
		{"environment", nil, "MEETD_LOG_FORMAT=text"},
	} {
		t.Run(how.name, func(t *testing.T) {
			cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, how.args...)...)
			cmd.Env = os.Environ()
			if how.env != "" {
				cmd.Env = append(cmd.Env, how.env)
			}
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := make(chan string, 100)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			listening := regexp.MustCompile(`^time=\S+ level=INFO msg="meetd listening" addr=127\.0\.0\.1:\d+ db=sqlite `)
			select {
			case l := <-lines:
				if !listening.MatchString(l) {
					cmd.Process.Kill()
					t.Fatalf("first line %q is not a text log line", l)
				}
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("no log line")
			}
			_ = cmd.Process.Signal(os.Interrupt)
			var last string
			for l := range lines {
				last = l
			}
			if err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(last, `level=INFO msg=stopped`) {
				t.Fatalf("last line %q, want msg=stopped", last)
			}
		})
	}
	if got := stderrOf(t, dsn, "", "serve", "--log-format", "xml"); got != `meetd: --log-format="xml": must be json or text` {
		t.Fatalf("--log-format xml: %q", got)
	}
}

// TestBackupAndRestore backs up a database while a server runs on it and
// another process writes to it, restores the copy to a new path as the
// README says, and serves it: everything committed before the backup is
// there, nothing after.
func TestBackupAndRestore(t *testing.T) {
	live := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, live, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "owner@acme.example", "--owner-given-name", "O", "--owner-family-name", "O")
	pat := cliJSON(t, live, "pat", "create", "--user", co["ownerId"].(string), "--name", "ops", "--no-expiry")["token"].(string)
	n := startNode(t, live)
	cliJSON(t, live, "user", "create", "--company", co["companyId"].(string), "--email", "before@acme.example",
		"--given-name", "B", "--family-name", "B")
	if s := n.request(t, "GET", "/v4/user/me", pat, ""); s != 200 {
		t.Fatalf("PAT on the live node: %d", s)
	}

	backups := t.TempDir()
	to := filepath.Join(backups, "meetd-backup.db")
	_, version := migrationNames(t)
	b := cliJSON(t, live, "backup", "--to", to)
	if b["path"] != to || b["integrity"] != "ok" || strconv.Itoa(int(b["version"].(float64))) != version {
		t.Fatalf("backup printed %v", b)
	}
	cliJSON(t, live, "user", "create", "--company", co["companyId"].(string), "--email", "after@acme.example",
		"--given-name", "A", "--family-name", "A")
	if got := stderrOf(t, live, "", "backup", "--to", to); !strings.Contains(got, "the file exists") {
		t.Fatalf("a second backup to the same file: %q", got)
	}

	// Restore (README, "Backup and restore"): with meetd stopped, copy the backup
	// over the database file; here into a new folder.
	restored := filepath.Join(t.TempDir(), "meetd.db")
	copyFile(t, to, restored)
	r := startNode(t, restored)
	if s := r.request(t, "GET", "/v4/user/me", pat, ""); s != 200 {
		t.Fatalf("PAT on the restored node: %d", s)
	}
	status, body := r.requestBody(t, "GET", "/v4/user?limit=100", pat, "", "")
	if status != 200 || !strings.Contains(body, "before@acme.example") || strings.Contains(body, "after@acme.example") {
		t.Fatalf("users on the restored node: %d %s", status, body)
	}
	if got := cli(t, restored, "migrate"); got != "database sqlite is already at version "+version+"\n" {
		t.Fatalf("migrate on the restored copy: %q", got)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
