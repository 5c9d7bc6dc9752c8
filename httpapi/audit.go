package httpapi

import (
	"net/http"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// GET /v4/audit?credentialId=&userId=&from=&to=&limit=&offset= pages
// through the company's audit log, newest first. from and to take dates
// (to included) or datetimes (to excluded); ids must be UUIDs. The answer
// is shaped like the users list: {entries, total, limit, offset}.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ReadAudit, ""); err != nil {
		return err
	}
	q := r.URL.Query()
	var v meetd.Validation
	f := meetd.AuditFilter{CompanyID: p.Company.ID,
		Limit: intParam(&v, q, "limit", 20, 1, 100), Offset: intParam(&v, q, "offset", 0, 0, 1<<31-1)}
	for _, id := range []struct {
		name string
		dst  *string
	}{{"credentialId", &f.CredentialID}, {"userId", &f.UserID}} {
		if raw := q.Get(id.name); raw != "" {
			if !meetd.IsUUID(raw) {
				v.Add(id.name, id.name+" must be a UUID")
			}
			*id.dst = raw
		}
	}
	if raw := q.Get("from"); raw != "" {
		t, _, ok := parseDateOrInstant(raw, time.UTC)
		if !ok {
			v.Add("from", "from must be an ISO 8601 date or datetime")
		}
		f.From = t
	}
	if raw := q.Get("to"); raw != "" {
		t, isDate, ok := parseDateOrInstant(raw, time.UTC)
		if !ok {
			v.Add("to", "to must be an ISO 8601 date or datetime")
		}
		if f.To = t; isDate {
			f.To = t.AddDate(0, 0, 1)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		v.Add("to", "to must be after from")
		return v.Err()
	}
	total, err := s.cfg.Store.CountAudit(r.Context(), f)
	if err != nil {
		return err
	}
	entries, err := s.cfg.Store.Audit(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(entries))
	for i, e := range entries {
		out[i] = map[string]any{"id": e.ID, "action": e.Action, "targetType": e.TargetType, "targetId": e.TargetID,
			"credentialId": nullable(e.CredentialID), "credentialType": nullable(string(e.CredentialKind)),
			"actingUserId": nullable(e.UserID), "onBehalf": e.OnBehalf, "ip": nullable(e.IP), "source": e.Source,
			"at": meetd.FormatTime(e.At)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "total": total, "limit": f.Limit, "offset": f.Offset})
	return nil
}
