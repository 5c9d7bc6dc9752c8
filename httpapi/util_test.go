package httpapi_test

import (
	"net/netip"

	"github.com/meetd/meetd/auth"
)

func hash(token string) []byte {
	h := auth.Hash(token)
	return h[:]
}

func issuer(h *harness) *auth.Issuer { return &auth.Issuer{Store: h.db, Clock: h.clock} }

func mustPrefixes(cidrs ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}
