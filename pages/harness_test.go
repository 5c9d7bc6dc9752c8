package pages_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/mail"
	"github.com/meetd/meetd/mail/mailtest"
	"github.com/meetd/meetd/meetdtest"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/ratelimit"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// monday is the tests' "now": Monday 2 March 2026, 07:00 UTC (08:00 in
// Berlin), so the host's working hours (Mon–Fri 09:00–17:00 Berlin) give
// slots from today on.
var monday = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is meetd as `meetd serve` wires it (API, dashboard, booking
// pages on one mux) on one store, behind a real listener whose address is
// the public URL.
type harness struct {
	t      *testing.T
	db     *sqldb.DB
	clock  *meetd.ManualClock
	srv    *httptest.Server
	base   string
	logs   *syncBuffer
	log    *slog.Logger
	tenant meetdtest.Tenant
	// host and mt are seed's.
	host meetd.User
	mt   meetd.MeetingType
}

type harnessOpt func(*pages.Config)

func withRate(r ratelimit.Rate) harnessOpt { return func(c *pages.Config) { c.Rate = r } }

func newHarness(t *testing.T, b sqldbtest.Backend, opts ...harnessOpt) *harness {
	t.Helper()
	clock := meetd.NewManualClock(monday)
	db := sqldbtest.Open(t, b, clock)
	h := &harness{t: t, db: db, clock: clock, logs: &syncBuffer{}}
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.log = log
	usage := auth.NewUsage(db, log)
	v, err := auth.NewVerifier(context.Background(), db, clock, usage, log)
	if err != nil {
		t.Fatal(err)
	}
	db.OnChange(v.AfterWrite)
	h.srv = httptest.NewUnstartedServer(nil)
	h.base = "http://" + h.srv.Listener.Addr().String()
	cfg := pages.Config{Store: db, Clock: clock, Log: log, PublicURL: h.base, Details: httpapi.BookingDetailsOf}
	for _, o := range opts {
		o(&cfg)
	}
	api := httpapi.New(httpapi.Config{Store: db, Verifier: v, Usage: usage, Clock: clock, Log: log,
		PublicURL: h.base, Pages: pages.New(cfg)})
	dashboard.New(dashboard.Config{Store: db, Sessions: db.Sessions(), Usage: usage, Clock: clock, Log: log,
		Passwords: meetdtest.Passwords()}).Mount(api.Mux())
	h.srv.Config.Handler = api.Handler()
	h.srv.Start()
	t.Cleanup(h.srv.Close)

	h.tenant, h.host, h.mt = seed(t, db, clock)
	return h
}

// startMail starts a test SMTP server and meetd's mail worker sending
// the outbox through it over loopback, configured as `meetd serve
// --smtp-url smtp+insecure://127.0.0.1:PORT --mail-from …` configures it,
// with the harness's log. Both stop when the test ends.
func (h *harness) startMail() *mailtest.Server {
	h.t.Helper()
	srv := mailtest.Start(h.t, mailtest.Options{})
	server, err := mail.ParseServer(fmt.Sprintf("smtp+insecure://127.0.0.1:%d", srv.Port))
	if err != nil {
		h.t.Fatal(err)
	}
	from, err := mail.ParseFrom("Pages Bookings <bookings@pages.example.com>")
	if err != nil {
		h.t.Fatal(err)
	}
	w := &mail.Worker{Store: h.db, Sender: &mail.SMTP{Server: server}, Clock: h.clock, Log: h.log,
		Composer: mail.Composer{From: from, PublicURL: h.base}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// A short interval: the tests wait for each message.
	wg.Go(func() { w.Run(ctx, 20*time.Millisecond) })
	h.t.Cleanup(func() { cancel(); wg.Wait() })
	return srv
}

// drainOutbox waits until the mail worker has sent every message of the
// company that is due (reminders wait for their time), so a count of
// what arrived is final.
func (h *harness) drainOutbox(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, _, err := h.db.OutboxMessages(context.Background(), meetd.OutboxFilter{CompanyID: h.tenant.Company.ID, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		var waiting []string
		for _, m := range list {
			if m.Status == meetd.OutboxPending && m.Kind != meetd.MailReminder {
				waiting = append(waiting, m.Kind+" to "+m.Recipient)
			}
		}
		if len(waiting) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the outbox still holds %v", waiting)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// seed makes the company "pages" (with credentials) and its member
// Hanna Host (slug hanna-host) with the default provision: "30min
// Meeting" (slug 30min-meeting), Mon–Fri 09:00–17:00 Europe/Berlin.
func seed(tb testing.TB, db *sqldb.DB, clock *meetd.ManualClock) (meetdtest.Tenant, meetd.User, meetd.MeetingType) {
	tb.Helper()
	tn := meetdtest.Builder{Store: db, Clock: clock, Credentials: true}.Tenant(tb, "pages", meetd.PlanEnterprise)
	cu, err := db.CreateUser(context.Background(), meetd.CLIActor, meetd.NewUser{CompanyID: tn.Company.ID,
		Email: "hanna@pages.example.com", GivenName: "Hanna", FamilyName: "Host", Timezone: "Europe/Berlin",
		Slug: "hanna-host", Role: meetd.RoleMember, Type: meetd.UserStandard,
		Provision: meetd.DefaultProvision("Europe/Berlin", "connect")})
	if err != nil {
		tb.Fatal(err)
	}
	return tn, cu.User, *cu.MeetingType
}

// change updates the meeting type.
func (h *harness) change(apply func(*meetd.MeetingType)) {
	h.t.Helper()
	m, err := h.db.UpdateMeetingType(context.Background(), meetd.CLIActor, h.tenant.Company.ID, h.mt.ID,
		func(m *meetd.MeetingType) error { apply(m); return nil })
	if err != nil {
		h.t.Fatal(err)
	}
	h.mt = m
}

// page is one HTTP answer.
type page struct {
	status int
	header http.Header
	body   string
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (h *harness) do(method, target string, form url.Values, header ...string) page {
	h.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = h.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (h *harness) get(target string, header ...string) page {
	return h.do("GET", target, nil, header...)
}

func (h *harness) post(target string, form url.Values, header ...string) page {
	return h.do("POST", target, form, header...)
}

func (p page) want(t *testing.T, status int, contains ...string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", p.status, status, p.body)
	}
	for _, c := range contains {
		if !strings.Contains(p.body, c) {
			t.Fatalf("page does not contain %q:\n%s", c, p.body)
		}
	}
	return p
}

var hrefRE = regexp.MustCompile(`href="([^"]+)"`)

// links returns the page's link targets (unescaped) that contain part.
func (p page) links(part string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(p.body, -1) {
		u := strings.ReplaceAll(m[1], "&amp;", "&")
		if strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}

// bookingForm is a valid booking of slot (RFC 3339).
func bookingForm(slot, name, email string) url.Values {
	return url.Values{"slot": {slot}, "tz": {"Europe/Berlin"}, "name": {name}, "email": {email}}
}

// slotOf is the slot= value of a link.
func slotOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	s := u.Query().Get("slot")
	if s == "" {
		t.Fatalf("no slot in %s", link)
	}
	return s
}

// appointmentOf returns the appointment a booking's redirect names.
func (h *harness) appointmentOf(location string) meetd.Appointment {
	h.t.Helper()
	u, err := url.Parse(location)
	if err != nil {
		h.t.Fatal(err)
	}
	id := strings.TrimPrefix(u.Path, "/appointment/")
	ap, err := h.db.AppointmentByID(context.Background(), h.tenant.Company.ID, id)
	if err != nil {
		h.t.Fatalf("appointment %s: %v", id, err)
	}
	if u.Query().Get("secret") != ap.Secret {
		h.t.Fatalf("redirect carries another secret than the appointment's")
	}
	return ap
}
