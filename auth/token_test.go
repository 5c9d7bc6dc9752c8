package auth

import (
	"hash/crc32"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

func TestNewCredentialsParse(t *testing.T) {
	for range 200 {
		tok, h := NewPAT()
		if len(tok) != 36 || !strings.HasPrefix(tok, "rgo-") {
			t.Fatalf("PAT %q: want rgo- and 32 characters", tok)
		}
		p, err := Parse(tok)
		if err != nil || p.Kind != meetd.KindPAT || p.Hash != h || p.KeyID != "" {
			t.Fatalf("Parse(PAT) = %+v, %v", p, err)
		}
		id := meetd.NewID()
		key, kh := NewAPIKey(id)
		if !strings.HasPrefix(key, "ak_live:"+id+":") || len(key) != len("ak_live:")+36+1+32 {
			t.Fatalf("key %q has the wrong shape", key)
		}
		p, err = Parse(key)
		if err != nil || p.Kind != meetd.KindAPIKey || p.KeyID != id || p.Hash != kh {
			t.Fatalf("Parse(key) = %+v, %v", p, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	pat, _ := NewPAT()
	key, _ := NewAPIKey(meetd.NewID())
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	tests := map[string]string{
		"empty":                           "",
		"prefix only":                     "rgo-",
		"PAT one short":                   pat[:len(pat)-1],
		"PAT one long":                    pat + "a",
		"PAT random part changed":         flip(pat, 10),
		"PAT checksum changed":            flip(pat, len(pat)-1),
		"PAT with a non-base62 character": pat[:10] + "-" + pat[11:],
		"PAT upper-case prefix":           "RGO-" + pat[4:],
		"key secret changed":              flip(key, len(key)-20),
		"key checksum changed":            flip(key, len(key)-1),
		"key id changed":                  flip(key, 9),
		"key id not a UUID":               "ak_live:" + strings.Repeat("z", 36) + key[44:],
		"key missing separator":           key[:44] + "x" + key[45:],
		"key with test prefix":            "ak_test:" + key[8:],
		"JWT-looking":                     "eyJhbGciOiJIUzI1NiJ9.e30.sig",
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(s); err != ErrMalformed {
				t.Fatalf("Parse(%q) = %v, want ErrMalformed", s, err)
			}
		})
	}
}

func TestChecksumIsPadded(t *testing.T) {
	// A CRC of zero must still give six digits.
	c := checksum("")
	if len(c) != 6 {
		t.Fatalf("checksum length %d", len(c))
	}
}

// TestChecksumIsCRC32IEEE: the checksum is the standard CRC32 (IEEE) in
// base62, as it was when every stored token was minted: tokens minted
// before must keep verifying.
func TestChecksumIsCRC32IEEE(t *testing.T) {
	if got := checksum("123456789"); string(got[:]) != "3jZRME" { // CRC32 check value 0xCBF43926
		t.Errorf(`checksum("123456789") = %q, want "3jZRME"`, got)
	}
	for _, s := range []string{"", "rgo-", "rgo-" + randomBase62(26), "ak_live:" + randomBase62(62), strings.Repeat("\xff", 100)} {
		n := crc32.ChecksumIEEE([]byte(s))
		var want [6]byte
		for i := 5; i >= 0; i-- {
			want[i], n = base62[n%62], n/62
		}
		if got := checksum(s); got != want {
			t.Errorf("checksum(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestRandomBase62IsUniform(t *testing.T) {
	counts := map[byte]int{}
	const n = 62 * 2000
	s := randomBase62(n)
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	if len(counts) != 62 {
		t.Fatalf("%d distinct characters, want 62", len(counts))
	}
	for c, k := range counts {
		if k < 1600 || k > 2400 { // mean 2000; ±20 % is > 8 sigma
			t.Fatalf("character %q drawn %d times of %d", c, k, n)
		}
	}
}

func TestKindOf(t *testing.T) {
	if KindOf("ak_live:whatever") != meetd.KindAPIKey || KindOf("rgo-x") != meetd.KindPAT || KindOf("junk") != meetd.KindPAT {
		t.Fatal("KindOf chose the wrong kind")
	}
}

func TestPasswordHash(t *testing.T) {
	// One hash with the production parameters (64 MiB each: kept few).
	h := HashPassword("correct horse battery")
	if !CheckPassword(h, "correct horse battery") {
		t.Fatal("the right password was refused")
	}
	if CheckPassword(h, "Correct horse battery") {
		t.Fatal("a wrong password was accepted")
	}
	if !strings.Contains(h, "$m=65536,t=3,p=2$") {
		t.Fatalf("HashPassword = %q, not made with the default parameters", h)
	}
	// The rest checks the scheme, whatever the parameters.
	cheap := PasswordParams{Time: 1, Memory: 64, Threads: 1}
	h = cheap.Hash("correct horse battery")
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery"} {
		if CheckPassword(h, wrong) {
			t.Fatalf("%q was accepted", wrong)
		}
	}
	if CheckPassword("", "") || CheckPassword("$argon2id$v=19$m=1,t=1,p=1$$", "") {
		t.Fatal("a malformed hash matched")
	}
	if h == cheap.Hash("correct horse battery") {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

// TestPasswordParams: a hash records its parameters, so one made with other
// parameters still verifies. (The zero value meaning the defaults is checked
// by TestPasswordHash: HashPassword hashes with the zero value.)
func TestPasswordParams(t *testing.T) {
	cheap := PasswordParams{Time: 1, Memory: 64, Threads: 1}
	h := cheap.Hash("correct horse battery")
	if !strings.Contains(h, "$m=64,t=1,p=1$") {
		t.Fatalf("hash %q does not record its parameters", h)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batter") {
		t.Fatal("a hash made with other parameters does not verify like the default")
	}
	for _, bad := range []string{"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$a2V5", "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$a2V5"} {
		if CheckPassword(bad, "x") {
			t.Fatalf("%q matched", bad)
		}
	}
}
