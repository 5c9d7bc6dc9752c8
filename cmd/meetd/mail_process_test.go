package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/mail/mailtest"
)

// TestBookingMailSurvivesKill9: a booking made while meetd sends no mail
// (the worker has not run), then `kill -9`, then a restart with the SMTP
// server up ends with exactly one e-mail to the attendee and one to the
// host, and the SMTP password is never written anywhere. The dashboard's
// Outbox page says that mail is off only while it is.
func TestBookingMailSurvivesKill9(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "meetd.db")
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
	key := cliJSON(t, dsn, "apikey", "create", "--company", co["companyId"].(string), "--name", "ci", "--expires-in", "1d")["key"].(string)
	owner := co["ownerId"].(string)
	const ownerPassword = "correct horse battery"
	if _, errOut, err := cliResult(dsn, ownerPassword+"\n", "user", "set-password", "--user", owner); err != nil {
		t.Fatalf("set-password: %v %s", err, errOut)
	}
	const mailOff = "wait here as pending"

	a := startNode(t, dsn)
	call := func(n *node, method, path, acting, body string, want int) map[string]any {
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
	mt := call(a, "POST", "/v4/meeting-type", owner, js(map[string]any{
		"meetingInfo":  map[string]any{"name": "Intro call", "duration": 30, "channel": "zoom", "description": ""},
		"availability": map[string]any{"name": "Always", "timezone": "UTC", "schedule": allDay},
	}), 201)["id"].(string)
	at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Hour)
	call(a, "POST", "/v4/booking", "", js(map[string]any{"meetingTypeId": mt, "start": at.Format(time.RFC3339),
		"hostIds": []string{owner}, "attendee": map[string]any{"email": "ada@example.com", "firstname": "Ada",
			"receiveReminders": false, "notes": map[string]any{}}}), 201)
	if !strings.Contains(a.Logs(), "mail is off") {
		t.Fatalf("without --smtp-url the log does not say that mail is off:\n%s", a.Logs())
	}
	if p := outboxPage(t, a, "owner@acme.example", ownerPassword); !strings.Contains(p, mailOff) {
		t.Fatalf("without --smtp-url the Outbox page does not say that mail is off:\n%s", p)
	}
	// kill -9: no shutdown, nothing flushed.
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	_ = a.cmd.Wait()

	const password = "hunter2-smtp-password"
	srv := mailtest.Start(t, mailtest.Options{Username: "meetd", Password: password})
	b := startNode(t, dsn, "--smtp-url", "smtp+insecure://meetd:"+password+"@127.0.0.1:"+itoa(srv.Port),
		"--mail-from", "Acme Bookings <bookings@acme.example>")
	got := srv.Wait(t, 2, 20*time.Second)
	time.Sleep(2500 * time.Millisecond) // two more rounds of the worker: nothing more may arrive
	got = srv.Messages()
	to := map[string]int{}
	for _, m := range got {
		to[strings.Join(m.To, ",")]++
		if m.From != "bookings@acme.example" {
			t.Errorf("envelope sender %q", m.From)
		}
	}
	if len(got) != 2 || to["ada@example.com"] != 1 || to["owner@acme.example"] != 1 {
		t.Fatalf("received %v, want one message each to ada@example.com and owner@acme.example", to)
	}
	if p := outboxPage(t, b, "owner@acme.example", ownerPassword); strings.Contains(p, mailOff) {
		t.Fatalf("with --smtp-url the Outbox page says that mail is off:\n%s", p)
	}
	if !strings.Contains(b.Logs(), `"msg":"mail is on"`) || !strings.Contains(b.Logs(), `"msg":"mail sent"`) {
		t.Errorf("the log does not say that mail is on and sent:\n%s", b.Logs())
	}
	for name, logs := range map[string]string{"first": a.Logs(), "second": b.Logs()} {
		if strings.Contains(logs, password) {
			t.Fatalf("the SMTP password reached the %s process's log", name)
		}
		if strings.Contains(logs, "secret=") {
			t.Fatalf("an attendee's link reached the %s process's log", name)
		}
	}
}

// outboxPage signs in to n's dashboard and returns its Outbox page.
func outboxPage(t *testing.T, n *node, email, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	req, _ := http.NewRequest("POST", n.url+"/dashboard/login",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", n.url)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.Get(n.url + "/dashboard/outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "<h1>Outbox</h1>") {
		t.Fatalf("the Outbox page: %d\n%s", resp.StatusCode, b)
	}
	return string(b)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
