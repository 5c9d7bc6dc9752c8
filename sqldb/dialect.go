package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything that differs between SQLite and PostgreSQL. Nothing
// outside this file knows which one is in use.
type dialect struct {
	name  string
	goose goose.Dialect
	// open returns the write pool and the read pool.
	open func(dsn string) (write, read *sql.DB, err error)
	// rebind turns ? placeholders into the dialect's own.
	rebind func(q string) string
	// isUnique reports whether err is a uniqueness violation.
	isUnique func(err error) bool
	// isRetryable reports whether a transaction failed only because of
	// concurrency (a deadlock or serialization failure) and may run again.
	isRetryable func(err error) bool
	// isConnLost reports whether err says the connection was gone (closed
	// by the server, reset, broken), so that nothing sent on it took
	// effect unless it was a COMMIT.
	isConnLost func(err error) bool
	// dropIdle, when set, closes the idle connections of a pool after one
	// of them was found dead (see DB.reconnect).
	dropIdle func(db *sql.DB)
	// locker, when set, serialises migrations of one schema across
	// processes; schema is the name of the schema being migrated.
	locker func(schema string) (lock.SessionLocker, error)
	// forUpdate is appended to a SELECT to lock its rows until commit;
	// empty on SQLite, whose single writer already serialises writes.
	forUpdate string
	// firstCompanyLock, when set, is run first in CreateFirstCompany's
	// transaction to serialise it across processes; empty on SQLite, whose
	// single writer already serialises writes.
	firstCompanyLock string
	// notify, when set, is the statement that wakes other nodes' change
	// listeners; watch listens for it (see WatchChanges).
	notify string
	// watch holds the change listener until ctx is done, calling
	// connected(true) once it listens and connected(false) when it loses
	// the connection.
	watch func(ctx context.Context, dsn string, log *slog.Logger, wake func(), connected func(bool)) error
	// openErr explains why opening dsn failed (the ping of Open): where and
	// what to do, never the password a URL may hold.
	openErr func(dsn string, err error) error
	// backupInto, when set, is the statement that writes a consistent copy
	// of the live database to the file named by its one argument; empty on
	// PostgreSQL, which pg_dump backs up.
	backupInto string
	// integrityCheck, when set, checks a database file's structure and
	// answers one row "ok" when it is sound.
	integrityCheck string
	// purgeLog, when set, empties SQLite's write-ahead log after a GDPR
	// erasure has committed (see purgeAfterErasure): its older frames
	// still hold the pages as they were before the erasure. It answers one
	// row, whose first column is 1 when a reader kept it from finishing.
	purgeLog string
}

// dialectFor picks the engine a DSN names: a postgres:// or postgresql://
// URL is PostgreSQL; any other URL scheme is refused, naming the scheme
// alone (the rest may hold a password); anything else is an SQLite path.
func dialectFor(dsn string) (*dialect, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgresDialect, nil
	}
	if dsn == "" {
		return nil, errors.New("no database given: use a file path for SQLite or postgres://user@host/db for PostgreSQL")
	}
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && isScheme(scheme) && scheme != "file" && scheme != "sqlite" {
		return nil, fmt.Errorf("unsupported database URL scheme %s://: use a file path for SQLite or postgres://user@host/db for PostgreSQL", scheme)
	}
	return sqliteDialect, nil
}

// Engine names the engine a DSN selects, "sqlite" or "postgres", without
// connecting; an unsupported URL is an error, as Open's.
func Engine(dsn string) (string, error) {
	d, err := dialectFor(dsn)
	if err != nil {
		return "", err
	}
	return d.name, nil
}

// isScheme reports whether s is a URL scheme (RFC 3986: a letter, then
// letters, digits, "+", "-" or "."). A Windows path's drive letter is not
// followed by "://", so it never gets here.
func isScheme(s string) bool {
	if s == "" || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// sqlitePath is the file an SQLite DSN names: without the "sqlite:" or
// "file:" prefix and any query.
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// checkSQLitePath explains, before SQLite's "unable to open database file"
// can, the two usual mistakes: a folder that does not exist, and a folder
// given as the file.
func checkSQLitePath(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("open database %s: %s is a folder, not a database file", path, path)
	case err == nil:
		return nil
	}
	// The file cannot be seen (missing, or a path through a file): say
	// what is wrong with its folder, or let SQLite say the rest.
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open database %s: folder %s does not exist", path, dir)
	case err == nil && !fi.IsDir():
		return fmt.Errorf("open database %s: %s is not a folder", path, dir)
	}
	return nil
}

// sqliteBusyMS is how long an SQLite connection waits for a lock another
// connection or process holds, in milliseconds.
const sqliteBusyMS = 10000

var sqliteDialect = &dialect{
	name:  "sqlite",
	goose: goose.DialectSQLite3,
	open: func(dsn string) (*sql.DB, *sql.DB, error) {
		path := sqlitePath(dsn)
		if err := checkSQLitePath(path); err != nil {
			return nil, nil, err
		}
		// WAL lets readers run beside the writer; busy_timeout covers
		// other processes (the operator CLI) holding the write lock;
		// _txlock=immediate takes that lock at BEGIN so a transaction
		// never fails half way on upgrading a read lock. secure_delete
		// zeroes what a delete or update frees, so an erased person's
		// bytes do not live on in a page's free space.
		base := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + strconv.Itoa(sqliteBusyMS) + ")&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
			"&_pragma=secure_delete(1)"
		write, err := sql.Open("sqlite", base+"&_txlock=immediate")
		if err != nil {
			return nil, nil, err
		}
		write.SetMaxOpenConns(1)
		write.SetMaxIdleConns(1)
		write.SetConnMaxLifetime(0)
		read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
		if err != nil {
			write.Close()
			return nil, nil, err
		}
		read.SetMaxOpenConns(8)
		read.SetMaxIdleConns(8)
		return write, read, nil
	},
	rebind: func(q string) string { return q },
	// The single writer never deadlocks; busy_timeout covers other processes.
	isRetryable: func(error) bool { return false },
	// A file has no connection to lose; database/sql's own ErrBadConn is
	// the only sign of a broken one.
	isConnLost: func(err error) bool { return errors.Is(err, driver.ErrBadConn) },
	isUnique: func(err error) bool {
		var se *sqlite.Error
		if errors.As(err, &se) {
			c := se.Code()
			return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return false
	},
	openErr: func(dsn string, err error) error {
		path := sqlitePath(dsn)
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
			return fmt.Errorf("open database %s: %s is not a meetd database (file is not a database)", path, path)
		}
		return fmt.Errorf("open database %s: %w", path, err)
	},
	backupInto:     `VACUUM INTO ?`,
	integrityCheck: `PRAGMA integrity_check`,
	purgeLog:       `PRAGMA wal_checkpoint(TRUNCATE)`,
}

// firstCompanyLockKey is the advisory lock of CreateFirstCompany on
// PostgreSQL (0x6d656574640001).
const firstCompanyLockKey = "30792258880274433"

var postgresDialect = &dialect{
	name:  "postgres",
	goose: goose.DialectPostgres,
	open: func(dsn string) (*sql.DB, *sql.DB, error) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(postgresMaxIdle)
		return db, db, nil
	},
	rebind: func(q string) string {
		var b strings.Builder
		n := 0
		for i := 0; i < len(q); i++ {
			if q[i] == '?' {
				n++
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(n))
				continue
			}
			b.WriteByte(q[i])
		}
		return b.String()
	},
	isUnique: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	isRetryable: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
	},
	isConnLost: postgresConnLost,
	// A server restart, a failover or pg_terminate_backend ends every
	// backend at once, and a pooled connection learns it only when it is
	// next used (pgx pings only connections idle for over a second): so
	// when one is found dead the idle rest is closed, and retries open
	// fresh connections instead of meeting the dead ones one by one.
	dropIdle: func(db *sql.DB) {
		db.SetMaxIdleConns(0) // "no idle connections": closes them now
		db.SetMaxIdleConns(postgresMaxIdle)
	},
	locker: func(schema string) (lock.SessionLocker, error) {
		return lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID(schema)))
	},
	// NO KEY: the lock serialises writers of the row without blocking the
	// key-share locks that foreign-key checks of concurrent inserts take
	// (a plain FOR UPDATE deadlocks a booking against a queue edit).
	forUpdate: " FOR NO KEY UPDATE",
	// A transaction-scoped advisory lock, released at commit or rollback.
	// The key is arbitrary but fixed: "meetd" in ASCII, then 1.
	firstCompanyLock: `SELECT pg_advisory_xact_lock(` + firstCompanyLockKey + `)`,
	notify:           `SELECT pg_notify('` + changesChannel + `', '')`,
	watch:            watchPostgres,
	// pgx names host, user and database but never the password.
	openErr: func(_ string, err error) error { return fmt.Errorf("open postgres database: %w", err) },
}

// postgresMaxIdle is how many idle connections the PostgreSQL pool keeps.
const postgresMaxIdle = 10

// postgresConnLost reports whether err says the PostgreSQL connection was
// gone: pgx refused to use a closed one or failed before sending anything
// (SafeToRetry), the server ended the backend (class 08 connection
// exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
// cannot_connect_now), or the socket broke under it.
func postgresConnLost(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err) || errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
