package sqldb_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestContactSearchAgreesWithAScan: whichever way ListContacts answers a
// searchTerm and tags (a scan of the search keys, the trigram index, a
// page read from the matches or along the sort order), the page and the
// total are those of filtering every contact in Go: the term a substring
// of the lower-cased names, e-mail and phone, every tag carried, the
// owner's alone.
func TestContactSearchAgreesWithAScan(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			g := seedGrowth(t, b, 10)
			ctx := context.Background()
			const n = 2000
			if err := g.db.SeedContacts(ctx, g.company, g.hosts, n, growthNow); err != nil {
				t.Fatal(err)
			}
			all, total, err := g.db.ListContacts(ctx, meetd.ContactFilter{CompanyID: g.company, Limit: n, Now: growthNow})
			if err != nil || total != n || len(all) != n {
				t.Fatalf("every contact: %d of %d, %v", len(all), total, err)
			}
			terms := []string{"", "user000123@", "MÜLLER", "domain3.", "example", "mü", "first0019", "nobody-at-all", "e müller"}
			tagSets := [][]string{nil, {"VIP"}, {"Lead"}, {"VIP", "Lead"}, {"vip"}}
			for _, term := range terms {
				for _, tags := range tagSets {
					for _, owner := range []string{"", g.hosts[3]} {
						for _, page := range []struct {
							sort   string
							desc   bool
							offset int
						}{
							{"", true, 0}, {meetd.ContactSortLastName, false, 40}, {meetd.ContactSortEmail, true, 1000}} {
							if term == "" && tags == nil {
								continue
							}
							f := meetd.ContactFilter{CompanyID: g.company, Search: term, Tags: tags, OwnerID: owner,
								SortBy: page.sort, Descending: page.desc, Offset: page.offset, Limit: 20, Now: growthNow}
							got, total, err := g.db.ListContacts(ctx, f)
							if err != nil {
								t.Fatalf("%+v: %v", f, err)
							}
							want, wantTotal := filterContacts(all, f)
							if total != wantTotal || !slices.Equal(ids(got), want) {
								t.Errorf("term %q tags %v owner %q sort %q/%v offset %d: total %d want %d, page %v want %v",
									term, tags, owner, page.sort, page.desc, page.offset, total, wantTotal, ids(got), want)
							}
						}
					}
				}
			}
		})
	}
}

func ids(ds []meetd.ContactDetails) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Contact.ID)
	}
	return out
}

// filterContacts is ListContacts' contract over every contact, in Go.
func filterContacts(all []meetd.ContactDetails, f meetd.ContactFilter) ([]string, int) {
	term := strings.ToLower(strings.TrimSpace(f.Search))
	var match []meetd.Contact
	for _, d := range all {
		c := d.Contact
		key := strings.ToLower(c.FirstName + " " + c.LastName + " " + c.Email + " " + c.PhoneNumber)
		keep := strings.Contains(key, term) && (f.OwnerID == "" || c.AccountOwnerID == f.OwnerID)
		for _, tag := range f.Tags {
			keep = keep && slices.Contains(c.Tags, tag)
		}
		if keep {
			match = append(match, c)
		}
	}
	slices.SortFunc(match, func(a, b meetd.Contact) int {
		var r int
		switch f.SortBy {
		case meetd.ContactSortLastName:
			r = strings.Compare(a.LastName, b.LastName)
		case meetd.ContactSortEmail:
			r = strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
		default:
			r = a.CreatedAt.Compare(b.CreatedAt)
		}
		r = cmp.Or(r, strings.Compare(a.ID, b.ID))
		if f.Descending {
			r = -r
		}
		return r
	})
	var out []string
	for i := f.Offset; i < min(len(match), f.Offset+f.Limit); i++ {
		out = append(out, match[i].ID)
	}
	return out, len(match)
}

// TestContactCountSplitAgrees: a split count (ListContacts' count of a
// common term in a large company: ranges of the contact id on SQLite, a
// parallel plan allowed on PostgreSQL) equals the contacts filtered in
// Go, in 1 to 4 parts, with contacts on both sides of every range bound,
// an owner and tags; and so does ListContacts' total when it splits.
func TestContactCountSplitAgrees(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			g := seedGrowth(t, b, 10)
			ctx := context.Background()
			// The bounds of 2, 3 and 4 ranges ("80"; "55", "aa"; "40",
			// "80", "c0"), an id on each and one just under it, the ends of
			// the id space, and random ids.
			var idList []string
			for _, bound := range []string{"80", "55", "aa", "40", "c0"} {
				under := fmt.Sprintf("%02x", mustHex(t, bound)-1)
				idList = append(idList, bound+"000000-0000-4000-8000-000000000000", under+"ffffff-ffff-4fff-bfff-ffffffffffff")
			}
			idList = append(idList, "00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff")
			for range 40 {
				idList = append(idList, meetd.NewID())
			}
			for i, id := range idList {
				domain := "acme"
				if i%3 == 0 {
					domain = "other"
				}
				c := meetd.Contact{ID: id, CompanyID: g.company, FirstName: fmt.Sprintf("P%02d", i), LastName: "Person",
					Email: fmt.Sprintf("p%02d@%s.example", i, domain), AccountOwnerID: g.hosts[i%2]}
				switch i % 4 {
				case 0:
					c.Tags = []string{"VIP"}
				case 1:
					c.Tags = []string{"VIP", "Lead"}
				}
				if err := g.db.CreateContactWithID(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			all, total, err := g.db.ListContacts(ctx, meetd.ContactFilter{CompanyID: g.company, Limit: 1000, Now: growthNow})
			if err != nil || total != len(idList) {
				t.Fatalf("every contact: %d of %d, %v", total, len(idList), err)
			}
			g.db.SetContactSplitMin(1)
			for _, term := range []string{"acme", "example", "ac", "p0", "nobody-at-all"} {
				for _, tags := range [][]string{nil, {"VIP"}, {"VIP", "Lead"}} {
					for _, owner := range []string{"", g.hosts[1]} {
						f := meetd.ContactFilter{CompanyID: g.company, Search: term, Tags: tags, OwnerID: owner,
							Descending: true, Limit: 20, Now: growthNow}
						_, want := filterContacts(all, f)
						for parts := 1; parts <= 4; parts++ {
							got, err := g.db.CountContactsSplit(ctx, f, parts)
							if err != nil || got != want {
								t.Errorf("%q tags %v owner %q in %d ranges: %d, %v; want %d", term, tags, owner, parts, got, err, want)
							}
						}
						if _, got, err := g.db.ListContacts(ctx, f); err != nil || got != want {
							t.Errorf("ListContacts %q tags %v owner %q: total %d, %v; want %d", term, tags, owner, got, err, want)
						}
					}
				}
			}
		})
	}
}

func mustHex(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.ParseInt(s, 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestContactCountSplitsOnlyWhileNoOtherStatementHoldsAConnection(t *testing.T) {
	t.Parallel()
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := sqldbtest.Open(t, b, meetd.NewManualClock(time.Now()))
			if !db.Quiet() {
				t.Fatal("a database nobody uses is not quiet")
			}
			release, err := db.HoldReadConn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if db.Quiet() {
				t.Error("quiet while another statement holds a connection: a split count would compete for busy cores")
			}
			release()
			if !db.Quiet() {
				t.Error("not quiet again once the connection is back")
			}
		})
	}
}
