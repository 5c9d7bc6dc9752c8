package webhook

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// TargetError says why an endpoint is refused. Its message is safe to show
// to the caller; reason, for the operator's log, may say more.
type TargetError struct {
	Msg    string
	reason string
}

func (e *TargetError) Error() string { return e.Msg }

// Reason says why the endpoint was refused, for logs only: it tells an
// unresolvable name from a private address, which the caller's message
// deliberately does not (a tenant must not learn what the operator's
// resolver knows about internal names).
func (e *TargetError) Reason() string {
	if e.reason != "" {
		return e.reason
	}
	return e.Msg
}

// publicMsg is the one answer for a host that is not a public target,
// whether it does not resolve, resolves to nothing or resolves to a
// non-public address.
const publicMsg = "endpoint must be a public https URL"

// The refusals of the guard. ErrPrivate, ErrUnresolved and errNoAddresses
// carry the same message, so the answer is no DNS oracle.
var (
	ErrNotURL      = &TargetError{Msg: "endpoint must be an absolute URL"}
	ErrNotHTTPS    = &TargetError{Msg: "endpoint must be an https URL"}
	ErrPrivate     = &TargetError{Msg: publicMsg, reason: "endpoint resolves to a non-public address"}
	ErrUnresolved  = &TargetError{Msg: publicMsg, reason: "endpoint host could not be resolved"}
	errNoAddresses = &TargetError{Msg: publicMsg, reason: "endpoint host has no addresses"}
)

// ConnectTimeout bounds resolving a target's name and connecting to it,
// well inside the attempt's Timeout, so a black-holed receiver gives its
// worker slot back early.
const ConnectTimeout = 3 * time.Second

// Resolver looks host names up; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Guard keeps webhook targets off the operator's own networks: an endpoint
// must be https and every address its host resolves to must be public.
// AllowPrivate (--webhook-allow-private) lifts both rules, for development
// and tests. The zero value is the strict guard on the system resolver.
type Guard struct {
	AllowPrivate bool
	// Resolver defaults to net.DefaultResolver.
	Resolver Resolver
}

func prefixes(list ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(list))
	for i, s := range list {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// blocked4 are the IPv4 ranges of the IANA special-purpose registry that
// netip's predicates do not cover (private, loopback, link-local,
// multicast and unspecified are judged by those).
var blocked4 = prefixes(
	"0.0.0.0/8",       // "this network"
	"100.64.0.0/10",   // carrier-grade NAT
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation
	"192.88.99.0/24",  // 6to4 relay anycast (deprecated)
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24",  // documentation
	"240.0.0.0/4",     // reserved, and broadcast
)

// IPv6 forms that carry an IPv4 address, judged by it.
var (
	mapped4 = netip.MustParsePrefix("::ffff:0:0/96")   // IPv4-mapped
	compat4 = netip.MustParsePrefix("::/96")           // IPv4-compatible (deprecated)
	siit4   = netip.MustParsePrefix("::ffff:0:0:0/96") // SIIT IPv4-translated
	nat64   = netip.MustParsePrefix("64:ff9b::/96")    // NAT64 well-known prefix
	sixTo4  = netip.MustParsePrefix("2002::/16")       // 6to4: IPv4 in bits 16–47
	teredo  = netip.MustParsePrefix("2001::/32")       // Teredo: server in bits 32–63, client inverted in the last 32
	global6 = netip.MustParsePrefix("2000::/3")        // global unicast: the only IPv6 space allowed
)

// blocked6 are the IANA special-purpose IPv6 entries inside 2000::/3 that
// are not public targets (Teredo and 6to4 are judged by their IPv4).
var blocked6 = prefixes(
	"2001::/23",     // IETF protocol assignments (benchmarking, ORCHID, AMT, …)
	"2001:db8::/32", // documentation
	"3fff::/20",     // documentation
)

// Forbidden reports whether a strict guard refuses ip: anything that is
// not a publicly routable unicast address. IPv4 addresses are refused when
// private, loopback, link-local, unspecified, multicast or in the IANA
// special-purpose registry; IPv6 addresses must be global unicast
// (2000::/3) outside the registry's special-purpose blocks. IPv6 forms
// that carry an IPv4 address (IPv4-mapped, IPv4-compatible, SIIT, NAT64,
// 6to4, Teredo) are judged by the IPv4 address they lead to.
func Forbidden(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	ip = ip.WithZone("")
	if ip.Is4() {
		return forbidden4(ip)
	}
	b := ip.As16()
	last4 := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	switch {
	case mapped4.Contains(ip), siit4.Contains(ip), nat64.Contains(ip):
		return forbidden4(last4)
	case compat4.Contains(ip):
		// Also covers :: and ::1, whose "IPv4" (0.0.0.0, 0.0.0.1) is refused.
		return forbidden4(last4)
	case sixTo4.Contains(ip):
		return forbidden4(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	case teredo.Contains(ip):
		server := netip.AddrFrom4([4]byte{b[4], b[5], b[6], b[7]})
		client := netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
		return forbidden4(server) || forbidden4(client)
	case !global6.Contains(ip):
		return true
	}
	for _, p := range blocked6 {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func forbidden4(ip netip.Addr) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsLinkLocalUnicast() ||
		!ip.IsGlobalUnicast() {
		return true
	}
	for _, p := range blocked4 {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// CheckURL parses an endpoint and applies the guard: scheme, then the
// literal address or every address the host resolves to. It returns a
// *TargetError for a refused endpoint.
func (g Guard) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return nil, ErrNotURL
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !g.AllowPrivate {
			return nil, ErrNotHTTPS
		}
	default:
		if g.AllowPrivate {
			return nil, &TargetError{Msg: "endpoint must be an http or https URL"}
		}
		return nil, ErrNotHTTPS
	}
	if _, err := g.Addrs(ctx, u.Hostname()); err != nil {
		return nil, err
	}
	return u, nil
}

// specialUseName reports whether host is under a special-use top-level
// domain (RFC 6761 and RFC 6762): it can never name a public receiver.
func specialUseName(host string) bool {
	host = strings.ToLower(host)
	for _, tld := range []string{"invalid", "test", "example", "localhost", "local"} {
		if host == tld || strings.HasSuffix(host, "."+tld) {
			return true
		}
	}
	return false
}

// Addrs resolves host (or parses it as a literal address) and returns its
// addresses, after checking every one of them: a strict guard refuses the
// host if any address is forbidden, so a name cannot mix a public address
// with a private one.
func (g Guard) Addrs(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "]"), "["), ".")
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" && !g.AllowPrivate {
			return nil, ErrPrivate // zoned addresses are link-local by nature
		}
		addrs = []netip.Addr{ip}
	} else if specialUseName(host) && g.Resolver == nil && !g.AllowPrivate {
		// RFC 6761 names never resolve on the public DNS: refuse them
		// without asking it.
		return nil, ErrUnresolved
	} else {
		r := g.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		lctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
		defer cancel()
		addrs, err = r.LookupNetIP(lctx, "ip", host)
		if err != nil {
			return nil, ErrUnresolved
		}
	}
	if len(addrs) == 0 {
		return nil, errNoAddresses
	}
	if !g.AllowPrivate {
		for _, ip := range addrs {
			if Forbidden(ip) {
				return nil, ErrPrivate
			}
		}
	}
	return addrs, nil
}

// DialContext dials addr ("host:port") on an address the guard has just
// checked: the name is resolved once, here, and the connection goes to
// one of the addresses that passed, so a DNS answer that changes between
// the check and the dial (rebinding) cannot reach a private address.
// Resolving and connecting together take at most ConnectTimeout.
func (g Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	addrs, err := g.Addrs(ctx, host)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	var errs []error
	for _, ip := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}
