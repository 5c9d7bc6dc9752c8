package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to create and drop the schema
)

// backend is a database engine the suite runs on: fresh returns the DSN of
// a new, empty database and a function that removes it.
type backend struct {
	name  string
	fresh func(ctx context.Context) (dsn string, drop func(), err error)
}

// sqliteBackend is a new SQLite file in dir.
func sqliteBackend(dir string) backend {
	return backend{name: "SQLite", fresh: func(context.Context) (string, func(), error) {
		return filepath.Join(dir, "meetd.db"), func() {}, nil
	}}
}

// postgresBackend is a new schema on the server base names, reached through
// search_path and dropped at the end.
func postgresBackend(base string) backend {
	return backend{name: "PostgreSQL", fresh: func(ctx context.Context) (string, func(), error) {
		u, err := url.Parse(base)
		if err != nil {
			return "", nil, fmt.Errorf("-postgres: %w", err)
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return "", nil, err
		}
		var b [6]byte
		_, _ = rand.Read(b[:])
		schema := "bench_" + hex.EncodeToString(b[:])
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
			admin.Close()
			return "", nil, fmt.Errorf("create schema: %w", err)
		}
		drop := func() {
			_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), drop, nil
	}}
}
