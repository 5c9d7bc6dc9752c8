package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// booker books appointments straight into the store, as the API would.
type booker struct {
	h  *harness
	mt meetd.MeetingType
	at time.Time // the next start; each booking takes the next half hour
}

// booker gives u a meeting type and books it from the first of month, 10:00
// UTC, on.
func (h *harness) booker(u meetd.User, month time.Time) *booker {
	h.t.Helper()
	ctx := context.Background()
	av, err := h.db.CreateAvailability(ctx, meetd.CLIActor, meetd.NewAvailability{CompanyID: u.CompanyID, UserID: u.ID,
		Name: "Hours", Timezone: "Europe/Berlin", Schedule: meetd.DefaultSchedule()})
	if err != nil {
		h.t.Fatal(err)
	}
	mt, err := h.db.CreateMeetingType(ctx, meetd.CLIActor, meetd.MeetingType{CompanyID: u.CompanyID, UserID: u.ID,
		AvailabilityID: av.ID, Name: "Intro", Slug: "intro", Duration: 30, Channel: "zoom", Enabled: true, Spots: 1,
		DoubleOptIn: meetd.DoubleOptInDisabled}, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return &booker{h: h, mt: mt, at: month.Add(24*time.Hour + 10*time.Hour)}
}

// book makes one appointment, metered for credentialID when it is set.
func (b *booker) book(credentialID string) meetd.Appointment {
	b.h.t.Helper()
	ap, err := b.h.db.BookAppointment(context.Background(), meetd.CLIActor, meetd.NewAppointment{
		CompanyID: b.mt.CompanyID, MeetingTypeID: b.mt.ID, HostIDs: []string{b.mt.UserID},
		Start: b.at, End: b.at.Add(30 * time.Minute), Channel: "zoom", CredentialID: credentialID, Metered: credentialID != "",
		Attendee: meetd.Attendee{Email: "guest@example.com", Notes: json.RawMessage(`{}`)}})
	if err != nil {
		b.h.t.Fatal(err)
	}
	b.at = b.at.Add(30 * time.Minute)
	return ap
}

func TestUsagePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	now := h.clock.Now()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	prev := month.AddDate(0, -1, 0)
	before := prev.AddDate(0, -1, 0)

	c, owner, admin, member := h.company("p", meetd.PlanAPIPlatform)
	_, otherOwner, _, _ := h.company("q", meetd.PlanAPIPlatform)
	is := &auth.Issuer{Store: h.db, Clock: h.clock}
	key, err := is.CreateAPIKey(ctx, meetd.CLIActor, c.ID, owner.ID, "Production", 30*24*time.Hour, false)
	if err != nil {
		t.Fatal(err)
	}
	pat, err := is.CreatePAT(ctx, meetd.CLIActor, c.ID, admin.ID, "Admin laptop", 0)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := is.CreateAPIKey(ctx, meetd.CLIActor, otherOwner.CompanyID, "", "Their secret project", 30*24*time.Hour, false)
	if err != nil {
		t.Fatal(err)
	}

	// Metering counts when a booking is made: one last month, four this
	// month (two by the key, one by the admin's token, one carrying another
	// company's credential id, which must not be named here).
	bk := h.booker(member.User, month)
	h.clock.Set(prev.Add(36 * time.Hour))
	bk.book(key.Credential.ID)
	h.clock.Set(now)
	bk.book(key.Credential.ID)
	bk.book(key.Credential.ID)
	bk.book(pat.Credential.ID)
	bk.book(otherKey.Credential.ID)
	bk.book("") // not metered

	b := h.loggedIn(owner)
	p := b.get("/dashboard/usage")
	want(t, p, http.StatusOK, `<h1>Usage</h1>`, `href="/dashboard/usage" aria-current="page"`,
		month.Format("January 2006"), prev.Format("January 2006"),
		"<strong>4</strong> metered bookings", "<strong>1</strong> metered booking.",
		"Production", "API key", "Personal access token", "of Adam P", "Unknown credential", otherKey.Credential.ID,
		`href="/dashboard/usage?month=`+prev.Format("2006-01")+`"`)
	if strings.Contains(p.body, "Their secret project") || strings.Contains(p.body, "Usage metering applies") {
		t.Fatalf("the page names another company's key or calls the plan unmetered\n%s", p.body)
	}
	if strings.Contains(p.body, "Next month") {
		t.Fatal("the current month links to a later one")
	}
	// The key's row comes first (most bookings) and says 2.
	if i, j := strings.Index(p.body, "Production"), strings.Index(p.body, "Admin laptop"); i < 0 || j < i {
		t.Fatalf("credentials not ordered by bookings\n%s", p.body)
	}

	// The month picker: the month before and the one before that.
	p = b.get("/dashboard/usage?month=" + prev.Format("2006-01"))
	want(t, p, http.StatusOK, prev.Format("January 2006"), before.Format("January 2006"),
		"<strong>1</strong> metered booking.", "No metered bookings in "+before.Format("January 2006"),
		`href="/dashboard/usage?month=`+month.Format("2006-01")+`">Next month`)
	if strings.Contains(p.body, "Admin laptop") {
		t.Fatal("this month's credentials appear on last month's page")
	}
	for _, bad := range []string{"2026-13", "March", "1999-12", "2026-3"} {
		want(t, b.get("/dashboard/usage?month="+bad), http.StatusBadRequest, "Pick a month as YYYY-MM")
	}

	// Owners and admins only.
	want(t, h.loggedIn(admin).get("/dashboard/usage"), http.StatusOK, "Production")
	m := h.loggedIn(member)
	want(t, m.get("/dashboard/usage"), http.StatusForbidden, "Owners and admins only")
	if strings.Contains(m.get("/dashboard/integrations").body, `href="/dashboard/usage"`) {
		t.Fatal("members are offered the Usage page")
	}
}

func TestUsagePageOtherPlans(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	now := h.clock.Now()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	_, owner, _, member := h.company("e", meetd.PlanEnterprise)
	bk := h.booker(member.User, month)
	bk.book("")
	gone := bk.book("")
	bk.book("")
	if _, err := h.db.CancelAppointment(context.Background(), meetd.CLIActor, gone.CompanyID, gone.ID, "", "host"); err != nil {
		t.Fatal(err)
	}
	p := h.loggedIn(owner).get("/dashboard/usage")
	want(t, p, http.StatusOK, "Usage metering applies to the API Platform plan", "<strong>enterprise</strong> plan",
		"3 appointments in "+month.Format("January 2006")+", 1 of them cancelled",
		"0 appointments in "+month.AddDate(0, -1, 0).Format("January 2006"))
	if strings.Contains(p.body, "metered booking") {
		t.Fatalf("an unmetered plan shows metered bookings\n%s", p.body)
	}
}
