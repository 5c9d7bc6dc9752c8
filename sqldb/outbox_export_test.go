package sqldb

import (
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// outboxHotQueries are the outbox's queries that must not grow with it:
// the worker's claim, the re-timing of an appointment's reminders and the
// dashboard's list.
func outboxHotQueries(company string) []Query {
	count, page, args := outboxListSQL(meetd.OutboxFilter{CompanyID: company})
	scount, spage, sargs := outboxListSQL(meetd.OutboxFilter{CompanyID: company, Status: meetd.OutboxFailed})
	return []Query{
		{"outbox claim", outboxDueSQL, []any{meetd.OutboxPending, ms(time.Now()), 20}},
		{"outbox prune", strings.Replace(outboxPruneSQL, "DELETE", "SELECT id", 1), []any{meetd.OutboxSent,
			meetd.OutboxFailed, meetd.OutboxCancelled, ms(time.Now())}},
		{"outbox reminders of an appointment", outboxRemindersSQL, []any{meetd.NewID(), meetd.MailReminder, meetd.OutboxPending}},
		{"outbox list count", count, args}, {"outbox list page", page, append(args, 20, 1000)},
		{"outbox list by status count", scount, sargs}, {"outbox list by status page", spage, append(sargs, 20, 1000)},
	}
}
