package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// ErrBackupUnsupported is Backup's answer on an engine that has its own
// tools for backups (PostgreSQL: pg_dump).
var ErrBackupUnsupported = errors.New("sqldb: this engine is backed up with its own tools")

// BackupReport describes a backup Backup wrote and checked.
type BackupReport struct {
	// Path is the backup file.
	Path string
	// Bytes is its size.
	Bytes int64
	// Version is the schema version read from the copy.
	Version int64
}

// Backup writes a consistent copy of the live database to the file to and
// checks the copy: it opens it read-only, runs an integrity check and reads
// its schema version. Writers keep working meanwhile; the copy holds every
// transaction committed before it started (SQLite's VACUUM INTO, which
// reads in one transaction). It never overwrites: a file at to is an
// error, and so is a missing folder. On PostgreSQL it returns
// ErrBackupUnsupported.
// Its errors name the file and are meant for the operator as they are.
func (db *DB) Backup(ctx context.Context, to string) (BackupReport, error) {
	if db.d.backupInto == "" {
		return BackupReport{}, ErrBackupUnsupported
	}
	switch _, err := os.Lstat(to); {
	case err == nil:
		return BackupReport{}, fmt.Errorf("backup to %s: the file exists; a backup never overwrites a file, so choose a new name", to)
	case !errors.Is(err, fs.ErrNotExist):
		return BackupReport{}, fmt.Errorf("backup to %s: %w", to, err)
	}
	if fi, err := os.Stat(filepath.Dir(to)); err != nil || !fi.IsDir() {
		return BackupReport{}, fmt.Errorf("backup to %s: folder %s does not exist", to, filepath.Dir(to))
	}
	if _, err := db.write.ExecContext(ctx, db.d.backupInto, to); err != nil {
		return BackupReport{}, fmt.Errorf("backup to %s: %w", to, err)
	}
	r, err := db.checkCopy(ctx, to)
	if err != nil {
		return BackupReport{}, fmt.Errorf("backup to %s was written but fails its check (keep the database, delete the copy): %w", to, err)
	}
	return r, nil
}

// checkCopy opens an SQLite file read-only, checks its integrity and reads
// its schema version.
func (db *DB) checkCopy(ctx context.Context, path string) (BackupReport, error) {
	ro, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return BackupReport{}, err
	}
	defer ro.Close()
	rows, err := ro.QueryContext(ctx, db.d.integrityCheck)
	if err != nil {
		return BackupReport{}, fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return BackupReport{}, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return BackupReport{}, fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return BackupReport{}, fmt.Errorf("integrity check: %s", problems[0])
	}
	r := BackupReport{Path: path}
	// goose's own table: the version the copy's schema is at.
	if err := ro.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version`).Scan(&r.Version); err != nil {
		return BackupReport{}, fmt.Errorf("reading the schema version: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return BackupReport{}, err
	}
	r.Bytes = fi.Size()
	return r, nil
}
