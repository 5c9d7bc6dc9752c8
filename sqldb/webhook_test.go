package sqldb_test

import (
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

func TestWebhooks(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.RunWebhooks(t, b)
		})
	}
}
