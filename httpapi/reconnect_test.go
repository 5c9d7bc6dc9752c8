package httpapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// TestTerminatedConnections ends every PostgreSQL backend of the server's
// warm pool, as a database restart or failover does, between requests:
// the next read and the next write with an Idempotency-Key succeed on
// fresh connections, and the key then replays its answer.
func TestTerminatedConnections(t *testing.T) {
	dsn, kill := sqldbtest.KillablePostgres(t)
	h := newHarness(t, sqldbtest.Backend{Name: "postgres", DSN: func(testing.TB) string { return dsn }})
	list := req{method: "GET", path: "/v4/user", token: h.a.key, acting: h.a.owner.ID}
	create := req{method: "POST", path: "/v4/user", token: h.a.key,
		body:   map[string]any{"email": "after-kill@a.example.com", "givenName": "After", "familyName": "Kill", "timezone": "UTC"},
		header: map[string]string{"Idempotency-Key": "after-kill"}}
	for _, r := range []req{list, create} {
		// Used twice, the pool's connections count as recently used, so
		// pgx reuses them without a ping, as it does under load.
		wantStatus(t, h.do(list), 200)
		wantStatus(t, h.do(list), 200)
		if n := kill(); n == 0 {
			t.Fatal("no backend of the server was terminated")
		}
		wantStatus(t, h.do(r), map[string]int{"GET": 200, "POST": 201}[r.method])
	}
	if replay := h.do(create); replay.status != 201 || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay after the backends were terminated: %d %s", replay.status, replay.body)
	}
}

// failOnce is a store whose CreateUser fails with an internal error, or
// panics, the first time it is called.
type failOnce struct {
	meetd.Store
	panics bool
	failed bool
}

func (s *failOnce) CreateUser(ctx context.Context, a meetd.Actor, u meetd.NewUser) (meetd.CreatedUser, error) {
	if !s.failed {
		s.failed = true
		if s.panics {
			panic("the store broke")
		}
		return meetd.CreatedUser{}, errors.New("the store broke")
	}
	return s.Store.CreateUser(ctx, a, u)
}

// TestIdempotencyKeyFreedAfterInternalError sends a request with an
// Idempotency-Key that fails with a 500 (an error, or a panic): the key is
// released, so the client's retry with the same key runs the request
// instead of being told it is still being processed.
func TestIdempotencyKeyFreedAfterInternalError(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		for _, panics := range []bool{false, true} {
			name := map[bool]string{false: "error", true: "panic"}[panics]
			t.Run(name, func(t *testing.T) {
				h := newHarness(t, b, func(c *httpapi.Config) { c.Store = &failOnce{Store: c.Store, panics: panics} })
				r := req{method: "POST", path: "/v4/user", token: h.a.key,
					body:   map[string]any{"email": "retry-" + name + "@a.example.com", "givenName": "Re", "familyName": "Try", "timezone": "UTC"},
					header: map[string]string{"Idempotency-Key": "retry"}}
				wantStatus(t, h.do(r), 500)
				wantStatus(t, h.do(r), 201)
			})
		}
	})
}
