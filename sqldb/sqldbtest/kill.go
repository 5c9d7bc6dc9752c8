package sqldbtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
)

// KillablePostgres returns the DSN of a fresh schema like PostgresDSN whose
// connections carry an application_name of their own, and kill, which ends
// every server backend holding one as a server restart or a failover would
// (pg_terminate_backend, waiting until each is gone) and returns how many
// it ended. Other tests' connections on the same server are untouched. It
// skips or fails t as PostgresDSN does when MEETD_TEST_POSTGRES is unset.
func KillablePostgres(t testing.TB) (dsn string, kill func() int) {
	t.Helper()
	u, err := url.Parse(PostgresDSN(t))
	if err != nil {
		t.Fatalf("postgres DSN: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "meetd_kill_" + hex.EncodeToString(b[:])
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	admin, err := sql.Open("pgx", os.Getenv("MEETD_TEST_POSTGRES"))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	return u.String(), func() int {
		t.Helper()
		var n int
		// MATERIALIZED: select our backends before terminating any, so
		// that no plan ever calls pg_terminate_backend on another's.
		if err := admin.QueryRow(`WITH mine AS MATERIALIZED (
				SELECT pid FROM pg_stat_activity WHERE application_name = $1)
			SELECT count(*) FROM mine WHERE pg_terminate_backend(pid, 5000)`, name).Scan(&n); err != nil {
			t.Fatalf("terminate backends: %v", err)
		}
		return n
	}
}
