package sqldb

import (
	"strings"
	"testing"
)

func TestDialectSections(t *testing.T) {
	src := strings.Join([]string{
		"-- +goose Up",
		"CREATE TABLE t (",
		"    id TEXT PRIMARY KEY,",
		"-- +meetd sqlite",
		"    at INTEGER NOT NULL",
		"-- +meetd postgres",
		"    at BIGINT NOT NULL",
		"-- +meetd end",
		");",
		"  -- +meetd postgres",
		"CREATE INDEX t_at ON t USING brin (at);",
		"  -- +meetd end",
	}, "\n")
	for _, tc := range []struct{ dialect, want string }{
		{"sqlite", "-- +goose Up\nCREATE TABLE t (\n    id TEXT PRIMARY KEY,\n    at INTEGER NOT NULL\n);\n"},
		{"postgres", "-- +goose Up\nCREATE TABLE t (\n    id TEXT PRIMARY KEY,\n    at BIGINT NOT NULL\n);\nCREATE INDEX t_at ON t USING brin (at);\n"},
	} {
		t.Run(tc.dialect+" keeps its own sections and the shared lines", func(t *testing.T) {
			got, err := dialectSections([]byte(src), tc.dialect)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestDialectSectionsRefusesMalformedMarkers(t *testing.T) {
	for name, src := range map[string]string{
		"unterminated section":   "-- +meetd sqlite\nSELECT 1;\n",
		"end outside a section":  "SELECT 1;\n-- +meetd end\n",
		"unknown dialect":        "-- +meetd mysql\nSELECT 1;\n-- +meetd end\n",
		"same section twice":     "-- +meetd sqlite\n-- +meetd sqlite\n-- +meetd end\n",
		"marker with extra word": "-- +meetd sqlite please\n-- +meetd end\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := dialectSections([]byte(src), "sqlite"); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
