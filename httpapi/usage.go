package httpapi

import (
	"net/http"
	"sort"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// GET /v4/usage?from=&to= sums the bookings metered on an api-platform
// company per calendar month (UTC) and per credential. from and to take
// dates (to included) or datetimes; the default is the current month.
func (s *Server) usage(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ReadUsage, ""); err != nil {
		return err
	}
	q := r.URL.Query()
	now := s.cfg.Clock.Now()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	var v meetd.Validation
	if raw := q.Get("from"); raw != "" {
		t, _, ok := parseDateOrInstant(raw, time.UTC)
		if !ok {
			v.Add("from", "from must be an ISO 8601 date or datetime")
		}
		from = t
	}
	if raw := q.Get("to"); raw != "" {
		t, isDate, ok := parseDateOrInstant(raw, time.UTC)
		if !ok {
			v.Add("to", "to must be an ISO 8601 date or datetime")
		}
		if to = t; isDate {
			to = t.AddDate(0, 0, 1)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if !to.After(from) {
		v.Add("to", "to must be after from")
		return v.Err()
	}
	months, err := s.cfg.Store.Usage(r.Context(), p.Company.ID, from, to)
	if err != nil {
		return err
	}
	total := 0
	outMonths := make([]map[string]any, len(months))
	for i, m := range months {
		total += m.Bookings
		creds := make([]map[string]any, 0, len(m.ByCredential))
		for id, n := range m.ByCredential {
			creds = append(creds, map[string]any{"credentialId": id, "bookings": n})
		}
		sort.Slice(creds, func(a, b int) bool { return creds[a]["credentialId"].(string) < creds[b]["credentialId"].(string) })
		outMonths[i] = map[string]any{"month": m.Month, "bookings": m.Bookings, "credentials": creds}
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": meetd.FormatTime(from), "to": meetd.FormatTime(to),
		"plan": string(p.Company.Plan), "total": total, "months": outMonths})
	return nil
}
