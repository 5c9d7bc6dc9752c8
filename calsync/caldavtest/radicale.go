// Package caldavtest starts Debian's Radicale, a real CalDAV server, for
// tests: on a free loopback port, with a temporary storage folder and one
// user with a plain-text password.
package caldavtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
)

// Server is a running Radicale.
type Server struct {
	// URL is the server's root, http://127.0.0.1:PORT.
	URL string
	// User and Password are the account the server knows.
	User, Password string
	client         *caldav.Client
	http           webdav.HTTPClient
	users          string
}

// Start runs Radicale for t and stops it when t ends. Without the radicale
// command the test is skipped, unless CI is "true" (then it fails: CI
// installs it, .ci/run).
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("radicale is not installed (apt-get install radicale)")
		}
		t.Skip("radicale is not installed (apt-get install radicale)")
	}
	dir := t.TempDir()
	port := freePort(t)
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), User: "dora", Password: "app-pw-Rad1cale-" + filepath.Base(dir)}
	s.users = filepath.Join(dir, "users")
	if err := os.WriteFile(s.users, []byte(s.User+":"+s.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`[server]
hosts = 127.0.0.1:%d
[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = %s
[rights]
type = owner_only
[web]
type = none
[logging]
level = warning
`, port, filepath.Join(dir, "users"), filepath.Join(dir, "collections"))
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--config", filepath.Join(dir, "config"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("radicale did not start: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.http = webdav.HTTPClientWithBasicAuth(http.DefaultClient, s.User, s.Password)
	s.client, err = caldav.NewClient(s.http, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Calendar makes a calendar collection named name in the user's home and
// returns its path ("/dora/name/").
func (s *Server) Calendar(t testing.TB, name string) string {
	t.Helper()
	path := "/" + s.User + "/" + name + "/"
	req, err := http.NewRequest("MKCALENDAR", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("MKCALENDAR %s: %s", path, resp.Status)
	}
	return path
}

// Put stores cal as the object name (without ".ics") in calendar.
func (s *Server) Put(t testing.TB, calendar, name string, cal *ical.Calendar) {
	t.Helper()
	if _, err := s.client.PutCalendarObject(context.Background(), calendar+name+".ics", cal); err != nil {
		t.Fatalf("PUT %s%s: %v", calendar, name, err)
	}
}

// Events returns every event object of calendar, by path.
func (s *Server) Events(t testing.TB, calendar string) map[string]*ical.Calendar {
	t.Helper()
	objs, err := s.client.QueryCalendar(context.Background(), calendar, &caldav.CalendarQuery{
		CompRequest: caldav.CalendarCompRequest{Name: ical.CompCalendar, AllProps: true, AllComps: true},
		CompFilter:  caldav.CompFilter{Name: ical.CompCalendar, Comps: []caldav.CompFilter{{Name: ical.CompEvent}}},
	})
	if err != nil {
		t.Fatalf("listing %s: %v", calendar, err)
	}
	out := map[string]*ical.Calendar{}
	for _, o := range objs {
		out[o.Path] = o.Data
	}
	return out
}

// SetPassword changes the user's password on the server (Radicale reads
// its htpasswd file on every login), so a connection holding the old one
// is refused from now on.
func (s *Server) SetPassword(t testing.TB, password string) {
	t.Helper()
	if err := os.WriteFile(s.users, []byte(s.User+":"+password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}
