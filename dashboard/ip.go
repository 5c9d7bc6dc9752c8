package dashboard

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client address and scheme, read the way the API reads them: the peer,
// or what a trusted proxy says.

func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

func (d *Dashboard) trusted(a netip.Addr) bool {
	for _, p := range d.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the peer's address, or the last untrusted hop of
// X-Forwarded-For when the peer is a trusted proxy.
func (d *Dashboard) clientIP(r *http.Request) string {
	addr, ok := peerAddr(r)
	if !ok {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		return host
	}
	if d.trusted(addr) {
		hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = hop.Unmap()
			if !d.trusted(addr) {
				break
			}
		}
	}
	return addr.String()
}

// secure reports whether r arrived over TLS, directly or through a trusted
// proxy that says so.
func (d *Dashboard) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	a, ok := peerAddr(r)
	return ok && d.trusted(a) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (d *Dashboard) fromTrustedProxy(r *http.Request) bool {
	a, ok := peerAddr(r)
	return ok && d.trusted(a)
}
