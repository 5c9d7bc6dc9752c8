package sqldb

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the migrations of a dialect ("sqlite" or "postgres"):
// the files of migrations/<dialect>/ and, written once for both engines,
// the files of migrations/common/ with the other engine's sections taken
// out. A section starts with a line "-- +meetd sqlite" or
// "-- +meetd postgres" and ends with "-- +meetd end"; lines outside any
// section are for both; a sqlite section followed directly by a postgres
// one gives the two spellings of the same lines. New migrations go to common/, so a change to the
// schema is one file and the engines cannot drift apart; the per-dialect
// folders hold the migrations written before common/ existed.
func Migrations(dialect string) (fs.FS, error) {
	if dialect != "sqlite" && dialect != "postgres" {
		return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	out := fstest.MapFS{}
	versions := map[string]string{}
	add := func(name string, data []byte) error {
		v, _, ok := strings.Cut(name, "_")
		if !ok {
			return fmt.Errorf("migrations: %s: the name must be <version>_<what>.sql", name)
		}
		if other, dup := versions[v]; dup {
			return fmt.Errorf("migrations: %s and %s have the same version", other, name)
		}
		versions[v] = name
		out[name] = &fstest.MapFile{Data: data, Mode: 0o444}
		return nil
	}
	for _, dir := range []string{dialect, "common"} {
		entries, err := fs.ReadDir(migrations, "migrations/"+dir)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			data, err := migrations.ReadFile(path.Join("migrations", dir, e.Name()))
			if err != nil {
				return nil, fmt.Errorf("migrations: %w", err)
			}
			if dir == "common" {
				if data, err = dialectSections(data, dialect); err != nil {
					return nil, fmt.Errorf("migrations: common/%s: %w", e.Name(), err)
				}
			}
			if err := add(e.Name(), data); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// dialectSections keeps the lines of a common migration that are meant for
// dialect: every line outside a "-- +meetd <dialect>" … "-- +meetd end"
// section, and the lines of that dialect's sections. The marker lines
// themselves are dropped. A section may follow another directly: the
// postgres marker after a sqlite section ends that one.
func dialectSections(src []byte, dialect string) ([]byte, error) {
	var b strings.Builder
	section := "" // "" outside a section
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if marker, ok := strings.CutPrefix(strings.TrimSpace(line), "-- +meetd "); ok {
			switch marker = strings.TrimSpace(marker); {
			case marker == "end" && section != "":
				section = ""
			case (marker == "sqlite" || marker == "postgres") && section != marker:
				section = marker
			default:
				return nil, fmt.Errorf("line %d: unexpected %q", n, strings.TrimSpace(line))
			}
			continue
		}
		if section == "" || section == dialect {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if section != "" {
		return nil, fmt.Errorf("the %s section has no \"-- +meetd end\"", section)
	}
	return []byte(b.String()), nil
}
