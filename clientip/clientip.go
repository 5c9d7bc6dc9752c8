// Package clientip tells who sent an HTTP request and whether it came over
// TLS: the peer itself, or what a trusted reverse proxy says in
// X-Forwarded-For and X-Forwarded-Proto. Headers from any other peer are
// ignored, since anyone can send them.
package clientip

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks whose forwarding headers are believed.
type Proxies []netip.Prefix

// Parse reads a comma-separated list of CIDRs or single addresses
// ("10.0.0.0/8, 127.0.0.1"); an empty string is no proxies.
func Parse(s string) (Proxies, error) {
	var out Proxies
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("invalid proxy address %q", part)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("invalid proxy network %q", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Trusted reports whether a is inside one of the proxy networks.
func (ps Proxies) Trusted(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peer(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// IP is the client's address: the peer's, or, when the peer is a trusted
// proxy, the last hop of X-Forwarded-For that is not itself a trusted proxy.
func (ps Proxies) IP(r *http.Request) string {
	addr, ok := peer(r)
	if !ok {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		return host
	}
	if !ps.Trusted(addr) {
		if host, ok := ipv4Host(r.RemoteAddr); ok {
			return host // saves formatting the address again
		}
		return addr.String()
	}
	// Every header line counts: a proxy that adds its own line rather
	// than extending the client's must not leave a forged first line
	// standing as the answer.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		addr = hop.Unmap()
		if !ps.Trusted(addr) {
			break
		}
	}
	return addr.String()
}

// ipv4Host returns the host part of a RemoteAddr that netip.ParseAddrPort
// has accepted, when it is an IPv4 address and port ("192.0.2.1:4711"):
// netip reads IPv4 only in its one spelling, so the text is what
// formatting the parsed address would give.
func ipv4Host(remoteAddr string) (string, bool) {
	i := strings.LastIndexByte(remoteAddr, ':')
	if i < 0 || strings.IndexByte(remoteAddr[:i], ':') >= 0 || strings.HasPrefix(remoteAddr, "[") {
		return "", false
	}
	return remoteAddr[:i], true
}

// parseHop reads one X-Forwarded-For entry: an address, or an address and
// port as some load balancers write it ("203.0.113.5:4711", "[::1]:80").
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a, true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr(), true
	}
	return netip.Addr{}, false
}

// Secure reports whether r arrived over TLS, directly or through a trusted
// proxy that says so in X-Forwarded-Proto.
func (ps Proxies) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	addr, ok := peer(r)
	return ok && ps.Trusted(addr) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// BaseURL is the scheme and host the client used to reach the server, for
// links back to it: X-Forwarded-Host and -Proto are believed from trusted
// proxies only.
func (ps Proxies) BaseURL(r *http.Request) string {
	scheme := "http"
	if ps.Secure(r) {
		scheme = "https"
	}
	host := r.Host
	if addr, ok := peer(r); ok && ps.Trusted(addr) {
		if h := r.Header.Get("X-Forwarded-Host"); h != "" {
			host = h
		}
	}
	return scheme + "://" + host
}

// RateKey is the key to rate-limit a client address by: the address for
// IPv4, its /64 for IPv6 (one host routinely holds a whole /64, so per
// address limits would be free to evade). A string that is not an address
// is its own key.
func RateKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a.Is4() {
		// netip reads IPv4 only in its one spelling (no leading zeros),
		// which is what String would write: no need to write it again.
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
