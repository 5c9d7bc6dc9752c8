package sqldb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestErasureLeavesNoBytesInTheSQLiteFiles: after an erasure, neither the
// database file nor its write-ahead log holds the person's address or
// name anywhere, not even in the free space of a page or in an old log
// frame, while meetd keeps running (the files are read as they are).
func TestErasureLeavesNoBytesInTheSQLiteFiles(t *testing.T) {
	t.Parallel()
	g := seedGrowth(t, sqldbtest.SQLite, 10)
	ctx := context.Background()
	start := growthNow.Add(72 * time.Hour).Truncate(time.Hour)
	for i, email := range []string{"Zelda.Quist@mail.example", "zelda.quist@mail.example"} {
		if _, err := g.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company, MeetingTypeID: g.mt,
			HostIDs: []string{g.hosts[i]}, Start: start, End: start.Add(30 * time.Minute), Channel: "zoom",
			Attendee: meetd.Attendee{Email: email, Firstname: "Zelda", Lastname: "Quistorius", Fullname: "Zelda Quistorius",
				Notes: json.RawMessage(`{"about":"Zelda Quistorius would like to talk"}`)}}); err != nil {
			t.Fatal(err)
		}
	}
	path := strings.TrimPrefix(strings.SplitN(g.dsn, "?", 2)[0], "file:")
	if !found(t, path, "Quistorius") {
		t.Fatalf("the booking's name is not in %s* before the erasure: the test reads the wrong files", path)
	}
	if _, err := g.db.EraseGDPR(ctx, meetd.CLIActor, g.company, "zelda.quist@mail.example"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"zelda.quist@mail.example", "Quistorius"} {
		if found(t, path, s) {
			t.Errorf("%q is still in the bytes of %s*", s, path)
		}
	}
}

// TestErasureWithAReadInFlightEmptiesTheLogOnceItEnds: a read transaction
// open across the erasure keeps the write-ahead log from being emptied;
// the erasure still returns at once, the writer is not held up, and the
// log is emptied within seconds of the read's end.
func TestErasureWithAReadInFlightEmptiesTheLogOnceItEnds(t *testing.T) {
	t.Parallel()
	g := seedGrowth(t, sqldbtest.SQLite, 10)
	ctx := context.Background()
	start := growthNow.Add(72 * time.Hour).Truncate(time.Hour)
	book := func(host int, email, first, last string, at time.Time) {
		t.Helper()
		if _, err := g.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company, MeetingTypeID: g.mt,
			HostIDs: []string{g.hosts[host]}, Start: at, End: at.Add(30 * time.Minute), Channel: "zoom",
			Attendee: meetd.Attendee{Email: email, Firstname: first, Lastname: last, Fullname: first + " " + last,
				Notes: json.RawMessage(`{}`)}}); err != nil {
			t.Fatal(err)
		}
	}
	book(0, "zelda.quist@mail.example", "Zelda", "Quistorius", start)
	path := strings.TrimPrefix(strings.SplitN(g.dsn, "?", 2)[0], "file:")
	release, err := g.db.HoldReadTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if _, err := g.db.EraseGDPR(ctx, meetd.CLIActor, g.company, "zelda.quist@mail.example"); err != nil {
		t.Fatal(err)
	}
	book(1, "otto.other@mail.example", "Otto", "Other", start) // the writer is free again
	if took := time.Since(t0); took > 2*time.Second {
		t.Errorf("the erasure and the next booking took %s with a read in flight", took)
	}
	if !found(t, path, "Quistorius") {
		t.Fatalf("with a read in flight the log was emptied anyway: the test did not hold a read")
	}
	release()
	for deadline := time.Now().Add(10 * time.Second); found(t, path, "Quistorius"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the read ended, the erased name is still in %s*", path)
		}
	}
}

// found reports whether s (in any case) is in the database file or its
// write-ahead log.
func found(t *testing.T, path, s string) bool {
	t.Helper()
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(s))) {
			return true
		}
	}
	return false
}
