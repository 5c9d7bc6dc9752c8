// Package auth implements meetd's credentials: the token formats and their
// checksums, hashing, the verifier with its in-memory cache, principal
// resolution and the authorization policy table (docs/architecture.md).
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"strings"

	"github.com/meetd/meetd"
)

// Token prefixes.
const (
	PATPrefix    = "rgo-"
	APIKeyPrefix = "ak_live:"
)

const (
	base62        = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	randomLen     = 26
	checksumLen   = 6
	secretLen     = randomLen + checksumLen // 32
	patLen        = len(PATPrefix) + secretLen
	apiKeyLen     = len(APIKeyPrefix) + 36 + 1 + secretLen
	apiKeyIDStart = len(APIKeyPrefix)
)

// ErrMalformed is returned by Parse for any string that is not a
// well-formed credential with a correct checksum.
var ErrMalformed = errors.New("auth: malformed credential")

// Parsed is a syntactically valid credential.
type Parsed struct {
	Kind meetd.CredentialKind
	// KeyID is the UUID of an API key (lower case); empty for a PAT.
	KeyID string
	// Hash is the SHA-256 of the whole credential string: what the store keeps.
	Hash [32]byte
}

// KindOf guesses which kind a bearer value claims to be, only from its
// prefix, to choose the wording of a 401: "ak_live:" is an API key and
// anything else a personal access token.
func KindOf(credential string) meetd.CredentialKind {
	if strings.HasPrefix(credential, APIKeyPrefix) {
		return meetd.KindAPIKey
	}
	return meetd.KindPAT
}

// Parse checks a credential's format and checksum without any I/O and
// hashes it. It returns ErrMalformed for anything else. It never echoes the
// input in its error.
func Parse(s string) (Parsed, error) {
	switch {
	case len(s) == patLen && strings.HasPrefix(s, PATPrefix):
		if !validSecret(s, len(PATPrefix)) {
			return Parsed{}, ErrMalformed
		}
		return Parsed{Kind: meetd.KindPAT, Hash: credentialHash(s)}, nil
	case len(s) == apiKeyLen && strings.HasPrefix(s, APIKeyPrefix):
		id := s[apiKeyIDStart : apiKeyIDStart+36]
		if s[apiKeyIDStart+36] != ':' || !meetd.IsUUID(id) || !validSecret(s, apiKeyIDStart+37) {
			return Parsed{}, ErrMalformed
		}
		return Parsed{Kind: meetd.KindAPIKey, KeyID: strings.ToLower(id), Hash: credentialHash(s)}, nil
	}
	return Parsed{}, ErrMalformed
}

// credentialHash is the SHA-256 of s, a credential of at most apiKeyLen bytes. It
// copies s into an array on the stack: []byte(s) would allocate for any
// string longer than 32 bytes, and every credential is.
func credentialHash(s string) [32]byte {
	var buf [apiKeyLen]byte
	return sha256.Sum256(buf[:copy(buf[:], s)])
}

// validSecret checks that s[from:] is 26 base62 characters followed by the
// base62 CRC32 of everything before the checksum.
func validSecret(s string, from int) bool {
	for i := from; i < len(s); i++ {
		if !isBase62(s[i]) {
			return false
		}
	}
	want := checksum(s[:len(s)-checksumLen])
	return s[len(s)-checksumLen:] == string(want[:])
}

func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

// checksum is the CRC32 (IEEE) of s in six base62 digits, zero-padded, the
// way GitHub's tokens carry theirs: a scanner can reject noise offline.
func checksum(s string) [checksumLen]byte {
	// A table-driven CRC over the string itself: crc32.ChecksumIEEE would
	// need a []byte, which escapes into it (an allocation per verification).
	n := ^uint32(0)
	for i := 0; i < len(s); i++ {
		n = ieee[byte(n)^s[i]] ^ n>>8
	}
	n = ^n
	var out [checksumLen]byte
	for i := checksumLen - 1; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return out
}

var ieee = crc32.MakeTable(crc32.IEEE)

// randomBase62 returns n characters drawn uniformly from base62 by rejection
// sampling, so no character is likelier than another.
func randomBase62(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("auth: random source failed: " + err.Error())
		}
		for _, b := range buf {
			if b < 248 && len(out) < n { // 248 = 4*62: keeps b%62 uniform
				out = append(out, base62[b%62])
			}
		}
	}
	return string(out)
}

func withChecksum(body string) string {
	c := checksum(body)
	return body + string(c[:])
}

// NewPAT returns a fresh personal access token and its hash.
func NewPAT() (token string, hash [32]byte) {
	token = withChecksum(PATPrefix + randomBase62(randomLen))
	return token, sha256.Sum256([]byte(token))
}

// NewAPIKey returns a fresh API key with key id id and its hash.
func NewAPIKey(id string) (key string, hash [32]byte) {
	key = withChecksum(APIKeyPrefix + strings.ToLower(id) + ":" + randomBase62(randomLen))
	return key, sha256.Sum256([]byte(key))
}

// Hash returns the SHA-256 of a credential string, as the store keeps it.
func Hash(credential string) [32]byte { return sha256.Sum256([]byte(credential)) }
