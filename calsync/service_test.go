package calsync_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
	"github.com/meetd/meetd/webhook"
)

// A feed connection: the guard refuses private addresses unless allowed,
// a feed over the size cap is refused, and no error quotes the feed's
// secret address.
func TestFeedConnectionsAreGuardedCappedAndNeverQuoted(t *testing.T) {
	big := strings.Repeat("X", calsync.MaxFeedSize+1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "big"):
			w.Write([]byte(big))
		case strings.Contains(r.URL.Path, "broken"):
			w.WriteHeader(500)
		default:
			w.Write([]byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n"))
		}
	}))
	defer srv.Close()
	clock := meetd.NewManualClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	db := sqldbtest.Open(t, sqldbtest.Backends()[0], clock)
	tn := meetdtest.Builder{Store: db, Clock: clock}.Tenant(t, "g", meetd.PlanEnterprise)
	box, _ := calsync.NewBox(newKey(t))
	ctx := context.Background()
	create := func(allow bool, feed string) error {
		svc := calsync.NewService(calsync.Service{Store: db, Box: box, Guard: webhook.Guard{AllowPrivate: allow}, Clock: clock})
		_, err := svc.Create(ctx, meetd.CLIActor, tn.Company.ID, tn.Member.ID, calsync.Input{Kind: meetd.CalendarICS, FeedURL: &feed})
		return err
	}
	for _, tc := range []struct {
		name  string
		allow bool
		feed  string
		says  string
	}{
		{"a loopback feed without --calendar-allow-private", false, srv.URL + "/s3cretA/basic.ics", "feedUrl"},
		{"a feed over the size cap", true, srv.URL + "/big/s3cretB.ics", "larger than 10 MiB"},
		{"a feed that fails", true, srv.URL + "/broken/s3cretC.ics", "answered 500"},
		{"a feed on a closed port", true, "http://127.0.0.1:1/s3cretD.ics?token=s3cretE", "could not read the calendar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := create(tc.allow, tc.feed)
			if meetd.ErrorCode(err) != meetd.EINVALID {
				t.Fatalf("error %v, want a 400", err)
			}
			var msg string
			for _, f := range err.(*meetd.Error).Fields {
				msg += f.Message
			}
			if !strings.Contains(msg, tc.says) {
				t.Fatalf("message %q does not say %q", msg, tc.says)
			}
			if strings.Contains(msg, "s3cret") {
				t.Fatalf("message %q quotes the feed address", msg)
			}
		})
	}
	if err := create(true, srv.URL+"/ok.ics"); err != nil {
		t.Fatal(err)
	}
}
