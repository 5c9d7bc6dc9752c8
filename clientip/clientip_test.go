package clientip

import (
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ps, err := Parse(" 10.0.0.0/8, 127.0.0.1 ,::1,192.168.1.7/16")
	if err != nil || len(ps) != 4 || ps[1].String() != "127.0.0.1/32" || ps[3].String() != "192.168.0.0/16" {
		t.Fatalf("Parse = %v, %v", ps, err)
	}
	if ps, err := Parse(""); err != nil || len(ps) != 0 {
		t.Fatalf("empty: %v, %v", ps, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "1.2.3"} {
		if _, err := Parse(bad); err == nil {
			t.Fatalf("Parse(%q) succeeded", bad)
		}
	}
}

func TestIPAndSecure(t *testing.T) {
	ps, _ := Parse("10.0.0.0/8")
	tests := []struct {
		name, remote, xff, proto string
		tls                      bool
		wantIP                   string
		wantSecure               bool
	}{
		{"a direct client is itself", "203.0.113.5:4000", "", "", false, "203.0.113.5", false},
		{"an untrusted peer cannot forge headers", "203.0.113.5:4000", "198.51.100.1", "https", false, "203.0.113.5", false},
		{"a trusted proxy names the client", "10.0.0.2:4000", "198.51.100.1", "https", false, "198.51.100.1", true},
		{"chains of trusted proxies are walked", "10.0.0.2:4000", "198.51.100.1, 10.0.0.9", "http", false, "198.51.100.1", false},
		{"a spoofed first hop is not believed", "10.0.0.2:4000", "1.1.1.1, 198.51.100.1", "", false, "198.51.100.1", false},
		{"a hop with a port is read", "10.0.0.2:4000", "198.51.100.1:4711", "", false, "198.51.100.1", false},
		{"a second header line cannot hide behind a forged first one", "10.0.0.2:4000", "6.6.6.6\n198.51.100.1", "", false, "198.51.100.1", false},
		{"garbage stops the walk", "10.0.0.2:4000", "nonsense", "", false, "10.0.0.2", false},
		{"TLS is secure whatever the headers", "203.0.113.5:4000", "", "http", true, "203.0.113.5", true},
		{"IPv4-mapped IPv6 peers are unmapped", "[::ffff:10.0.0.2]:4000", "198.51.100.1", "", false, "198.51.100.1", false},
		{"an untrusted IPv4-mapped peer is its IPv4 address", "[::ffff:203.0.113.5]:4000", "", "", false, "203.0.113.5", false},
		{"an untrusted IPv6 peer is written canonically", "[2001:DB8:0:0::1]:4000", "", "", false, "2001:db8::1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, line := range strings.Split(tc.xff, "\n") {
				if line != "" {
					r.Header.Add("X-Forwarded-For", line)
				}
			}
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if got := ps.IP(r); got != tc.wantIP {
				t.Errorf("IP = %s, want %s", got, tc.wantIP)
			}
			if got := ps.Secure(r); got != tc.wantSecure {
				t.Errorf("Secure = %v, want %v", got, tc.wantSecure)
			}
		})
	}
}

func TestRateKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.5":            "203.0.113.5",
		"::ffff:203.0.113.5":     "203.0.113.5",
		"2001:db8:1:2::1":        "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::abc": "2001:db8:1:2::/64",
		"not-an-ip":              "not-an-ip",
	} {
		if got := RateKey(in); got != want {
			t.Errorf("RateKey(%q) = %q, want %q", in, got, want)
		}
	}
}
