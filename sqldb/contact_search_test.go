package sqldb_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

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
