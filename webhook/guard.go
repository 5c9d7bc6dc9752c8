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
// to the caller.
type TargetError struct{ Msg string }

func (e *TargetError) Error() string { return e.Msg }

// The refusals of the guard.
var (
	ErrNotURL      = &TargetError{"endpoint must be an absolute URL"}
	ErrNotHTTPS    = &TargetError{"endpoint must be an https URL"}
	ErrPrivate     = &TargetError{"endpoint must not resolve to a private, loopback, link-local, unspecified or multicast address"}
	ErrUnresolved  = &TargetError{"endpoint host could not be resolved"}
	errNoAddresses = &TargetError{"endpoint host has no addresses"}
)

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

// extraBlocked are non-public ranges netip's predicates do not cover.
var extraBlocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
}

// Forbidden reports whether a strict guard refuses ip: private, loopback,
// link-local, unspecified, multicast or otherwise not publicly routable.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsMulticast() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || !ip.IsGlobalUnicast() {
		return true
	}
	for _, p := range extraBlocked {
		if p.Contains(ip) {
			return true
		}
	}
	// NAT64 (64:ff9b::/96) carries an IPv4 address in its last 4 bytes.
	if nat64 := netip.MustParsePrefix("64:ff9b::/96"); nat64.Contains(ip) {
		b := ip.As16()
		return Forbidden(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
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
			return nil, &TargetError{"endpoint must be an http or https URL"}
		}
		return nil, ErrNotHTTPS
	}
	if _, err := g.Addrs(ctx, u.Hostname()); err != nil {
		return nil, err
	}
	return u, nil
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
	} else {
		r := g.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
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
func (g Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := g.Addrs(ctx, host)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	var errs []error
	for _, ip := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}
