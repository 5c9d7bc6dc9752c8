package sqldb

import (
	"testing"

	"github.com/pressly/goose/v3/lock"
)

// TestMigrationLockIDs: the default schema keeps goose's lock (older nodes
// serialise with newer ones), and each other schema gets its own, the same
// in every process.
func TestMigrationLockIDs(t *testing.T) {
	if got := migrationLockID("public"); got != lock.DefaultLockID {
		t.Fatalf("public: lock %d, want goose's default %d", got, lock.DefaultLockID)
	}
	a, b := migrationLockID("t_0a1b2c"), migrationLockID("t_3d4e5f")
	if a == b || a == lock.DefaultLockID || b == lock.DefaultLockID {
		t.Fatalf("two test schemas share a migration lock: %d, %d", a, b)
	}
	if migrationLockID("t_0a1b2c") != a {
		t.Fatal("the lock of one schema differs between calls")
	}
}
