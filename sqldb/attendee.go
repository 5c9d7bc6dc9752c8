package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/meetd/meetd"
)

// strPtr is a nullable text column as a pointer.
func strPtr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

// searchKey is what the appointment list's search matches for an
// attendee: the e-mail and the names, lower-cased in Go so the match
// ignores case beyond ASCII on both engines.
func searchKey(a meetd.Attendee) string {
	return strings.ToLower(a.Email + " " + a.Fullname + " " + a.Firstname + " " + a.Lastname)
}

// insertAttendee writes one attendee row; a.ID must be set. It returns
// the attendee as a read of the row answers it.
func (t *tx) insertAttendee(ctx context.Context, companyID, appointmentID string, seq int, a meetd.Attendee) (meetd.Attendee, error) {
	notes := string(a.Notes)
	if len(a.Notes) == 0 {
		notes = "{}"
	}
	var guestOf any
	if a.GuestOf != "" {
		guestOf = a.GuestOf
	}
	_, err := t.exec(ctx, `INSERT INTO appointment_attendees (id, appointment_id, company_id, seq, email, search_key,
		firstname, lastname, fullname, phone, timezone, language, receive_reminders, notes, guest_of, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, appointmentID, companyID, seq, a.Email, searchKey(a),
		a.Firstname, a.Lastname, a.Fullname, a.Phone, a.Timezone, a.Language, a.ReceiveReminders, notes, guestOf, ms(t.now))
	// The columns scanAttendee reads, and nothing else.
	return meetd.Attendee{ID: a.ID, Email: a.Email, Firstname: a.Firstname, Lastname: a.Lastname, Fullname: a.Fullname,
		Phone: a.Phone, Timezone: a.Timezone, Language: a.Language, ReceiveReminders: a.ReceiveReminders,
		Notes: json.RawMessage(notes), GuestOf: a.GuestOf}, err
}

// guest is the attendee a guest address becomes: reminders on, no notes.
func guest(email, of string) meetd.Attendee {
	return meetd.Attendee{ID: meetd.NewID(), GuestOf: of, Email: email, ReceiveReminders: true, Notes: json.RawMessage(`{}`)}
}

// insertAttendees writes the person who booked (seq 0) and the guests
// they brought, skipping addresses already on the appointment.
func (t *tx) insertAttendees(ctx context.Context, companyID, appointmentID string, a meetd.Attendee) ([]meetd.Attendee, error) {
	a.ID = meetd.NewID()
	first, err := t.insertAttendee(ctx, companyID, appointmentID, 0, a)
	if err != nil {
		return nil, err
	}
	out := []meetd.Attendee{first}
	seen := map[string]bool{strings.ToLower(a.Email): true}
	seq := 1
	for _, e := range a.BringalongEmails {
		if seen[strings.ToLower(e)] {
			continue
		}
		seen[strings.ToLower(e)] = true
		g, err := t.insertAttendee(ctx, companyID, appointmentID, seq, guest(e, a.ID))
		if err != nil {
			return nil, err
		}
		out = append(out, g)
		seq++
	}
	return out, nil
}

const attendeeColumns = `id, appointment_id, seq, email, firstname, lastname, fullname, phone, timezone, language,
	receive_reminders, notes, guest_of`

type attendeeRow struct {
	meetd.Attendee
	appointmentID string
	seq           int
}

func scanAttendee(row interface{ Scan(...any) error }) (attendeeRow, error) {
	var r attendeeRow
	var notes string
	var guestOf sql.NullString
	err := row.Scan(&r.ID, &r.appointmentID, &r.seq, &r.Email, &r.Firstname, &r.Lastname, &r.Fullname, &r.Phone,
		&r.Timezone, &r.Language, &r.ReceiveReminders, &notes, &guestOf)
	r.Notes, r.GuestOf = json.RawMessage(notes), guestOf.String
	return r, err
}

// liveAttendees reads the attendees still on an appointment, in the
// order they joined.
func liveAttendees(ctx context.Context, q querier, appointmentID string) ([]attendeeRow, error) {
	rows, err := q.query(ctx, `SELECT `+attendeeColumns+` FROM appointment_attendees WHERE appointment_id = ?
		AND removed_at IS NULL ORDER BY seq`, appointmentID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanAttendee)
}

// attendeesOf fills in the attendees still on aps, in the order they
// joined; Attendee is the first of them.
func attendeesOf(ctx context.Context, q func(context.Context, string, ...any) (*sql.Rows, error), aps []meetd.Appointment) error {
	if len(aps) == 0 {
		return nil
	}
	idx := map[string]int{}
	args := make([]any, len(aps))
	for i, ap := range aps {
		idx[ap.ID], args[i] = i, ap.ID
		aps[i].Attendees = nil
	}
	rows, err := q(ctx, `SELECT `+attendeeColumns+` FROM appointment_attendees WHERE appointment_id IN (`+
		placeholders(len(args))+`) AND removed_at IS NULL ORDER BY appointment_id, seq`, args...)
	if err != nil {
		return err
	}
	list, err := scanAll(rows, scanAttendee)
	if err != nil {
		return err
	}
	for _, r := range list {
		i := idx[r.appointmentID]
		aps[i].Attendees = append(aps[i].Attendees, r.Attendee)
	}
	for i := range aps {
		if len(aps[i].Attendees) > 0 {
			aps[i].Attendee = aps[i].Attendees[0]
		}
	}
	return nil
}

var errAttendeeNotFound = meetd.Errorf(meetd.ENOTFOUND, "Attendee not found")

// findAttendee returns the live attendee with id (in any case).
func findAttendee(live []attendeeRow, id string) (attendeeRow, bool) {
	id = strings.ToLower(id)
	for _, r := range live {
		if r.ID == id {
			return r, true
		}
	}
	return attendeeRow{}, false
}

// activeForChange reads a company's appointment under lock for a change
// that needs it active.
func (t *tx) activeForChange(ctx context.Context, companyID, id string) (meetd.Appointment, error) {
	if companyID == "" {
		return meetd.Appointment{}, errAppointmentNotFound
	}
	ap, err := appointment(ctx, t, companyID, id, t.d.forUpdate)
	if err != nil {
		return ap, err
	}
	if ap.Cancelled {
		return ap, errAlreadyCancelled
	}
	return ap, nil
}

// attendeesForChange reads a company's active appointment under lock (see
// activeForChange) and its live attendees, for a change of who attends.
func (t *tx) attendeesForChange(ctx context.Context, companyID, id string) (meetd.Appointment, []attendeeRow, error) {
	ap, err := t.activeForChange(ctx, companyID, id)
	if err != nil {
		return ap, nil, err
	}
	live, err := liveAttendees(ctx, t, ap.ID)
	return ap, live, err
}

// RemoveAttendee implements meetd.Store.
func (db *DB) RemoveAttendee(ctx context.Context, a meetd.Actor, companyID, id, attendeeID, reason, source string) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.RemoveAttendee(%s, %s)", id, attendeeID)
	var out meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		ap, live, err := t.attendeesForChange(ctx, companyID, id)
		if err != nil {
			return err
		}
		gone, ok := findAttendee(live, attendeeID)
		if !ok {
			return errAttendeeNotFound
		}
		left := 0
		for _, r := range live {
			if r.ID != gone.ID && r.GuestOf != gone.ID {
				left++
			}
		}
		if left == 0 { // the last attendee leaving cancels the appointment
			if err := t.cancel(ctx, a, ap, reason, source); err != nil {
				return err
			}
		} else {
			if _, err := t.exec(ctx, `UPDATE appointment_attendees SET removed_at = ? WHERE appointment_id = ?
				AND (id = ? OR guest_of = ?) AND removed_at IS NULL`, ms(t.now), ap.ID, gone.ID, gone.ID); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE appointments SET updated_at = ? WHERE id = ?`, ms(t.now), ap.ID); err != nil {
				return err
			}
			if err := t.emitAppointment(ctx, a, meetd.EventAttendeeRemoved, ap.ID, map[string]any{
				"removedAttendeeId": gone.ID, "reason": reason}); err != nil {
				return err
			}
			if err := t.audit(ctx, a, ap.CompanyID, "appointment.attendee_remove", "appointment", ap.ID); err != nil {
				return err
			}
		}
		out, err = appointment(ctx, t, companyID, ap.ID, "")
		return err
	})
	return out, err
}

// AddGuests implements meetd.Store.
func (db *DB) AddGuests(ctx context.Context, a meetd.Actor, companyID, id, attendeeID string, emails []string) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.AddGuests(%s)", id)
	var out meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		ap, live, err := t.attendeesForChange(ctx, companyID, id)
		if err != nil {
			return err
		}
		of, ok := findAttendee(live, attendeeID)
		if attendeeID == "" && len(live) > 0 {
			of, ok = live[0], true
		}
		if !ok {
			return errAttendeeNotFound
		}
		host := of.ID
		if of.GuestOf != "" { // a guest's guest belongs to the same attendee
			host = of.GuestOf
		}
		seen, guests := map[string]bool{}, 0
		for _, r := range live {
			seen[strings.ToLower(r.Email)] = true
			if r.GuestOf != "" {
				guests++
			}
		}
		var seq int
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM appointment_attendees WHERE appointment_id = ?`,
			ap.ID).Scan(&seq); err != nil {
			return err
		}
		before := seq
		for _, e := range emails {
			if seen[strings.ToLower(e)] {
				continue
			}
			seen[strings.ToLower(e)] = true
			if guests++; guests > meetd.MaxGuests {
				return meetd.Errorf(meetd.EINVALID, "An appointment may have at most %d guests", meetd.MaxGuests)
			}
			seq++
			if _, err := t.insertAttendee(ctx, ap.CompanyID, ap.ID, seq, guest(e, host)); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, `UPDATE appointments SET updated_at = ? WHERE id = ?`, ms(t.now), ap.ID); err != nil {
			return err
		}
		if err := t.audit(ctx, a, ap.CompanyID, "appointment.guest_add", "appointment", ap.ID); err != nil {
			return err
		}
		if err := t.queueGuestMail(ctx, ap.ID, before); err != nil {
			return err
		}
		out, err = appointment(ctx, t, companyID, ap.ID, "")
		return err
	})
	return out, err
}

// UpdateAppointmentTexts implements meetd.Store.
func (db *DB) UpdateAppointmentTexts(ctx context.Context, a meetd.Actor, companyID, id string, u meetd.AppointmentTexts) (_ meetd.Appointment, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateAppointmentTexts(%s)", id)
	if companyID == "" {
		return meetd.Appointment{}, errAppointmentNotFound
	}
	var out meetd.Appointment
	err = db.update(ctx, func(t *tx) error {
		ap, err := appointment(ctx, t, companyID, id, t.d.forUpdate)
		if err != nil {
			return err
		}
		set, args := []string{"updated_at = ?"}, []any{ms(t.now)}
		if u.SetNote {
			set, args = append(set, "note = ?"), append(args, u.Note)
		}
		if u.SetTranscription {
			set, args = append(set, "transcription = ?"), append(args, nullStr(u.Transcription))
		}
		if u.SetSummary {
			set, args = append(set, "summary = ?"), append(args, nullStr(u.Summary))
		}
		if _, err := t.exec(ctx, `UPDATE appointments SET `+strings.Join(set, ", ")+` WHERE id = ?`,
			append(args, ap.ID)...); err != nil {
			return err
		}
		if err := t.audit(ctx, a, ap.CompanyID, "appointment.texts", "appointment", ap.ID); err != nil {
			return err
		}
		out, err = appointment(ctx, t, companyID, ap.ID, "")
		return err
	})
	return out, err
}

// nullStr is a pointer as a nullable text argument.
func nullStr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// AttendeeAppointmentID implements meetd.Store.
func (db *DB) AttendeeAppointmentID(ctx context.Context, companyID, attendeeID string) (_ string, err error) {
	defer meetd.Wrap(&err, "sqldb.AttendeeAppointmentID(%s)", attendeeID)
	if companyID == "" || !meetd.IsUUID(attendeeID) {
		return "", errAttendeeNotFound
	}
	var id string
	err = db.queryRow(ctx, `SELECT appointment_id FROM appointment_attendees WHERE company_id = ? AND id = ?
		AND removed_at IS NULL`, companyID, strings.ToLower(attendeeID)).Scan(&id)
	return id, notFound(err, "Attendee not found")
}

// QueueQuickMail implements meetd.Store.
func (db *DB) QueueQuickMail(ctx context.Context, a meetd.Actor, companyID, appointmentID, attendeeID, subject, body string) (_ meetd.OutboxMessage, err error) {
	defer meetd.Wrap(&err, "sqldb.QueueQuickMail(%s)", attendeeID)
	if companyID == "" || !meetd.IsUUID(attendeeID) {
		return meetd.OutboxMessage{}, errAttendeeNotFound
	}
	var m meetd.OutboxMessage
	err = db.update(ctx, func(t *tx) error {
		var email string
		if err := t.queryRow(ctx, `SELECT email FROM appointment_attendees WHERE company_id = ? AND appointment_id = ?
			AND id = ? AND removed_at IS NULL`, companyID, strings.ToLower(appointmentID), strings.ToLower(attendeeID)).Scan(&email); err != nil {
			return notFound(err, "Attendee not found")
		}
		m = meetd.OutboxMessage{CompanyID: companyID, Kind: meetd.MailQuick, Recipient: email, Subject: subject, Body: body,
			AttendeeID: strings.ToLower(attendeeID), AppointmentID: strings.ToLower(appointmentID)}
		if err := t.quickMailFacts(ctx, &m); err != nil {
			return err
		}
		if err := t.queueOutbox(ctx, &m, "", ""); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "attendee.quick_mail", "attendee", m.AttendeeID)
	})
	return m, err
}
