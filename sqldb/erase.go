package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meetd/meetd"
)

// erased replaces a name or an address in free text and JSON strings.
const erased = "[erased]"

// ErasureSubject is what the audit log names instead of an erased
// address: the SHA-256 of the lower-cased, trimmed address.
func ErasureSubject(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// eraser knows what names a person: their address, and the names they
// went by. full are the names of two words or more and the address, which
// are erased from any text of the company; all adds the single first and
// last names, which are erased only from the person's own records (a
// first name alone may well be a host's too).
type eraser struct {
	email string
	full  []string
	all   []string
	// own are the ids of the person's records (appointments, attendees,
	// provisional bookings): a text that names one is about them, and
	// loses their single names too.
	own []string
}

// needlesFor returns what to erase from s: every name when s is about one
// of the person's records, the address and full names otherwise.
func (e *eraser) needlesFor(s string) []string {
	lower := strings.ToLower(s)
	for _, id := range e.own {
		if strings.Contains(lower, id) {
			return e.all
		}
	}
	return e.full
}

func newEraser(email string) *eraser {
	return &eraser{email: email, full: []string{email}, all: []string{email}}
}

// name adds a name the person went by.
func (e *eraser) name(first, last, full string) {
	add := func(list *[]string, s string) {
		if len([]rune(s)) >= 2 && !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	for _, s := range []string{norm(full), norm(first + " " + last)} {
		if strings.Contains(s, " ") {
			add(&e.full, s)
		}
		add(&e.all, s)
	}
	add(&e.all, norm(first))
	add(&e.all, norm(last))
	// Longest first, so "Erika Mustermann" goes before "Erika".
	for _, l := range []*[]string{&e.full, &e.all} {
		slices.SortFunc(*l, func(a, b string) int { return len(b) - len(a) })
	}
}

// text replaces every needle in s, in any case and with any run of
// blanks between the words of a name. A needle counts only as a whole
// word (no letter or digit right before or after it) and never inside an
// id: the texts about a person's records hold those records' ids and
// secrets, and a short name ("Ed", "Ada", "Bea") is part of many ids;
// rewriting one broke the records (a foreign key failed, or an
// appointment lost its id).
func (e *eraser) text(s string, needles []string) string {
	for _, n := range needles {
		words := strings.Fields(n)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		re := regexp.MustCompile(`(?i)` + strings.Join(words, `\s+`))
		ids := uuidPattern.FindAllStringIndex(s, -1)
		var b strings.Builder
		last := 0
		for _, m := range re.FindAllStringIndex(s, -1) {
			if !wholeWord(s, m[0], m[1]) || slices.ContainsFunc(ids, func(id []int) bool { return m[0] < id[1] && id[0] < m[1] }) {
				continue
			}
			b.WriteString(s[last:m[0]])
			b.WriteString(erased)
			last = m[1]
		}
		if last > 0 {
			b.WriteString(s[last:])
			s = b.String()
		}
	}
	return s
}

// uuidPattern finds ids in a text.
var uuidPattern = regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)

// wholeWord reports whether s[from:to] is neither preceded nor followed
// by a letter or digit.
func wholeWord(s string, from, to int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:from])
	after, _ := utf8.DecodeRuneInString(s[to:])
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return (from == 0 || !word(before)) && (to == len(s) || !word(after))
}

// piiKeys are the keys of an object that is the person (it carries their
// address under an e-mail key) whose values go with them.
var piiKeys = map[string]any{
	"email": "", "attendeeEmail": "", "firstname": "", "lastname": "", "firstName": "", "lastName": "",
	"fullname": meetd.ErasedAttendeeName, "fullName": meetd.ErasedAttendeeName, "name": meetd.ErasedAttendeeName,
	"phone": "", "phoneNumber": "", "notes": map[string]any{}, "additionalData": map[string]any{},
}

// value erases the person from a decoded JSON value: an object that is
// them loses what piiKeys names, a list loses their address, and every
// string loses the needles.
func (e *eraser) value(v any, needles []string) any {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"email", "attendeeEmail", "emailAddress"} {
			if s, ok := v[k].(string); ok && strings.EqualFold(strings.TrimSpace(s), e.email) {
				for key, blank := range piiKeys {
					if _, ok := v[key]; ok {
						v[key] = blank
					}
				}
			}
		}
		for k, x := range v {
			v[k] = e.value(x, needles)
		}
		return v
	case []any:
		out := v[:0]
		for _, x := range v {
			if s, ok := x.(string); ok && strings.EqualFold(strings.TrimSpace(s), e.email) {
				continue
			}
			out = append(out, e.value(x, needles))
		}
		return out
	case string:
		return e.text(v, needles)
	}
	return v
}

// scrub erases the person from stored text: JSON (an object or a list)
// is decoded and erased value by value, anything else as text.
//
// Text that names nobody is returned as it is (JSON keeps its key order).
func (e *eraser) scrub(s string, needles []string) string {
	plain := e.text(s, needles)
	if plain == s {
		return s // no needle, and every object that is the person holds one
	}
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if enc.Encode(e.value(v, needles)) == nil {
				return strings.TrimSuffix(b.String(), "\n")
			}
		}
	}
	return plain
}

// EraseGDPR implements meetd.Store (docs/decisions.md#gdpr-erasure).
func (db *DB) EraseGDPR(ctx context.Context, a meetd.Actor, companyID, email string) (_ meetd.GDPRErasure, err error) {
	defer meetd.Wrap(&err, "sqldb.EraseGDPR(%s)", companyID) // never the address
	lower := strings.ToLower(strings.TrimSpace(email))
	var out meetd.GDPRErasure
	err = db.update(ctx, func(t *tx) error {
		out = meetd.GDPRErasure{ID: meetd.NewID(), Subject: ErasureSubject(lower), Counts: map[string]int{}}
		var users int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE company_id = ? AND email_lower = ?`,
			companyID, lower).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return meetd.Errorf(meetd.ECONFLICT, "The address belongs to a user of the company; remove the user with DELETE /v4/user/{id}")
		}
		e := newEraser(lower)
		if err := t.eraseContacts(ctx, companyID, e, out.Counts); err != nil {
			return err
		}
		attendees, appointments, err := t.eraseAttendees(ctx, companyID, e, out.Counts)
		if err != nil {
			return err
		}
		if err := t.eraseAppointments(ctx, companyID, e, appointments, out.Counts); err != nil {
			return err
		}
		// The copies of those appointments in hosts' CalDAV calendars name
		// the person too: they are written again, as the appointments now
		// stand (write-back is the only way meetd reaches them).
		for _, id := range appointments {
			if err := t.queueCalendarWrites(ctx, meetd.Appointment{ID: id, CompanyID: companyID}, false); err != nil {
				return err
			}
		}
		provisional, err := t.eraseProvisional(ctx, companyID, e, out.Counts)
		if err != nil {
			return err
		}
		for _, ids := range [][]string{appointments, attendees, provisional} {
			for _, id := range ids {
				e.own = append(e.own, strings.ToLower(id))
			}
		}
		if err := t.eraseMessages(ctx, companyID, e, attendees, out.Counts); err != nil {
			return err
		}
		// The routing forms' recipients and submissions (answers are JSON,
		// which the sweep below leaves alone).
		if err := t.eraseFormPerson(ctx, companyID, lower); err != nil {
			return err
		}
		// What the person did through their attendee links was done from
		// their address: the entries stay, the client address goes.
		for _, ids := range [][]string{appointments, provisional} {
			for _, id := range ids {
				res, err := t.exec(ctx, `UPDATE audit_log SET ip = '' WHERE company_id = ? AND source = 'attendee'
					AND target_id = ? AND ip <> ''`, companyID, id)
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				out.Counts["auditEntries"] += int(n)
			}
		}
		if err := t.eraseEverywhere(ctx, companyID, e, out.Counts); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "gdpr.erase", "gdpr_erasure", out.Subject)
	})
	if err == nil && db.d.purgeLog != "" {
		db.purgeAfterErasure()
	}
	return out, err
}

// eraseContacts deletes the person's contacts, learning their names.
func (t *tx) eraseContacts(ctx context.Context, companyID string, e *eraser, counts map[string]int) error {
	rows, err := t.query(ctx, `SELECT `+contactColumns+` FROM contacts WHERE company_id = ? AND email_lower = ?`, companyID, e.email)
	if err != nil {
		return err
	}
	cs, err := scanAll(rows, scanContact)
	if err != nil {
		return err
	}
	for _, c := range cs {
		e.name(c.FirstName, c.LastName, "")
		if err := t.deleteContact(ctx, c.ID); err != nil {
			return err
		}
	}
	counts["contacts"] = len(cs)
	return nil
}

// eraseAttendees anonymises the person's attendee rows and returns their
// ids and the appointments they were on.
func (t *tx) eraseAttendees(ctx context.Context, companyID string, e *eraser, counts map[string]int) (ids, appointments []string, err error) {
	rows, err := t.query(ctx, `SELECT `+attendeeColumns+` FROM appointment_attendees WHERE company_id = ? AND LOWER(email) = ?`,
		companyID, e.email)
	if err != nil {
		return nil, nil, err
	}
	list, err := scanAll(rows, scanAttendee)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range list {
		e.name(r.Firstname, r.Lastname, r.Fullname)
		ids = append(ids, r.ID)
		if !slices.Contains(appointments, r.appointmentID) {
			appointments = append(appointments, r.appointmentID)
		}
	}
	for _, id := range ids {
		if _, err := t.exec(ctx, `UPDATE appointment_attendees SET email = '', search_key = ?, firstname = '', lastname = '',
			fullname = ?, phone = '', notes = '{}', contact_id = NULL WHERE id = ?`,
			strings.ToLower(meetd.ErasedAttendeeName), meetd.ErasedAttendeeName, id); err != nil {
			return nil, nil, err
		}
	}
	counts["attendees"] = len(ids)
	// The appointments the person booked keep a copy of them.
	rows, err = t.query(ctx, `SELECT id FROM appointments WHERE company_id = ? AND attendee_email = ?`, companyID, e.email)
	if err != nil {
		return nil, nil, err
	}
	booked, err := scanAll(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	for _, id := range booked {
		if !slices.Contains(appointments, id) {
			appointments = append(appointments, id)
		}
	}
	return ids, appointments, err
}

// eraseAppointments erases the person from the appointments they were on:
// the attendee copy, and the host-side texts and cancel reason.
func (t *tx) eraseAppointments(ctx context.Context, companyID string, e *eraser, ids []string, counts map[string]int) error {
	for _, id := range ids {
		var attendee, email, reason, note string
		var transcription, summary *string
		if err := t.queryRow(ctx, `SELECT attendee, attendee_email, cancel_reason, note, transcription, summary
			FROM appointments WHERE company_id = ? AND id = ?`, companyID, id).Scan(&attendee, &email, &reason, &note,
			&transcription, &summary); err != nil {
			return err
		}
		var copyOf meetd.Attendee
		if json.Unmarshal([]byte(attendee), &copyOf) == nil && strings.EqualFold(copyOf.Email, e.email) {
			e.name(copyOf.Firstname, copyOf.Lastname, copyOf.Fullname)
		}
		if email == e.email {
			email = ""
		}
		for _, p := range []*string{transcription, summary} {
			if p != nil {
				*p = e.text(*p, e.all)
			}
		}
		if _, err := t.exec(ctx, `UPDATE appointments SET attendee = ?, attendee_email = ?, cancel_reason = ?, note = ?,
			transcription = ?, summary = ? WHERE id = ?`, e.scrub(attendee, e.all), email, e.text(reason, e.all),
			e.text(note, e.all), nullStr(transcription), nullStr(summary), id); err != nil {
			return err
		}
	}
	counts["appointments"] = len(ids)
	return nil
}

// eraseProvisional erases the person from the provisional bookings they
// made, and returns their ids.
func (t *tx) eraseProvisional(ctx context.Context, companyID string, e *eraser, counts map[string]int) ([]string, error) {
	type pb struct{ id, request string }
	rows, err := t.query(ctx, `SELECT id, request FROM provisional_bookings WHERE company_id = ? AND attendee_email = ?`,
		companyID, e.email)
	if err != nil {
		return nil, err
	}
	list, err := scanAll(rows, func(r interface{ Scan(...any) error }) (pb, error) {
		var p pb
		return p, r.Scan(&p.id, &p.request)
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range list {
		var req struct{ Attendee meetd.Attendee }
		if json.Unmarshal([]byte(p.request), &req) == nil {
			e.name(req.Attendee.Firstname, req.Attendee.Lastname, req.Attendee.Fullname)
		}
	}
	for _, p := range list {
		if _, err := t.exec(ctx, `UPDATE provisional_bookings SET request = ?, attendee_email = '' WHERE id = ?`,
			e.scrub(p.request, e.all), p.id); err != nil {
			return nil, err
		}
		ids = append(ids, p.id)
	}
	counts["provisionalBookings"] = len(ids)
	return ids, nil
}

// eraseMessages deletes the messages meant for the person and what the
// company keeps about them for a while: GDPR exports that name them.
func (t *tx) eraseMessages(ctx context.Context, companyID string, e *eraser, attendees []string, counts map[string]int) error {
	res, err := t.exec(ctx, `DELETE FROM outbox_messages WHERE company_id = ? AND LOWER(recipient) = ?`, companyID, e.email)
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	for _, id := range attendees {
		res, err := t.exec(ctx, `DELETE FROM outbox_messages WHERE company_id = ? AND attendee_id = ?`, companyID, id)
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		n += m
	}
	counts["outboxMessages"] = int(n)
	type export struct{ id, email, data string }
	rows, err := t.query(ctx, `SELECT id, email, data FROM gdpr_exports WHERE company_id = ?`, companyID)
	if err != nil {
		return err
	}
	list, err := scanAll(rows, func(r interface{ Scan(...any) error }) (export, error) {
		var x export
		return x, r.Scan(&x.id, &x.email, &x.data)
	})
	if err != nil {
		return err
	}
	for _, x := range list {
		if strings.EqualFold(x.email, e.email) || e.scrub(x.data, e.needlesFor(x.data)) != x.data {
			if _, err := t.exec(ctx, `DELETE FROM gdpr_exports WHERE id = ?`, x.id); err != nil {
				return err
			}
			counts["gdprExports"]++
		}
	}
	// Stored answers of idempotent requests belong to the company's
	// credentials; a booking's answer names its attendee.
	type stored struct{ cred, key, response string }
	rows, err = t.query(ctx, `SELECT k.credential_id, k.idem_key, k.response FROM idempotency_keys k
		WHERE k.credential_id IN (SELECT c.id FROM credentials c WHERE c.company_id = ?)`, companyID)
	if err != nil {
		return err
	}
	keys, err := scanAll(rows, func(r interface{ Scan(...any) error }) (stored, error) {
		var s stored
		return s, r.Scan(&s.cred, &s.key, &s.response)
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		scrubbed := e.scrub(k.response, e.needlesFor(k.response))
		if scrubbed == k.response {
			continue
		}
		if _, err := t.exec(ctx, `UPDATE idempotency_keys SET response = ? WHERE credential_id = ? AND idem_key = ?`,
			scrubbed, k.cred, k.key); err != nil {
			return err
		}
		counts["idempotentAnswers"]++
	}
	return nil
}

// skipEverywhere are the tables the sweep leaves alone: the company's
// users and the company itself are not the person (a user with their
// address is refused first), and the audit log holds ids, not text.
var skipEverywhere = map[string]bool{"users": true, "companies": true, "audit_log": true}

// eraseEverywhere sweeps every text column of every table that has a
// company_id (tables added later included) and erases the address and
// the person's full names from the company's rows. Webhook payloads,
// outbox texts and any later table's copies are found this way.
func (t *tx) eraseEverywhere(ctx context.Context, companyID string, e *eraser, counts map[string]int) error {
	tables, err := textColumns(ctx, t, t.d.name)
	if err != nil {
		return err
	}
	for _, tb := range tables {
		if skipEverywhere[tb.name] || !tb.hasCompany {
			continue
		}
		for _, col := range tb.text {
			values, err := t.namingValues(ctx, tb.name, col, companyID, e)
			if err != nil {
				return err
			}
			for _, v := range values {
				scrubbed := e.scrub(v, e.needlesFor(v))
				if scrubbed == v {
					continue
				}
				res, err := t.exec(ctx, `UPDATE `+quoteIdent(tb.name)+` SET `+quoteIdent(col)+` = ? WHERE company_id = ? AND `+
					quoteIdent(col)+` = ?`, scrubbed, companyID, v)
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				counts["text:"+tb.name] += int(n)
			}
		}
	}
	return nil
}

// namingValues returns the distinct values of a text column of the
// company's rows that may name the person: that hold the address, every
// word of a full name, or the id of one of their records. The SQL only
// narrows; scrub decides.
func (t *tx) namingValues(ctx context.Context, table, col, companyID string, e *eraser) ([]string, error) {
	like := `LOWER(` + quoteIdent(col) + `) LIKE ? ESCAPE '\'`
	var conds []string
	var args []any
	for _, n := range e.full {
		words := strings.Fields(n)
		c := make([]string, len(words))
		for i, w := range words {
			c[i] = like
			args = append(args, "%"+likeEscape(w)+"%")
		}
		conds = append(conds, "("+strings.Join(c, " AND ")+")")
	}
	for _, id := range e.own {
		conds = append(conds, like)
		args = append(args, "%"+likeEscape(id)+"%")
	}
	var out []string
	for i := 0; i < len(conds); i += 100 {
		part := conds[i:min(i+100, len(conds))]
		// Count the arguments of the conditions in this part.
		from := 0
		for _, c := range conds[:i] {
			from += strings.Count(c, "?")
		}
		n := 0
		for _, c := range part {
			n += strings.Count(c, "?")
		}
		rows, err := t.query(ctx, `SELECT DISTINCT `+quoteIdent(col)+` FROM `+quoteIdent(table)+
			` WHERE company_id = ? AND (`+strings.Join(part, " OR ")+`)`, append([]any{companyID}, args[from:from+n]...)...)
		if err != nil {
			return nil, err
		}
		values, err := scanAll(rows, func(r interface{ Scan(...any) error }) (string, error) {
			var s string
			return s, r.Scan(&s)
		})
		if err != nil {
			return nil, err
		}
		for _, v := range values {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// table is a table's name, its text columns, and whether it has a
// company_id column.
type table struct {
	name       string
	text       []string
	hasCompany bool
}

// textColumns lists every table of the schema in use with its text
// columns, read from the catalogue so that tables added by later
// migrations are included.
func textColumns(ctx context.Context, q querier, dialect string) ([]table, error) {
	type col struct{ table, name, typ string }
	var query string
	if dialect == "sqlite" {
		query = `SELECT m.name, p.name, UPPER(p.type) FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`
	} else {
		query = `SELECT table_name, column_name, UPPER(data_type) FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`
	}
	rows, err := q.query(ctx, query)
	if err != nil {
		return nil, err
	}
	cols, err := scanAll(rows, func(r interface{ Scan(...any) error }) (col, error) {
		var c col
		return c, r.Scan(&c.table, &c.name, &c.typ)
	})
	if err != nil {
		return nil, err
	}
	var out []table
	for _, c := range cols {
		if len(out) == 0 || out[len(out)-1].name != c.table {
			out = append(out, table{name: c.table})
		}
		tb := &out[len(out)-1]
		if c.name == "company_id" {
			tb.hasCompany = true
		}
		// JSON and JSONB columns are left out: LOWER does not take them on
		// PostgreSQL, and meetd keeps JSON as TEXT.
		if strings.Contains(c.typ, "TEXT") || strings.Contains(c.typ, "CHAR") || strings.Contains(c.typ, "CLOB") {
			tb.text = append(tb.text, c.name)
		}
	}
	return out, nil
}
