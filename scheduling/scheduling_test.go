package scheduling_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/scheduling"
	"github.com/meetd/meetd/slots"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// now is a Monday morning, so the default schedule (Mon–Fri 09–17) is open
// the next day.
var now = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

// workspace is a company whose owner has a round-robin meeting type with
// hosts queue members, each bookable in their own default availability.
type workspace struct {
	db      *sqldb.DB
	company meetd.Company
	owner   meetd.User
	hosts   []string
	mt      meetd.MeetingType
	p       meetd.Principal
}

func newWorkspace(t testing.TB, db *sqldb.DB, name string, hosts int) workspace {
	t.Helper()
	ctx := context.Background()
	c, owner, err := db.CreateCompany(ctx, meetd.CLIActor, meetd.NewCompany{Name: name, Plan: meetd.PlanEnterprise},
		meetd.NewUser{Email: "owner@" + name + ".example", GivenName: "O", FamilyName: "W", Timezone: "UTC", Type: meetd.UserStandard})
	if err != nil {
		t.Fatal(err)
	}
	w := workspace{db: db, company: c, owner: owner,
		p: meetd.Principal{CredentialID: "cred-" + name, Company: c, User: owner}}
	for i := range hosts {
		cu, err := db.CreateUser(ctx, meetd.CLIActor, meetd.NewUser{CompanyID: c.ID, Email: fmt.Sprintf("h%d@%s.example", i, name),
			GivenName: "H", FamilyName: fmt.Sprint(i), Timezone: "UTC", Role: meetd.RoleMember, Type: meetd.UserStandard})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateAvailability(ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: c.ID, UserID: cu.User.ID,
			Name: "Hours", Timezone: "UTC", Schedule: meetd.DefaultSchedule()}); err != nil {
			t.Fatal(err)
		}
		w.hosts = append(w.hosts, cu.User.ID)
	}
	w.mt, err = db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: owner.ID,
		Name: "Intro", Slug: "intro", Duration: 30, Channel: "zoom", Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, &meetd.NewAvailability{CompanyID: c.ID, UserID: owner.ID,
		Name: "Hours", Timezone: "UTC", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		t.Fatal(err)
	}
	q, err := db.UpdateQueue(ctx, meetd.CLIActor, c.ID, w.mt.ID, func(q *meetd.Queue) error {
		for _, id := range w.hosts {
			q.Members = append(q.Members, meetd.QueueMember{UserID: id})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.mt.QueueID = q.ID
	return w
}

func attendee() scheduling.BookingDetails {
	return scheduling.BookingDetails{Attendee: meetd.Attendee{Email: "guest@example.com", Notes: json.RawMessage(`{}`)}}
}

// TestStoreCallsDoNotGrowWithHosts: a slot query and a booking cost the
// same number of store calls for one host as for ten, at most seven, with
// every host's calendar connected.
func TestStoreCallsDoNotGrowWithHosts(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			clock := meetd.NewManualClock(now)
			db := sqldbtest.Open(t, b, clock)
			ctx := context.Background()
			tomorrow := now.Add(24 * time.Hour).Truncate(24 * time.Hour)
			type cost struct{ byHosts, byQueue, book int64 }
			measure := func(name string, hosts int) cost {
				w := newWorkspace(t, db, name, hosts)
				// Every host has a connected calendar with busy times:
				// they are read in the same call as the appointments.
				for _, id := range w.hosts {
					if err := db.ReplaceCalendarBusy(ctx, w.company.ID, id, "cal-"+id, now, now.AddDate(0, 0, 30),
						[]meetd.BusyInterval{{Start: tomorrow.Add(15 * time.Hour), End: tomorrow.Add(16 * time.Hour)}}); err != nil {
						t.Fatal(err)
					}
				}
				store := &counting{s: db}
				svc := &scheduling.Service{Store: store, Clock: clock}
				var got cost
				req := scheduling.SlotRequest{MeetingTypeID: w.mt.ID, HostIDs: w.hosts, Method: slots.Anyone,
					From: tomorrow, To: tomorrow.Add(24 * time.Hour)}
				list, err := svc.Slots(ctx, w.p, req)
				if err != nil || len(list) == 0 || len(list[0].HostIDs) != hosts {
					t.Fatalf("Slots by hostIds for %d hosts = %d slots, %v", hosts, len(list), err)
				}
				got.byHosts = store.calls()
				store.reset()
				req.HostIDs, req.QueueID = nil, w.mt.QueueID
				if list, err := svc.Slots(ctx, w.p, req); err != nil || len(list) == 0 {
					t.Fatalf("Slots by queue for %d hosts = %d slots, %v", hosts, len(list), err)
				}
				got.byQueue = store.calls()
				store.reset()
				res, err := svc.Book(ctx, w.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: w.mt.ID,
					Start: tomorrow.Add(10 * time.Hour), QueueID: w.mt.QueueID, BookingDetails: attendee()})
				if err != nil || res.Appointment.ID == "" {
					t.Fatalf("Book for %d hosts = %+v, %v", hosts, res, err)
				}
				got.book = store.calls()
				return got
			}
			one, ten := measure("one", 1), measure("ten", 10)
			if one != ten {
				t.Fatalf("store calls for 1 host %+v, for 10 hosts %+v; want the same", one, ten)
			}
			if one.byHosts > 7 || one.byQueue > 7 || one.book > 7 {
				t.Fatalf("store calls %+v; want at most 7 each", one)
			}
		})
	}
}

// TestAnotherCompanysObjectsAreNotFound: a principal never reaches another
// company's meeting types, appointments or queues through the service.
func TestAnotherCompanysObjectsAreNotFound(t *testing.T) {
	for _, b := range sqldbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			clock := meetd.NewManualClock(now)
			db := sqldbtest.Open(t, b, clock)
			ctx := context.Background()
			mine, theirs := newWorkspace(t, db, "mine", 1), newWorkspace(t, db, "theirs", 1)
			svc := &scheduling.Service{Store: db, Clock: clock}
			start := now.Add(24 * time.Hour).Truncate(24 * time.Hour).Add(10 * time.Hour)
			res, err := svc.Book(ctx, theirs.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: theirs.mt.ID,
				Start: start, QueueID: theirs.mt.QueueID, BookingDetails: attendee()})
			if err != nil {
				t.Fatal(err)
			}
			errOf := func(_ any, err error) error { return err }
			tests := []struct {
				name string
				err  error
				want error // nil: any ENOTFOUND
			}{
				{"Book", errOf(svc.Book(ctx, mine.p, meetd.CLIActor, scheduling.BookRequest{MeetingTypeID: theirs.mt.ID,
					Start: start, QueueID: theirs.mt.QueueID, BookingDetails: attendee()})), scheduling.ErrMeetingTypeNotFound},
				{"Slots", errOf(svc.Slots(ctx, mine.p, scheduling.SlotRequest{MeetingTypeID: theirs.mt.ID,
					QueueID: theirs.mt.QueueID, From: start, To: start.Add(time.Hour)})), scheduling.ErrSlotMeetingTypeNotFound},
				{"Appointment", errOf(svc.Appointment(ctx, mine.p, res.Appointment.ID)), scheduling.ErrAppointmentNotFound},
				{"Queue", errOf(svc.Queue(ctx, mine.p, theirs.mt.QueueID)), scheduling.ErrQueueNotFound},
				{"NextHosts", errOf(svc.NextHosts(ctx, mine.p, theirs.mt.QueueID)), scheduling.ErrQueueNotFound},
				{"ReissueToken", errOf(svc.ReissueToken(ctx, mine.p, meetd.NewID())), nil},
			}
			for _, tc := range tests {
				if tc.want == nil {
					if meetd.ErrorCode(tc.err) != meetd.ENOTFOUND {
						t.Errorf("%s = %v, want ENOTFOUND", tc.name, tc.err)
					}
					continue
				}
				if tc.err != tc.want {
					t.Errorf("%s = %v, want %v", tc.name, tc.err, tc.want)
				}
			}
			// A host of another company is refused even through one's own
			// meeting type.
			_, err = svc.Slots(ctx, mine.p, scheduling.SlotRequest{MeetingTypeID: mine.mt.ID, HostIDs: theirs.hosts,
				From: start, To: start.Add(time.Hour)})
			if meetd.ErrorCode(err) != meetd.EINVALID {
				t.Errorf("Slots with another company's host = %v, want EINVALID", err)
			}
		})
	}
}
