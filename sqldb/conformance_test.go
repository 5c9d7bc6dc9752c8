package sqldb_test

import (
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestConformance runs alone in this binary (not t.Parallel): its listener
// test counts on no other test here notifying the server while it waits.
func TestConformance(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel() // the engines share nothing
			sqldbtest.Run(t, b)
		})
	}
}
