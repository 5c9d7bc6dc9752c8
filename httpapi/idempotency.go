package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"

	"github.com/meetd/meetd"
)

// IdempotencyTTL is how long a stored response is replayed.
const IdempotencyTTL = meetd.IdempotencyTTL

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

// replayFixup adjusts a stored answer before it is replayed; stored bodies
// never hold one-time secrets, so a fixup mints fresh ones.
type replayFixup func(r *http.Request, p meetd.Principal, body map[string]any) error

// idempotent wraps a create handler with the Idempotency-Key header
// (docs/architecture.md#beyond-meetergo): the same key and body within 24 h
// replay the first successful response (with Idempotent-Replayed: true);
// the same key with another body is 422; while the first request with a key
// runs, others get 409. Keys belong to the credential that used them. Only
// 2xx answers are stored, so a refused request (say, a slot taken) may be
// retried with the same key. Stored bodies lose their "confirmationUrl" (a
// live token); fixup, when set, issues a new one on replay.
func (s *Server) idempotent(h handlerFunc, fixup replayFixup) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return h(w, r, p)
		}
		if err := checkIdempotencyKey(key); err != nil {
			return err
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			return errTooLarge
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		route := r.Method + " " + r.URL.Path
		sum := sha256.Sum256(append([]byte(route+"\n"+r.Header.Get("X-Meetergo-Api-User-Id")+"\n"), body...))
		ctx := r.Context()
		stored, owner, err := s.cfg.Store.ReserveResponse(ctx, p.CredentialID, key,
			meetd.StoredResponse{Route: route, RequestHash: sum[:]})
		if err != nil {
			return err
		}
		if owner == "" {
			switch {
			case stored.Route != route || !bytes.Equal(stored.RequestHash, sum[:]):
				return meetd.Errorf(meetd.EUNPROCESSABLE, "Idempotency-Key was already used with a different request")
			case stored.Status == 0:
				return meetd.Errorf(meetd.ECONFLICT, "A request with this Idempotency-Key is still being processed")
			}
			return s.replay(w, r, p, stored, fixup)
		}
		// The reservation is ours: whatever happens, finish or free it,
		// even if the client hangs up or the handler panics (a key left
		// reserved would tell the client's retry it is still running).
		done := context.WithoutCancel(ctx)
		rec := &recorder{ResponseWriter: w}
		succeeded := false
		defer func() {
			if succeeded {
				return
			}
			if rerr := s.cfg.Store.ReleaseResponse(done, p.CredentialID, key, owner); rerr != nil {
				logger(r).Error("releasing an idempotency key failed", "err", rerr)
			}
		}()
		if err := h(rec, r, p); err != nil || rec.status < 200 || rec.status >= 300 {
			return err
		}
		succeeded = true
		if err := s.cfg.Store.CompleteResponse(done, p.CredentialID, key, owner, rec.status, withoutSecrets(rec.body.Bytes())); err != nil {
			logger(r).Error("storing an idempotent response failed", "err", err)
		}
		return nil
	}
}

// withoutSecrets drops a confirmation link from a JSON object body before
// it is stored.
func withoutSecrets(body []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m["confirmationUrl"] == nil {
		return body
	}
	delete(m, "confirmationUrl")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// replay writes a stored answer again.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, p meetd.Principal, stored meetd.StoredResponse, fixup replayFixup) error {
	body := stored.Body
	if fixup != nil {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err == nil {
			if err := fixup(r, p, m); err != nil {
				return err
			}
			if body, err = json.Marshal(m); err != nil {
				return err
			}
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(stored.Status)
	_, _ = w.Write(body)
	return nil
}
