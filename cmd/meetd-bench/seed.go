package main

// Every store call of the bench is in this file, so a change of a store
// signature is fixed in one place. Rows are written through the same store
// methods the server uses (BookAppointment, not raw SQL), so they are what
// the server itself would write.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/sqldb"
)

// host is a user with a meeting type of their own.
type host struct {
	userID, meetingTypeID, channel string
}

// fixture is what the seed made: the credentials and ids the scenarios use.
type fixture struct {
	companyID    string
	ownerID      string
	pat          string // the owner's personal access token
	apiKey       string // a platform API key of the company
	credentialID string // the PAT's id, recorded on seeded appointments as a booking through it would
	team         []host // the round-robin hosts; team[0] alone is slots-1
	teamMeeting  string // the queue's meeting type (owned by the owner)
	// book and contended run in a second company, so their appointments
	// leave the first company's count (what list and slots see) alone.
	bookPAT      string // its owner's personal access token
	bookers      []host // its hosts, open around the clock
	day0         time.Time
	base         int // appointments seedBase wrote
	appointments int // appointments the seed wrote in all
}

// Where appointments go, in days from day0 (tomorrow, 00:00 UTC): the slot
// window, then the booking region, then future filler; past filler goes
// before day0. The regions never overlap, so seeded appointments change the
// size of the tables, not the slots the scenarios see.
const (
	slotDays       = 31
	bookFromDay    = 33
	bookDays       = 150
	bookStep       = 5 * time.Minute
	fillerPastDays = 730
	fillerFromDay  = bookFromDay + bookDays + 1
	fillerDays     = 365
	fillerLength   = 30 * time.Minute
)

// openStore opens and migrates the database meetd will serve.
func openStore(ctx context.Context, dsn string) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, dsn, meetd.SystemClock{})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// seedBase creates the company (plan enterprise, so API keys work), its
// owner, a PAT and an API key, teamSize hosts with perHost appointments
// each scattered over the slot window, and a second company with a PAT and
// bookerCount hosts open around the clock with a 5-minute meeting type.
func seedBase(ctx context.Context, db *sqldb.DB, teamSize, perHost, bookerCount int) (*fixture, error) {
	a := meetd.CLIActor
	f := &fixture{day0: time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)}
	company, owner, err := db.CreateCompany(ctx, a, meetd.NewCompany{Name: "Bench", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "owner@bench.example", GivenName: "Olivia", FamilyName: "Owner", Timezone: "Europe/Berlin",
			Type: meetd.UserStandard, Provision: meetd.DefaultProvision("Europe/Berlin", "zoom")})
	if err != nil {
		return nil, fmt.Errorf("create company: %w", err)
	}
	f.companyID, f.ownerID = company.ID, owner.ID
	is := &auth.Issuer{Store: db, Clock: meetd.SystemClock{}}
	pat, err := is.CreatePAT(ctx, a, company.ID, owner.ID, "bench", 0)
	if err != nil {
		return nil, fmt.Errorf("create PAT: %w", err)
	}
	f.pat, f.credentialID = pat.Secret, pat.Credential.ID
	key, err := is.CreateAPIKey(ctx, a, company.ID, "", "bench", 90*24*time.Hour, false)
	if err != nil {
		return nil, fmt.Errorf("create API key: %w", err)
	}
	f.apiKey = key.Secret

	for i := range teamSize {
		h, err := newHost(ctx, db, f.companyID, fmt.Sprintf("team%02d", i), nil)
		if err != nil {
			return nil, err
		}
		f.team = append(f.team, h)
	}
	mt, err := db.CreateMeetingType(ctx, a, meetd.MeetingType{CompanyID: f.companyID, UserID: owner.ID,
		AvailabilityID: owner.DefaultAvailabilityID, Name: "Team call", Slug: "team-call", Duration: 30, Channel: "zoom",
		Enabled: true, Spots: 1, DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		return nil, fmt.Errorf("create team meeting type: %w", err)
	}
	f.teamMeeting = mt.ID

	bookings, bookOwner, err := db.CreateCompany(ctx, a, meetd.NewCompany{Name: "Bench Bookings", Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "owner@bookings.bench.example", GivenName: "Bob", FamilyName: "Owner", Timezone: "UTC",
			Type: meetd.UserStandard})
	if err != nil {
		return nil, fmt.Errorf("create bookings company: %w", err)
	}
	bookPAT, err := is.CreatePAT(ctx, a, bookings.ID, bookOwner.ID, "bench", 0)
	if err != nil {
		return nil, fmt.Errorf("create PAT: %w", err)
	}
	f.bookPAT = bookPAT.Secret
	around := meetd.Schedule{}
	for _, d := range meetd.Weekdays {
		around[d] = meetd.Day{Enabled: true, Hours: []meetd.Hours{{Start: "00:00", End: "24:00"}}}
	}
	for i := range bookerCount {
		h, err := newHost(ctx, db, bookings.ID, fmt.Sprintf("booker%02d", i), around)
		if err != nil {
			return nil, err
		}
		f.bookers = append(f.bookers, h)
	}

	// Each team host's appointments: 15, 30 or 45 minutes at random
	// quarter hours of the slot window, any time of day, never overlapping
	// (the store would refuse an overlap).
	var jobs []meetd.NewAppointment
	rnd := rand.New(rand.NewPCG(1, 2))
	const quarters = slotDays * 96
	for _, h := range f.team {
		taken := make([]bool, quarters+3)
		for n := 0; n < perHost; {
			q, length := rnd.IntN(quarters), 1+rnd.IntN(3)
			if taken[q] || taken[q+1] && length > 1 || taken[q+2] && length > 2 {
				continue
			}
			for k := range length {
				taken[q+k] = true
			}
			start := f.day0.Add(time.Duration(q) * 15 * time.Minute)
			jobs = append(jobs, f.appointment(h, start, time.Duration(length)*15*time.Minute, n))
			n++
		}
	}
	if err := bookAll(ctx, db, jobs); err != nil {
		return nil, err
	}
	f.base, f.appointments = len(jobs), len(jobs)
	return f, nil
}

// newHost creates a member with a provisioned availability and meeting type;
// with schedule set, a UTC availability and a 5-minute meeting type on it.
func newHost(ctx context.Context, db *sqldb.DB, companyID, name string, schedule meetd.Schedule) (host, error) {
	a := meetd.CLIActor
	created, err := db.CreateUser(ctx, a, meetd.NewUser{CompanyID: companyID, Email: name + "@bench.example",
		GivenName: name, FamilyName: "Bench", Timezone: "Europe/Berlin", Role: meetd.RoleMember, Type: meetd.UserStandard,
		Provision: meetd.DefaultProvision("Europe/Berlin", "zoom")})
	if err != nil {
		return host{}, fmt.Errorf("create user %s: %w", name, err)
	}
	h := host{userID: created.User.ID, meetingTypeID: created.MeetingType.ID, channel: created.MeetingType.Channel}
	if schedule == nil {
		return h, nil
	}
	av, err := db.CreateAvailability(ctx, a, meetd.NewAvailability{CompanyID: companyID, UserID: h.userID,
		Name: "Always", Timezone: "UTC", Schedule: schedule})
	if err != nil {
		return host{}, fmt.Errorf("create availability of %s: %w", name, err)
	}
	mt, err := db.CreateMeetingType(ctx, a, meetd.MeetingType{CompanyID: companyID, UserID: h.userID,
		AvailabilityID: av.ID, Name: "Quick", Slug: "quick", Duration: int(bookStep / time.Minute), Channel: "zoom",
		Enabled: true, Spots: 1, DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		return host{}, fmt.Errorf("create meeting type of %s: %w", name, err)
	}
	h.meetingTypeID, h.channel = mt.ID, mt.Channel
	return h, nil
}

// appointment is the NewAppointment the server builds for a booking of h's
// meeting type through the owner's PAT (see httpapi's newAppointment).
func (f *fixture) appointment(h host, start time.Time, length time.Duration, n int) meetd.NewAppointment {
	return meetd.NewAppointment{CompanyID: f.companyID, MeetingTypeID: h.meetingTypeID, HostIDs: []string{h.userID},
		Start: start, End: start.Add(length), Channel: h.channel, CredentialID: f.credentialID,
		Attendee: meetd.Attendee{Email: fmt.Sprintf("guest%d@bench.example", n), Firstname: "Guest",
			Lastname: fmt.Sprint(n), Fullname: fmt.Sprintf("Guest %d", n), Notes: json.RawMessage(`{}`)}}
}

// grow adds appointments until the seed has written total, spread evenly
// over the round-robin hosts and over two years of past and one of future
// (outside the slot window and the booking region). Calls may repeat with
// growing totals: each fills places the earlier ones left free.
func (f *fixture) grow(ctx context.Context, db *sqldb.DB, total int) error {
	have := f.appointments
	if total <= have {
		return nil
	}
	// Half-hour places per host, visited in a stride order that spreads the
	// first k of them over the whole span for any k.
	places := (fillerPastDays + fillerDays) * 48
	const stride = 7919 // a prime that does not divide places, so the order visits each place once
	var jobs []meetd.NewAppointment
	for n := have; n < total; n++ {
		k := n - f.base
		h := f.team[k%len(f.team)]
		slot := (k / len(f.team)) * stride % places
		if k/len(f.team) >= places {
			return fmt.Errorf("too many appointments for the filler span")
		}
		var start time.Time
		if day := slot / 48; day < fillerPastDays {
			start = f.day0.AddDate(0, 0, -fillerPastDays).Add(time.Duration(slot) * fillerLength)
		} else {
			start = f.day0.AddDate(0, 0, fillerFromDay).Add(time.Duration(slot-fillerPastDays*48) * fillerLength)
		}
		jobs = append(jobs, f.appointment(h, start, fillerLength, n))
	}
	if err := bookAll(ctx, db, jobs); err != nil {
		return err
	}
	f.appointments = total
	return nil
}

// bookAll books every appointment with a few writers: on PostgreSQL they
// run in parallel (each host is locked separately); SQLite takes one
// writer at a time anyway.
func bookAll(ctx context.Context, db *sqldb.DB, jobs []meetd.NewAppointment) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				if _, err := db.BookAppointment(ctx, meetd.CLIActor, jobs[i]); err != nil {
					errs <- fmt.Errorf("seed appointment %d at %s: %w", i, jobs[i].Start.Format(time.RFC3339), err)
					next.Store(int64(len(jobs)))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

// countAppointments returns how many appointments the company has (the
// bench's own bookings included).
func countAppointments(ctx context.Context, db *sqldb.DB, companyID string) (int, error) {
	_, total, err := db.ListAppointments(ctx, meetd.AppointmentFilter{CompanyID: companyID, Limit: 1})
	return total, err
}
