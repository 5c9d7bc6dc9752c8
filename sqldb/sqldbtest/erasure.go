package sqldbtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// The person erased in runErasure, and the names they go by.
const (
	erasedEmail = "Zelda.Quimby@Example.org"
	erasedFirst = "Zelda"
	erasedLast  = "Quimby"
)

// runErasure checks EraseGDPR on b: after a person booked, came as a
// guest, asked for a double opt-in booking, got a quick mail, cancelled
// through their link, was written about in host notes, a cancel reason and
// another contact's notes, sat in webhook payloads, a stored idempotent
// answer and GDPR exports, an erasure leaves no column of any table, found
// by reading the catalogue, holding their address or a name, while the
// appointments stay for the hosts and the others' records keep theirs.
func runErasure(t *testing.T, b Backend) {
	t.Run("erasure leaves no text naming the person in any table", func(t *testing.T) {
		t.Parallel() // a database of its own
		dsn := MigratedDSN(t, b)
		clock := meetd.NewManualClock(start)
		f := &fixture{t: t, db: OpenDSN(t, dsn, clock), clock: clock, ctx: context.Background()}
		raw := rawDB(t, b, dsn)
		c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
		f.webhook(c.ID, meetd.EventBookingCreated, meetd.EventBookingCancelled, meetd.EventBookingRescheduled)
		h := f.host(c.ID, "h1@example.com")
		at := start.Add(48 * time.Hour)

		n := f.booking(h, at, 30)
		n.Attendee = meetd.Attendee{Email: erasedEmail, Firstname: erasedFirst, Lastname: erasedLast,
			Fullname: erasedFirst + " " + erasedLast, Phone: "+49 30 5550199",
			Notes: json.RawMessage(`{"What about?":"Zelda Quimby wants pricing"}`), BringalongEmails: []string{"friend@example.com"}}
		mine, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
		if err != nil {
			t.Fatal(err)
		}
		other := f.booking(h, at.Add(time.Hour), 30)
		other.Attendee = meetd.Attendee{Email: "oscar@example.com", Fullname: "Oscar Other", Notes: json.RawMessage(`{}`),
			BringalongEmails: []string{strings.ToUpper(erasedEmail)}}
		theirs, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.QueueQuickMail(f.ctx, meetd.CLIActor, c.ID, mine.ID, mine.Attendee.ID, "Hello Zelda Quimby",
			"Dear Zelda, see you."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateAppointmentTexts(f.ctx, meetd.CLIActor, c.ID, mine.ID, meetd.AppointmentTexts{
			SetNote: true, Note: "Call Zelda before; zelda.quimby@example.org", SetSummary: true,
			Summary: ptr("Quimby asked about pricing")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateAppointmentTexts(f.ctx, meetd.CLIActor, c.ID, theirs.ID, meetd.AppointmentTexts{
			SetNote: true, Note: "Oscar brings Zelda Quimby"}); err != nil {
			t.Fatal(err)
		}
		attendee := meetd.Actor{IP: "198.51.100.4", Source: "attendee"}
		if _, err := f.db.CancelAppointment(f.ctx, attendee, c.ID, mine.ID, "Zelda Quimby cannot come", "attendee"); err != nil {
			t.Fatal(err)
		}
		req := fmt.Sprintf(`{"attendee":{"email":%q,"firstname":%q,"lastname":%q,"fullname":"Zelda Quimby"}}`,
			erasedEmail, erasedFirst, erasedLast)
		if _, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: c.ID,
			MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID}, Start: at.Add(3 * time.Hour), End: at.Add(210 * time.Minute),
			Request: json.RawMessage(req), AttendeeEmail: strings.ToLower(erasedEmail), TokenHash: []byte{7}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CreateContact(f.ctx, meetd.CLIActor, meetd.Contact{CompanyID: c.ID, Email: "peer@example.com",
			Notes: "Met Zelda  Quimby at the fair", AccountOwnerID: owner.ID}); err != nil {
			t.Fatal(err)
		}
		cred := f.credential(meetd.KindAPIKey, c.ID, "", []byte("erasure-key"), nil)
		if _, owner, err := f.db.ReserveResponse(f.ctx, cred.ID, "key-1", meetd.StoredResponse{Route: "POST /v4/booking",
			RequestHash: []byte{1}}); err != nil {
			t.Fatal(err)
		} else if err := f.db.CompleteResponse(f.ctx, cred.ID, "key-1", owner, 201,
			[]byte(fmt.Sprintf(`{"attendee":{"email":%q,"fullname":"Zelda Quimby"}}`, erasedEmail))); err != nil {
			t.Fatal(err)
		}
		for _, mail := range []string{erasedEmail, "oscar@example.com"} {
			if _, err := f.db.CreateGDPRExport(f.ctx, meetd.CLIActor, c.ID, mail, func(r meetd.GDPRRecords) ([]byte, error) {
				return json.Marshal(r)
			}); err != nil {
				t.Fatal(err)
			}
		}
		needles := []string{strings.ToLower(erasedEmail), strings.ToLower(erasedFirst), strings.ToLower(erasedLast)}
		if hits := textHits(t, raw, b, needles); len(hits) < 10 {
			t.Fatalf("the fixture names the person in too few places to test anything: %v", hits)
		}

		// A user's address is refused: users are removed, not erased.
		_, err = f.db.EraseGDPR(f.ctx, meetd.CLIActor, c.ID, "H1@example.com")
		wantCode(t, err, meetd.ECONFLICT)
		erasure, err := f.db.EraseGDPR(f.ctx, meetd.CLIActor, c.ID, " "+strings.ToUpper(erasedEmail)+" ")
		if err != nil {
			t.Fatal(err)
		}
		if hits := textHits(t, raw, b, needles); len(hits) > 0 {
			t.Fatalf("after erasure the person is still named in: %s", strings.Join(hits, "\n"))
		}
		if erasure.Subject != sqldb.ErasureSubject(erasedEmail) || erasure.Counts["contacts"] != 1 ||
			erasure.Counts["attendees"] != 2 || erasure.Counts["appointments"] != 2 || erasure.Counts["provisionalBookings"] != 1 {
			t.Fatalf("erasure = %+v", erasure)
		}
		// The appointments stay for the host, the attendee erased; the
		// others keep theirs.
		got, err := f.db.AppointmentByID(f.ctx, c.ID, mine.ID)
		if err != nil || got.Attendee.Fullname != meetd.ErasedAttendeeName || got.Attendee.Email != "" || !got.Cancelled ||
			len(got.Attendees) != 2 || got.Attendees[1].Email != "friend@example.com" {
			t.Fatalf("the erased person's appointment: %+v, %v", got, err)
		}
		got, err = f.db.AppointmentByID(f.ctx, c.ID, theirs.ID)
		if err != nil || got.Attendee.Email != "oscar@example.com" || got.Attendee.Fullname != "Oscar Other" ||
			got.Attendees[1].Fullname != meetd.ErasedAttendeeName || got.Note != "Oscar brings [erased]" {
			t.Fatalf("the other appointment: %+v, %v", got, err)
		}
		if d, err := f.db.ContactByAttendee(f.ctx, c.ID, theirs.Attendee.ID, start); err != nil || d.Contact.Email != "oscar@example.com" {
			t.Fatalf("Oscar's contact: %+v, %v", d, err)
		}
		_, err = f.db.ContactByAttendee(f.ctx, c.ID, mine.Attendee.ID, start)
		wantCode(t, err, meetd.ENOTFOUND)
		// Rescheduling the erased person's other appointment makes no
		// contact again.
		if _, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, c.ID, theirs.ID, at.Add(5*time.Hour),
			at.Add(330*time.Minute), 0, 0); err != nil {
			t.Fatal(err)
		}
		if hits := textHits(t, raw, b, needles); len(hits) > 0 {
			t.Fatalf("after a reschedule the person is named again in: %s", strings.Join(hits, "\n"))
		}
		entries, err := f.db.Audit(f.ctx, meetd.AuditFilter{CompanyID: c.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var audited bool
		for _, e := range entries {
			audited = audited || e.Action == "gdpr.erase" && e.TargetID == erasure.Subject
			if e.Source == "attendee" && e.IP != "" {
				t.Fatalf("an attendee's address is kept: %+v", e)
			}
		}
		if !audited {
			t.Fatal("the erasure is not audited")
		}
	})
	t.Run("erasure is scoped to the company", func(t *testing.T) {
		f := newFixture(t, b)
		ca, _ := f.company(meetd.PlanEnterprise, "owner-a@example.com")
		cb, _ := f.company(meetd.PlanEnterprise, "owner-b@example.com")
		for _, c := range []meetd.Company{ca, cb} {
			if _, err := f.db.CreateContact(f.ctx, meetd.CLIActor, meetd.Contact{CompanyID: c.ID, Email: erasedEmail,
				FirstName: erasedFirst}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.EraseGDPR(f.ctx, meetd.CLIActor, ca.ID, erasedEmail); err != nil {
			t.Fatal(err)
		}
		if rows, total, _ := f.db.ListContacts(f.ctx, meetd.ContactFilter{CompanyID: ca.ID, Limit: 10}); total != 0 {
			t.Fatalf("A still has %v", rows)
		}
		if rows, total, _ := f.db.ListContacts(f.ctx, meetd.ContactFilter{CompanyID: cb.ID, Limit: 10}); total != 1 ||
			rows[0].Contact.FirstName != erasedFirst {
			t.Fatalf("B's contact: %v", rows)
		}
	})
}

// rawDB opens dsn a second time, outside sqldb, for reading the catalogue.
func rawDB(t *testing.T, b Backend, dsn string) *sql.DB {
	t.Helper()
	driver := "pgx"
	if b.Name == "sqlite" {
		driver, dsn = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// textHits lists "table.column: value" for every value of every text
// column of every table (enumerated from the catalogue, so tables other
// packages add later are searched too) that contains a needle in any case.
// On SQLite every column is read as text, whatever its declared type.
func textHits(t *testing.T, db *sql.DB, b Backend, needles []string) []string {
	t.Helper()
	ctx := context.Background()
	query := `SELECT m.name, p.name, '' FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`
	if b.Name != "sqlite" {
		query = `SELECT table_name, column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema()
			AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
			ORDER BY table_name, ordinal_position`
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][3]string
	for rows.Next() {
		var c [3]string
		if err := rows.Scan(&c[0], &c[1], &c[2]); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 50 {
		t.Fatalf("the catalogue lists only %d columns", len(cols))
	}
	var hits []string
	for _, c := range cols {
		text := `CAST("` + c[1] + `" AS TEXT)`
		if c[2] == "bytea" {
			text = `ENCODE("` + c[1] + `", 'escape')`
		}
		for _, n := range needles {
			q := `SELECT ` + text + ` FROM "` + c[0] + `" WHERE LOWER(` + text + `) LIKE ?`
			if b.Name != "sqlite" {
				q = strings.Replace(q, "?", "$1", 1)
			}
			rows, err := db.QueryContext(ctx, q, "%"+n+"%")
			if err != nil {
				t.Fatalf("%s.%s: %v", c[0], c[1], err)
			}
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				hits = append(hits, c[0]+"."+c[1]+": "+v)
			}
			rows.Close()
		}
	}
	return hits
}
