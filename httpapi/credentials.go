package httpapi

import (
	"net/http"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/clientip"
)

// GET /v4/credential/current describes the calling credential, so clients
// can warn before it expires. It never returns the secret or its hash.
func (s *Server) currentCredential(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ReadCredential, ""); err != nil {
		return err
	}
	c, err := s.cfg.Store.CredentialByID(r.Context(), p.Company.ID, p.CredentialID)
	if err != nil {
		return err
	}
	lastUsed, lastIP := s.cfg.Usage.LastUse(c)
	out := map[string]any{
		"id":           c.ID,
		"kind":         string(c.Kind),
		"name":         c.Name,
		"status":       string(c.Status),
		"companyId":    c.CompanyID,
		"createdAt":    meetd.FormatTime(c.CreatedAt),
		"expiresAt":    optTime(c.ExpiresAt),
		"lastUsedAt":   optTime(lastUsed),
		"lastUsedIp":   optString(lastIP),
		"actingUserId": p.User.ID,
		"ownerUserId":  nil,
	}
	if c.Kind == meetd.KindPAT {
		out["ownerUserId"] = c.UserID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// optTime renders an optional time, null when absent.
func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return meetd.FormatTime(*t)
}

// optString renders an optional string, null when empty.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type revokeBody struct {
	Credentials []string `json:"credentials"`
}

// MaxRevokeBatch bounds how many credentials one kill-switch call takes.
const MaxRevokeBatch = 100

// POST /v4/credentials/revoke is the leak kill-switch
// (docs/architecture.md#credentials): anyone holding a leaked credential may
// revoke it without authenticating. It
// answers 202 whether or not anything was revoked, so it cannot be used to
// test which strings are live credentials.
func (s *Server) revokeLeaked(w http.ResponseWriter, r *http.Request) {
	ip := s.clientIP(r)
	if !s.killLimit.allow(w, clientip.RateKey(ip)) {
		s.cfg.Metrics.RateLimited()
		writeError(w, r, errRateLimited)
		return
	}
	var body revokeBody
	if err := decodeJSON(w, r, &body); err != nil {
		writeError(w, r, err)
		return
	}
	if len(body.Credentials) == 0 || len(body.Credentials) > MaxRevokeBatch {
		var v meetd.Validation
		v.Add("credentials", "credentials must list 1 to 100 credentials")
		writeError(w, r, v.Err())
		return
	}
	var hashes [][]byte
	for _, raw := range body.Credentials {
		if parsed, err := auth.Parse(raw); err == nil {
			hashes = append(hashes, parsed.Hash[:])
		}
	}
	if len(hashes) > 0 {
		ids, err := s.cfg.Store.RevokeByHashes(r.Context(), meetd.Actor{IP: ip, Source: "kill-switch"}, hashes)
		if err != nil {
			writeError(w, r, err)
			return
		}
		for _, id := range ids {
			logger(r).Warn("credential revoked through the leak kill-switch", "revoked_credential_id", id)
		}
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "Accepted"})
}
