package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// SeedContacts inserts n contacts of companyID, owned by owners in turn,
// created one second apart before now, in batches of multi-row inserts:
// contact benchmarks fill a company this way in seconds. Contact i is
// "First<i> <surname>", user<i>@<domain>, and carries the tag "Lead" when
// i is even and "VIP" when i is a multiple of 100.
func (db *DB) SeedContacts(ctx context.Context, companyID string, owners []string, n int, now time.Time) error {
	surnames := []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
		"Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger"}
	return db.update(ctx, func(t *tx) error {
		const batch = 500
		for from := 0; from < n; from += batch {
			var rows, tagRows []string
			var args, tagArgs []any
			for i := from; i < min(from+batch, n); i++ {
				tags := `["Lead"]`
				if i%2 == 1 {
					tags = `[]`
				}
				if i%100 == 0 {
					tags = `["Lead","VIP"]`
				}
				c := meetd.Contact{FirstName: fmt.Sprintf("First%06d", i), LastName: surnames[i%len(surnames)],
					Email: fmt.Sprintf("user%06d@domain%d.example", i, i%37), PhoneNumber: fmt.Sprintf("+49 30 %07d", i)}
				created := ms(now.Add(-time.Duration(n-i) * time.Second))
				id := meetd.NewID()
				var list []string
				_ = json.Unmarshal([]byte(tags), &list)
				for _, tag := range list {
					tagRows, tagArgs = append(tagRows, "(?, ?, ?)"), append(tagArgs, companyID, tag, id)
				}
				rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, id, companyID, c.FirstName, c.LastName, c.Email, strings.ToLower(c.Email),
					c.PhoneNumber, tags, owners[i%len(owners)], contactSearchKey(c), created, created)
			}
			if _, err := t.exec(ctx, `INSERT INTO contacts (id, company_id, first_name, last_name, email, email_lower,
				phone_number, tags, account_owner_id, search_key, created_at, updated_at) VALUES `+strings.Join(rows, ", "),
				args...); err != nil {
				return err
			}
			if len(tagRows) > 0 {
				if _, err := t.exec(ctx, `INSERT INTO contact_tags (company_id, tag, contact_id) VALUES `+
					strings.Join(tagRows, ", "), tagArgs...); err != nil {
					return err
				}
			}
		}
		for _, o := range owners {
			k := n / len(owners)
			if slices.Index(owners, o) < n%len(owners) {
				k++
			}
			if err := t.countContact(ctx, companyID, o, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// AnalyzeContacts refreshes the planner's statistics after SeedContacts
// (VACUUM cannot run in a transaction on PostgreSQL).
func (db *DB) AnalyzeContacts(ctx context.Context) error {
	q := `ANALYZE`
	if db.d.name == "postgres" {
		q = `VACUUM ANALYZE contacts, contact_tags`
	}
	_, err := db.write.ExecContext(ctx, q)
	return err
}

// ContactHotQueries returns the contact queries that must read through an
// index: each sort order's page, an owner's page and count, and the
// lookups by e-mail (every booking makes one per attendee) and by
// attendee.
func ContactHotQueries(dialect, company, owner string) []Query {
	var out []Query
	for _, f := range []struct {
		name string
		f    meetd.ContactFilter
	}{
		{"contacts, newest first", meetd.ContactFilter{CompanyID: company, Descending: true}},
		{"contacts searched by a substring", meetd.ContactFilter{CompanyID: company, Search: "müller", Descending: true}},
		{"contacts by first name", meetd.ContactFilter{CompanyID: company, SortBy: meetd.ContactSortFirstName}},
		{"contacts by last name, descending", meetd.ContactFilter{CompanyID: company, SortBy: meetd.ContactSortLastName, Descending: true}},
		{"contacts by e-mail", meetd.ContactFilter{CompanyID: company, SortBy: meetd.ContactSortEmail}},
		{"an owner's contacts", meetd.ContactFilter{CompanyID: company, OwnerID: owner, Descending: true}},
		{"contacts with a tag", meetd.ContactFilter{CompanyID: company, Tags: []string{"VIP"}, Descending: true}},
		{"an owner's contacts with two tags", meetd.ContactFilter{CompanyID: company, OwnerID: owner,
			Tags: []string{"VIP", "Lead"}, Descending: true}},
	} {
		if dialect != "sqlite" && f.f.Search != "" {
			continue // PostgreSQL indexes substrings only with pg_trgm
		}
		q := contactQuery{sqlite: dialect == "sqlite", indexed: dialect == "sqlite"}
		count, countArgs, page, args := contactListSQL(f.f, q)
		out = append(out, Query{f.name + " page", page, append(append([]any{}, args...), 20, 1000)})
		if f.f.OwnerID != "" || f.f.Search != "" || len(f.f.Tags) > 0 {
			out = append(out, Query{f.name + " count", count, countArgs})
		}
	}
	if dialect == "sqlite" {
		// A rare term's page is read from the trigram index's matches,
		// sorted (only they are), never by a scan of the contacts.
		f := meetd.ContactFilter{CompanyID: company, Search: "user000042@", Descending: true}
		_, _, page, args := contactListSQL(f, contactQuery{sqlite: true, indexed: true, byMatches: true})
		out = append(out, Query{"contacts found by the trigram index, their matches", page, append(args, 20, 0)})
	}
	return append(out,
		Query{"contact by e-mail", `SELECT ` + contactColumns + ` FROM contacts WHERE company_id = ? AND email_lower = ?`,
			[]any{company, "user000042@domain5.example"}},
		Query{"a contact's appointments", `SELECT x.contact_id, x.id, x.removed_at, a.id FROM appointment_attendees x
			JOIN appointments a ON a.id = x.appointment_id WHERE x.contact_id IN (?, ?) ORDER BY a.start_at, a.id`,
			[]any{meetd.NewID(), meetd.NewID()}})
}

// SetContactSplitMin changes the fewest contacts a search must cover for
// ListContacts to split its count (contactSplitMin), so tests reach the
// split with few contacts.
func (db *DB) SetContactSplitMin(n int) { db.splitMin = n }

// CountContactsSplit counts f's matches as ListContacts' split count
// does (in parts id ranges on SQLite, a plan of up to parts processes on
// PostgreSQL); f must have a searchTerm.
func (db *DB) CountContactsSplit(ctx context.Context, f meetd.ContactFilter, parts int) (int, error) {
	count, args, _, _ := contactListSQL(f, contactQuery{sqlite: db.d.name == "sqlite"})
	return db.countSplit(ctx, count, args, parts, f.OwnerID != "")
}

// CreateContactWithID creates c as CreateContact does, under c.ID: tests
// place contacts at the bounds of the id ranges a count is split into.
func (db *DB) CreateContactWithID(ctx context.Context, c meetd.Contact) error {
	id, tags := c.ID, c.Tags
	return db.update(ctx, func(t *tx) error {
		c.Tags = nil
		if err := t.insertContact(ctx, &c); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE contacts SET id = ?, tags = ? WHERE id = ?`, id, mustJSON(tags), c.ID); err != nil {
			return err
		}
		return t.tagContact(ctx, c.CompanyID, id, tags)
	})
}

func mustJSON(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Quiet reports what countContacts asks before it splits a count.
func (db *DB) Quiet() bool { return db.quiet() }

// HoldReadConn takes a connection of the read pool, as a statement of
// another request would, until release.
func (db *DB) HoldReadConn(ctx context.Context) (release func(), err error) {
	c, err := db.read.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return func() { _ = c.Close() }, nil
}

// ContactOwnerSearchCount is the count of a member's own contacts holding
// term, as SQLite's ListContacts runs it when the term is common.
func ContactOwnerSearchCount(company, owner, term string) Query {
	count, args, _, _ := contactListSQL(meetd.ContactFilter{CompanyID: company, OwnerID: owner, Search: term},
		contactQuery{sqlite: true})
	return Query{"an owner's contacts holding a common term, count", count, args}
}
