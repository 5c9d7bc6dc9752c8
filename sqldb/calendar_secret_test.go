package sqldb_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/sqldb/sqldbtest"
	"github.com/meetd/meetd/webhook"
)

// TestCalendarSecretsAreNotStoredInClear: after a feed connection is made
// and its address replaced, no column of any table holds either address
// (or its secret parts) in clear, on either engine; the sealed secret
// opens with the key and the connection's id only.
func TestCalendarSecretsAreNotStoredInClear(t *testing.T) {
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n")
	}))
	t.Cleanup(feed.Close) // after the parallel subtests, unlike defer
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			clock := meetd.NewManualClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
			db := sqldbtest.Open(t, b, clock)
			ctx := context.Background()
			tn := meetdtest.Builder{Store: db, Clock: clock}.Tenant(t, "sec", meetd.PlanEnterprise)
			key := make([]byte, calsync.KeySize)
			_, _ = rand.Read(key)
			box, err := calsync.NewBox(key)
			if err != nil {
				t.Fatal(err)
			}
			svc := calsync.NewService(calsync.Service{Store: db, Box: box, Guard: webhook.Guard{AllowPrivate: true}, Clock: clock})
			first := feed.URL + "/private-FirstPathSecret/basic.ics?k=FirstQuerySecret"
			second := feed.URL + "/private-SecondPathSecret/basic.ics"
			c, err := svc.Create(ctx, meetd.CLIActor, tn.Company.ID, tn.Member.ID, calsync.Input{Kind: meetd.CalendarICS, FeedURL: &first})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Update(ctx, meetd.CLIActor, c, calsync.Input{FeedURL: &second}); err != nil {
				t.Fatal(err)
			}
			stored, err := db.CalendarConnectionByID(ctx, tn.Company.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := box.Open(c.ID, stored.Secret); err != nil || string(got) != second {
				t.Fatalf("the sealed secret opens to %q, %v", got, err)
			}
			if _, err := box.Open(tn.Member.ID, stored.Secret); err == nil {
				t.Fatal("the sealed secret opens for another id")
			}
			secrets := []string{"FirstPathSecret", "FirstQuerySecret", "SecondPathSecret"}
			for table, values := range dumpAll(t, db.Pool(), b.Name) {
				for _, v := range values {
					for _, s := range secrets {
						if bytes.Contains(v, []byte(s)) {
							t.Fatalf("table %s holds %q in clear", table, s)
						}
					}
				}
			}
		})
	}
}

// dumpAll reads every value of every table of the database as text.
func dumpAll(t *testing.T, pool *sql.DB, engine string) map[string][][]byte {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if engine == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := pool.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("found only tables %v", tables)
	}
	out := map[string][][]byte{}
	for _, table := range tables {
		rows, err := pool.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				out[table] = append(out[table], []byte(fmt.Sprint(v)))
				if b, ok := v.([]byte); ok {
					out[table] = append(out[table], b)
				}
			}
		}
		rows.Close()
	}
	if len(out["calendar_connections"]) == 0 {
		t.Fatal("calendar_connections is empty")
	}
	return out
}
