package webhook

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// outboxStore hands out its deliveries once and records the results.
type outboxStore struct {
	mu      sync.Mutex
	pending []meetd.WebhookDelivery
	results []meetd.WebhookResult
}

func (s *outboxStore) ClaimWebhookDeliveries(_ context.Context, limit int, _ time.Duration) ([]meetd.WebhookDelivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := min(limit, len(s.pending))
	out := s.pending[:n]
	s.pending = s.pending[n:]
	return out, nil
}

func (s *outboxStore) FinishWebhookDelivery(_ context.Context, r meetd.WebhookResult) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, r)
	return nil
}

func (s *outboxStore) EnqueueExpiringCredentials(context.Context, []time.Duration) (int, error) {
	return 0, nil
}
func (s *outboxStore) PruneWebhookEvents(context.Context, time.Time) error { return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestObserve checks that the worker tells Observe the outcome of every
// attempt: the hook serve hands meetd_webhook_deliveries_total.
func TestObserve(t *testing.T) {
	now := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	clock := meetd.NewManualClock(now)
	d := func(id int64, path string, first time.Time) meetd.WebhookDelivery {
		return meetd.WebhookDelivery{ID: id, EventID: "msg_" + path, EventType: "booking_created", Payload: []byte(`{}`),
			Endpoint: "https://hooks.example.com/" + path, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			Attempt: 1, FirstAttemptAt: first}
	}
	store := &outboxStore{pending: []meetd.WebhookDelivery{
		d(1, "ok", now), d(2, "gone", now), d(3, "down", now), d(4, "down", now.Add(-25*time.Hour)),
	}}
	status := map[string]int{"/ok": 204, "/gone": 410, "/down": 503}
	var mu sync.Mutex
	seen := map[meetd.WebhookOutcome]int{}
	w := &Worker{Store: store, Clock: clock,
		Guard: Guard{Resolver: fakeResolver{"hooks.example.com": {"93.184.215.14"}}},
		Client: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			code := status[r.URL.Path]
			return &http.Response{StatusCode: code, Status: http.StatusText(code), Body: io.NopCloser(strings.NewReader("")),
				Header: http.Header{}, Request: r}, nil
		})},
		Observe: func(o meetd.WebhookOutcome) {
			mu.Lock()
			defer mu.Unlock()
			seen[o]++
		},
	}
	n, err := w.Deliver(context.Background())
	if err != nil || n != 4 {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	want := map[meetd.WebhookOutcome]int{meetd.WebhookDelivered: 1, meetd.WebhookGone: 1, meetd.WebhookRetry: 1, meetd.WebhookGiveUp: 1}
	for o, c := range want {
		if seen[o] != c {
			t.Errorf("outcome %d observed %d times, want %d (all: %v)", o, seen[o], c, seen)
		}
	}
	if len(store.results) != 4 {
		t.Errorf("%d results recorded, want 4", len(store.results))
	}
}
