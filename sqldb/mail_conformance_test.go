package sqldb_test

import (
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

func TestMailConformance(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.RunMail(t, b)
		})
	}
}
