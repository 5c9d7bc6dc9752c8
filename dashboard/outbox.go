package dashboard

import (
	"net/http"
	"strconv"

	"github.com/meetd/meetd"
)

// Outbox: the company's e-mails, queued, sent, failed or cancelled
// (owners and admins). Only what a message is and what became of it is
// shown, never its body or its links: they hold the attendee's secrets.

const outboxPerPage = 50

// outboxKinds says in words what a message is.
var outboxKinds = map[string]string{
	meetd.MailQuick:        "Quick mail",
	meetd.MailConfirmation: "Booking confirmation",
	meetd.MailHostBooked:   "New booking (to host)",
	meetd.MailOptIn:        "Confirm your booking (double opt-in)",
	meetd.MailRescheduled:  "Rescheduled",
	meetd.MailHostMoved:    "Rescheduled (to host)",
	meetd.MailCancelled:    "Cancelled",
	meetd.MailHostCanceled: "Cancelled (to host)",
	meetd.MailReminder:     "Reminder",
}

type outboxRow struct {
	meetd.OutboxMessage
	What string
}

// outboxData is the Outbox page.
type outboxData struct {
	Messages []outboxRow
	Total    int
	Status   string
	Statuses []string
	Page     int
	Prev     int
	Next     int
	// MailOff: no SMTP server is set, so the page says why messages wait.
	MailOff bool
}

// PageNumber is the page counted from 1, for people.
func (o outboxData) PageNumber() int { return o.Page + 1 }

func (d *Dashboard) outbox(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 0)
	status := q.Get("status")
	switch status {
	case "", meetd.OutboxPending, meetd.OutboxSent, meetd.OutboxFailed, meetd.OutboxCancelled:
	default:
		status = ""
	}
	msgs, total, err := d.cfg.Store.OutboxMessages(r.Context(), meetd.OutboxFilter{CompanyID: v.Company.ID,
		Status: status, Limit: outboxPerPage, Offset: page * outboxPerPage})
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	data := outboxData{Total: total, Status: status, Page: page, Prev: -1, Next: -1, MailOff: !d.cfg.MailOn,
		Statuses: []string{meetd.OutboxPending, meetd.OutboxSent, meetd.OutboxFailed, meetd.OutboxCancelled}}
	if page > 0 {
		data.Prev = page - 1
	}
	if (page+1)*outboxPerPage < total {
		data.Next = page + 1
	}
	for _, m := range msgs {
		what := outboxKinds[m.Kind]
		if what == "" {
			what = describe(m.Kind)
		}
		data.Messages = append(data.Messages, outboxRow{OutboxMessage: m, What: what})
	}
	d.render(w, r, http.StatusOK, "outbox", &view{Title: "Outbox", Section: "outbox", Viewer: v, Data: data})
}
