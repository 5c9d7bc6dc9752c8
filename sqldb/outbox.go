package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/mail"
)

const outboxColumns = `id, company_id, kind, recipient, subject, body, attendee_id, appointment_id, status, language,
	data, calendar, attempts, send_at, next_attempt_at, first_attempt_at, sent_at, last_error, message_id, created_at`

func scanOutbox(row interface{ Scan(...any) error }) (meetd.OutboxMessage, error) {
	var m meetd.OutboxMessage
	var data, calendar string
	var sendAt, next, created int64
	var first, sent sql.NullInt64
	if err := row.Scan(&m.ID, &m.CompanyID, &m.Kind, &m.Recipient, &m.Subject, &m.Body, &m.AttendeeID, &m.AppointmentID,
		&m.Status, &m.Language, &data, &calendar, &m.Attempts, &sendAt, &next, &first, &sent, &m.LastError, &m.MessageID,
		&created); err != nil {
		return m, err
	}
	m.Data, m.Calendar = []byte(data), []byte(calendar)
	m.SendAt, m.NextAttemptAt, m.CreatedAt = fromMS(sendAt), fromMS(next), fromMS(created)
	m.FirstAttemptAt, m.SentAt = timePtr(first), timePtr(sent)
	return m, nil
}

// eraseLinkBody is the new body of a finished message: a routing form
// invitation's body is its recipient's secret link, kept only until sent.
const eraseLinkBody = `CASE WHEN kind = ? THEN '' ELSE body END`

// queueOutbox writes a pending message, due at m.SendAt (now when zero),
// in the caller's transaction. token and provisionalID are a double
// opt-in message's.
func (t *tx) queueOutbox(ctx context.Context, m *meetd.OutboxMessage, token, provisionalID string) error {
	return t.insertOutbox(ctx, []outboxRow{t.outboxRow(m, token, provisionalID)})
}

// outboxRow is a pending message ready to insert, with a double opt-in
// message's token and provisional booking.
type outboxRow struct {
	m                    *meetd.OutboxMessage
	token, provisionalID string
}

// outboxRow fills m's id, status and times as queueOutbox writes them.
func (t *tx) outboxRow(m *meetd.OutboxMessage, token, provisionalID string) outboxRow {
	m.ID, m.Status, m.CreatedAt = meetd.NewID(), meetd.OutboxPending, t.now
	m.MessageID = m.ID + "@meetd"
	if m.SendAt.IsZero() {
		m.SendAt = t.now
	}
	m.NextAttemptAt = m.SendAt
	if len(m.Data) == 0 {
		m.Data = []byte("{}")
	}
	return outboxRow{m, token, provisionalID}
}

// insertOutbox inserts rows with one statement per 100 (a booking's
// messages are one round trip, not one each).
func (t *tx) insertOutbox(ctx context.Context, rows []outboxRow) error {
	for len(rows) > 0 {
		n := min(len(rows), 100)
		q := `INSERT INTO outbox_messages (id, company_id, kind, recipient, subject, body, attendee_id,
		appointment_id, status, language, data, calendar, token, provisional_id, attempts, send_at, next_attempt_at,
		last_error, message_id, created_at, updated_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '', ?, ?, ?), `, n), ", ")
		args := make([]any, 0, 19*n)
		for _, r := range rows[:n] {
			m := r.m
			var tok any
			if r.token != "" {
				tok = r.token
			}
			args = append(args, m.ID, m.CompanyID, m.Kind, m.Recipient, m.Subject, m.Body, m.AttendeeID, m.AppointmentID,
				m.Status, m.Language, string(m.Data), string(m.Calendar), tok, r.provisionalID, ms(m.SendAt),
				ms(m.NextAttemptAt), m.MessageID, ms(t.now), ms(t.now))
		}
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// mailHost is a host as the messages name them; removed hosts (no
// longer in the workspace) are named but sent nothing.
type mailHost struct {
	person   mail.Person
	timezone string
	removed  bool
}

// mailHosts reads the hosts ids names, in that order (missing ones are
// left out).
func (t *tx) mailHosts(ctx context.Context, ids []string) ([]mailHost, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.query(ctx, `SELECT id, email, given_name, family_name, timezone, status FROM users WHERE id IN (`+
		placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	type u struct {
		id string
		h  mailHost
	}
	us, err := scanAll(rows, func(row interface{ Scan(...any) error }) (u, error) {
		var x u
		var given, family, status string
		err := row.Scan(&x.id, &x.h.person.Email, &given, &family, &x.h.timezone, &status)
		x.h.person.Name = strings.TrimSpace(given + " " + family)
		x.h.removed = status != string(meetd.UserActive)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	byID := map[string]mailHost{}
	for _, x := range us {
		byID[x.id] = x.h
	}
	var out []mailHost
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// mailMeetingType reads what the messages need of a meeting type, deleted
// or not: its name and its reminders.
func (t *tx) mailMeetingType(ctx context.Context, id string) (meetd.MeetingType, error) {
	m := meetd.MeetingType{ID: id}
	var options string
	err := t.queryRow(ctx, `SELECT name, extra_options FROM meeting_types WHERE id = ?`, id).Scan(&m.Name, &options)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	} else if err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(options), &m.ExtraOptions); err != nil {
		return m, fmt.Errorf("meeting type %s: stored options: %w", id, err)
	}
	return m, nil
}

func attendeePerson(at meetd.Attendee) mail.Person {
	name := at.Fullname
	if name == "" {
		name = strings.TrimSpace(at.Firstname + " " + at.Lastname)
	}
	return mail.Person{Name: name, Email: at.Email}
}

// Mail kinds of a booking event: to each attendee, to each host.
var eventMail = map[string][2]string{
	meetd.EventBookingCreated:     {meetd.MailConfirmation, meetd.MailHostBooked},
	meetd.EventBookingRescheduled: {meetd.MailRescheduled, meetd.MailHostMoved},
	meetd.EventBookingCancelled:   {meetd.MailCancelled, meetd.MailHostCanceled},
}

// queueMail writes the e-mails a booking event causes into the outbox, in
// the caller's transaction (docs/decisions.md#e-mail): to every attendee
// (guests included; only the attendees who booked get the cancel and
// reschedule links) and every host, with the appointment's invitation; and
// it re-times the reminders: those not yet sent are cancelled and the ones
// still ahead written again for the appointment as it now stands.
func (t *tx) queueMail(ctx context.Context, typ string, ap meetd.Appointment, extra map[string]any) error {
	kinds, booking := eventMail[typ]
	if !booking && typ != meetd.EventAttendeeRemoved {
		return nil
	}
	if typ != meetd.EventBookingCreated {
		if _, err := t.exec(ctx, `UPDATE outbox_messages SET status = ?, updated_at = ? WHERE appointment_id = ? AND kind = ?
			AND status = ?`, meetd.OutboxCancelled, ms(t.now), ap.ID, meetd.MailReminder, meetd.OutboxPending); err != nil {
			return err
		}
	}
	am, err := t.appointmentMail(ctx, ap, extra)
	if err != nil {
		return err
	}
	kind := ""
	if booking {
		kind = kinds[0]
	}
	for _, at := range ap.Attendees {
		if err := am.toAttendee(ctx, at, kind); err != nil {
			return err
		}
	}
	if booking {
		for _, h := range am.hosts {
			if h.removed {
				continue
			}
			f := am.base
			f.Recipient, f.TimeZone = h.person, h.timezone
			if err := am.queue(ctx, kinds[1], f, "en", "", time.Time{}); err != nil {
				return err
			}
		}
	}
	return am.flush(ctx)
}

// queueGuestMail writes the confirmation and reminders of the guests just
// added to appointment id (those whose seq is above after), in the
// caller's transaction: they join a booking the others already heard of.
func (t *tx) queueGuestMail(ctx context.Context, id string, after int) error {
	ap, err := appointment(ctx, t, "", id, "")
	if err != nil {
		return err
	}
	rows, err := t.query(ctx, `SELECT id FROM appointment_attendees WHERE appointment_id = ? AND seq > ?`, id, after)
	if err != nil {
		return err
	}
	ids, err := scanAll(rows, scanString)
	if err != nil || len(ids) == 0 || ap.Cancelled {
		return err
	}
	am, err := t.appointmentMail(ctx, ap, nil)
	if err != nil {
		return err
	}
	for _, at := range ap.Attendees {
		if slices.Contains(ids, at.ID) {
			if err := am.toAttendee(ctx, at, meetd.MailConfirmation); err != nil {
				return err
			}
		}
	}
	return am.flush(ctx)
}

// appointmentMail is what the messages of one appointment share.
type appointmentMail struct {
	t         *tx
	ap        meetd.Appointment
	mt        meetd.MeetingType
	hosts     []mailHost
	organizer mail.Person
	base      mail.Facts
	// pending are the messages queue gathered; flush inserts them.
	pending []outboxRow
}

// flush inserts the messages queued so far, in one statement.
func (am *appointmentMail) flush(ctx context.Context) error {
	err := am.t.insertOutbox(ctx, am.pending)
	am.pending = nil
	return err
}

func (t *tx) appointmentMail(ctx context.Context, ap meetd.Appointment, extra map[string]any) (*appointmentMail, error) {
	mt, err := t.mailMeetingType(ctx, ap.MeetingTypeID)
	if err != nil {
		return nil, err
	}
	if mt.Name == "" {
		mt.Name = "Meeting"
	}
	hosts, err := t.mailHosts(ctx, ap.HostIDs)
	if err != nil {
		return nil, err
	}
	am := &appointmentMail{t: t, ap: ap, mt: mt, hosts: hosts}
	if len(hosts) > 0 {
		am.organizer = hosts[0].person
	}
	am.base = mail.Facts{MeetingType: mt.Name, Start: ap.Start, End: ap.End, Location: ap.Location, Host: am.organizer,
		Attendee: attendeePerson(ap.Attendee), CancelReason: ap.CancelReason}
	if s, ok := extra["previousStart"].(string); ok {
		if p, err := time.Parse(time.RFC3339, s); err == nil {
			am.base.PreviousStart = &p
		}
	}
	return am, nil
}

// calendar is the appointment's invitation as a message of kind carries
// it, or nil when no host is left to organise it.
func (am *appointmentMail) calendar(kind string) ([]byte, error) {
	if am.organizer.Email == "" {
		return nil, nil
	}
	e := invite.FromAppointment(am.ap)
	e.Summary, e.Organizer, e.Stamp = am.mt.Name, invite.Person{Name: am.organizer.Name, Email: am.organizer.Email}, am.t.now
	return invite.Render(mail.Method(kind), e)
}

// queue adds one message of the appointment, due at sendAt (zero: now),
// to those flush writes.
func (am *appointmentMail) queue(_ context.Context, kind string, f mail.Facts, lang, attendeeID string, sendAt time.Time) error {
	m := meetd.OutboxMessage{CompanyID: am.ap.CompanyID, Kind: kind, Recipient: f.Recipient.Email,
		AttendeeID: attendeeID, AppointmentID: am.ap.ID, Language: lang, SendAt: sendAt}
	m.Subject = mail.Subject(kind, lang, f)
	m.Data = f.Marshal()
	if mail.HasCalendar(kind) {
		var err error
		if m.Calendar, err = am.calendar(kind); err != nil {
			return err
		}
	}
	am.pending = append(am.pending, am.t.outboxRow(&m, "", ""))
	return nil
}

// toAttendee writes a message of kind (none when "") to one attendee and,
// unless the appointment is cancelled, the reminders still ahead when
// they asked for them.
func (am *appointmentMail) toAttendee(ctx context.Context, at meetd.Attendee, kind string) error {
	if at.Email == "" {
		return nil
	}
	f := am.base
	f.Recipient, f.TimeZone, f.Links = attendeePerson(at), at.Timezone, at.GuestOf == ""
	language := at.Language
	if at.GuestOf != "" {
		// A guest gives no zone or language of their own; the person who
		// brought them, often a colleague, is a far better guess for them
		// than UTC and English.
		for _, by := range am.ap.Attendees {
			if by.ID == at.GuestOf {
				f.TimeZone = cmp.Or(f.TimeZone, by.Timezone)
				language = cmp.Or(language, by.Language)
			}
		}
	}
	lang := mail.Language(language)
	f.PageLanguage = links.Language(language)
	if kind != "" {
		if err := am.queue(ctx, kind, f, lang, at.ID, time.Time{}); err != nil {
			return err
		}
	}
	if am.ap.Cancelled || !at.ReceiveReminders {
		return nil
	}
	for _, before := range am.mt.Reminders() {
		if when := am.ap.Start.Add(-before); when.After(am.t.now) {
			if err := am.queue(ctx, meetd.MailReminder, f, lang, at.ID, when); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueOptIn writes the double opt-in e-mail of a provisional booking just
// inserted, in the caller's transaction: the link to confirm it, to the
// attendee. Without the token (a provisional booking made other than
// through scheduling) there is no link to send, and nothing is queued.
func (t *tx) queueOptIn(ctx context.Context, p meetd.ProvisionalBooking) error {
	if p.Token == "" || p.AttendeeEmail == "" {
		return nil
	}
	var req struct {
		Attendee meetd.Attendee `json:"attendee"`
	}
	_ = json.Unmarshal(p.Request, &req) // as validated by scheduling; missing parts stay empty
	at := req.Attendee
	at.Email = p.AttendeeEmail
	mt, err := t.mailMeetingType(ctx, p.MeetingTypeID)
	if err != nil {
		return err
	}
	hosts, err := t.mailHosts(ctx, p.HostIDs)
	if err != nil {
		return err
	}
	f := mail.Facts{MeetingType: mt.Name, Start: p.Start, End: p.End, Attendee: attendeePerson(at),
		Recipient: attendeePerson(at), TimeZone: at.Timezone}
	if len(hosts) > 0 {
		f.Host = hosts[0].person
	}
	expires := p.ExpiresAt
	f.ExpiresAt = &expires
	f.PageLanguage = links.Language(at.Language)
	lang := mail.Language(at.Language)
	m := meetd.OutboxMessage{CompanyID: p.CompanyID, Kind: meetd.MailOptIn, Recipient: at.Email, Language: lang,
		Subject: mail.Subject(meetd.MailOptIn, lang, f), Data: f.Marshal()}
	return t.queueOutbox(ctx, &m, p.Token, p.ID)
}

// outboxDueSQL selects the due messages, oldest due first, on the index
// outbox_messages_due; its arguments are the pending status, now and the
// limit.
const outboxDueSQL = `SELECT ` + outboxColumns + ` FROM outbox_messages WHERE status = ? AND next_attempt_at <= ?
	ORDER BY next_attempt_at, id LIMIT ?`

// outboxRemindersSQL finds an appointment's pending reminders, as the
// UPDATE that cancels them does, on outbox_messages_appointment.
const outboxRemindersSQL = `SELECT id FROM outbox_messages WHERE appointment_id = ? AND kind = ? AND status = ?`

// ClaimOutbox implements meetd.Store.
//
// On PostgreSQL the due rows are locked, skipping rows another claim holds,
// so two workers never take one message; on SQLite the single writer
// serialises claims. A claimed message's next attempt is its lease's end:
// should its worker die, it is due again then.
func (db *DB) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) (_ []meetd.OutboxClaim, err error) {
	defer meetd.Wrap(&err, "sqldb.ClaimOutbox")
	var out []meetd.OutboxClaim
	err = db.update(ctx, func(t *tx) error {
		out = nil
		rows, err := t.query(ctx, outboxDueSQL+t.d.skipLocked(), meetd.OutboxPending, ms(t.now), limit)
		if err != nil {
			return err
		}
		msgs, err := scanAll(rows, scanOutbox)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			c, ok, err := t.claimable(ctx, m)
			if err != nil {
				return err
			}
			if !ok {
				if _, err := t.exec(ctx, `UPDATE outbox_messages SET status = ?, token = NULL, updated_at = ? WHERE id = ?`,
					meetd.OutboxCancelled, ms(t.now), m.ID); err != nil {
					return err
				}
				continue
			}
			c.Message.Attempts++
			if c.Message.FirstAttemptAt == nil {
				now := t.now
				c.Message.FirstAttemptAt = &now
			}
			if _, err := t.exec(ctx, `UPDATE outbox_messages SET attempts = ?, first_attempt_at = ?, next_attempt_at = ?,
				leased_until = ?, updated_at = ? WHERE id = ?`, c.Message.Attempts, ms(*c.Message.FirstAttemptAt),
				ms(t.now.Add(lease)), ms(t.now.Add(lease)), ms(t.now), m.ID); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// claimable reads what sending m needs, and whether it still should be
// sent: a double opt-in message only while its booking waits for the
// attendee, a reminder only while its appointment stands and has not
// begun.
func (t *tx) claimable(ctx context.Context, m meetd.OutboxMessage) (meetd.OutboxClaim, bool, error) {
	c := meetd.OutboxClaim{Message: m}
	if m.Kind == meetd.MailOptIn {
		var token sql.NullString
		var provisionalID, status string
		var expires int64
		err := t.queryRow(ctx, `SELECT o.token, o.provisional_id, p.status, p.expires_at FROM outbox_messages o
			JOIN provisional_bookings p ON p.id = o.provisional_id WHERE o.id = ?`, m.ID).Scan(&token, &provisionalID,
			&status, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return c, false, nil
		} else if err != nil {
			return c, false, err
		}
		c.Token, c.ProvisionalID = token.String, provisionalID
		return c, token.Valid && status == meetd.ProvisionalPending && t.now.Before(fromMS(expires)), nil
	}
	if m.AppointmentID == "" {
		return c, true, nil
	}
	var cancelled bool
	var startAt int64
	err := t.queryRow(ctx, `SELECT secret, cancelled, start_at FROM appointments WHERE id = ?`, m.AppointmentID).Scan(
		&c.AppointmentSecret, &cancelled, &startAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, m.Kind != meetd.MailReminder, nil // erased: the message goes out without links
	} else if err != nil {
		return c, false, err
	}
	// A reminder that comes too late (mail was off, or failing, until the
	// meeting began) reminds of nothing.
	return c, m.Kind != meetd.MailReminder || !cancelled && t.now.Before(fromMS(startAt)), nil
}

// FinishOutbox implements meetd.Store.
func (db *DB) FinishOutbox(ctx context.Context, r meetd.OutboxResult) (err error) {
	defer meetd.Wrap(&err, "sqldb.FinishOutbox(%s)", r.ID)
	msg := r.Error
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return db.update(ctx, func(t *tx) error {
		var q string
		var args []any
		switch r.Outcome {
		case meetd.OutboxOutcomeSent:
			q, args = `status = ?, sent_at = ?, leased_until = NULL, last_error = '', token = NULL, body = `+eraseLinkBody,
				[]any{meetd.OutboxSent, ms(t.now), meetd.MailRoutingForm}
		case meetd.OutboxOutcomeRetry:
			q, args = `next_attempt_at = ?, leased_until = NULL, last_error = ?`, []any{ms(r.NextAttemptAt), msg}
		case meetd.OutboxOutcomeGiveUp:
			q, args = `status = ?, leased_until = NULL, last_error = ?, token = NULL, body = `+eraseLinkBody,
				[]any{meetd.OutboxFailed, msg, meetd.MailRoutingForm}
		default:
			return fmt.Errorf("outbox message %s: unknown outcome %d", r.ID, r.Outcome)
		}
		// Only the current attempt of a pending message: a stale result
		// (the lease ran out and another claim took it) changes nothing.
		_, err := t.exec(ctx, `UPDATE outbox_messages SET `+q+`, updated_at = ? WHERE id = ? AND status = ? AND attempts = ?`,
			append(args, ms(t.now), r.ID, meetd.OutboxPending, r.Attempt)...)
		return err
	})
}

// outboxPruneSQL deletes finished messages on outbox_messages_due: one
// range per status.
const outboxPruneSQL = `DELETE FROM outbox_messages WHERE status IN (?, ?, ?) AND next_attempt_at < ?`

// PruneOutbox implements meetd.Store.
func (db *DB) PruneOutbox(ctx context.Context, before time.Time) (err error) {
	defer meetd.Wrap(&err, "sqldb.PruneOutbox")
	return db.update(ctx, func(t *tx) error {
		_, err := t.exec(ctx, outboxPruneSQL, meetd.OutboxSent, meetd.OutboxFailed, meetd.OutboxCancelled, ms(before))
		return err
	})
}

// OutboxMessages implements meetd.Store.
func (db *DB) OutboxMessages(ctx context.Context, f meetd.OutboxFilter) (_ []meetd.OutboxMessage, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.OutboxMessages(%s)", f.CompanyID)
	count, page, args := outboxListSQL(f)
	return listPage(ctx, db, count, page, args, f.Limit, f.Offset, scanOutbox)
}

// outboxListSQL returns OutboxMessages' count and page queries and their
// arguments (the page query takes the limit and offset after them).
func outboxListSQL(f meetd.OutboxFilter) (count, page string, args []any) {
	where := "company_id = ?"
	args = []any{f.CompanyID}
	if f.Status != "" {
		where, args = where+" AND status = ?", append(args, f.Status)
	}
	return `SELECT COUNT(*) FROM outbox_messages WHERE ` + where,
		`SELECT ` + outboxColumns + ` FROM outbox_messages WHERE ` + where + ` ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, args
}

// quickMailFacts fills in the language and facts of a quick mail to an
// attendee: the attendee who booked gets their cancel and reschedule
// links with it, a guest does not.
func (t *tx) quickMailFacts(ctx context.Context, m *meetd.OutboxMessage) error {
	var language, guestOf sql.NullString
	var name string
	if err := t.queryRow(ctx, `SELECT language, guest_of, fullname FROM appointment_attendees WHERE id = ?`,
		m.AttendeeID).Scan(&language, &guestOf, &name); err != nil {
		return err
	}
	m.Language = mail.Language(language.String)
	f := mail.Facts{Recipient: mail.Person{Name: name, Email: m.Recipient}, Links: !guestOf.Valid || guestOf.String == "",
		PageLanguage: links.Language(language.String)}
	var mainHost string
	if err := t.queryRow(ctx, `SELECT main_host_id FROM appointments WHERE id = ?`, m.AppointmentID).Scan(&mainHost); err != nil {
		return err
	}
	if hosts, err := t.mailHosts(ctx, []string{mainHost}); err != nil {
		return err
	} else if len(hosts) > 0 {
		f.Host = hosts[0].person
	}
	m.Data = f.Marshal()
	return nil
}

// requeueOptIn gives the attendee the new link of a provisional booking
// whose token was replaced (the old link no longer works): a confirmation
// message not yet sent gets the new token; when none is pending (the last
// one went out, or was given up), a new message is queued.
func (t *tx) requeueOptIn(ctx context.Context, p meetd.ProvisionalBooking) error {
	if p.Token == "" {
		return nil
	}
	res, err := t.exec(ctx, `UPDATE outbox_messages SET token = ?, updated_at = ? WHERE provisional_id = ? AND kind = ?
		AND status = ?`, p.Token, ms(t.now), p.ID, meetd.MailOptIn, meetd.OutboxPending)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	return t.queueOptIn(ctx, p)
}
