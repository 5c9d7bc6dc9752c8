package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd/calsync/caldavtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestKilledBetweenBookingAndWriteBack: meetd is killed (SIGKILL) right
// after it answered a booking, before the write-back into the host's
// Radicale calendar; after a restart the calendar holds exactly one event
// for the booking. The write-back was queued in the booking's own
// transaction, and its PUT goes to a path derived from the event's UID,
// so no interleaving of the kill with the worker can make two.
func TestKilledBetweenBookingAndWriteBack(t *testing.T) {
	rad := caldavtest.Start(t)
	work := rad.Calendar(t, "work")
	dsn := dsnFor(t, sqldbtest.Backends()[0])
	co := cliJSON(t, dsn, "company", "create", "--name", "Acme", "--plan", "enterprise",
		"--owner-email", "owner@acme.example", "--owner-given-name", "Olivia", "--owner-family-name", "Owner")
	member := cliJSON(t, dsn, "user", "create", "--company", co["companyId"].(string), "--email", "m@acme.example",
		"--given-name", "Mia", "--family-name", "Member")["userId"].(string)
	pat := cliJSON(t, dsn, "pat", "create", "--user", member, "--name", "m", "--no-expiry")["token"].(string)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--secret-key-file", keyFile, "--calendar-allow-private"}
	n := startNode(t, dsn, flags...)

	post := func(n *node, path, body string, want int) map[string]any {
		t.Helper()
		status, out := n.requestBody(t, "POST", path, pat, "", body)
		if status != want {
			t.Fatalf("POST %s = %d %s", path, status, out)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(out), &m)
		return m
	}
	days := `{"enabled":true,"hours":[{"start":"08:00","end":"18:00"}]}`
	mt := post(n, "/v4/meeting-type", fmt.Sprintf(`{"meetingInfo":{"name":"Intro Call","duration":30,"channel":"zoom","description":""},
		"availability":{"name":"Hours","timezone":"Europe/Berlin","schedule":{"monday":%[1]s,"tuesday":%[1]s,"wednesday":%[1]s,
		"thursday":%[1]s,"friday":%[1]s}}}`, days), 201)["id"].(string)
	post(n, "/v4/calendar-connections/connections", fmt.Sprintf(`{"provider":"caldav","serverUrl":%q,"username":%q,
		"password":%q,"primaryCalendar":%q}`, rad.URL, rad.User, rad.Password, work), 201)
	slot := time.Now().UTC().AddDate(0, 0, 7).Truncate(24 * time.Hour).Add(10 * time.Hour)
	for slot.Weekday() == time.Saturday || slot.Weekday() == time.Sunday {
		slot = slot.AddDate(0, 0, 1)
	}
	booked := post(n, "/v4/booking", fmt.Sprintf(`{"meetingTypeId":%q,"start":%q,"hostIds":[%q],
		"attendee":{"email":"ada@guest.example","firstname":"Ada","lastname":"Guest"}}`, mt, slot.Format(time.RFC3339), member), 201)
	if err := n.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-n.done
	_ = n.cmd.Wait()
	t.Logf("events right after the kill: %d", len(rad.Events(t, work)))

	startNode(t, dsn, flags...)
	id := booked["appointmentId"].(string)
	deadline := time.Now().Add(20 * time.Second)
	for len(rad.Events(t, work)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the restarted meetd did not write the booking into the calendar")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // time for a second, duplicate write, were there one
	evs := rad.Events(t, work)
	if len(evs) != 1 {
		t.Fatalf("the calendar holds %d events, want 1", len(evs))
	}
	for _, cal := range evs {
		for _, c := range cal.Children {
			if uid, _ := c.Props.Text(ical.PropUID); c.Name == ical.CompEvent && uid != id+"@meetd" {
				t.Fatalf("event UID %q, want %s@meetd", uid, id)
			}
		}
	}
}
