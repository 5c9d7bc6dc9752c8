package sqldb_test

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestUpkeepReplansALookupCachedWhileTheTableWasEmpty: a connection that
// ran the contact lookup by e-mail while contacts was empty keeps a
// generic plan made for an empty table; on a server whose autovacuum does
// not analyze the table, Upkeep does, which gives the lookup its index
// back on that same connection. It then leaves the table alone until
// enough rows change again, and leaves alone the tables autovacuum takes
// care of.
func TestUpkeepReplansALookupCachedWhileTheTableWasEmpty(t *testing.T) {
	t.Parallel()
	g := seedGrowth(t, sqldbtest.Postgres, 10)
	ctx := context.Background()
	pool := g.db.Pool()
	// Left to meetd whatever the server's setting: a table may opt out.
	if _, err := pool.ExecContext(ctx, `ALTER TABLE contacts SET (autovacuum_enabled = false)`); err != nil {
		t.Fatal(err)
	}
	var autovacuum string
	if err := pool.QueryRowContext(ctx, `SELECT current_setting('autovacuum')`).Scan(&autovacuum); err != nil {
		t.Fatal(err)
	}

	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PREPARE lookup(text, text) AS
		SELECT id FROM contacts WHERE company_id = $1 AND email_lower = $2`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `DEALLOCATE lookup`)
	for range 6 { // the sixth run caches the generic plan
		if _, err := conn.ExecContext(ctx, `EXECUTE lookup('`+g.company+`', 'nobody@example.com')`); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.db.SeedContacts(ctx, g.company, g.hosts, 3000, growthNow); err != nil {
		t.Fatal(err)
	}
	t.Logf("before upkeep:\n%s", explainLookup(t, conn, g.company))

	res := upkeepUntil(t, g.db, "contacts analyzed", func(res sqldb.UpkeepResult) bool {
		return slices.Contains(res.Analyzed, "contacts")
	})
	if !slices.Contains(res.Vacuumed, "contacts") {
		t.Errorf("3,000 new rows are past the insert threshold, but contacts was not vacuumed: %+v", res)
	}
	if autovacuum == "on" {
		for _, name := range res.Analyzed {
			if name != "contacts" {
				t.Errorf("upkeep analyzed %s, which the server's autovacuum takes care of", name)
			}
		}
	}
	plan := explainLookup(t, conn, g.company)
	if !regexp.MustCompile(`Index Cond: \(\(company_id = .*\) AND \(email_lower = `).MatchString(plan) {
		t.Fatalf("after upkeep the cached lookup still does not find the e-mail in an index:\n%s", plan)
	}

	// Another node holding the lock has the turn; this one does nothing.
	other := sqldbtest.OpenDSN(t, g.dsn, nil)
	held, err := other.Pool().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.ExecContext(ctx, `SELECT pg_advisory_lock(1835300208, hashtext(current_schema()))`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.ExecContext(ctx, `UPDATE contacts SET notes = 'x'`); err != nil {
		t.Fatal(err)
	}
	upkeepUntil(t, g.db, "3,000 updated rows left to the node holding the lock", func(res sqldb.UpkeepResult) bool {
		if len(res.Analyzed) > 0 {
			t.Fatalf("upkeep worked while another node held the lock: %+v", res)
		}
		return res.Busy
	})
	if _, err := held.ExecContext(ctx, `SELECT pg_advisory_unlock(1835300208, hashtext(current_schema()))`); err != nil {
		t.Fatal(err)
	}
	upkeepUntil(t, g.db, "3,000 dead rows vacuumed once the lock is free", func(res sqldb.UpkeepResult) bool {
		return slices.Contains(res.Vacuumed, "contacts")
	})
	// Nothing changed since: nothing to do.
	if res, err := g.db.Upkeep(ctx); err != nil {
		t.Fatal(err)
	} else if slices.Contains(res.Analyzed, "contacts") {
		t.Fatalf("contacts analyzed again with nothing changed: %+v", res)
	}
}

// TestUpkeepDoesNothingOnSQLite: SQLite has no autovacuum to stand in for.
func TestUpkeepDoesNothingOnSQLite(t *testing.T) {
	t.Parallel()
	g := seedGrowth(t, sqldbtest.SQLite, 10)
	if err := g.db.SeedContacts(context.Background(), g.company, g.hosts, 100, growthNow); err != nil {
		t.Fatal(err)
	}
	res, err := g.db.Upkeep(context.Background())
	if err != nil || len(res.Analyzed) > 0 || res.Busy {
		t.Fatalf("Upkeep on SQLite = %+v, %v; want nothing done", res, err)
	}
}

// upkeepUntil runs Upkeep passes until done accepts one and returns it,
// failing t after 20 s: a transaction's rows reach the statistics views a
// second or so after it commits.
func upkeepUntil(t *testing.T, db *sqldb.DB, want string, done func(sqldb.UpkeepResult) bool) sqldb.UpkeepResult {
	t.Helper()
	var res sqldb.UpkeepResult
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if res, err = db.Upkeep(context.Background()); err != nil {
			t.Fatal(err)
		}
		if done(res) {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("upkeep never did what the test waits for (%s); last pass: %+v", want, res)
		}
	}
}

func explainLookup(t *testing.T, conn *sql.Conn, company string) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), `EXPLAIN EXECUTE lookup('`+company+`', 'user000001@example.com')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
