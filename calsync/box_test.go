package calsync_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/meetd/meetd/calsync"
)

func newKey(t *testing.T) []byte {
	k := make([]byte, calsync.KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealedSecretsOpenOnlyWithTheirKeyAndConnection(t *testing.T) {
	key := newKey(t)
	box, err := calsync.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("app-password-123")
	sealed, err := box.Seal("conn-1", secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret) {
		t.Fatal("the sealed secret holds the secret in clear")
	}
	again, _ := box.Seal("conn-1", secret)
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of one secret are equal: the nonce is not random")
	}
	if got, err := box.Open("conn-1", sealed); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := calsync.NewBox(newKey(t))
	for name, open := range map[string]func() ([]byte, error){
		"another connection's id": func() ([]byte, error) { return box.Open("conn-2", sealed) },
		"another key":             func() ([]byte, error) { return other.Open("conn-1", sealed) },
		"a cut secret":            func() ([]byte, error) { return box.Open("conn-1", sealed[:10]) },
		"a flipped bit": func() ([]byte, error) {
			bad := bytes.Clone(sealed)
			bad[len(bad)-1] ^= 1
			return box.Open("conn-1", bad)
		},
	} {
		if _, err := open(); err == nil {
			t.Errorf("%s opens", name)
		}
	}
	var none *calsync.Box
	if _, err := none.Seal("conn-1", secret); err != calsync.ErrNoKey {
		t.Fatalf("Seal without a key = %v, want ErrNoKey", err)
	}
}

func TestKeyFilesTakeRawHexAndBase64(t *testing.T) {
	key := newKey(t)
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"raw":    key,
		"hex":    []byte(hex.EncodeToString(key) + "\n"),
		"base64": []byte("  " + base64.StdEncoding.EncodeToString(key) + "\n"),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		box, err := calsync.LoadKey(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ref, _ := calsync.NewBox(key)
		sealed, _ := ref.Seal("c", []byte("x"))
		if got, err := box.Open("c", sealed); err != nil || string(got) != "x" {
			t.Fatalf("%s: the loaded key is not the key: %v", name, err)
		}
	}
	for name, content := range map[string]string{"short": "abc", "31 hex bytes": hex.EncodeToString(key[:31])} {
		path := filepath.Join(dir, "bad-"+name)
		_ = os.WriteFile(path, []byte(content), 0o600)
		if _, err := calsync.LoadKey(path); err == nil {
			t.Errorf("%s key file accepted", name)
		}
	}
	if _, err := calsync.LoadKey(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing key file accepted")
	}
}
