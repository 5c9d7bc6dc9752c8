package sqldb_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestHotQueriesUseIndexes: every query whose cost must not grow with a
// company's appointments (busy time, the overlap check, round-robin
// counts, the appointment and provisional lists) reads appointments,
// appointment_hosts and provisional_bookings through an index with a
// search condition, never by a full scan, and a list page never sorts
// the rows it pages over. On PostgreSQL the plan is taken with sequential
// scans and sorts disabled, so it shows whether an index can serve the
// query whatever the table's size (BENCHMARKS.md, "Growth with
// appointments").
func TestHotQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			g := seedGrowth(t, b, 1000)
			from := growthNow.Truncate(24 * time.Hour)
			if err := g.db.SeedContacts(context.Background(), g.company, g.hosts, 1000, growthNow); err != nil {
				t.Fatal(err)
			}
			queries := sqldb.HotQueries(g.company, g.mt, g.hosts, g.queue, from, from.AddDate(0, 0, 31))
			for _, q := range append(queries, sqldb.ContactHotQueries(b.Name, g.company, g.hosts[0])...) {
				plan, err := g.db.Plan(context.Background(), q)
				if err != nil {
					t.Fatalf("%s: %v", q.Name, err)
				}
				check := sqlitePlanFaults
				if b.Name == "postgres" {
					check = postgresPlanFaults
				}
				if faults := check(plan, strings.HasSuffix(q.Name, " page")); len(faults) > 0 {
					t.Errorf("%s: %s\nplan:\n%s\nquery: %s", q.Name, strings.Join(faults, "; "), plan, q.SQL)
				}
			}
		})
	}
}

// sqliteFullScan matches a full scan of a growing table, by the names
// the queries give them.
var sqliteFullScan = regexp.MustCompile(`^SCAN (h|a|l|m|u|x|pb|ph|appointments|appointment_hosts|provisional_bookings|provisional_booking_hosts|outbox_messages|calendar_busy|calendar_writes|calendar_connections|contacts|hv|host_busy_versions)\b`)

// sqlitePlanFaults lists what is wrong with an EXPLAIN QUERY PLAN: a full
// scan of a growing table, or for a page a sort of every row (a partial
// sort of the last ORDER BY term, within one start time, is fine).
func sqlitePlanFaults(plan string, page bool) []string {
	var faults []string
	for _, line := range strings.Split(plan, "\n") {
		switch {
		case sqliteFullScan.MatchString(line):
			faults = append(faults, "full scan: "+line)
		case page && line == "USE TEMP B-TREE FOR ORDER BY":
			faults = append(faults, "sorts every row")
		}
	}
	return faults
}

var growing = map[string]bool{"appointments": true, "appointment_hosts": true, "provisional_bookings": true,
	"provisional_booking_hosts": true, "outbox_messages": true, "calendar_busy": true, "routing_forms": true,
	"form_recipients": true, "contacts": true, "appointment_attendees": true, "calendar_writes": true,
	"calendar_connections": true}

type pgNode struct {
	NodeType  string   `json:"Node Type"`
	Relation  string   `json:"Relation Name"`
	Index     string   `json:"Index Name"`
	IndexCond string   `json:"Index Cond"`
	Plans     []pgNode `json:"Plans"`
}

// postgresPlanFaults lists what is wrong with an EXPLAIN (FORMAT JSON): a
// sequential scan of a growing table, an index scan of one without a
// search condition (a full scan in index order), or for a page a Sort
// above one (Incremental Sort, within one start time, is fine).
func postgresPlanFaults(plan string, page bool) []string {
	var out []struct{ Plan pgNode }
	if err := json.Unmarshal([]byte(plan), &out); err != nil || len(out) != 1 {
		return []string{"unreadable plan"}
	}
	var faults []string
	var walk func(n pgNode) bool // reports whether n reads a growing table
	walk = func(n pgNode) bool {
		reads := growing[n.Relation]
		switch n.NodeType {
		case "Seq Scan":
			if reads {
				faults = append(faults, "sequential scan of "+n.Relation)
			}
		case "Index Scan", "Index Only Scan":
			if reads && n.IndexCond == "" {
				faults = append(faults, "full index scan of "+n.Relation+" ("+n.Index+")")
			}
		case "Bitmap Index Scan":
			if n.IndexCond == "" {
				faults = append(faults, "full bitmap scan of "+n.Index)
			}
		}
		below := false
		for _, c := range n.Plans {
			below = walk(c) || below
		}
		if page && n.NodeType == "Sort" && below {
			faults = append(faults, "sorts every row")
		}
		return reads || below
	}
	walk(out[0].Plan)
	return faults
}

// TestOwnerSearchCountReadsOnlyTheOwnerIndex: a member's own list searched
// for a term most of their contacts hold tests every one of their search
// keys; on SQLite the owner index carries the key, so no contact row is
// read (BENCHMARKS.md, "Contact search"). PostgreSQL chooses an
// index-only scan by its visibility map and is not pinned here.
func TestOwnerSearchCountReadsOnlyTheOwnerIndex(t *testing.T) {
	t.Parallel()
	g := seedGrowth(t, sqldbtest.SQLite, 10)
	if err := g.db.SeedContacts(context.Background(), g.company, g.hosts, 200, growthNow); err != nil {
		t.Fatal(err)
	}
	plan, err := g.db.Plan(context.Background(), sqldb.ContactOwnerSearchCount(g.company, g.hosts[0], "example"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING COVERING INDEX contacts_company_owner") {
		t.Fatalf("the count reads contact rows, not the owner index alone:\n%s", plan)
	}
}
