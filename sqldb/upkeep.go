package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"time"

	"github.com/meetd/meetd"
)

// UpkeepInterval is how often RunUpkeep looks at the tables' counters.
const UpkeepInterval = 15 * time.Second

// upkeepLock is the session advisory lock one node holds while it vacuums
// and analyzes the schema, so several nodes take turns: a class of its own
// ("mdup") and the schema's hash, so deployments in other schemas of the
// same database do not wait for each other.
const upkeepLock = `1835300208, hashtext(current_schema())`

// The thresholds are autovacuum's defaults (autovacuum_analyze_threshold
// and _scale_factor, autovacuum_vacuum_threshold and _scale_factor,
// autovacuum_vacuum_insert_threshold and _scale_factor): a table is
// analyzed, or vacuumed, when as many rows changed as autovacuum would
// have waited for.
const (
	analyzeBase, analyzeScale           = 50, 0.1
	vacuumBase, vacuumScale             = 50, 0.2
	insertVacuumBase, insertVacuumScale = 1000, 0.2
)

// UpkeepResult is what one Upkeep pass did.
type UpkeepResult struct {
	// Analyzed and Vacuumed name the tables the pass analyzed and
	// vacuumed (a vacuumed table is analyzed with it and named in both).
	// A table another session held locked is skipped by the server but
	// named all the same; its counters stay, so the next pass takes it.
	Analyzed, Vacuumed []string
	// Busy is true when tables were due but another node held the upkeep
	// lock, so this pass left them to it.
	Busy bool
}

// Upkeep does, once, what PostgreSQL's autovacuum would do for the
// schema's tables that autovacuum leaves alone: every table when the
// server runs with autovacuum = off, else those created or altered with
// autovacuum_enabled = false. Such a table with enough rows changed since
// its last ANALYZE is analyzed, and one with enough dead or newly inserted
// rows is vacuumed, by autovacuum's default thresholds read off
// pg_stat_user_tables.
//
// It matters beyond disk space. Without statistics the planner sees every
// table as tiny, and the generic plan a pooled connection caches for a
// prepared statement after its fifth run is kept until the table's
// statistics change: a lookup by e-mail planned while contacts was empty
// reads every contact of the company for as long as the connection lives.
// ANALYZE both gives the planner the table as it is and invalidates those
// plans. VACUUM keeps the visibility map current, which index-only scans
// (the busy and count queries) need to skip the table itself.
//
// On SQLite it does nothing. Nodes take turns through a session advisory
// lock; a node that finds it held leaves the work to the holder (Busy).
func (db *DB) Upkeep(ctx context.Context) (res UpkeepResult, err error) {
	defer meetd.Wrap(&err, "sqldb.Upkeep")
	if db.d.name != "postgres" {
		return res, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	due, err := dueTables(ctx, conn)
	if err != nil || len(due) == 0 {
		return res, err
	}
	var locked bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+upkeepLock+`)`).Scan(&locked); err != nil {
		return res, err
	}
	if !locked {
		res.Busy = true
		return res, nil
	}
	defer func() {
		// A pooled session would keep the lock: if the unlock fails, the
		// connection is closed instead, which releases it.
		// Bounded: a server gone silent must not hold up shutdown.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.ExecContext(uctx, `SELECT pg_advisory_unlock(`+upkeepLock+`)`); uerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	// Read again under the lock: the node that held it may have just done
	// the work.
	if due, err = dueTables(ctx, conn); err != nil {
		return res, err
	}
	for _, t := range due {
		// SKIP_LOCKED: a table another session holds a lock on (a
		// migration's ALTER TABLE) is left for the next pass rather than
		// waited for.
		q := `ANALYZE (SKIP_LOCKED) ` + t.quoted
		if t.vacuum {
			q = `VACUUM (ANALYZE, SKIP_LOCKED) ` + t.quoted
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return res, fmt.Errorf("%s: %w", q, err)
		}
		res.Analyzed = append(res.Analyzed, t.name)
		if t.vacuum {
			res.Vacuumed = append(res.Vacuumed, t.name)
		}
	}
	return res, nil
}

// dueTable is a table of the schema an Upkeep pass works on.
type dueTable struct {
	name, quoted string
	vacuum       bool
}

// dueTables reads which of the current schema's tables autovacuum leaves
// alone and are due for ANALYZE or VACUUM. Only tables meetd's role owns
// (or has the owner's rights on) count: on any other, VACUUM and ANALYZE
// would only warn and skip it, every pass. reltuples is -1 for a table
// never analyzed; it counts as empty, so any 50 changed rows make it due.
// (The statistics counters reach pg_stat_user_tables within a second or
// so of each transaction.)
func dueTables(ctx context.Context, conn *sql.Conn) ([]dueTable, error) {
	rows, err := conn.QueryContext(ctx, `SELECT s.relname, format('%I.%I', s.schemaname, s.relname), GREATEST(c.reltuples, 0),
		s.n_mod_since_analyze, s.n_dead_tup, s.n_ins_since_vacuum
		FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
		WHERE s.schemaname = current_schema() AND pg_has_role(c.relowner, 'USAGE')
			AND (current_setting('autovacuum') = 'off'
			OR EXISTS (SELECT 1 FROM unnest(c.reloptions) o WHERE o ~* '^autovacuum_enabled=(f|fa|fal|fals|false|n|no|of|off|0)$'))
		ORDER BY s.relname`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var due []dueTable
	for rows.Next() {
		var t dueTable
		var tuples float64
		var modified, dead, inserted int64
		if err := rows.Scan(&t.name, &t.quoted, &tuples, &modified, &dead, &inserted); err != nil {
			return nil, err
		}
		t.vacuum = float64(dead) > vacuumBase+vacuumScale*tuples ||
			float64(inserted) > insertVacuumBase+insertVacuumScale*tuples
		if t.vacuum || float64(modified) > analyzeBase+analyzeScale*tuples {
			due = append(due, t)
		}
	}
	return due, rows.Err()
}

// RunUpkeep runs Upkeep every interval until ctx ends (on SQLite it
// returns at once). It says at info level when the server's autovacuum is
// off, and logs each pass that did something at debug level; a failure
// is a warning (once while it lasts) and the next pass tries again.
func (db *DB) RunUpkeep(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if db.d.name != "postgres" {
		return
	}
	var autovacuum string
	if err := db.read.QueryRowContext(ctx, `SELECT current_setting('autovacuum')`).Scan(&autovacuum); err == nil && autovacuum == "off" {
		log.Info("PostgreSQL runs with autovacuum off: meetd vacuums and analyzes its own tables as they change")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	failed := "" // the last failure logged: a lasting one is logged once
	for {
		res, err := db.Upkeep(ctx)
		switch {
		case err != nil && ctx.Err() == nil && err.Error() != failed:
			failed = err.Error()
			log.Warn("database upkeep failed; retrying every interval", "err", err)
		case err == nil && failed != "":
			failed = ""
			log.Info("database upkeep works again")
		}
		if len(res.Analyzed) > 0 {
			log.Debug("database upkeep", "analyzed", res.Analyzed, "vacuumed", res.Vacuumed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
