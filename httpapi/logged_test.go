package httpapi_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestRequestLine: every request gets a fresh id, sent as X-Request-Id and
// written in its one log line with the credential and acting user (never
// the secret), the method, path, status, duration and client address.
func TestRequestLine(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	ids := map[string]bool{}
	for range 50 {
		r := h.get("/v4/user/me", h.a.key, h.a.member.ID)
		wantStatus(t, r, 200)
		id := r.header.Get("X-Request-Id")
		if !hexID.MatchString(id) || ids[id] {
			t.Fatalf("X-Request-Id %q: want 16 hex digits, new each time", id)
		}
		ids[id] = true
	}
	r := h.get("/healthz", "", "")
	id := r.header.Get("X-Request-Id")
	var lines []map[string]any
	for _, line := range strings.Split(h.logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "request" {
			lines = append(lines, rec)
		}
	}
	if len(lines) != 51 {
		t.Fatalf("%d request lines for 51 requests", len(lines))
	}
	for i, rec := range lines[:50] {
		for k, want := range map[string]any{"credential_id": h.a.keyID, "acting_user_id": h.a.member.ID,
			"method": "GET", "path": "/v4/user/me", "status": float64(200), "ip": "127.0.0.1"} {
			if rec[k] != want {
				t.Errorf("line %d: %s = %v, want %v", i, k, rec[k], want)
			}
		}
		if _, ok := rec["duration_ms"].(float64); !ok || !ids[rec["request_id"].(string)] {
			t.Errorf("line %d: duration_ms %v, request_id %v", i, rec["duration_ms"], rec["request_id"])
		}
	}
	if last := lines[50]; last["request_id"] != id || last["path"] != "/healthz" || last["credential_id"] != "" {
		t.Errorf("healthz line %v, want request_id %s and no credential", last, id)
	}
	if strings.Contains(h.logs.String(), h.a.key) {
		t.Error("the log contains the API key")
	}
}
