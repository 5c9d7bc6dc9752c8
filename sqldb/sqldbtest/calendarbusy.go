package sqldbtest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// calendarBusy lists what CalendarBusy returns for hosts in [from, to),
// touching pieces of one host merged, as sorted "user start-end" lines
// with times as hours after start.
func (f *fixture) calendarBusy(companyID string, hosts []string, from, to time.Time) []string {
	f.t.Helper()
	got, err := f.db.CalendarBusy(f.ctx, meetd.BusyFilter{CompanyID: companyID, HostIDs: hosts, From: from, To: to})
	if err != nil {
		f.t.Fatalf("CalendarBusy: %v", err)
	}
	slices.SortFunc(got, func(a, b meetd.HostBusy) int {
		if c := strings.Compare(a.UserID, b.UserID); c != 0 {
			return c
		}
		return a.Start.Compare(b.Start)
	})
	var merged []meetd.HostBusy
	for _, b := range got {
		if n := len(merged); n > 0 && merged[n-1].UserID == b.UserID && merged[n-1].End.Equal(b.Start) {
			merged[n-1].End = b.End
			continue
		}
		merged = append(merged, b)
	}
	var out []string
	for _, b := range merged {
		out = append(out, fmt.Sprintf("%s %g-%g", b.UserID[:4], b.Start.Sub(start).Hours(), b.End.Sub(start).Hours()))
	}
	slices.Sort(out)
	return out
}

func hours(h float64) time.Time { return start.Add(time.Duration(h * float64(time.Hour))) }

func busyOf(spans ...[2]float64) []meetd.BusyInterval {
	var out []meetd.BusyInterval
	for _, s := range spans {
		out = append(out, meetd.BusyInterval{Start: hours(s[0]), End: hours(s[1])})
	}
	return out
}

func testCalendarBusy(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	a, b := f.host(c.ID, "ha1@example.com").user, f.host(c.ID, "hb2@example.com").user
	pa, pb := a.ID[:4], b.ID[:4]
	window := func(from, to float64) (time.Time, time.Time) { return hours(from), hours(to) }
	line := func(p string, s, e float64) string { return fmt.Sprintf("%s %g-%g", p, s, e) }
	sorted := func(l ...string) []string { slices.Sort(l); return l }

	// Two connections of a, one of b; intervals are clipped to the window.
	from, to := window(0, 100)
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "conn-a1", from, to, busyOf([2]float64{-5, 2}, [2]float64{10, 11}, [2]float64{99, 120})); err != nil {
		t.Fatalf("ReplaceCalendarBusy: %v", err)
	}
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "conn-a2", from, to, busyOf([2]float64{10.5, 12})); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, strings.ToUpper(b.ID), "conn-b", from, to, busyOf([2]float64{20, 21}, [2]float64{30, 30})); err != nil {
		t.Fatal(err)
	}
	want := sorted(line(pa, 0, 2), line(pa, 10, 11), line(pa, 10.5, 12), line(pa, 99, 100), line(pb, 20, 21))
	if got := f.calendarBusy(c.ID, []string{a.ID, b.ID}, hours(-50), hours(200)); !slices.Equal(got, want) {
		t.Fatalf("after the first refresh = %v, want %v", got, want)
	}
	// The read is of the hosts asked for and overlapping the window only.
	if got := f.calendarBusy(c.ID, []string{b.ID}, hours(21), hours(30)); len(got) != 0 {
		t.Fatalf("b's busy in [21, 30) = %v, want none (it ends at 21)", got)
	}
	if got := f.calendarBusy(c.ID, []string{strings.ToUpper(a.ID)}, hours(11.5), hours(99.5)); !slices.Equal(got, []string{line(pa, 10.5, 12), line(pa, 99, 100)}) {
		t.Fatalf("a's busy in [11.5, 99.5) = %v", got)
	}

	// A long interval crossing weeks reads back whole, and a window inside
	// it finds it.
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, b.ID, "conn-b", hours(0), hours(400), busyOf([2]float64{50, 250})); err != nil {
		t.Fatal(err)
	}
	if got := f.calendarBusy(c.ID, []string{b.ID}, hours(150), hours(151)); len(got) != 1 {
		t.Fatalf("b's busy in [150, 151) = %v, want the piece covering it", got)
	}
	if got := f.calendarBusy(c.ID, []string{b.ID}, hours(0), hours(400)); !slices.Equal(got, []string{line(pb, 50, 250)}) {
		t.Fatalf("b's busy = %v, want [50, 250) and the old [20, 21) gone", got)
	}

	// A refresh of a window replaces what lies inside it and keeps what
	// lies outside, cut at its edges: [0, 2) keeps [0, 1) and joins the
	// new [1, 1.5); [10, 11) is gone.
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "conn-a1", hours(1), hours(50), busyOf([2]float64{40, 41}, [2]float64{0, 1.5})); err != nil {
		t.Fatal(err)
	}
	want = sorted(line(pa, 0, 1.5), line(pa, 10.5, 12), line(pa, 40, 41), line(pa, 99, 100))
	if got := f.calendarBusy(c.ID, []string{a.ID}, hours(-50), hours(200)); !slices.Equal(got, want) {
		t.Fatalf("after the second refresh = %v, want %v", got, want)
	}
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "conn-a1", hours(0), hours(99.5), nil); err != nil {
		t.Fatal(err)
	}
	want = sorted(line(pa, 10.5, 12), line(pa, 99.5, 100))
	if got := f.calendarBusy(c.ID, []string{a.ID}, hours(-50), hours(200)); !slices.Equal(got, want) {
		t.Fatalf("after an empty refresh = %v, want %v (the tail beyond the window kept)", got, want)
	}

	// Deleting a connection drops its busy times only.
	if err := f.db.DeleteCalendarBusy(f.ctx, c.ID, "conn-a2"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeleteCalendarBusy(f.ctx, c.ID, "conn-a2"); err != nil {
		t.Fatalf("deleting twice = %v, want nil", err)
	}
	if got := f.calendarBusy(c.ID, []string{a.ID}, hours(-50), hours(200)); !slices.Equal(got, []string{line(pa, 99.5, 100)}) {
		t.Fatalf("after deleting conn-a2 = %v", got)
	}

	// Two weeks on, a refresh of any window drops what ended more than a
	// week ago.
	f.clock.Advance(14 * 24 * time.Hour)
	if err := f.db.ReplaceCalendarBusy(f.ctx, c.ID, b.ID, "conn-b", f.clock.Now(), f.clock.Now().Add(time.Hour), busyOf()); err != nil {
		t.Fatal(err)
	}
	if got := f.calendarBusy(c.ID, []string{b.ID}, hours(-50), hours(1000)); !slices.Equal(got, []string{line(pb, 63, 250)}) {
		t.Fatalf("b's busy two weeks on = %v, want only what ended within the last week", got)
	}
	f.clock.Set(start)

	// Busy adds them to the appointments only when asked to.
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, f.booking(f.host(c.ID, "hc3@example.com"), hours(1), 60))
	if err != nil {
		t.Fatal(err)
	}
	hosts := []string{a.ID, ap.HostIDs[0]}
	for _, calendars := range []bool{false, true} {
		got, err := f.db.Busy(f.ctx, meetd.BusyFilter{CompanyID: c.ID, HostIDs: hosts, From: hours(0), To: hours(200), Calendars: calendars})
		want := 1
		if calendars {
			want = 2
		}
		if err != nil || len(got) != want {
			t.Fatalf("Busy with Calendars %v = %v, %v; want %d intervals", calendars, got, err, want)
		}
	}

	// Refusals.
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "", hours(0), hours(1), nil)
	wantCode(t, err, meetd.EINVALID)
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, strings.Repeat("x", 101), hours(0), hours(1), nil)
	wantCode(t, err, meetd.EINVALID)
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "c", hours(1), hours(1), nil)
	wantCode(t, err, meetd.EINVALID)
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "c", hours(0), hours(10), busyOf([2]float64{5, 4}))
	wantCode(t, err, meetd.EINVALID)
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, a.ID, "c", hours(0), hours(24*150000), busyOf([2]float64{0, 24 * 150000}))
	wantCode(t, err, meetd.EINVALID)
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, meetd.NewID(), "c", hours(0), hours(10), nil)
	wantCode(t, err, meetd.ENOTFOUND)
	err = f.db.ReplaceCalendarBusy(f.ctx, c.ID, "not-a-uuid", "c", hours(0), hours(10), nil)
	wantCode(t, err, meetd.ENOTFOUND)
}

// testForeignCalendarBusy: another company's user cannot be written, and
// its busy times are neither read nor deleted through another company.
func testForeignCalendarBusy(f *fixture) {
	t := f.t
	c1, _ := f.company(meetd.PlanEnterprise, "one@example.com")
	c2, _ := f.company(meetd.PlanEnterprise, "two@example.com")
	h := f.host(c1.ID, "ha1@example.com").user
	if err := f.db.ReplaceCalendarBusy(f.ctx, c1.ID, h.ID, "conn", hours(0), hours(10), busyOf([2]float64{1, 2})); err != nil {
		t.Fatal(err)
	}
	err := f.db.ReplaceCalendarBusy(f.ctx, c2.ID, h.ID, "conn", hours(0), hours(10), busyOf([2]float64{3, 4}))
	wantCode(t, err, meetd.ENOTFOUND)
	if got := f.calendarBusy(c2.ID, []string{h.ID}, hours(0), hours(10)); len(got) != 0 {
		t.Fatalf("another company reads %v", got)
	}
	if err := f.db.DeleteCalendarBusy(f.ctx, c2.ID, "conn"); err != nil {
		t.Fatal(err)
	}
	if got := f.calendarBusy(c1.ID, []string{h.ID}, hours(0), hours(10)); len(got) != 1 {
		t.Fatalf("after another company's delete = %v, want the interval kept", got)
	}
}
