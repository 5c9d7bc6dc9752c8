package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
)

const contactColumns = `id, company_id, first_name, last_name, email, phone_number, language, tags, notes,
	crm_company_id, account_owner_id, additional_data, address, title, employer, seniority, job_function, location,
	no_show_count, created_at, updated_at`

var (
	errContactNotFound = meetd.Errorf(meetd.ENOTFOUND, "Contact not found")
	errContactEmail    = meetd.Errorf(meetd.ECONFLICT, "A contact with this email already exists")
)

func scanContact(row interface{ Scan(...any) error }) (meetd.Contact, error) {
	var c meetd.Contact
	var tags, data, address string
	var created, updated int64
	if err := row.Scan(&c.ID, &c.CompanyID, &c.FirstName, &c.LastName, &c.Email, &c.PhoneNumber, &c.Language, &tags,
		&c.Notes, &c.CRMCompanyID, &c.AccountOwnerID, &data, &address, &c.Title, &c.Employer, &c.Seniority, &c.Function,
		&c.Location, &c.NoShowCount, &created, &updated); err != nil {
		return c, err
	}
	c.Tags, c.AdditionalData = []string{}, map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(data), &c.AdditionalData); err != nil {
		return c, err
	}
	if address != "" {
		c.Address = json.RawMessage(address)
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, nil
}

// contactSearchKey is what searchTerm matches, lower-cased in Go so the
// match ignores case beyond ASCII on both engines.
func contactSearchKey(c meetd.Contact) string {
	return strings.ToLower(c.FirstName + " " + c.LastName + " " + c.Email + " " + c.PhoneNumber)
}

// contactArgs are the values of every column but id, company_id and the
// times, in the order of contactWrite.
func contactArgs(c meetd.Contact) ([]any, error) {
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.AdditionalData == nil {
		c.AdditionalData = map[string]json.RawMessage{}
	}
	tags, err := json.Marshal(c.Tags)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(c.AdditionalData)
	if err != nil {
		return nil, err
	}
	return []any{c.FirstName, c.LastName, c.Email, strings.ToLower(c.Email), c.PhoneNumber, c.Language, string(tags),
		c.Notes, c.CRMCompanyID, c.AccountOwnerID, string(data), string(c.Address), c.Title, c.Employer, c.Seniority,
		c.Function, c.Location, c.NoShowCount, contactSearchKey(c)}, nil
}

const contactWrite = `first_name, last_name, email, email_lower, phone_number, language, tags, notes, crm_company_id,
	account_owner_id, additional_data, address, title, employer, seniority, job_function, location, no_show_count,
	search_key`

// countContact adds d to the contacts owner has in companyID.
func (t *tx) countContact(ctx context.Context, companyID, owner string, d int) error {
	_, err := t.exec(ctx, `INSERT INTO contact_counts (company_id, owner_id, n) VALUES (?, ?, ?)
		ON CONFLICT (company_id, owner_id) DO UPDATE SET n = contact_counts.n + ?`, companyID, owner, d, d)
	return err
}

// insertContact writes c as a new contact of its company, dated now.
func (t *tx) insertContact(ctx context.Context, c *meetd.Contact) error {
	c.ID, c.CreatedAt, c.UpdatedAt = meetd.NewID(), t.now, t.now
	args, err := contactArgs(*c)
	if err != nil {
		return err
	}
	args = append([]any{c.ID, c.CompanyID}, append(args, ms(t.now), ms(t.now))...)
	if _, err = t.exec(ctx, `INSERT INTO contacts (id, company_id, `+contactWrite+`, created_at, updated_at)
		VALUES (`+placeholders(len(args))+`)`, args...); err != nil {
		return err
	}
	if err := t.tagContact(ctx, c.CompanyID, c.ID, c.Tags); err != nil {
		return err
	}
	return t.countContact(ctx, c.CompanyID, c.AccountOwnerID, 1)
}

// tagContact adds a contact_tags row for each of tags (the contact's
// rows are replaced by writeContact when its tags change).
func (t *tx) tagContact(ctx context.Context, companyID, id string, tags []string) error {
	var rows []string
	var args []any
	for i, tag := range tags {
		if slices.Contains(tags[:i], tag) {
			continue
		}
		rows, args = append(rows, "(?, ?, ?)"), append(args, companyID, tag, id)
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO contact_tags (company_id, tag, contact_id) VALUES `+strings.Join(rows, ", "), args...)
	return err
}

// writeContact stores every field of c, dated now.
func (t *tx) writeContact(ctx context.Context, c *meetd.Contact) error {
	var owner, tags string
	if err := t.queryRow(ctx, `SELECT account_owner_id, tags FROM contacts WHERE id = ?`, c.ID).Scan(&owner, &tags); err != nil {
		return err
	}
	if owner != c.AccountOwnerID {
		if err := t.countContact(ctx, c.CompanyID, owner, -1); err != nil {
			return err
		}
		if err := t.countContact(ctx, c.CompanyID, c.AccountOwnerID, 1); err != nil {
			return err
		}
	}
	c.UpdatedAt = t.now
	args, err := contactArgs(*c)
	if err != nil {
		return err
	}
	set := strings.Join(strings.Fields(strings.ReplaceAll(contactWrite, ",", " ")), " = ?, ") + " = ?"
	if _, err = t.exec(ctx, `UPDATE contacts SET `+set+`, updated_at = ? WHERE company_id = ? AND id = ?`,
		append(args, ms(t.now), c.CompanyID, c.ID)...); err != nil {
		return err
	}
	if stored, _ := args[6].(string); stored == tags { // contactArgs' tags, as stored
		return nil
	}
	if _, err := t.exec(ctx, `DELETE FROM contact_tags WHERE contact_id = ?`, c.ID); err != nil {
		return err
	}
	return t.tagContact(ctx, c.CompanyID, c.ID, c.Tags)
}

// contactByEmail finds the company's contact with email (any case).
func contactByEmail(ctx context.Context, q querier, companyID, email string) (meetd.Contact, bool, error) {
	c, err := scanContact(q.queryRow(ctx, `SELECT `+contactColumns+` FROM contacts WHERE company_id = ? AND email_lower = ?`,
		companyID, strings.ToLower(email)))
	if err == sql.ErrNoRows {
		return c, false, nil
	}
	return c, err == nil, err
}

func contactByID(ctx context.Context, q querier, companyID, id, lock string) (meetd.Contact, error) {
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return meetd.Contact{}, errContactNotFound
	}
	c, err := scanContact(q.queryRow(ctx, `SELECT `+contactColumns+` FROM contacts WHERE company_id = ? AND id = ?`+lock,
		companyID, strings.ToLower(id)))
	return c, notFound(err, "Contact not found")
}

// CreateContact implements meetd.Store.
func (db *DB) CreateContact(ctx context.Context, a meetd.Actor, c meetd.Contact) (_ meetd.Contact, err error) {
	defer meetd.Wrap(&err, "sqldb.CreateContact(%s)", c.CompanyID)
	err = db.update(ctx, func(t *tx) error {
		if c.Email != "" {
			if _, found, err := contactByEmail(ctx, t, c.CompanyID, c.Email); err != nil {
				return err
			} else if found {
				return errContactEmail
			}
		}
		if err := t.insertContact(ctx, &c); err != nil {
			return err
		}
		return t.audit(ctx, a, c.CompanyID, "contact.create", "contact", c.ID)
	})
	return c, err
}

// contactDetails reads the appointments of cs, oldest first, and dates
// each contact's next one by now.
func contactDetails(ctx context.Context, q querier, cs []meetd.Contact, now time.Time) ([]meetd.ContactDetails, error) {
	out := make([]meetd.ContactDetails, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	idx := map[string]int{}
	args := make([]any, len(cs))
	for i, c := range cs {
		out[i] = meetd.ContactDetails{Contact: c, Appointments: []meetd.ContactAppointment{}}
		idx[c.ID], args[i] = i, c.ID
	}
	rows, err := q.query(ctx, `SELECT x.contact_id, x.id, x.removed_at, a.id, a.meeting_type_id, a.main_host_id,
		a.start_at, a.end_at, a.cancelled FROM appointment_attendees x JOIN appointments a ON a.id = x.appointment_id
		WHERE x.contact_id IN (`+placeholders(len(args))+`) ORDER BY a.start_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	type row struct {
		contactID string
		ap        meetd.ContactAppointment
	}
	list, err := scanAll(rows, func(s interface{ Scan(...any) error }) (row, error) {
		var r row
		var removed sql.NullInt64
		var start, end int64
		err := s.Scan(&r.contactID, &r.ap.AttendeeID, &removed, &r.ap.AppointmentID, &r.ap.MeetingTypeID,
			&r.ap.MainHostID, &start, &end, &r.ap.Cancelled)
		r.ap.Start, r.ap.End, r.ap.Removed = fromMS(start), fromMS(end), removed.Valid
		return r, err
	})
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		d := &out[idx[r.contactID]]
		d.Appointments = append(d.Appointments, r.ap)
		if !r.ap.Cancelled && !r.ap.Removed && !r.ap.Start.Before(now) && d.NextAppointment == nil {
			start := r.ap.Start
			d.NextAppointment = &start
		}
	}
	return out, nil
}

// ContactByID implements meetd.Store.
func (db *DB) ContactByID(ctx context.Context, companyID, id string, now time.Time) (_ meetd.ContactDetails, err error) {
	defer meetd.Wrap(&err, "sqldb.ContactByID(%s, %s)", companyID, id)
	c, err := contactByID(ctx, db, companyID, id, "")
	if err != nil {
		return meetd.ContactDetails{}, err
	}
	ds, err := contactDetails(ctx, db, []meetd.Contact{c}, now)
	if err != nil {
		return meetd.ContactDetails{}, err
	}
	return ds[0], nil
}

// ContactByAttendee implements meetd.Store.
func (db *DB) ContactByAttendee(ctx context.Context, companyID, attendeeID string, now time.Time) (_ meetd.ContactDetails, err error) {
	defer meetd.Wrap(&err, "sqldb.ContactByAttendee(%s, %s)", companyID, attendeeID)
	if !meetd.IsUUID(attendeeID) {
		return meetd.ContactDetails{}, errContactNotFound
	}
	var id sql.NullString
	err = db.queryRow(ctx, `SELECT contact_id FROM appointment_attendees WHERE company_id = ? AND id = ?`,
		companyID, strings.ToLower(attendeeID)).Scan(&id)
	if err != nil {
		return meetd.ContactDetails{}, notFound(err, "Contact not found")
	}
	if !id.Valid {
		return meetd.ContactDetails{}, errContactNotFound
	}
	return db.ContactByID(ctx, companyID, id.String, now)
}

// contactOrder maps a sort key to its ORDER BY terms; each has an index
// that leads with company_id and ends with id.
var contactOrder = map[string]string{
	"":                         "created_at %[1]s, id %[1]s",
	meetd.ContactSortCreatedAt: "created_at %[1]s, id %[1]s",
	meetd.ContactSortFirstName: "first_name %[1]s, id %[1]s",
	meetd.ContactSortLastName:  "last_name %[1]s, id %[1]s",
	meetd.ContactSortEmail:     "email_lower %[1]s, id %[1]s",
}

// contactQuery says how contactListSQL answers a filter: the engine,
// whether searchTerm goes through the trigram index (see
// contactSearchPlan), and whether a SQLite page is read from the
// matches (sorted) rather than by walking the sort order's index and
// testing each row it passes (see pageByMatches).
type contactQuery struct {
	sqlite, indexed, byMatches bool
}

// walk is the prefix of a SQLite page's tag and trigram-index terms when
// the page walks its sort order's index: the matches are looked up in a
// set built once, and cannot drive the page instead.
func (q contactQuery) walk() string {
	if q.sqlite && !q.byMatches {
		return "+"
	}
	return ""
}

// contactListSQL is the count and the page query of f, each with its
// arguments; the page takes LIMIT and OFFSET after them.
func contactListSQL(f meetd.ContactFilter, q contactQuery) (count string, countArgs []any, page string, args []any) {
	// where is the count's condition, pageWhere the page's: the same
	// terms, with SQLite told what drives the page (see walk).
	where, pageWhere, args := `company_id = ?`, `company_id = ?`, []any{f.CompanyID}
	if q.sqlite && q.byMatches {
		// No index that leads with company_id: the matches drive the page.
		pageWhere = `+company_id = ?`
	}
	add := func(term, pageTerm string, arg ...any) {
		where += ` AND ` + term
		pageWhere += ` AND ` + pageTerm
		args = append(args, arg...)
	}
	if f.OwnerID != "" {
		add(`account_owner_id = ?`, `account_owner_id = ?`, strings.ToLower(f.OwnerID))
	}
	s := strings.ToLower(strings.TrimSpace(f.Search))
	switch {
	case s == "":
	case q.sqlite && q.indexed && q.byMatches:
		// The trigram index's matches drive the page. (Its count came
		// with the decision to use it, see contactSearchPlan.)
		fts := `rowid IN (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?)`
		add(fts, fts, ftsPhrase(s))
	case q.sqlite:
		// instr compares bytes, several times faster than LIKE's pattern
		// match on a scan; both sides are lower-cased in Go. A page that
		// walks its order tests each row it passes.
		add(`instr(search_key, ?) > 0`, `instr(search_key, ?) > 0`, s)
	default:
		// PostgreSQL plans this for the term it is given (see planned):
		// its statistics tell a rare term, found through the trigram
		// index, from a common one, counted by reading the search keys.
		like := `search_key LIKE ? ESCAPE '\'`
		add(like, like, "%"+likeEscape(s)+"%")
	}
	for _, tag := range f.Tags {
		in := `id IN (SELECT contact_id FROM contact_tags WHERE company_id = ? AND tag = ?)`
		add(in, q.walk()+in, f.CompanyID, tag)
	}
	dir := "ASC"
	if f.Descending {
		dir = "DESC"
	}
	order := strings.ReplaceAll(contactOrder[f.SortBy], "%[1]s", dir)
	count, countArgs = `SELECT COUNT(*) FROM contacts WHERE `+where, args
	switch {
	case s == "" && len(f.Tags) == 0:
		// Kept by every write: no count of the company's contacts.
		count = `SELECT COALESCE(SUM(n), 0) FROM contact_counts WHERE company_id = ?`
		if f.OwnerID != "" {
			count = `SELECT COALESCE(SUM(n), 0) FROM contact_counts WHERE company_id = ? AND owner_id = ?`
		}
	case s == "" && len(f.Tags) == 1 && f.OwnerID == "":
		// The tag's entries in contact_tags, no contact read.
		count, countArgs = `SELECT COUNT(*) FROM contact_tags WHERE company_id = ? AND tag = ?`, []any{f.CompanyID, f.Tags[0]}
	}
	return count, countArgs, `SELECT ` + contactColumns + ` FROM contacts WHERE ` + pageWhere + ` ORDER BY ` + order +
		` LIMIT ? OFFSET ?`, args
}

// ftsPhrase quotes term as an FTS5 phrase: with the trigram tokenizer it
// matches the rows holding term as a substring.
func ftsPhrase(term string) string { return `"` + strings.ReplaceAll(term, `"`, `""`) + `"` }

// ftsCostRatio is how many search keys a SQLite scan reads in the time
// the trigram index takes to yield a match and read its row (about 0.4
// against 3 µs, measured over BenchmarkContactSearch's contacts): a term
// that fewer than 1/ftsCostRatio of the contacts a search covers hold
// goes through the index.
const ftsCostRatio = 8

// searchSample is how many of the newest contacts a search covers are
// read to learn how common its term is.
const searchSample = 1000

// searchPlan is how a searchTerm is answered (see contactSearchPlan).
type searchPlan struct {
	// indexed: SQLite finds the term through the trigram index.
	indexed bool
	// known: total is the exact total without tags, counted while
	// deciding.
	known bool
	total int
	// scan: counting the term tests every search key the list covers,
	// which ListContacts splits for a large company (see countContacts).
	scan bool
}

// contactSearchPlan decides how f's searchTerm is answered. covered is
// the number of contacts f covers (the kept total of the company or the
// owner).
//
// On SQLite the term goes through the trigram index (indexed) or every
// search key f covers is read (scan); when the decision had to count the
// term's matches anyway (the trigram index holds every company's
// contacts), the plan carries f's exact total without tags (known).
// PostgreSQL's planner picks the index or the scan for itself (see
// planned and countParallel). A term under three characters is a scan
// on either engine.
func (db *DB) contactSearchPlan(ctx context.Context, f meetd.ContactFilter, covered int) (searchPlan, error) {
	term := strings.ToLower(strings.TrimSpace(f.Search))
	if utf8.RuneCountInString(term) < 3 {
		// No trigram index finds fewer than three characters, on
		// either engine: the count reads every key.
		return searchPlan{scan: true}, nil
	}
	if db.d.name != "sqlite" {
		return searchPlan{}, nil
	}
	// How common the term is among the newest contacts f covers: a
	// thousand steps along the created index.
	scope, args := `company_id = ?`, []any{f.CompanyID}
	if f.OwnerID != "" {
		scope, args = scope+` AND account_owner_id = ?`, append(args, strings.ToLower(f.OwnerID))
	}
	var n, hits int
	if err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN instr(search_key, ?) > 0 THEN 1 ELSE 0 END), 0)
		FROM (SELECT search_key FROM contacts WHERE `+scope+` ORDER BY created_at DESC LIMIT ?) s`,
		append(append([]any{term}, args...), searchSample)...).Scan(&n, &hits); err != nil {
		return searchPlan{}, err
	}
	if n > 0 && hits*ftsCostRatio >= n {
		return searchPlan{scan: true}, nil // common here, so at least as common in the index
	}
	// The index's matches across companies, up to the point where
	// reading them costs more than a scan; under it, the count of f's
	// among them comes from the same pass.
	limit := covered/ftsCostRatio + 1
	var candidates, total int
	err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.`+strings.ReplaceAll(scope, " AND ", " AND c.")+
		` THEN 1 ELSE 0 END), 0) FROM (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ? LIMIT ?) m
		JOIN contacts c ON c.rowid = m.rowid`, append(append(args, ftsPhrase(term)), limit)...).Scan(&candidates, &total)
	if err != nil {
		return searchPlan{}, err
	}
	if candidates >= limit {
		return searchPlan{scan: true}, nil
	}
	return searchPlan{indexed: true, known: true, total: total}, nil
}

// matchReadCost is what reading one match's row and sorting it costs on
// SQLite, in steps along an index.
const matchReadCost = 10

// pageByMatches reports whether a SQLite page of total matches among
// covered contacts is read faster from the matches, sorted, than by
// walking the sort order's index until offset+limit of them passed: the
// walk takes about (offset+limit)·covered/total steps.
func pageByMatches(total, covered, offset, limit int) bool {
	return matchReadCost*total*total < (offset+limit)*covered
}

// planned puts before args what makes PostgreSQL plan a query for these
// values each time (pgx's unnamed statement): a cached generic plan
// cannot know how common a search term or a tag is, and took a trigram
// bitmap over every contact for a common term, or walked the whole sort
// order for a rare one. SQLite's args are unchanged.
func (db *DB) planned(args []any) []any {
	if db.d.name == "sqlite" {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// ListContacts implements meetd.Store.
func (db *DB) ListContacts(ctx context.Context, f meetd.ContactFilter) (_ []meetd.ContactDetails, _ int, err error) {
	defer meetd.Wrap(&err, "sqldb.ListContacts(%s)", f.CompanyID)
	if f.OwnerID != "" && !meetd.IsUUID(f.OwnerID) {
		return []meetd.ContactDetails{}, 0, nil
	}
	q := contactQuery{sqlite: db.d.name == "sqlite"}
	// The kept total of the contacts f covers: the answer's total when f
	// does not filter, and what a filter's plan is weighed against.
	kept, keptArgs, _, _ := contactListSQL(meetd.ContactFilter{CompanyID: f.CompanyID, OwnerID: f.OwnerID}, q)
	var covered int
	if err := db.queryRow(ctx, kept, keptArgs...).Scan(&covered); err != nil {
		return nil, 0, err
	}
	filtered := strings.TrimSpace(f.Search) != "" || len(f.Tags) > 0
	if covered == 0 || !filtered && covered <= f.Offset {
		return []meetd.ContactDetails{}, covered, nil
	}
	total := covered
	if filtered {
		var plan searchPlan
		if strings.TrimSpace(f.Search) != "" {
			if plan, err = db.contactSearchPlan(ctx, f, covered); err != nil {
				return nil, 0, err
			}
		}
		q.indexed, total = plan.indexed, plan.total
		if !plan.known || len(f.Tags) > 0 {
			// A count that tests every search key of a large company is
			// split (see countContacts): on SQLite when the plan says it
			// scans; PostgreSQL's planner decides that for itself, so
			// every such count there may take a parallel plan. With tags
			// the tag's entries can drive the count instead, so it stays
			// whole.
			split := len(f.Tags) == 0 && covered >= db.splitMin && (plan.scan || !q.sqlite)
			count, countArgs, _, _ := contactListSQL(f, q)
			if total, err = db.countContacts(ctx, count, countArgs, split, f.OwnerID != ""); err != nil {
				return nil, 0, err
			}
		}
		if total <= f.Offset {
			return []meetd.ContactDetails{}, total, nil
		}
		q.byMatches = q.sqlite && (q.indexed || len(f.Tags) > 0) && pageByMatches(total, covered, f.Offset, f.Limit)
	}
	_, _, page, args := contactListSQL(f, q)
	if filtered {
		args = db.planned(args)
	}
	rows, err := db.query(ctx, page, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	cs, err := scanAll(rows, scanContact)
	if err != nil {
		return nil, 0, err
	}
	out, err := contactDetails(ctx, db, cs, f.Now)
	return out, total, err
}

// applyContactPatch changes c as p says.
func applyContactPatch(c *meetd.Contact, p meetd.ContactPatch) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&c.FirstName, p.FirstName}, {&c.LastName, p.LastName}, {&c.Email, p.Email}, {&c.PhoneNumber, p.PhoneNumber},
		{&c.Language, p.Language}, {&c.Notes, p.Notes}, {&c.Title, p.Title}, {&c.Employer, p.Employer},
		{&c.Seniority, p.Seniority}, {&c.Function, p.Function}, {&c.Location, p.Location},
		{&c.CRMCompanyID, p.CRMCompany}, {&c.AccountOwnerID, p.AccountOwnerID}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if p.Tags != nil {
		c.Tags = *p.Tags
	}
	if p.Address != nil {
		c.Address = *p.Address
	}
	for k, v := range p.AdditionalData {
		if isJSONNull(v) {
			delete(c.AdditionalData, k)
		} else {
			c.AdditionalData[k] = v
		}
	}
}

func isJSONNull(v json.RawMessage) bool { return strings.TrimSpace(string(v)) == "null" }

// UpdateContact implements meetd.Store.
func (db *DB) UpdateContact(ctx context.Context, a meetd.Actor, companyID, id string, check func(meetd.Contact) error,
	p meetd.ContactPatch) (_ meetd.Contact, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateContact(%s, %s)", companyID, id)
	var c meetd.Contact
	err = db.update(ctx, func(t *tx) error {
		var err error
		if c, err = contactByID(ctx, t, companyID, id, t.lockNoKey()); err != nil {
			return err
		}
		if err := check(c); err != nil {
			return err
		}
		before := strings.ToLower(c.Email)
		applyContactPatch(&c, p)
		if err := meetd.ValidateContact(c); err != nil {
			return err
		}
		if after := strings.ToLower(c.Email); after != "" && after != before {
			if _, found, err := contactByEmail(ctx, t, companyID, after); err != nil {
				return err
			} else if found {
				return errContactEmail
			}
		}
		if err := t.writeContact(ctx, &c); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "contact.update", "contact", c.ID)
	})
	return c, err
}

// deleteContact detaches a contact from its attendees and deletes it.
func (t *tx) deleteContact(ctx context.Context, id string) error {
	var company, owner string
	if err := t.queryRow(ctx, `SELECT company_id, account_owner_id FROM contacts WHERE id = ?`, id).Scan(&company, &owner); err != nil {
		return err
	}
	if err := t.countContact(ctx, company, owner, -1); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE appointment_attendees SET contact_id = NULL WHERE contact_id = ?`, id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM contacts WHERE id = ?`, id)
	return err
}

// DeleteContact implements meetd.Store.
func (db *DB) DeleteContact(ctx context.Context, a meetd.Actor, companyID, id string, check func(meetd.Contact) error) (err error) {
	defer meetd.Wrap(&err, "sqldb.DeleteContact(%s, %s)", companyID, id)
	return db.update(ctx, func(t *tx) error {
		c, err := contactByID(ctx, t, companyID, id, t.lockNoKey())
		if err != nil {
			return err
		}
		if err := check(c); err != nil {
			return err
		}
		if err := t.deleteContact(ctx, c.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, companyID, "contact.delete", "contact", c.ID)
	})
}

// BulkCreateContacts implements meetd.Store.
func (db *DB) BulkCreateContacts(ctx context.Context, a meetd.Actor, companyID string, cs []meetd.Contact,
	o meetd.BulkContactsOptions) (_ meetd.BulkContactsResult, err error) {
	defer meetd.Wrap(&err, "sqldb.BulkCreateContacts(%s)", companyID)
	var res meetd.BulkContactsResult
	err = db.update(ctx, func(t *tx) error {
		res = meetd.BulkContactsResult{Issues: []meetd.BulkIssue{}}
		for i, c := range cs {
			c.CompanyID = companyID
			if err := meetd.ValidateContact(c); err != nil {
				res.Failed++
				res.Issues = append(res.Issues, meetd.BulkIssue{Row: i, Email: c.Email, Message: meetd.ErrorMessage(err)})
				continue
			}
			if c.Email != "" {
				old, found, err := contactByEmail(ctx, t, companyID, c.Email)
				if err != nil {
					return err
				}
				if found && !o.UpdateExisting {
					res.Skipped++
					continue
				}
				if found && o.Check != nil {
					if err := o.Check(old); err != nil {
						res.Failed++
						res.Issues = append(res.Issues, meetd.BulkIssue{Row: i, Email: c.Email, Message: meetd.ErrorMessage(err)})
						continue
					}
				}
				if found {
					mergeContact(&old, c)
					if err := t.writeContact(ctx, &old); err != nil {
						return err
					}
					res.Updated++
					continue
				}
			}
			if c.AccountOwnerID == "" {
				c.AccountOwnerID = o.Owner
			}
			if err := t.insertContact(ctx, &c); err != nil {
				return err
			}
			res.Created++
		}
		return t.audit(ctx, a, companyID, "contact.bulk_create", "company", companyID)
	})
	return res, err
}

// mergeContact sets the fields of dst that src has: an empty field of src
// leaves dst's as it is; tags are added, additional data merged.
func mergeContact(dst *meetd.Contact, src meetd.Contact) {
	for _, f := range []struct{ dst, src *string }{{&dst.FirstName, &src.FirstName}, {&dst.LastName, &src.LastName},
		{&dst.PhoneNumber, &src.PhoneNumber}, {&dst.Notes, &src.Notes}, {&dst.Language, &src.Language},
		{&dst.AccountOwnerID, &src.AccountOwnerID}, {&dst.CRMCompanyID, &src.CRMCompanyID}} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	for _, tag := range src.Tags {
		if !contains(dst.Tags, tag) {
			dst.Tags = append(dst.Tags, tag)
		}
	}
	for k, v := range src.AdditionalData {
		dst.AdditionalData[k] = v
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// BulkDeleteContacts implements meetd.Store.
func (db *DB) BulkDeleteContacts(ctx context.Context, a meetd.Actor, companyID string, ids []string,
	keep func(meetd.Contact) bool) (_ int, err error) {
	defer meetd.Wrap(&err, "sqldb.BulkDeleteContacts(%s)", companyID)
	var n int
	err = db.update(ctx, func(t *tx) error {
		n = 0
		for _, id := range ids {
			c, err := contactByID(ctx, t, companyID, id, t.lockNoKey())
			if meetd.ErrorCode(err) == meetd.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			if !keep(c) {
				continue
			}
			if err := t.deleteContact(ctx, c.ID); err != nil {
				return err
			}
			if err := t.audit(ctx, a, companyID, "contact.delete", "contact", c.ID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// syncContacts makes every attendee of ap with an e-mail a contact of
// ap's company, in the caller's transaction (the booking's, the
// confirmation's, the reschedule's or the cancellation's): the contact
// with that e-mail (any case) gains the names, phone and language it
// lacks, or is created, owned by the main host; the attendee row is
// linked to it (docs/decisions.md#contacts).
func (t *tx) syncContacts(ctx context.Context, ap meetd.Appointment) error {
	for _, at := range ap.Attendees {
		if at.Email == "" {
			continue // erased
		}
		c, found, err := contactByEmail(ctx, t, ap.CompanyID, at.Email)
		if err != nil {
			return err
		}
		from := meetd.ContactFromAttendee(at)
		// The answers to the company's data fields (a booking form's
		// questions, a routing form's) become the contact's custom data:
		// the latest answer to a field wins.
		answers, err := answersIn(ctx, t, ap.CompanyID, string(at.Notes))
		if err != nil {
			return err
		}
		if len(answers) > 0 {
			from.AdditionalData = map[string]json.RawMessage{}
			for k, v := range answers {
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				from.AdditionalData[k] = b
			}
		}
		if !found {
			c = from
			c.CompanyID, c.AccountOwnerID = ap.CompanyID, ap.MainHostID
			// Two bookings of a new address may race on PostgreSQL: the
			// loser inserts nothing and reads the winner's contact.
			c.ID, c.CreatedAt, c.UpdatedAt = meetd.NewID(), t.now, t.now
			args, err := contactArgs(c)
			if err != nil {
				return err
			}
			args = append([]any{c.ID, c.CompanyID}, append(args, ms(t.now), ms(t.now))...)
			res, err := t.exec(ctx, `INSERT INTO contacts (id, company_id, `+contactWrite+`, created_at, updated_at)
				VALUES (`+placeholders(len(args))+`) ON CONFLICT (company_id, email_lower) WHERE email_lower <> '' DO NOTHING`,
				args...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				// Inserted: c.ID, all the link below needs, is known.
				if err := t.countContact(ctx, c.CompanyID, c.AccountOwnerID, 1); err != nil {
					return err
				}
				if err := t.tagContact(ctx, c.CompanyID, c.ID, c.Tags); err != nil {
					return err
				}
			} else if c, _, err = contactByEmail(ctx, t, ap.CompanyID, at.Email); err != nil {
				return err
			}
		} else {
			changed := false
			for _, f := range []struct{ dst, src *string }{{&c.FirstName, &from.FirstName}, {&c.LastName, &from.LastName},
				{&c.PhoneNumber, &from.PhoneNumber}, {&c.Language, &from.Language}} {
				if *f.dst == "" && *f.src != "" {
					*f.dst, changed = *f.src, true
				}
			}
			for k, v := range from.AdditionalData {
				if c.AdditionalData == nil {
					c.AdditionalData = map[string]json.RawMessage{}
				}
				if string(c.AdditionalData[k]) != string(v) {
					c.AdditionalData[k], changed = v, true
				}
			}
			if changed {
				if err := t.writeContact(ctx, &c); err != nil {
					return err
				}
			}
		}
		if _, err := t.exec(ctx, `UPDATE appointment_attendees SET contact_id = ? WHERE id = ?
			AND (contact_id IS NULL OR contact_id <> ?)`, c.ID, at.ID, c.ID); err != nil {
			return err
		}
	}
	return nil
}
