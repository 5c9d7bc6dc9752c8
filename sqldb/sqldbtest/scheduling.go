package sqldbtest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// host is a user with an availability and a meeting type, for the
// scheduling tests.
type host struct {
	user meetd.User
	av   meetd.Availability
	mt   meetd.MeetingType
}

func (f *fixture) host(companyID, email string) host {
	f.t.Helper()
	u := f.user(companyID, email, "Host", email[:3], meetd.RoleMember)
	av, err := f.db.CreateAvailability(f.ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: companyID, UserID: u.ID,
		Name: "Hours", Timezone: "Europe/Berlin", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		f.t.Fatalf("CreateAvailability: %v", err)
	}
	mt, err := f.db.CreateMeetingType(f.ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: companyID, UserID: u.ID,
		AvailabilityID: av.ID, Name: "Intro", Slug: "intro", Duration: 30, Channel: "zoom", Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		f.t.Fatalf("CreateMeetingType: %v", err)
	}
	return host{user: u, av: av, mt: mt}
}

func (f *fixture) booking(h host, start time.Time, minutes int) meetd.NewAppointment {
	return meetd.NewAppointment{CompanyID: h.user.CompanyID, MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID},
		Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
		Attendee: meetd.Attendee{Email: "Guest@Example.com", Firstname: "G", Notes: json.RawMessage(`{}`)}}
}

func testMeetingTypes(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	if h.mt.Slug != "intro" || !h.mt.Enabled || h.mt.AllowedDurations == nil && false {
		t.Fatalf("created %+v", h.mt)
	}
	_, err := f.db.CreateMeetingType(f.ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: h.user.ID,
		AvailabilityID: h.av.ID, Name: "Again", Slug: "intro", Duration: 15}, nil)
	wantCode(t, err, meetd.ECONFLICT)
	m := h.mt
	got, err := f.db.UpdateMeetingType(f.ctx, meetd.CLIActor, c.ID, m.ID, func(m *meetd.MeetingType) error {
		m.Name, m.AllowedDurations, m.BufferAfter = "Intro call", []int{15, 60}, 10
		m.ExtraInfo = map[string]json.RawMessage{"color": json.RawMessage(`"#00f"`)}
		m.DaysIntoFuture = json.RawMessage(`{"mode":"limit","bookingLimit":43200}`)
		return nil
	})
	if err != nil || got.Name != "Intro call" || len(got.AllowedDurations) != 2 || got.BufferAfter != 10 ||
		string(got.ExtraInfo["color"]) != `"#00f"` || got.BookingWindow() != 30*24*time.Hour {
		t.Fatalf("UpdateMeetingType = %+v, %v", got, err)
	}
	refused := meetd.Errorf(meetd.EINVALID, "refused")
	if _, err := f.db.UpdateMeetingType(f.ctx, meetd.CLIActor, c.ID, m.ID, func(m *meetd.MeetingType) error {
		m.Name = "never written"
		return refused
	}); err != refused {
		t.Fatalf("an apply error must abort the update, got %v", err)
	}
	if again, _ := f.db.MeetingTypeByID(f.ctx, c.ID, m.ID); again.Name != "Intro call" {
		t.Fatalf("an aborted update was written: %q", again.Name)
	}
	// Concurrent updates of different fields both land.
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			f.db.UpdateMeetingType(f.ctx, meetd.CLIActor, c.ID, m.ID, func(m *meetd.MeetingType) error {
				m.Locations = append(m.Locations, string(rune('a'+i)))
				return nil
			})
		})
	}
	wg.Wait()
	if again, _ := f.db.MeetingTypeByID(f.ctx, c.ID, m.ID); len(again.Locations) != 10 {
		t.Fatalf("concurrent updates were lost: %v", again.Locations)
	}
	if list, _ := f.db.ListMeetingTypes(f.ctx, meetd.MeetingTypeFilter{CompanyID: c.ID, UserID: h.user.ID}); len(list) != 1 {
		t.Fatalf("MeetingTypesByUser = %d", len(list))
	}
	// The availability is in use: deleting it with the meeting type is refused
	// while another meeting type shares it.
	other, _ := f.db.CreateMeetingType(f.ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: h.user.ID,
		AvailabilityID: h.av.ID, Name: "Other", Slug: "other", Duration: 15}, nil)
	wantCode(t, f.db.DeleteMeetingType(f.ctx, meetd.CLIActor, c.ID, m.ID, true), meetd.ECONFLICT)
	if err := f.db.DeleteMeetingType(f.ctx, meetd.CLIActor, c.ID, m.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.MeetingTypeByID(f.ctx, c.ID, m.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	// A deleted meeting type frees its slug.
	if _, err := f.db.CreateMeetingType(f.ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: h.user.ID,
		AvailabilityID: h.av.ID, Name: "Intro", Slug: "intro", Duration: 30}, nil); err != nil {
		t.Fatalf("slug not freed: %v", err)
	}
	wantCode(t, f.db.DeleteAvailability(f.ctx, meetd.CLIActor, c.ID, h.av.ID), meetd.ECONFLICT)
	_ = other
	// An inline availability is created with its meeting type, or not at all.
	before, _ := f.db.ListAvailabilities(f.ctx, meetd.AvailabilityFilter{CompanyID: c.ID, UserID: h.user.ID})
	_, err = f.db.CreateMeetingType(f.ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: h.user.ID,
		Name: "Clash", Slug: "other", Duration: 15}, &meetd.NewAvailability{CompanyID: c.ID, UserID: h.user.ID,
		Name: "Inline", Timezone: "UTC", Schedule: meetd.DefaultSchedule()})
	wantCode(t, err, meetd.ECONFLICT)
	if after, _ := f.db.ListAvailabilities(f.ctx, meetd.AvailabilityFilter{CompanyID: c.ID, UserID: h.user.ID}); len(after) != len(before) {
		t.Fatalf("a refused meeting type left its availability behind: %d → %d", len(before), len(after))
	}
	withInline, err := f.db.CreateMeetingType(f.ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: c.ID, UserID: h.user.ID,
		Name: "Fresh", Slug: "fresh", Duration: 15}, &meetd.NewAvailability{CompanyID: c.ID, UserID: h.user.ID,
		Name: "Inline", Timezone: "UTC", Schedule: meetd.DefaultSchedule()})
	if err != nil || withInline.AvailabilityID == "" || withInline.AvailabilityID == h.av.ID {
		t.Fatalf("inline availability: %+v, %v", withInline, err)
	}
}

func testAvailabilities(f *fixture) {
	t := f.t
	c, owner := f.company(meetd.PlanEnterprise, "owner@example.com")
	av, err := f.db.CreateAvailability(f.ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: c.ID, UserID: owner.ID,
		Name: "A", Timezone: "America/New_York", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		t.Fatal(err)
	}
	name, tz := "B", "Asia/Tokyo"
	sched := meetd.Schedule{"monday": {Enabled: true, Hours: []meetd.Hours{{Start: "10:00", End: "11:00"}}}}
	got, err := f.db.UpdateAvailability(f.ctx, meetd.CLIActor, c.ID, av.ID, meetd.AvailabilityUpdate{Name: &name, Timezone: &tz, Schedule: &sched})
	if err != nil || got.Name != "B" || got.Timezone != "Asia/Tokyo" || got.Schedule["monday"].Hours[0].Start != "10:00" ||
		got.Schedule["friday"].Enabled {
		t.Fatalf("UpdateAvailability = %+v, %v", got, err)
	}
	if list, _ := f.db.ListAvailabilities(f.ctx, meetd.AvailabilityFilter{CompanyID: c.ID, UserID: owner.ID}); len(list) != 1 {
		t.Fatalf("ListAvailabilities = %d", len(list))
	}
	e1, err := f.db.AddException(f.ctx, meetd.CLIActor, c.ID, meetd.Exception{AvailabilityID: av.ID, Available: false,
		Start: start.Add(24 * time.Hour), End: start.Add(72 * time.Hour), Title: "Holiday"})
	if err != nil || e1.ID == 0 {
		t.Fatalf("AddException = %+v, %v", e1, err)
	}
	e2, _ := f.db.AddException(f.ctx, meetd.CLIActor, c.ID, meetd.Exception{AvailabilityID: av.ID, Available: true,
		Start: start.Add(100 * time.Hour), End: start.Add(102 * time.Hour)})
	if e2.ID <= e1.ID {
		t.Fatalf("exception ids %d, %d", e1.ID, e2.ID)
	}
	list, err := f.db.ListExceptions(f.ctx, meetd.ExceptionFilter{CompanyID: c.ID, AvailabilityIDs: []string{av.ID},
		From: start.Add(48 * time.Hour), To: start.Add(101 * time.Hour)})
	if err != nil || len(list) != 2 || list[0].Title != "Holiday" || list[0].Available || !list[1].Available {
		t.Fatalf("Exceptions = %+v, %v", list, err)
	}
	if err := f.db.DeleteException(f.ctx, meetd.CLIActor, c.ID, av.ID, e1.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.db.DeleteException(f.ctx, meetd.CLIActor, c.ID, av.ID, e1.ID), meetd.ENOTFOUND)
	if err := f.db.DeleteAvailability(f.ctx, meetd.CLIActor, c.ID, av.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.AvailabilityByID(f.ctx, c.ID, av.ID)
	wantCode(t, err, meetd.ENOTFOUND)
}

func testAppointments(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanAPIPlatform, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	h2 := f.host(c.ID, "h2@example.com")
	at := start.Add(48 * time.Hour)
	n := f.booking(h, at, 30)
	n.Metered, n.CredentialID = true, "cred-1"
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil || ap.Secret == "" || !ap.Start.Equal(at) || ap.Attendee.Email != "Guest@Example.com" ||
		len(ap.HostIDs) != 1 || ap.HostIDs[0] != h.user.ID {
		t.Fatalf("BookAppointment = %+v, %v", ap, err)
	}
	// Overlap, buffers and touching intervals.
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, at.Add(15*time.Minute), 30))
	wantCode(t, err, meetd.ECONFLICT)
	adjacent := f.booking(h, at.Add(30*time.Minute), 30)
	adjacent.BufferBefore = time.Minute
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, adjacent)
	wantCode(t, err, meetd.ECONFLICT)
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, at.Add(30*time.Minute), 30)); err != nil {
		t.Fatalf("a touching booking was refused: %v", err)
	}
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h2, at, 30)); err != nil {
		t.Fatalf("another host's booking was refused: %v", err)
	}
	// Collective: both hosts must be free.
	both := f.booking(h, at.Add(2*time.Hour), 30)
	both.HostIDs = []string{h.user.ID, h2.user.ID}
	coll, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, both)
	if err != nil || len(coll.HostIDs) != 2 || coll.HostIDs[0] != h.user.ID {
		t.Fatalf("collective = %+v, %v", coll, err)
	}
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h2, at.Add(2*time.Hour), 30))
	wantCode(t, err, meetd.ECONFLICT)

	busy, err := f.db.Busy(f.ctx, meetd.BusyFilter{CompanyID: c.ID, HostIDs: []string{h.user.ID}, From: at, To: at.Add(3 * time.Hour), ExceptID: ap.ID})
	if err != nil || len(busy) != 2 {
		t.Fatalf("Busy = %+v, %v", busy, err)
	}
	list, total, err := f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: c.ID, HostID: h2.user.ID, Limit: 10})
	if err != nil || total != 2 || len(list) != 2 || !list[0].Start.Before(list[1].Start) {
		t.Fatalf("ListAppointments = %+v (%d), %v", list, total, err)
	}
	// Reschedule into a taken slot, then into a free one.
	_, err = f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, at.Add(30*time.Minute), at.Add(time.Hour), 0, 0)
	wantCode(t, err, meetd.ECONFLICT)
	moved, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, at.Add(-time.Hour), at.Add(-30*time.Minute), 0, 0)
	if err != nil || !moved.Start.Equal(at.Add(-time.Hour)) || moved.RescheduleCount != 1 || moved.RescheduledAt == nil {
		t.Fatalf("Reschedule = %+v, %v", moved, err)
	}
	// Cancelling frees the slot.
	cancelled, err := f.db.CancelAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, "ill", "host")
	if err != nil || !cancelled.Cancelled || cancelled.CancelReason != "ill" || cancelled.CancelledAt == nil {
		t.Fatalf("Cancel = %+v, %v", cancelled, err)
	}
	_, err = f.db.CancelAppointment(f.ctx, meetd.CLIActor, c.ID, ap.ID, "", "host")
	wantCode(t, err, meetd.ECONFLICT)
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, at.Add(-time.Hour), 30)); err != nil {
		t.Fatalf("a cancelled appointment still holds its slot: %v", err)
	}
	_, total, _ = f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: c.ID, Status: "cancelled", Limit: 10})
	if total != 1 {
		t.Fatalf("cancelled total = %d", total)
	}
	usage, err := f.db.Usage(f.ctx, c.ID, start, start.AddDate(0, 1, 0))
	if err != nil || len(usage) != 1 || usage[0].Bookings != 1 || usage[0].ByCredential["cred-1"] != 1 || usage[0].Month != "2026-03" {
		t.Fatalf("Usage = %+v, %v", usage, err)
	}
}

func testConcurrentBooking(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	at := start.Add(72 * time.Hour)
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, at, 30)) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch meetd.ErrorCode(err) {
		case "":
			ok++
		case meetd.ECONFLICT:
		default:
			t.Fatalf("concurrent booking: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 20 concurrent bookings of one slot succeeded, want 1", ok)
	}

	// Slots that overlap without being equal (each starts 5 minutes after
	// the last and lasts 30): whatever wins, no two booked ones overlap.
	shifted := at.Add(24 * time.Hour)
	booked := make([]*meetd.Appointment, 20)
	for i := range booked {
		wg.Go(func() {
			ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, shifted.Add(time.Duration(i)*5*time.Minute), 30))
			switch meetd.ErrorCode(err) {
			case "":
				booked[i] = &ap
			case meetd.ECONFLICT:
			default:
				t.Errorf("concurrent overlapping booking: %v", err)
			}
		})
	}
	wg.Wait()
	var won []*meetd.Appointment
	for _, ap := range booked {
		if ap != nil {
			won = append(won, ap)
		}
	}
	if len(won) == 0 {
		t.Fatal("none of 20 overlapping bookings succeeded")
	}
	for i, a := range won {
		for _, b := range won[i+1:] {
			if a.Start.Before(b.End) && b.Start.Before(a.End) {
				t.Fatalf("two overlapping bookings both succeeded: %s–%s and %s–%s", a.Start, a.End, b.Start, b.End)
			}
		}
	}

	// Two hosts named in either order by bookings of one slot: one wins,
	// none deadlocks, and what BookAppointment answers is what a read
	// answers (the main host first, then the others in id order).
	h2 := f.host(c.ID, "h2@example.com")
	h3 := f.host(c.ID, "h3@example.com")
	pair := at.Add(48 * time.Hour)
	answers := make([]meetd.Appointment, 20)
	for i := range errs {
		n := f.booking(h2, pair, 30)
		n.HostIDs = []string{h2.user.ID, h3.user.ID}
		if i%2 == 1 {
			n.HostIDs = []string{h3.user.ID, h2.user.ID}
		}
		wg.Go(func() { answers[i], errs[i] = f.db.BookAppointment(f.ctx, meetd.CLIActor, n) })
	}
	wg.Wait()
	ok = 0
	for i, err := range errs {
		switch meetd.ErrorCode(err) {
		case "":
			ok++
			read, err := f.db.AppointmentByID(f.ctx, c.ID, answers[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(read, answers[i]) {
				t.Fatalf("BookAppointment answered\n%+v\na read answers\n%+v", answers[i], read)
			}
		case meetd.ECONFLICT:
		default:
			t.Fatalf("concurrent booking of two hosts: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 20 concurrent bookings of two hosts' slot succeeded, want 1", ok)
	}

	// A booking with everything an attendee and a client can send: the
	// answer is what a read answers, to the byte of the notes.
	rich := f.booking(h, at.Add(72*time.Hour), 45)
	rich.Start = rich.Start.Add(1234567 * time.Microsecond) // stored to the millisecond
	rich.End = rich.Start.Add(45 * time.Minute)
	rich.Channel, rich.Location, rich.QueueID, rich.SelectionReason = "phone", "+49 30 1234", "", "picked"
	rich.CredentialID, rich.Metered = meetd.NewID(), true
	rich.Attendee = meetd.Attendee{Email: "Rich@Example.com", Firstname: "Ri", Lastname: "Ch", Fullname: "Ri Ch",
		Phone: "+49 170 1", Timezone: "Europe/Berlin", Language: "de", ReceiveReminders: true,
		Notes:            json.RawMessage(`{ "b": [1, 2],  "a": "x" }`),
		BringalongEmails: []string{"g1@example.com", "RICH@example.com", "g2@example.com", "g1@EXAMPLE.com"}}
	got, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, rich)
	if err != nil {
		t.Fatal(err)
	}
	read, err := f.db.AppointmentByID(f.ctx, c.ID, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, got) {
		t.Fatalf("BookAppointment answered\n%+v\na read answers\n%+v", got, read)
	}
	if len(got.Attendees) != 3 {
		t.Fatalf("attendees = %+v, want the booker and two guests", got.Attendees)
	}
}

func testProvisional(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	at := start.Add(96 * time.Hour)
	mk := func() meetd.ProvisionalBooking {
		p, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: c.ID,
			MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID}, Start: at, End: at.Add(30 * time.Minute),
			Request: json.RawMessage(`{"start":"x"}`), AttendeeEmail: "g@example.com", TokenHash: []byte{1, 2}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1, p2 := mk(), mk()
	if p1.Status != meetd.ProvisionalPending || !p1.ExpiresAt.Equal(p1.CreatedAt.Add(meetd.ProvisionalTTL)) {
		t.Fatalf("created %+v", p1)
	}
	list, total, err := f.db.ListProvisional(f.ctx, meetd.ProvisionalFilter{CompanyID: c.ID, HostID: h.user.ID,
		Status: meetd.ProvisionalPending, Limit: 10})
	if err != nil || total != 2 || len(list) != 2 || string(list[0].Request) != `{"start":"x"}` {
		t.Fatalf("ListProvisional = %+v %d %v", list, total, err)
	}
	// The host filter matches the host exactly: another user has none.
	other := f.host(c.ID, "h2@example.com")
	if list, total, err := f.db.ListProvisional(f.ctx, meetd.ProvisionalFilter{CompanyID: c.ID, HostID: other.user.ID,
		Limit: 10}); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("another host's ListProvisional = %+v %d %v", list, total, err)
	}
	ap, err := f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, c.ID, p1.ID, f.booking(h, at, 30))
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, c.ID, p1.ID, f.booking(h, at, 30))
	if err != nil || again.ID != ap.ID {
		t.Fatalf("confirming twice = %+v, %v; want the same appointment", again, err)
	}
	_, err = f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, c.ID, p2.ID, f.booking(h, at, 30))
	wantCode(t, err, meetd.ECONFLICT)
	p3 := mk()
	f.clock.Advance(meetd.ProvisionalTTL)
	if n, err := f.db.ExpireProvisional(f.ctx, f.clock.Now()); err != nil || n != 2 {
		t.Fatalf("ExpireProvisional = %d, %v; want 2 (p2, p3)", n, err)
	}
	_, err = f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, c.ID, p3.ID, f.booking(h, at.Add(time.Hour), 30))
	wantCode(t, err, meetd.ECONFLICT)
}

func testQueues(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h1, h2 := f.host(c.ID, "h1@example.com"), f.host(c.ID, "h2@example.com")
	q, err := f.db.UpdateQueue(f.ctx, meetd.CLIActor, c.ID, h1.mt.ID, func(q *meetd.Queue) error {
		q.Members = []meetd.QueueMember{{UserID: h1.user.ID, Priority: 1}, {UserID: h2.user.ID, Priority: 2, Capacity: 5}}
		return nil
	})
	if err != nil || q.ID == "" || len(q.Members) != 2 || q.Type != meetd.QueueSimpleRoundRobin {
		t.Fatalf("UpdateQueue = %+v, %v", q, err)
	}
	mt, _ := f.db.MeetingTypeByID(f.ctx, c.ID, h1.mt.ID)
	if mt.QueueID != q.ID {
		t.Fatalf("meeting type queue = %q", mt.QueueID)
	}
	n := f.booking(h2, start.Add(48*time.Hour), 30)
	n.MeetingTypeID, n.QueueID = h1.mt.ID, q.ID
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.QueueByID(f.ctx, c.ID, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got.Members {
		want := 0
		if m.UserID == h2.user.ID {
			want = 1
		}
		if m.BookingsInPeriod != want || (want == 1) != (m.LastBookedAt != nil) {
			t.Fatalf("member %+v: want %d bookings", m, want)
		}
	}
	if got, err := f.db.UpdateQueue(f.ctx, meetd.CLIActor, c.ID, h1.mt.ID, func(q *meetd.Queue) error {
		q.Members, q.Type = q.Members[:1], meetd.QueueEqualDistribution
		return nil
	}); err != nil || got.ID != q.ID || len(got.Members) != 1 || got.Type != meetd.QueueEqualDistribution {
		t.Fatalf("UpdateQueue update = %+v, %v", got, err)
	}
	_, err = f.db.QueueByID(f.ctx, c.ID, meetd.NewID())
	wantCode(t, err, meetd.ENOTFOUND)
}

func testIdempotency(f *fixture) {
	t := f.t
	req := meetd.StoredResponse{Route: "POST /v4/booking", RequestHash: []byte{9}}
	reserve := func(cred, key string) (meetd.StoredResponse, string) {
		t.Helper()
		got, owner, err := f.db.ReserveResponse(f.ctx, cred, key, req)
		if err != nil {
			t.Fatal(err)
		}
		return got, owner
	}
	_, owner := reserve("cred", "k1")
	if owner == "" {
		t.Fatal("the first reservation failed")
	}
	// While the first request runs, the key answers "in progress".
	if got, o := reserve("cred", "k1"); o != "" || got.Status != 0 {
		t.Fatalf("reserve while running = %+v %q", got, o)
	}
	// Only the owner completes it.
	if err := f.db.CompleteResponse(f.ctx, "cred", "k1", "not-the-owner", 500, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CompleteResponse(f.ctx, "cred", "k1", owner, 201, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	got, o := reserve("cred", "k1")
	if o != "" || got.Status != 201 || string(got.Body) != `{"a":1}` || got.Route != req.Route ||
		!bytes.Equal(got.RequestHash, req.RequestHash) {
		t.Fatalf("reserve after completion = %+v %q", got, o)
	}
	// Keys belong to one credential.
	if _, o := reserve("other", "k1"); o == "" {
		t.Fatal("keys leaked across credentials")
	}
	// A released key can be reserved again at once.
	_, o2 := reserve("cred", "k2")
	if err := f.db.ReleaseResponse(f.ctx, "cred", "k2", o2); err != nil {
		t.Fatal(err)
	}
	_, o3 := reserve("cred", "k2")
	if o3 == "" {
		t.Fatal("a released key stayed taken")
	}
	// A reservation whose request died is taken over after the pending
	// TTL; the first holder can then neither release nor complete it.
	f.clock.Advance(meetd.IdempotencyPendingTTL)
	_, o4 := reserve("cred", "k2")
	if o4 == "" || o4 == o3 {
		t.Fatal("an abandoned reservation was not taken over")
	}
	f.db.ReleaseResponse(f.ctx, "cred", "k2", o3)
	f.db.CompleteResponse(f.ctx, "cred", "k2", o3, 201, []byte(`{"stale":true}`))
	if got, o := reserve("cred", "k2"); o != "" || got.Status != 0 {
		t.Fatalf("a stale holder changed the new reservation: %+v %q", got, o)
	}
	// A dead reservation stays bound to its request: another request with
	// the key sees the first one's hash (a 422 for the caller), and only the
	// same request takes it over.
	_, o5 := reserve("cred", "k3")
	f.clock.Advance(meetd.IdempotencyPendingTTL)
	other := meetd.StoredResponse{Route: req.Route, RequestHash: []byte{7}}
	if got, o, err := f.db.ReserveResponse(f.ctx, "cred", "k3", other); err != nil || o != "" ||
		!bytes.Equal(got.RequestHash, req.RequestHash) || got.Status != 0 {
		t.Fatalf("another request took over a dead reservation: %+v %q %v", got, o, err)
	}
	if _, o := reserve("cred", "k3"); o == "" || o == o5 {
		t.Fatal("the same request did not take over its dead reservation")
	}
	// Concurrent reservations of one key: exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan bool, 10)
	for range 10 {
		wg.Go(func() {
			_, owner, err := f.db.ReserveResponse(f.ctx, "cred", "race", req)
			if err != nil {
				t.Error(err)
			}
			wins <- owner != ""
		})
	}
	wg.Wait()
	close(wins)
	n := 0
	for w := range wins {
		if w {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d concurrent reservations won, want 1", n)
	}
	// Completed answers expire after a day and are pruned.
	f.clock.Advance(meetd.IdempotencyTTL)
	if _, o := reserve("cred", "k1"); o == "" {
		t.Fatal("an expired answer was replayed")
	}
	if err := f.db.PruneResponses(f.ctx, f.clock.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, o := reserve("cred", "race"); o == "" {
		t.Fatal("a pruned key is still taken")
	}
}

// testBookingKey: one credential's Idempotency-Key books at most once,
// whatever happens between the booking and its stored answer.
func testBookingKey(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	n := f.booking(h, start.Add(48*time.Hour), 30)
	n.CredentialID, n.IdempotencyKey = "cred", "key-1"
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil {
		t.Fatal(err)
	}
	n.Start, n.End = n.Start.Add(time.Hour), n.End.Add(time.Hour) // another slot, same key
	_, err = f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	wantCode(t, err, meetd.ECONFLICT)
	got, err := f.db.AppointmentByIdempotencyKey(f.ctx, c.ID, "cred", "key-1")
	if err != nil || got.ID != ap.ID {
		t.Fatalf("AppointmentByIdempotencyKey = %+v, %v", got, err)
	}
	_, err = f.db.AppointmentByIdempotencyKey(f.ctx, c.ID, "other", "key-1")
	wantCode(t, err, meetd.ENOTFOUND)
	n.CredentialID = "other" // another credential may use the same string
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n); err != nil {
		t.Fatal(err)
	}
	// After a day the key is free again.
	f.clock.Advance(meetd.IdempotencyTTL)
	_, err = f.db.AppointmentByIdempotencyKey(f.ctx, c.ID, "cred", "key-1")
	wantCode(t, err, meetd.ENOTFOUND)
	n.CredentialID, n.Start, n.End = "cred", n.Start.Add(time.Hour), n.End.Add(time.Hour)
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n); err != nil {
		t.Fatalf("a day-old key still blocks: %v", err)
	}
}

// testForeignCompany: every scheduling method that names one object of a
// company answers ENOTFOUND for another company's, and changes nothing;
// lists and batched reads leave another company's objects out.
func testForeignCompany(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanAPIPlatform, "owner@example.com")
	other, _ := f.company(meetd.PlanAPIPlatform, "other@example.com")
	h := f.host(c.ID, "h1@example.com")
	at := start.Add(48 * time.Hour)
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(h, at, 30))
	if err != nil {
		t.Fatal(err)
	}
	q, err := f.db.UpdateQueue(f.ctx, meetd.CLIActor, c.ID, h.mt.ID, func(q *meetd.Queue) error {
		q.Members = []meetd.QueueMember{{UserID: h.user.ID}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.db.AddException(f.ctx, meetd.CLIActor, c.ID, meetd.Exception{AvailabilityID: h.av.ID,
		Start: at, End: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	pb, err := f.db.CreateProvisional(f.ctx, meetd.CLIActor, meetd.ProvisionalBooking{CompanyID: c.ID,
		MeetingTypeID: h.mt.ID, HostIDs: []string{h.user.ID}, Start: at.Add(time.Hour), End: at.Add(90 * time.Minute),
		Request: json.RawMessage(`{}`), AttendeeEmail: "g@example.com", TokenHash: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	keyed := f.booking(h, at.Add(3*time.Hour), 30)
	keyed.CredentialID, keyed.IdempotencyKey = "cred", "key"
	if _, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, keyed); err != nil {
		t.Fatal(err)
	}
	x := other.ID
	tests := []struct {
		name string
		call func() error
	}{
		{"MeetingTypeByID", func() error { _, err := f.db.MeetingTypeByID(f.ctx, x, h.mt.ID); return err }},
		{"UpdateMeetingType", func() error {
			_, err := f.db.UpdateMeetingType(f.ctx, meetd.CLIActor, x, h.mt.ID, func(m *meetd.MeetingType) error {
				m.Name = "stolen"
				return nil
			})
			return err
		}},
		{"DeleteMeetingType", func() error { return f.db.DeleteMeetingType(f.ctx, meetd.CLIActor, x, h.mt.ID, false) }},
		{"AvailabilityByID", func() error { _, err := f.db.AvailabilityByID(f.ctx, x, h.av.ID); return err }},
		{"UpdateAvailability", func() error {
			name := "stolen"
			_, err := f.db.UpdateAvailability(f.ctx, meetd.CLIActor, x, h.av.ID, meetd.AvailabilityUpdate{Name: &name})
			return err
		}},
		{"DeleteAvailability", func() error { return f.db.DeleteAvailability(f.ctx, meetd.CLIActor, x, h.av.ID) }},
		{"AddException", func() error {
			_, err := f.db.AddException(f.ctx, meetd.CLIActor, x, meetd.Exception{AvailabilityID: h.av.ID, Start: at, End: at.Add(time.Hour)})
			return err
		}},
		{"DeleteException", func() error { return f.db.DeleteException(f.ctx, meetd.CLIActor, x, h.av.ID, e.ID) }},
		{"QueueByID", func() error { _, err := f.db.QueueByID(f.ctx, x, q.ID); return err }},
		{"UpdateQueue", func() error {
			_, err := f.db.UpdateQueue(f.ctx, meetd.CLIActor, x, h.mt.ID, func(q *meetd.Queue) error { return nil })
			return err
		}},
		{"BookAppointment with another company's host", func() error {
			n := f.booking(h, at.Add(5*time.Hour), 30)
			n.CompanyID = x
			_, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
			return err
		}},
		{"AppointmentByID", func() error { _, err := f.db.AppointmentByID(f.ctx, x, ap.ID); return err }},
		{"AppointmentByIdempotencyKey", func() error {
			_, err := f.db.AppointmentByIdempotencyKey(f.ctx, x, "cred", "key")
			return err
		}},
		{"CancelAppointment", func() error {
			_, err := f.db.CancelAppointment(f.ctx, meetd.CLIActor, x, ap.ID, "", "host")
			return err
		}},
		{"RescheduleAppointment", func() error {
			_, err := f.db.RescheduleAppointment(f.ctx, meetd.CLIActor, x, ap.ID, at.Add(time.Hour), at.Add(90*time.Minute), 0, 0)
			return err
		}},
		{"ProvisionalByID", func() error { _, err := f.db.ProvisionalByID(f.ctx, x, pb.ID); return err }},
		{"ConfirmProvisional", func() error {
			_, err := f.db.ConfirmProvisional(f.ctx, meetd.CLIActor, x, pb.ID, f.booking(h, pb.Start, 30))
			return err
		}},
		{"ResetProvisionalToken", func() error { return f.db.ResetProvisionalToken(f.ctx, x, pb.ID, []byte{2}, "t2") }},
	}
	for _, tc := range tests {
		err := tc.call()
		if meetd.ErrorCode(err) != meetd.ENOTFOUND {
			t.Errorf("%s across companies = %v, want ENOTFOUND", tc.name, err)
		}
	}
	// The same message as a missing object: nothing tells them apart.
	_, foreign := f.db.MeetingTypeByID(f.ctx, x, h.mt.ID)
	_, missing := f.db.MeetingTypeByID(f.ctx, x, meetd.NewID())
	if foreign.Error() != missing.Error() {
		t.Errorf("foreign %q, missing %q", foreign, missing)
	}
	// Nothing changed.
	if m, err := f.db.MeetingTypeByID(f.ctx, c.ID, h.mt.ID); err != nil || m.Name != "Intro" {
		t.Errorf("meeting type after foreign calls = %+v, %v", m, err)
	}
	if av, err := f.db.AvailabilityByID(f.ctx, c.ID, h.av.ID); err != nil || av.Name != "Hours" {
		t.Errorf("availability after foreign calls = %+v, %v", av, err)
	}
	if got, err := f.db.AppointmentByID(f.ctx, c.ID, ap.ID); err != nil || got.Cancelled || !got.Start.Equal(at) {
		t.Errorf("appointment after foreign calls = %+v, %v", got, err)
	}
	if got, err := f.db.ProvisionalByID(f.ctx, c.ID, pb.ID); err != nil || got.Status != meetd.ProvisionalPending ||
		!bytes.Equal(got.TokenHash, []byte{1}) {
		t.Errorf("provisional booking after foreign calls = %+v, %v", got, err)
	}
	// Lists and batched reads leave another company's objects out.
	lists := []struct {
		name string
		n    func() (int, error)
	}{
		{"ListMeetingTypes", func() (int, error) {
			l, err := f.db.ListMeetingTypes(f.ctx, meetd.MeetingTypeFilter{CompanyID: x, UserID: h.user.ID})
			return len(l), err
		}},
		{"ListAvailabilities", func() (int, error) {
			l, err := f.db.ListAvailabilities(f.ctx, meetd.AvailabilityFilter{CompanyID: x, UserID: h.user.ID})
			return len(l), err
		}},
		{"AvailabilitiesByIDs", func() (int, error) {
			l, err := f.db.AvailabilitiesByIDs(f.ctx, x, []string{h.av.ID})
			return len(l), err
		}},
		{"ListExceptions", func() (int, error) {
			l, err := f.db.ListExceptions(f.ctx, meetd.ExceptionFilter{CompanyID: x, AvailabilityIDs: []string{h.av.ID},
				From: start, To: start.AddDate(1, 0, 0)})
			return len(l), err
		}},
		{"UsersByIDs", func() (int, error) {
			l, err := f.db.UsersByIDs(f.ctx, x, []string{h.user.ID})
			return len(l), err
		}},
		{"Busy", func() (int, error) {
			l, err := f.db.Busy(f.ctx, meetd.BusyFilter{CompanyID: x, HostIDs: []string{h.user.ID}, From: start, To: start.AddDate(1, 0, 0)})
			return len(l), err
		}},
		{"ListAppointments", func() (int, error) {
			_, n, err := f.db.ListAppointments(f.ctx, meetd.AppointmentFilter{CompanyID: x, Limit: 10})
			return n, err
		}},
		{"ListProvisional", func() (int, error) {
			_, n, err := f.db.ListProvisional(f.ctx, meetd.ProvisionalFilter{CompanyID: x, Limit: 10})
			return n, err
		}},
		{"Usage", func() (int, error) {
			l, err := f.db.Usage(f.ctx, x, start, start.AddDate(1, 0, 0))
			return len(l), err
		}},
	}
	for _, l := range lists {
		if n, err := l.n(); err != nil || n != 0 {
			t.Errorf("%s of another company = %d, %v; want none", l.name, n, err)
		}
	}
	// The owning company sees them.
	if l, err := f.db.UsersByIDs(f.ctx, c.ID, []string{h.user.ID, "not-a-uuid", meetd.NewID()}); err != nil || len(l) != 1 {
		t.Errorf("UsersByIDs = %+v, %v; want the one host", l, err)
	}
	if l, err := f.db.AvailabilitiesByIDs(f.ctx, c.ID, []string{h.av.ID, h.av.ID}); err != nil || len(l) != 1 {
		t.Errorf("AvailabilitiesByIDs = %+v, %v; want one", l, err)
	}
}
