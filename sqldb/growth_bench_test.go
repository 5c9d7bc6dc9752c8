package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// growthNow is the benchmarks' clock: slot windows and bookings lie after
// it, the seeded history before it.
var growthNow = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

// growth is a company with ten hosts in one queue and n appointments: the
// same 62 per host in the 31 days after growthNow (so every query answers
// the same at every n) and the rest spread over the hosts' past.
type growth struct {
	db      *sqldb.DB
	dsn     string
	company string
	hosts   []string
	mt      string
	queue   string
}

func seedGrowth(tb testing.TB, b sqldbtest.Backend, n int) growth {
	tb.Helper()
	ctx := context.Background()
	dsn := b.DSN(tb)
	db := sqldbtest.OpenDSN(tb, dsn, meetd.NewManualClock(growthNow))
	c, owner, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: "Acme", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "owner@acme.example", GivenName: "O", FamilyName: "W", Timezone: "UTC", Type: meetd.UserStandard})
	if err != nil {
		tb.Fatal(err)
	}
	g := growth{db: db, dsn: dsn, company: c.ID}
	for i := range 10 {
		cu, err := db.CreateUser(ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: fmt.Sprintf("h%d@acme.example", i),
			GivenName: "H", FamilyName: fmt.Sprint(i), Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
		if err != nil {
			tb.Fatal(err)
		}
		g.hosts = append(g.hosts, cu.User.ID)
	}
	mt, err := db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: owner.ID,
		Name: "Intro", Slug: "intro", Duration: 30, Enabled: true, Spots: 1, DoubleOptIn: meetd.DoubleOptInDisabled},
		&meetd.NewAvailability{CompanyID: c.ID, UserID: owner.ID, Name: "Hours", Timezone: "UTC", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		tb.Fatal(err)
	}
	q, err := db.UpdateQueue(ctx, meetd.CLIActor, c.ID, mt.ID, func(q *meetd.Queue) error {
		for _, id := range g.hosts {
			q.Members = append(q.Members, meetd.QueueMember{UserID: id})
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	g.mt, g.queue = mt.ID, q.ID
	var aps []sqldb.SeedAppointment
	add := func(host int, start time.Time) {
		aps = append(aps, sqldb.SeedAppointment{CompanyID: c.ID, MeetingTypeID: mt.ID, QueueID: q.ID,
			HostIDs: []string{g.hosts[host]}, Start: start, End: start.Add(30 * time.Minute),
			Created: start.Add(-48 * time.Hour), Cancelled: len(aps)%10 == 9})
	}
	// The window: two a day per host at 10:00 and 14:00.
	day := growthNow.Truncate(24 * time.Hour)
	for d := range 31 {
		for h := range g.hosts {
			add(h, day.AddDate(0, 0, d).Add(10*time.Hour))
			add(h, day.AddDate(0, 0, d).Add(14*time.Hour))
		}
	}
	// The past: one every two hours per host, going back.
	for i := 0; len(aps) < n; i++ {
		add(i%len(g.hosts), day.Add(-time.Duration(i/len(g.hosts)+1)*2*time.Hour))
	}
	if err := db.SeedAppointments(ctx, aps); err != nil {
		tb.Fatal(err)
	}
	if err := db.Analyze(ctx); err != nil {
		tb.Fatal(err)
	}
	return g
}

// BenchmarkGrowth measures the store's hot reads and a booking with the
// company's appointments at 1k and 100k: each should cost about the same
// (docs in BENCHMARKS.md, "Growth with appointments").
func BenchmarkGrowth(b *testing.B) {
	for _, be := range sqldbtest.Backends() {
		for _, n := range []int{1_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dk", be.Name, n/1000), func(b *testing.B) {
				g := seedGrowth(b, be, n)
				ctx := context.Background()
				from := growthNow.Truncate(24 * time.Hour)
				to := from.AddDate(0, 0, 31)
				busy := func(hosts int, want int) func(*testing.B) {
					return func(b *testing.B) {
						for b.Loop() {
							l, err := g.db.Busy(ctx, meetd.BusyFilter{CompanyID: g.company, HostIDs: g.hosts[:hosts], From: from.Add(-48 * time.Hour), To: to.Add(48 * time.Hour)})
							if err != nil || len(l) != want {
								b.Fatalf("Busy = %d intervals, %v; want %d", len(l), err, want)
							}
						}
					}
				}
				b.Run("busy-1-host", busy(1, len(mustBusy(b, g, 1, from, to))))
				b.Run("busy-10-hosts", busy(10, len(mustBusy(b, g, 10, from, to))))
				page := func(offset func(total int) int) func(*testing.B) {
					return func(b *testing.B) {
						_, total, err := g.db.ListAppointments(ctx, meetd.AppointmentFilter{CompanyID: g.company, HostID: g.hosts[0], Limit: 1})
						if err != nil {
							b.Fatal(err)
						}
						f := meetd.AppointmentFilter{CompanyID: g.company, HostID: g.hosts[0], Limit: 20, Offset: offset(total)}
						for b.Loop() {
							l, _, err := g.db.ListAppointments(ctx, f)
							if err != nil || len(l) == 0 {
								b.Fatalf("ListAppointments = %d, %v", len(l), err)
							}
						}
					}
				}
				b.Run("list-first-page", page(func(int) int { return 0 }))
				b.Run("list-last-page", page(func(total int) int { return (total - 1) / 20 * 20 }))
				b.Run("queue", func(b *testing.B) {
					for b.Loop() {
						if q, err := g.db.QueueByID(ctx, g.company, g.queue); err != nil || len(q.Members) != 10 {
							b.Fatalf("QueueByID = %+v, %v", q, err)
						}
					}
				})
				b.Run("book", func(b *testing.B) {
					start := to.Add(24 * time.Hour)
					for b.Loop() {
						start = start.Add(time.Hour)
						_, err := g.db.BookAppointment(ctx, meetd.CLIActor, meetd.NewAppointment{CompanyID: g.company,
							MeetingTypeID: g.mt, HostIDs: g.hosts[:1], Start: start, End: start.Add(30 * time.Minute),
							Attendee: meetd.Attendee{Email: "guest@example.com"}})
						if err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

func mustBusy(b *testing.B, g growth, hosts int, from, to time.Time) []meetd.HostBusy {
	l, err := g.db.Busy(context.Background(), meetd.BusyFilter{CompanyID: g.company, HostIDs: g.hosts[:hosts],
		From: from.Add(-48 * time.Hour), To: to.Add(48 * time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	return l
}
