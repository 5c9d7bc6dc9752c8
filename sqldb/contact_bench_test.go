package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// BenchmarkContactSearch measures GET /crm's store call (ListContacts: the
// count, the page and the page's appointments) over one company's 100,000
// contacts (CONTACT_BENCH_N to change it), on each engine, for the
// searches clients make. Each reports its p99 latency in ms (the target
// is under 50 ms, BENCHMARKS.md "Contact search").
func BenchmarkContactSearch(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("CONTACT_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	for _, backend := range sqldbtest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			if backend.Name == "postgres" && os.Getenv("MEETD_TEST_POSTGRES") != "" {
				// The trigram index needs pg_trgm (BENCHMARKS.md).
				admin, err := sql.Open("pgx", os.Getenv("MEETD_TEST_POSTGRES"))
				if err != nil {
					b.Fatal(err)
				}
				_, err = admin.Exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`)
				admin.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			g := seedGrowth(b, backend, 1000)
			ctx := context.Background()
			start := time.Now()
			if err := g.db.SeedContacts(ctx, g.company, g.hosts, n, growthNow); err != nil {
				b.Fatal(err)
			}
			if err := g.db.AnalyzeContacts(ctx); err != nil {
				b.Fatal(err)
			}
			b.Logf("seeded %d contacts in %s", n, time.Since(start).Round(time.Millisecond))
			for _, tc := range []struct {
				name string
				f    meetd.ContactFilter
			}{
				{"list, newest first", meetd.ContactFilter{Descending: true}},
				{"list, page 50", meetd.ContactFilter{Descending: true, Offset: 49 * 20}},
				{"sorted by last name", meetd.ContactFilter{SortBy: meetd.ContactSortLastName}},
				{"searchTerm matching every contact", meetd.ContactFilter{Search: "example", Descending: true}},
				{"searchTerm matching 1 in 20 (a surname)", meetd.ContactFilter{Search: "müller", Descending: true}},
				{"searchTerm matching one (an e-mail)", meetd.ContactFilter{Search: fmt.Sprintf("user%06d@", n/2), Descending: true}},
				{"searchTerm matching none", meetd.ContactFilter{Search: "nobody-at-all", Descending: true}},
				{"a tag (1 in 100)", meetd.ContactFilter{Tags: []string{"VIP"}, Descending: true}},
				{"an owner's", meetd.ContactFilter{OwnerID: g.hosts[3], Descending: true}},
				{"an owner's, searchTerm matching all of them", meetd.ContactFilter{OwnerID: g.hosts[3], Search: "example", Descending: true}},
			} {
				b.Run(tc.name, func(b *testing.B) {
					f := tc.f
					f.CompanyID, f.Now, f.Limit = g.company, growthNow, 20
					var took []time.Duration
					for b.Loop() {
						t0 := time.Now()
						if _, _, err := g.db.ListContacts(ctx, f); err != nil {
							b.Fatal(err)
						}
						took = append(took, time.Since(t0))
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}
