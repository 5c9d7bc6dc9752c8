package main

import (
	"errors"
	"fmt"

	"github.com/meetd/meetd/sqldb"
)

// pgDumpAdvice is what backup says on PostgreSQL, whose own tools copy a
// live database consistently.
const pgDumpAdvice = "meetd backup copies SQLite databases; back up PostgreSQL with its own tools: " +
	"pg_dump --format=custom --file=meetd.dump \"$MEETD_DB\", restored with " +
	"pg_restore --clean --if-exists --no-owner --dbname=\"$MEETD_DB\" meetd.dump (README.md, Backup and restore)"

// backup writes a consistent, checked copy of a live SQLite database to a
// new file; restoring is copying it back while meetd is stopped (README).
func (e *env) backup(args []string) error {
	fs := e.flags("backup", true)
	to := fs.String("to", "", "the backup file to create (never overwritten)")
	if err := e.parse(fs, args, "to"); err != nil {
		return err
	}
	// PostgreSQL is answered without connecting: this command never
	// touches a database it will not copy.
	if engine, err := sqldb.Engine(e.db); err != nil {
		return err
	} else if engine != "sqlite" {
		return errors.New(pgDumpAdvice)
	}
	// Opening migrates, as every command does: the backup is at the
	// version this binary runs.
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.Backup(e.ctx, *to)
	if errors.Is(err, sqldb.ErrBackupUnsupported) {
		return errors.New(pgDumpAdvice)
	}
	if err != nil {
		return err
	}
	return e.print(map[string]any{"path": r.Path, "bytes": r.Bytes, "version": r.Version, "integrity": "ok"},
		fmt.Sprintf("backup written to %s (%d bytes); integrity check ok; schema version %d", r.Path, r.Bytes, r.Version))
}
