package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// vmRSS reads a process's resident memory in bytes from /proc.
func vmRSS(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// TestWorstCaseSlotQueriesStayInMemory runs the real binary, seeds a
// 50-host round-robin queue whose hosts are free around the clock with
// 5-minute slot steps, and fires 16 concurrent slot queries from one API
// key twice: the 92-day window that once took gigabytes (refused as too
// large, or 429 while others are in flight), then the largest window still
// allowed (bounded in flight). The
// process's resident memory stays under 300 MB throughout.
func TestWorstCaseSlotQueriesStayInMemory(t *testing.T) {
	if _, ok := vmRSS(os.Getpid()); !ok {
		t.Skip("no /proc/<pid>/status here")
	}
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
	key := cliJSON(t, dsn, "apikey", "create", "--company", co["companyId"].(string), "--name", "ci", "--expires-in", "1d")["key"].(string)
	owner := co["ownerId"].(string)
	n := startNode(t, dsn)
	pid := n.cmd.Process.Pid

	call := func(method, path, acting, body string, want int) map[string]any {
		t.Helper()
		status, out := n.requestBody(t, method, path, key, acting, body)
		if status != want {
			t.Fatalf("%s %s = %d %s, want %d", method, path, status, out, want)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(out), &m)
		return m
	}
	allDay := map[string]any{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		allDay[d] = map[string]any{"enabled": true, "hours": []any{map[string]any{"start": "00:00", "end": "23:59"}}}
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	mt := call("POST", "/v4/meeting-type", owner, js(map[string]any{
		"meetingInfo":      map[string]any{"name": "Round robin", "duration": 30, "channel": "zoom", "description": ""},
		"availability":     map[string]any{"name": "Always", "timezone": "UTC", "schedule": allDay},
		"timeslotInterval": 5,
	}), 201)["id"].(string)
	var queueID string
	for i := range 50 {
		u := call("POST", "/v4/user", "", js(map[string]any{"email": fmt.Sprintf("host%d@acme.example", i),
			"givenName": "Host", "familyName": strconv.Itoa(i), "timezone": "UTC"}), 201)
		id := u["userId"].(string)
		call("PATCH", "/v4/availability/"+u["availabilityId"].(string), id, js(map[string]any{"schedule": allDay}), 200)
		queueID = call("PATCH", "/v4/queue/meeting-type/"+mt, owner, js(map[string]any{"userId": id}), 200)["id"].(string)
	}

	// Sample resident memory every 5 ms while the queries run.
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if rss, ok := vmRSS(pid); ok && rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	base, _ := vmRSS(pid)
	fire := func(days int) map[int]int {
		from := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
		to := time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02")
		path := "/v4/booking-availability?meetingTypeId=" + mt + "&queueId=" + queueID + "&start=" + from + "&end=" + to
		var mu sync.Mutex
		counts := map[int]int{}
		sizes := map[int64]bool{}
		defer func() { t.Logf("%d days: answers of %v bytes", days, sizes) }()
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 16 {
			wg.Go(func() {
				<-start
				req, _ := http.NewRequest("GET", n.url+path, nil)
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				var size int64
				buf := make([]byte, 64<<10)
				for {
					k, err := resp.Body.Read(buf)
					size += int64(k)
					if err != nil {
						break
					}
				}
				resp.Body.Close()
				mu.Lock()
				counts[resp.StatusCode]++
				if resp.StatusCode == 200 {
					sizes[size] = true
				}
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		return counts
	}
	began := time.Now()
	attack := fire(92)
	// The largest window the cost bound lets through for 50 hosts and
	// 5-minute steps: 17 days.
	largest := fire(17)
	close(stop)
	<-sampled
	t.Logf("92 days: %v; 17 days: %v; in %v; resident memory %d MB before, %d MB at peak",
		attack, largest, time.Since(began).Round(time.Millisecond), base>>20, peak.Load()>>20)
	if attack[400] == 0 || attack[400]+attack[429] != 16 {
		t.Errorf("the 92-day queries answered %v, want 400s (and 429s for those over the bound in flight)", attack)
	}
	if largest[200] == 0 || largest[200]+largest[429] != 16 {
		t.Errorf("the largest allowed queries answered %v, want 200s and 429s", largest)
	}
	if peak.Load() > 300<<20 {
		t.Errorf("resident memory reached %d MB, over 300 MB", peak.Load()>>20)
	}
}
