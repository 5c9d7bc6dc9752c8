package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

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
	watch  func(ctx context.Context, dsn string, log *slog.Logger, wake func()) error
}

// Migrations returns the dialect's migration files ("sqlite" or "postgres").
func Migrations(name string) (fs.FS, error) {
	return fs.Sub(migrations, "migrations/"+name)
}

func dialectFor(dsn string) (*dialect, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgresDialect, nil
	}
	if dsn == "" {
		return nil, errors.New("empty database DSN")
	}
	return sqliteDialect, nil
}

var sqliteDialect = &dialect{
	name:  "sqlite",
	goose: goose.DialectSQLite3,
	open: func(dsn string) (*sql.DB, *sql.DB, error) {
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		// WAL lets readers run beside the writer; busy_timeout covers
		// other processes (the operator CLI) holding the write lock;
		// _txlock=immediate takes that lock at BEGIN so a transaction
		// never fails half way on upgrading a read lock.
		base := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
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
	isUnique: func(err error) bool {
		var se *sqlite.Error
		if errors.As(err, &se) {
			c := se.Code()
			return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return false
	},
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
		db.SetMaxIdleConns(10)
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
}
