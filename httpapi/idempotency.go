package httpapi

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"time"

	"github.com/meetd/meetd"
)

// IdempotencyTTL is how long a stored response is replayed.
const IdempotencyTTL = 24 * time.Hour

// recorder captures a handler's response so it can be stored.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// idempotent wraps a create handler with the Idempotency-Key header of
// DESIGN §7: the same key and body within 24 h replay the first successful
// response (with Idempotent-Replayed: true); the same key with another
// body is 422. Keys belong to the credential that used them. Only 2xx
// answers are stored, so a request refused (say, a slot taken) can be
// retried with the same key.
func (s *Server) idempotent(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return h(w, r, p)
		}
		if len(key) > 255 {
			return meetd.Errorf(meetd.EINVALID, "Idempotency-Key must be at most 255 characters")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			return errTooLarge
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		route := r.Method + " " + r.URL.Path
		sum := sha256.Sum256(append([]byte(route+"\n"+r.Header.Get("X-Meetergo-Api-User-Id")+"\n"), body...))
		ctx := r.Context()
		stored, err := s.cfg.Store.SavedResponse(ctx, p.CredentialID, key)
		switch {
		case err == nil && s.cfg.Clock.Now().Sub(stored.CreatedAt) < IdempotencyTTL:
			if stored.Route != route || !bytes.Equal(stored.RequestHash, sum[:]) {
				return meetd.Errorf(meetd.EUNPROCESSABLE, "Idempotency-Key was already used with a different request")
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(stored.Status)
			_, _ = w.Write(stored.Body)
			return nil
		case err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND:
			return err
		}
		rec := &recorder{ResponseWriter: w}
		if err := h(rec, r, p); err != nil {
			return err
		}
		if rec.status >= 200 && rec.status < 300 {
			if err := s.cfg.Store.SaveResponse(ctx, p.CredentialID, key, meetd.StoredResponse{Route: route,
				RequestHash: sum[:], Status: rec.status, Body: rec.body.Bytes()}); err != nil {
				logger(r).Error("storing an idempotent response failed", "err", err)
			}
		}
		return nil
	}
}
