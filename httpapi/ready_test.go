package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestReadyz checks the readiness probe: ready while the database answers,
// 503 naming the failed check once it does not, an optional check that
// degrades without making the node unready, and no error text in the body.
func TestReadyz(t *testing.T) {
	db := sqldbtest.Open(t, sqldbtest.SQLite, nil)
	listening := true
	secretErr := errors.New("dial tcp db.internal:5432: password hunter2 rejected")
	checks := []httpapi.ReadyCheck{
		{Name: "database", Check: db.Ping},
		{Name: "changeListener", Optional: true, Check: func(context.Context) error {
			if listening {
				return nil
			}
			return secretErr
		}},
	}
	var logs bytes.Buffer
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Clock: meetd.SystemClock{}, Ready: checks,
		Log: slog.New(slog.NewJSONHandler(&logs, nil))}).Handler())
	defer srv.Close()
	client := &http.Client{Transport: oasTransport(t, nil)}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		name       string
		setup      func()
		wantStatus int
		wantBody   string
	}{
		{"ready when every check passes", func() {}, 200,
			`{"status":"ok","checks":{"changeListener":"ok","database":"ok"}}`},
		{"still ready with the listener down", func() { listening = false }, 200,
			`{"status":"ok","checks":{"changeListener":"degraded","database":"ok"}}`},
		{"unavailable once the database is gone", func() { db.Close() }, 503,
			`{"status":"unavailable","checks":{"changeListener":"degraded","database":"unavailable"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.setup()
			if status, body := get("/readyz"); status != c.wantStatus || body != c.wantBody {
				t.Fatalf("GET /readyz = %d %s\nwant %d %s", status, body, c.wantStatus, c.wantBody)
			}
			// Liveness never looks at the database.
			if status, body := get("/healthz"); status != 200 || body != `{"status":"ok"}` {
				t.Fatalf("GET /healthz = %d %s", status, body)
			}
		})
	}
	if !strings.Contains(logs.String(), "readiness check failed") || !strings.Contains(logs.String(), `"check":"database"`) {
		t.Fatalf("the failed check was not logged:\n%s", logs.String())
	}
}

// TestReadyzWithoutChecks: a server given no checks is ready once it runs.
func TestReadyzWithoutChecks(t *testing.T) {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Clock: meetd.SystemClock{}}).Handler())
	defer srv.Close()
	resp, err := (&http.Client{Transport: oasTransport(t, nil)}).Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != `{"status":"ok"}` {
		t.Fatalf("GET /readyz = %d %s", resp.StatusCode, b)
	}
}
