package httpapi_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// holdingStore holds every meeting type read, once armed, until released:
// slot queries stay in flight for as long as the test needs.
type holdingStore struct {
	meetd.Store
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (s *holdingStore) MeetingTypeByID(ctx context.Context, companyID, id string) (meetd.MeetingType, error) {
	if s.armed.Load() {
		s.entered <- struct{}{}
		<-s.release
	}
	return s.Store.MeetingTypeByID(ctx, companyID, id)
}

// TestExpensiveRequestsInFlightAreBounded: a credential may have only so
// many slot queries in flight, the server only so many in total; the next
// one is meetergo's 429 with Retry-After, and cheap routes still answer.
func TestExpensiveRequestsInFlightAreBounded(t *testing.T) {
	hold := &holdingStore{entered: make(chan struct{}, 8), release: make(chan struct{})}
	h := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) {
		hold.Store = c.Store
		c.Store = hold
		c.Concurrency = httpapi.Concurrency{PerCredential: 2, Total: 3}
	})
	h.clock.Set(monday)
	a := h.a
	mt := h.meetingType(a.memberPAT, "", nil)
	slotsPath := "/v4/booking-availability?meetingTypeId=" + mt + "&hostIds=" + a.member.ID + "&start=2026-03-03&end=2026-03-04"
	const busy = `{"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}`

	hold.armed.Store(true)
	var wg sync.WaitGroup
	statuses := make(chan int, 3)
	inFlight := func(token string) {
		wg.Go(func() { statuses <- h.get(slotsPath, token, "").status })
		select {
		case <-hold.entered:
		case <-time.After(10 * time.Second):
			t.Fatal("a slot query never reached the store")
		}
	}
	inFlight(a.key)
	inFlight(a.key)
	r := h.get(slotsPath, a.key, "")
	wantExact(t, r, 429, busy)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1", r.header.Get("Retry-After"))
	}
	inFlight(a.memberPAT)                                                                     // another credential has room of its own
	wantExact(t, h.get(slotsPath, a.adminPAT, ""), 429, busy)                                 // the server is full
	wantStatus(t, h.get("/v4/appointment/paginated?page=0&pageSize=10", a.adminPAT, ""), 429) // every expensive route
	wantStatus(t, h.get("/v4/user/me", a.key, ""), 200)                                       // cheap routes are not bounded

	hold.armed.Store(false)
	close(hold.release)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 200 {
			t.Fatalf("a slot query in flight answered %d", s)
		}
	}
	wantStatus(t, h.get(slotsPath, a.key, ""), 200) // places are given back
}
