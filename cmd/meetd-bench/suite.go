package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"
)

// suite is one run of every phase on one backend.
type suite struct {
	o         options
	bin, self string
	dir       string
	b         backend
	logf      func(format string, a ...any)

	f       *fixture
	meetd   *process
	ceiling *process
	client  *http.Client
	queueID string
	slot    atomic.Int64 // the next free booking slot
}

// scenario is one row of the table: a request pattern at one concurrency.
type scenario struct {
	name    string
	c       int
	note    string
	warmURL string // a cheap GET on the same server, to open connections
	req     request
	expect  func(status int) bool
	// contended scenarios fire c identical requests at once instead of
	// running for a time; fresh makes each round's request (a new slot).
	contended bool
	fresh     func() request
	// ceilingFor names the ceiling row this row is compared with.
	ceilingFor *row
}

// row is a scenario's results over all rounds.
type row struct {
	scenario
	appointments int
	res          result
	perRound     []float64
	roundAnswers []string // each round's status counts
	// cpu is the serving process's CPU time over every round; cpuOK is
	// false where it could not be read.
	cpu   time.Duration
	cpuOK bool
}

func ok200(s int) bool { return s == http.StatusOK }

// run seeds, measures every phase and returns the report; a report comes
// back with an error too when the run got far enough to have one.
func (s *suite) run(ctx context.Context) (*report, error) {
	rep := &report{backend: s.b.name}
	dsn, drop, err := s.b.fresh(ctx)
	if err != nil {
		return nil, err
	}
	defer drop()
	meetdCmd := func(addr string) *exec.Cmd {
		args := []string{"serve", "--addr", addr, "--db", dsn, "--log-level", s.o.logLevel,
			// The bench is one client: raise the per-credential limit
			// instead of minting a token per request.
			"--rate-limit", "1000000000", "--rate-burst", "1000000000",
			"--expensive-per-credential", "1000", "--expensive-total", "1000"}
		return exec.Command(s.bin, append(args, s.o.meetdFlags...)...)
	}

	s.logf("%s: starting meetd on an empty database", s.b.name)
	s.meetd, err = start(ctx, "meetd", meetdCmd, "/healthz")
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.meetd.stop() }()
	rep.coldEmpty = s.meetd.ready

	db, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	t0 := time.Now()
	s.f, err = seedBase(ctx, db, 10, s.o.perHost, s.o.bookers)
	if err != nil {
		return nil, err
	}
	s.logf("%s: seeded 2 companies, 10 round-robin hosts with %d appointments each, %d booking hosts (%s)",
		s.b.name, s.o.perHost, s.o.bookers, time.Since(t0).Round(time.Millisecond))

	s.ceiling, err = start(ctx, "ceiling", func(addr string) *exec.Cmd {
		cmd := exec.Command(s.self)
		cmd.Env = append(os.Environ(), ceilingEnv+"="+addr)
		return cmd
	}, "/")
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.ceiling.stop() }()
	s.client = newClient()
	defer s.client.CloseIdleConnections()
	if err := s.makeQueue(ctx); err != nil {
		return nil, err
	}

	phases := []int{0}
	phases = append(phases, s.o.sizes...)
	for _, size := range phases {
		if size > 0 {
			t0 := time.Now()
			if err := s.f.grow(ctx, db, s.f.base+size); err != nil {
				return rep, err
			}
			s.logf("%s: the company now has %d more appointments (%s)", s.b.name, size, time.Since(t0).Round(time.Millisecond))
		}
		n, err := countAppointments(ctx, db, s.f.companyID)
		if err != nil {
			return rep, err
		}
		rows := s.scenarios(size > 0, n)
		if err := s.measure(ctx, rows, rep); err != nil {
			return rep, err
		}
		rep.rows = append(rep.rows, rows...)
		rep.largest = n
	}

	if rss, peak, ok := s.meetd.memory(); ok {
		rep.rss, rep.peak, rep.memOK = rss, peak, true
	}
	s.client.CloseIdleConnections()
	if err := s.meetd.stop(); err != nil {
		return rep, err
	}
	s.logf("%s: restarting meetd on the largest database", s.b.name)
	again, err := start(ctx, "meetd", meetdCmd, "/healthz")
	if err != nil {
		return rep, err
	}
	rep.coldLarge = again.ready
	return rep, again.stop()
}

// makeQueue puts the team into a round-robin queue of the team meeting
// type, through the API as a client would.
func (s *suite) makeQueue(ctx context.Context) error {
	for _, h := range s.f.team {
		body := fmt.Sprintf(`{"userId":%q}`, h.userID)
		req, err := http.NewRequestWithContext(ctx, http.MethodPatch, s.meetd.url+"/v4/queue/meeting-type/"+s.f.teamMeeting,
			strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+s.f.pat)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("PATCH queue: %d %s", resp.StatusCode, raw)
		}
		var q struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &q); err != nil {
			return err
		}
		s.queueID = q.ID
	}
	return nil
}

// scenarios lists a phase's rows in the order each round runs them.
func (s *suite) scenarios(sized bool, appointments int) []*row {
	o, f := s.o, s.f
	var rows []*row
	add := func(sc scenario) *row {
		if sc.expect == nil {
			sc.expect = ok200
		}
		sc.warmURL = s.meetd.url + "/healthz"
		if sc.name == "ceiling" {
			sc.warmURL = s.ceiling.url + "/"
		}
		r := &row{scenario: sc, appointments: appointments}
		rows = append(rows, r)
		return r
	}
	levels := []int{o.conns}
	if !sized && (o.wants("slots-1") || o.wants("slots-10")) {
		levels = dedupe([]int{1, 8, o.conns})
	}
	ceilings := map[int]*row{}
	for _, c := range levels {
		ceilings[c] = add(scenario{name: "ceiling", c: c, req: s.get(s.ceiling.url+"/", "")})
	}
	vs := func(sc scenario) scenario { sc.ceilingFor = ceilings[sc.c]; return sc }
	if !sized {
		if o.wants("healthz") {
			add(vs(scenario{name: "healthz", c: o.conns, req: s.get(s.meetd.url+"/healthz", "")}))
		}
		if o.wants("auth-pat") {
			add(vs(scenario{name: "auth-pat", c: o.conns, req: s.get(s.meetd.url+"/v4/user/me", f.pat)}))
		}
		if o.wants("auth-apikey") {
			add(vs(scenario{name: "auth-apikey", c: o.conns, req: s.get(s.meetd.url+"/v4/user/me", f.apiKey, "X-Meetergo-Api-User-Id", f.ownerID)}))
		}
	}
	window := url.Values{"start": {f.day0.Format(time.DateOnly)}, "end": {f.day0.AddDate(0, 0, slotDays-1).Format(time.DateOnly)},
		"timezone": {"Europe/Berlin"}}
	slotLevels := levels
	if sized {
		slotLevels = []int{o.conns}
	}
	if o.wants("slots-1") {
		q := cloneValues(window)
		q.Set("meetingTypeId", f.team[0].meetingTypeID)
		q.Set("hostIds", f.team[0].userID)
		for _, c := range slotLevels {
			add(vs(scenario{name: "slots-1", c: c, note: "1 host, 31 days",
				req: s.get(s.meetd.url+"/v4/booking-availability?"+q.Encode(), f.pat)}))
		}
	}
	if o.wants("slots-10") {
		q := cloneValues(window)
		q.Set("meetingTypeId", f.teamMeeting)
		q.Set("queueId", s.queueID)
		for _, c := range slotLevels {
			add(vs(scenario{name: "slots-10", c: c, note: "round robin of 10 hosts, 31 days",
				req: s.get(s.meetd.url+"/v4/booking-availability?"+q.Encode(), f.pat)}))
		}
	}
	if o.wants("list") {
		const pageSize = 20
		late := max(0, appointments/pageSize-1)
		add(vs(scenario{name: "list-first", c: o.conns, note: "page 0, pageSize 20",
			req: s.get(fmt.Sprintf("%s/v4/appointment/paginated?page=0&pageSize=%d", s.meetd.url, pageSize), f.pat)}))
		add(vs(scenario{name: "list-late", c: o.conns, note: fmt.Sprintf("page %d, pageSize 20", late),
			req: s.get(fmt.Sprintf("%s/v4/appointment/paginated?page=%d&pageSize=%d", s.meetd.url, late, pageSize), f.pat)}))
	}
	if o.wants("book") {
		add(vs(scenario{name: "book", c: o.conns, note: "distinct free slots",
			req: s.book(false), expect: func(st int) bool { return st == http.StatusCreated || st == http.StatusConflict }}))
	}
	if !sized && o.wants("contended") {
		add(scenario{name: "contended", c: o.contended, note: "one slot", fresh: func() request { return s.book(true) }, contended: true,
			expect: func(st int) bool { return st == http.StatusCreated || st == http.StatusConflict }})
	}
	return rows
}

// measure runs the rows round after round (A B A B …), adding each run to
// its row, and notes every unexpected answer as a problem.
func (s *suite) measure(ctx context.Context, rows []*row, rep *report) error {
	for round := range s.o.rounds {
		for _, r := range rows {
			var res result
			var err error
			server := s.meetd
			if r.name == "ceiling" {
				server = s.ceiling
			}
			cpu0, ok0 := server.cpu()
			if r.contended {
				res, err = burst(ctx, r.c, r.fresh())
			} else {
				res, err = drive(ctx, s.client, r.c, s.o.duration, r.warmURL, r.req, r.expect)
			}
			if err != nil {
				return fmt.Errorf("%s c=%d: %w", r.name, r.c, err)
			}
			cpu1, ok1 := server.cpu()
			if round == 0 {
				r.cpuOK = ok0 && ok1
			}
			r.cpu += cpu1 - cpu0
			r.cpuOK = r.cpuOK && ok0 && ok1
			r.res.merge(res)
			r.perRound = append(r.perRound, res.rps())
			r.roundAnswers = append(r.roundAnswers, statusLine(res.statuses))
			for status, n := range res.statuses {
				if !r.expect(status) {
					rep.problems = append(rep.problems, fmt.Sprintf("%s: %s c=%d round %d: %d answers %d: %s",
						s.b.name, r.name, r.c, round+1, n, status, strings.TrimSpace(res.sample[status])))
				}
			}
			if r.contended && (res.statuses[http.StatusCreated] != 1 || res.statuses[http.StatusConflict] != r.c-1) {
				rep.problems = append(rep.problems, fmt.Sprintf("%s: contended round %d: want one 201 and %d 409, got %s",
					s.b.name, round+1, r.c-1, statusLine(res.statuses)))
			}
		}
		s.logf("%s: round %d of %d done", s.b.name, round+1, s.o.rounds)
	}
	return nil
}

// get is a GET of u with a bearer token (if any) and header pairs.
func (s *suite) get(u, token string, header ...string) request {
	return func(int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return req, nil
	}
}

// book is a POST /v4/booking of the next free slot of the booking hosts
// (taken in turn); with same, every request of the returned function asks
// for one slot, taken when the function is made.
func (s *suite) book(same bool) request {
	f := s.f
	k := int64(len(f.bookers))
	capacity := k * int64(bookDays*24*time.Hour/bookStep)
	fixed := s.slot.Add(1) - 1
	return func(worker int) (*http.Request, error) {
		i := fixed
		if !same {
			i = s.slot.Add(1) - 1
		}
		if i >= capacity {
			return nil, fmt.Errorf("all %d booking slots are used; lower -d, -c or -rounds", capacity)
		}
		h := f.bookers[i%k]
		at := f.day0.AddDate(0, 0, bookFromDay).Add(time.Duration(i/k) * bookStep)
		body := fmt.Sprintf(`{"meetingTypeId":%q,"start":%q,"hostIds":[%q],`+
			`"attendee":{"email":"guest%d-%d@bench.example","firstname":"Guest","receiveReminders":false,"notes":{}}}`,
			h.meetingTypeID, at.Format(time.RFC3339), h.userID, i, worker)
		req, err := http.NewRequest(http.MethodPost, s.meetd.url+"/v4/booking", strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+f.bookPAT)
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	}
}

func dedupe(xs []int) []int {
	var out []int
	seen := map[int]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
