package sqldb

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// contactSplitMin is the fewest contacts a search must cover before its
// count is split (see countContacts): under it the whole scan takes 10 ms
// or less, and starting the parts would eat much of what they save.
const contactSplitMin = 20_000

// maxCountParts bounds how many SQLite connections or PostgreSQL
// processes one count takes.
const maxCountParts = 4

// countParts is how many ranges a count that scans is split into: one
// per core Go may run on (GOMAXPROCS), from two to maxCountParts, or 1
// (no split) on a single core. On PostgreSQL the scans run in the
// server's backends, so this assumes the server has as many cores as
// meetd, as when both share a machine.
func countParts() int {
	if p := runtime.GOMAXPROCS(0); p > 1 {
		return min(p, maxCountParts)
	}
	return 1
}

// idBounds returns the parts-1 contact ids that cut the id space into
// parts ranges of equal share: ids are random UUIDs in lower-case hex
// (meetd.NewID, and migration 00021's), so each of the 256 values of
// their first two digits holds 1/256 of any company's contacts. The
// ranges are open at both ends, so an id of any other form still falls
// in exactly one.
func idBounds(parts int) []string {
	out := make([]string, parts-1)
	for i := range out {
		out[i] = fmt.Sprintf("%02x", (i+1)*256/parts)
	}
	return out
}

// countContacts runs count, a COUNT(*) over contacts whose condition
// ends the text, with args. When split is set (the count may test every
// search key of a large company, see ListContacts) it spreads that test
// over countParts cores: the per-row test, 0.25–0.5 µs, is what a common
// term's exact total costs, 25–50 ms over 100,000 contacts on one core.
// SQLite counts ranges of the contact id side by side on its read
// connections (countRanges); PostgreSQL is allowed a parallel plan
// (countParallel).
//
// One split count runs at a time per DB, and only while no other
// statement of the process holds a connection (quiet): otherwise it
// counts on one connection, as before, because the cores are busy then
// anyway, and two parts on busy cores took longer than one whole count. So a split takes at most maxCountParts connections
// of SQLite's read pool (it has 8; the writer has its own) or one
// connection and parts-1 parallel workers on PostgreSQL; each goroutine
// holds one connection and waits for no other, and the caller holds
// none while it waits, so a split can neither deadlock the pool nor
// queue writers behind it.
//
// owned says count is one owner's: see countRanges.
func (db *DB) countContacts(ctx context.Context, count string, args []any, split, owned bool) (int, error) {
	parts := countParts()
	if !split || parts < 2 || !db.quiet() || !db.splitting.CompareAndSwap(false, true) {
		var n int
		err := db.queryRow(ctx, count, db.planned(args)...).Scan(&n)
		return n, err
	}
	defer db.splitting.Store(false)
	return db.countSplit(ctx, count, args, parts, owned)
}

// countSplit is countContacts' split count in parts.
func (db *DB) countSplit(ctx context.Context, count string, args []any, parts int, owned bool) (int, error) {
	if db.d.name == "sqlite" {
		return db.countRanges(ctx, count, args, parts, owned)
	}
	n, err := db.countParallel(ctx, count, args, parts)
	if db.d.isConnLost(err) {
		// queryRow runs a read again on a fresh connection.
		err = db.queryRow(ctx, count, db.planned(args)...).Scan(&n)
	}
	return n, err
}

// countParallel runs count on PostgreSQL allowing a parallel plan of
// parts processes (the backend and parts-1 workers), which splits the
// scan's blocks among them and reads one snapshot. The settings hold for
// this transaction alone, sent with the count in one batch: one round
// trip, as a plain count. PostgreSQL's planner still chooses, with the
// real term (force_custom_plan, as planned does for other counts): a
// rare term keeps its trigram bitmap and only a scan goes parallel.
// Workers take about a ms to start; the default parallel_setup_cost
// (1000) kept the 100,000-contact scan on one process, 100 lets a large
// company's scan split while small scans and index lookups stay whole.
func (db *DB) countParallel(ctx context.Context, count string, args []any, parts int) (n int, err error) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		b := &pgx.Batch{}
		b.Queue(`BEGIN READ ONLY`)
		b.Queue(fmt.Sprintf(`SET LOCAL max_parallel_workers_per_gather = %d`, parts-1))
		b.Queue(`SET LOCAL parallel_setup_cost = 100`)
		b.Queue(`SET LOCAL plan_cache_mode = force_custom_plan`)
		b.Queue(db.d.rebind(count), args...).QueryRow(func(row pgx.Row) error { return row.Scan(&n) })
		b.Queue(`COMMIT`)
		err := c.SendBatch(ctx, b).Close()
		if err != nil && c.PgConn().TxStatus() != 'I' {
			// A failed batch skips its COMMIT: end the transaction, or
			// the pool discards the connection (stdlib's ResetSession).
			_, _ = c.Exec(ctx, `ROLLBACK`)
		}
		return err
	})
	return n, err
}

// countRanges counts count's rows on SQLite in parts ranges of the
// contact id (see idBounds), side by side on the read pool, and sums them:
// contacts_company_id_search reads each range alone. An owner's count
// (owned) keeps walking the owner's index, whose entries end with the id,
// and only the rows of its range are read for their search key: given
// the id range, SQLite would walk the range of every owner's contacts
// and read each row to learn its owner. Each range is exact when its
// statement reads it; a contact written between the ranges' statements
// may or may not be counted, as one written between the count and the
// page may be.
func (db *DB) countRanges(ctx context.Context, count string, args []any, parts int, owned bool) (int, error) {
	bounds := idBounds(parts)
	id := `id`
	if owned {
		id = `+id` // a term, not an index range
	}
	ns, errs := make([]int, parts), make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		q, a := count, append([]any(nil), args...)
		if i > 0 {
			q, a = q+` AND `+id+` >= ?`, append(a, bounds[i-1])
		}
		if i < parts-1 {
			q, a = q+` AND `+id+` < ?`, append(a, bounds[i])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.queryRow(ctx, q, db.planned(a)...).Scan(&ns[i])
		}()
	}
	wg.Wait()
	total := 0
	for i, n := range ns {
		if errs[i] != nil {
			return 0, errs[i]
		}
		total += n
	}
	return total, nil
}

// quiet reports whether no statement of this process holds a connection
// now (the caller holds none while it counts): the one sign the process
// has of cores to spare. It cannot see other processes' load.
func (db *DB) quiet() bool {
	if db.read.Stats().InUse > 0 {
		return false
	}
	return db.write == db.read || db.write.Stats().InUse == 0
}
