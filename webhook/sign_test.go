package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks spec's own example (also Svix's documentation).
func TestSignSpecVector(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

// A vector computed here independently with crypto/hmac.
func TestSignIndependent(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	body := []byte(`{"webhookType":"booking_created","id":"x"}`)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("evt-1.1700000000." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	got, err := Sign(secret, "evt-1", time.Unix(1700000000, 0), body)
	if err != nil || got != want {
		t.Fatalf("Sign = %s, %v; want %s", got, err, want)
	}
}

func TestVerifyRoundTrip(t *testing.T) {
	secret := NewSecret()
	if !strings.HasPrefix(secret, SecretPrefix) || len(secret) != len(SecretPrefix)+44 {
		t.Fatalf("secret %q has the wrong shape", secret)
	}
	now := time.Unix(1700000000, 0)
	body := []byte(`{"a":1}`)
	sig, err := Sign(secret, "evt", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(HeaderID, "evt")
	h.Set(HeaderTimestamp, "1700000000")
	h.Set(HeaderSignature, "v1,bogus "+sig)
	if err := Verify(secret, h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := Verify(secret, h, []byte(`{"a":2}`), now, 5*time.Minute); err != ErrNoSignature {
		t.Fatalf("tampered body: %v", err)
	}
	if err := Verify(NewSecret(), h, body, now, 5*time.Minute); err != ErrNoSignature {
		t.Fatalf("other secret: %v", err)
	}
	if err := Verify(secret, h, body, now.Add(10*time.Minute), 5*time.Minute); err != ErrTimestamp {
		t.Fatalf("old message: %v", err)
	}
	h.Set(HeaderID, "evt2")
	if err := Verify(secret, h, body, now, 5*time.Minute); err != ErrNoSignature {
		t.Fatalf("other id: %v", err)
	}
	if _, err := Sign("whsec_***", "x", now, body); err != ErrBadSecret {
		t.Fatalf("bad secret: %v", err)
	}
}
