package httpapi

import (
	"context"
	"net/http"
	"time"
)

// ReadyTimeout bounds all of /readyz's checks together, so a probe gets
// its answer even when the database hangs.
const ReadyTimeout = 2 * time.Second

// ReadyCheck is one thing GET /readyz looks at.
type ReadyCheck struct {
	// Name is the key of the check in the answer's "checks".
	Name string
	// Check returns nil when the dependency works. Its error is logged,
	// never answered: it may name hosts or files.
	Check func(ctx context.Context) error
	// Optional marks a check whose failure makes the node slower but not
	// wrong: it is answered as "degraded" and the node stays ready.
	Optional bool
}

// readiness is the body of GET /readyz.
type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

// GET /readyz says whether this node can serve requests now: every
// required check passed within ReadyTimeout (200 "ok"), or not (503
// "unavailable"). Each check answers "ok", "unavailable" or, for an
// optional one, "degraded". Load balancers take a node out of rotation on
// a 503; /healthz, which touches nothing, says only that the process runs.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	body := readiness{Status: "ok"}
	for _, c := range s.cfg.Ready {
		if body.Checks == nil {
			body.Checks = map[string]string{}
		}
		err := c.Check(ctx)
		switch {
		case err == nil:
			body.Checks[c.Name] = "ok"
		case c.Optional:
			s.log.Warn("readiness check degraded", "check", c.Name, "err", err)
			body.Checks[c.Name] = "degraded"
		default:
			s.log.Error("readiness check failed", "check", c.Name, "err", err)
			body.Checks[c.Name] = "unavailable"
			body.Status = "unavailable"
		}
	}
	status := http.StatusOK
	if body.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}
