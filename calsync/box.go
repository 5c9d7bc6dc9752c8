package calsync

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/meetd/meetd"
)

// KeySize is the length of the operator's key: AES-256.
const KeySize = 32

// ErrNoKey refuses to store a connection secret when the operator has not
// supplied a key: a secret is never stored in clear.
var ErrNoKey = meetd.Errorf(meetd.EUNPROCESSABLE,
	"Calendar connections are disabled: the operator must set --secret-key-file (MEETD_SECRET_KEY_FILE) to a file holding a 32-byte key")

// Box seals connection secrets with AES-256-GCM. A sealed secret is the
// 12-byte nonce followed by the ciphertext and tag; the connection id is
// the additional data, so a sealed secret copied into another row does not
// open. A nil *Box has no key: Seal answers ErrNoKey.
type Box struct {
	aead cipher.AEAD
}

// NewBox makes a Box from a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("calsync: the secret key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// LoadKey reads the key file of --secret-key-file: 32 raw bytes, or 64
// hexadecimal digits, or the standard base64 of 32 bytes (surrounding
// white space ignored). `openssl rand -hex 32 > key` makes one.
func LoadKey(path string) (*Box, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file: %w", err)
	}
	if len(b) == KeySize {
		return NewBox(b)
	}
	s := strings.TrimSpace(string(b))
	if k, err := hex.DecodeString(s); err == nil && len(k) == KeySize {
		return NewBox(k)
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == KeySize {
		return NewBox(k)
	}
	return nil, fmt.Errorf("secret key file %s: want 32 bytes, 64 hex digits or base64 of 32 bytes", path)
}

// Seal encrypts secret for connection id.
func (b *Box) Seal(id string, secret []byte) ([]byte, error) {
	if b == nil {
		return nil, ErrNoKey
	}
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(secret)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, secret, []byte(id)), nil
}

// errOpen says a sealed secret does not open: another key, or another
// connection's secret.
var errOpen = errors.New("the stored secret does not open with this key (was --secret-key-file changed?)")

// Open decrypts a secret sealed for connection id.
func (b *Box) Open(id string, sealed []byte) ([]byte, error) {
	if b == nil {
		return nil, ErrNoKey
	}
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, errOpen
	}
	out, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return nil, errOpen
	}
	return out, nil
}
