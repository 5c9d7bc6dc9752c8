package sqldb_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/meetd/meetd/sqldb"
)

// The dialects' migrations must carry the same version numbers and names,
// so a schema version means the same thing on every engine.
func TestMigrationListsMatch(t *testing.T) {
	names := map[string][]string{}
	for _, d := range []string{"sqlite", "postgres"} {
		fsys, err := sqldb.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				names[d] = append(names[d], e.Name())
			}
		}
		slices.Sort(names[d])
	}
	if len(names["sqlite"]) == 0 || !slices.Equal(names["sqlite"], names["postgres"]) {
		t.Fatalf("migrations differ:\nsqlite   %v\npostgres %v", names["sqlite"], names["postgres"])
	}
}
