package sqldb_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestLostConnectionRetry runs the write helper with a transaction that
// loses its connection, on both engines: one that lost it before COMMIT
// runs again and commits once, one that keeps losing it gives up, and
// other failures, or a caller who has gone away, are not retried.
func TestLostConnectionRetry(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, b, nil)
			ctx := context.Background()
			if err := db.Update(ctx, func(exec func(string, ...any) error) error {
				return exec(`CREATE TABLE retry_probe (name TEXT NOT NULL)`)
			}); err != nil {
				t.Fatal(err)
			}
			rows := func(name string) int {
				t.Helper()
				var n int
				if err := db.Pool().QueryRow(`SELECT count(*) FROM retry_probe WHERE name = '` + name + `'`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			errBoom := errors.New("boom")
			for _, tc := range []struct {
				name string
				// fail is what attempt n (from 1) returns after its insert.
				fail      func(n int, cancel func()) error
				wantCalls int
				wantErr   error
				wantRows  int
			}{
				{"lost once runs again and commits once", func(n int, _ func()) error {
					if n == 1 {
						return driver.ErrBadConn
					}
					return nil
				}, 2, nil, 1},
				{"lost every time gives up after two retries", func(int, func()) error { return driver.ErrBadConn }, 3, driver.ErrBadConn, 0},
				{"another failure is not retried", func(int, func()) error { return errBoom }, 1, errBoom, 0},
				{"a caller who went away is not retried", func(_ int, cancel func()) error {
					cancel()
					return driver.ErrBadConn
				}, 1, driver.ErrBadConn, 0},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ctx, cancel := context.WithCancel(ctx)
					defer cancel()
					calls := 0
					err := db.Update(ctx, func(exec func(string, ...any) error) error {
						calls++
						if err := exec(`INSERT INTO retry_probe (name) VALUES (?)`, tc.name); err != nil {
							return err
						}
						return tc.fail(calls, cancel)
					})
					if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
						t.Fatalf("err = %v, want %v", err, tc.wantErr)
					}
					if calls != tc.wantCalls {
						t.Fatalf("ran %d times, want %d", calls, tc.wantCalls)
					}
					if got := rows(tc.name); got != tc.wantRows {
						t.Fatalf("%d rows committed, want %d", got, tc.wantRows)
					}
				})
			}
		})
	}
}

// TestTerminatedConnections ends every PostgreSQL backend of a warm pool,
// as a server restart or failover does, and then reads and writes through
// the store: each runs on a fresh connection instead of failing on a dead
// one.
func TestTerminatedConnections(t *testing.T) {
	dsn, kill := sqldbtest.KillablePostgres(t)
	db := sqldbtest.OpenDSN(t, dsn, nil)
	ctx := context.Background()
	for i, step := range []struct {
		name string
		do   func() error
	}{
		{"write", func() error {
			_, _, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Kill", Plan: meetd.PlanEnterprise},
				meetd.NewUser{Email: "kill@example.com", GivenName: "K", FamilyName: "Ill",
					Timezone: "UTC", Type: meetd.UserStandard})
			return err
		}},
		{"read one row", func() error { _, err := db.CountCompanies(ctx); return err }},
		{"read rows", func() error { _, _, err := db.ListUsers(ctx, meetd.UserFilter{Limit: 10}); return err }},
	} {
		warm(t, db)
		if n := kill(); n < 2 {
			t.Fatalf("terminated %d backends, want the warm pool's", n)
		}
		if err := step.do(); err != nil {
			t.Errorf("step %d, %s after the backends were terminated: %v", i, step.name, err)
		}
	}
}

// warm opens several connections in db's pool and uses each twice, so
// that each is recently used: pgx then reuses it without a ping, as it
// does under load.
func warm(t *testing.T, db *sqldb.DB) {
	t.Helper()
	for range 2 {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				if _, err := db.Pool().Exec(`SELECT pg_sleep(0.05)`); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
}
