package httpapi_test

import (
	"net/netip"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// servedServer fetches /v4/openapi.yaml with header and returns the URL of
// its one server.
func servedServer(t *testing.T, h *harness, header map[string]string) string {
	t.Helper()
	r := h.do(req{method: "GET", path: "/v4/openapi.yaml", header: header})
	wantStatus(t, r, 200)
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) != 1 {
		t.Fatalf("servers = %d, want 1", len(doc.Servers))
	}
	return doc.Servers[0].URL
}

// TestServedOpenAPINamesThisServer: the document's server is the scheme and
// host the request reached; forwarded ones count only from a trusted proxy.
func TestServedOpenAPINamesThisServer(t *testing.T) {
	forwarded := map[string]string{"X-Forwarded-Host": "api.example.com", "X-Forwarded-Proto": "https"}

	h := newHarness(t, sqldbtest.SQLite)
	if got := servedServer(t, h, nil); got != h.srv.URL {
		t.Fatalf("server = %q, want %q", got, h.srv.URL)
	}
	if got := servedServer(t, h, forwarded); got != h.srv.URL {
		t.Fatalf("an untrusted peer's X-Forwarded-Host was believed: server = %q", got)
	}

	trusted := newHarness(t, sqldbtest.SQLite, func(c *httpapi.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
	if got := servedServer(t, trusted, forwarded); got != "https://api.example.com" {
		t.Fatalf("behind a trusted proxy: server = %q, want https://api.example.com", got)
	}
}
