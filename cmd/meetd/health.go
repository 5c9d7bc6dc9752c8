package main

import (
	"context"
	"errors"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb"
)

// readyChecks are what GET /readyz looks at: the database, and on an
// engine with change notifications the listener, which is optional because
// polling keeps the propagation bound without it (docs/architecture.md,
// "Caches and propagation"); behind a pooler in transaction mode it never
// connects, and such nodes must still take traffic.
func readyChecks(db *sqldb.DB) []httpapi.ReadyCheck {
	checks := []httpapi.ReadyCheck{{Name: "database", Check: db.Ping}}
	if db.Notifies() {
		checks = append(checks, httpapi.ReadyCheck{Name: "changeListener", Optional: true,
			Check: func(context.Context) error {
				if db.Listening() {
					return nil
				}
				return errors.New("not listening for change notifications; polling carries changes meanwhile")
			}})
	}
	return checks
}
