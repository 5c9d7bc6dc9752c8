// Package webhook delivers meetd's webhook events: Standard Webhooks
// signing (https://www.standardwebhooks.com), the guard that keeps targets
// off private networks, and the worker that drains the outbox in the
// database with retries.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// Header names of the Standard Webhooks spec.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// NewSecret returns a signing secret: "whsec_" and the standard base64 of
// 32 random bytes.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("webhook: random source failed: " + err.Error())
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// ErrBadSecret is returned for a secret that is not "whsec_" + base64.
var ErrBadSecret = errors.New("webhook: malformed signing secret")

func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, ErrBadSecret
	}
	return key, nil
}

// Sign returns the webhook-signature value for a message: "v1," and the
// base64 HMAC-SHA256, keyed with the secret's decoded bytes, of
// "<id>.<unix seconds>.<body>".
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Verification errors.
var (
	ErrNoSignature = errors.New("webhook: no valid signature")
	ErrTimestamp   = errors.New("webhook: timestamp outside the tolerance")
)

// Verify checks a received message as a receiver would: the timestamp
// within tolerance of now, and one of the space-separated signatures
// matching. It is what meetd's tests (and Go receivers) use.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return ErrTimestamp
	}
	want, err := Sign(secret, h.Get(HeaderID), ts, body)
	if err != nil {
		return err
	}
	for _, sig := range strings.Fields(h.Get(HeaderSignature)) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return ErrNoSignature
}
