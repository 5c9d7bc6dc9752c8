package webhook

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestForbidden(t *testing.T) {
	for _, c := range []struct {
		ip        string
		forbidden bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true},
		{"10.0.0.1", true}, {"172.16.5.4", true}, {"172.31.255.255", true}, {"192.168.1.1", true},
		{"fc00::1", true}, {"fd12:3456::1", true},
		{"169.254.169.254", true}, {"fe80::1", true},
		{"0.0.0.0", true}, {"::", true}, {"0.1.2.3", true},
		{"224.0.0.1", true}, {"239.255.255.250", true}, {"ff02::1", true}, {"ff05::2", true},
		{"255.255.255.255", true}, {"100.64.0.1", true}, {"198.18.0.1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.1.2.3", true}, {"64:ff9b::a00:1", true},
		// IPv6 forms that carry an IPv4 address are judged by it.
		{"::127.0.0.1", true}, {"::10.0.0.1", true}, {"::ffff:0:127.0.0.1", true}, {"::ffff:0:a9fe:a9fe", true},
		{"2002:7f00:1::1", true}, {"2002:a00:1::", true}, {"2002:a9fe:a9fe::1", true},
		// Teredo: server 65.54.227.120, client inverted in the last 32 bits.
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", true},  // client 127.0.0.1
		{"2001:0:4136:e378:8000:63bf:f5ff:fffe", true},  // client 10.0.0.1
		{"2001:0:a00:1:8000:63bf:f7f7:f7f7", true},      // server 10.0.0.1
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", false}, // client 8.8.8.8
		{"::808:808", false}, {"::ffff:0:808:808", false}, {"2002:808:808::1", false},
		// Outside 2000::/3, or special-purpose inside it.
		{"fec0::1", true}, {"100::1", true}, {"100:0:0:1::1", true}, {"64:ff9b:1::a00:1", true},
		{"2001:2::1", true}, {"2001:10::1", true}, {"2001:20::1", true}, {"2001:db8::1", true}, {"3fff::1", true},
		{"4000::1", true}, {"5f00::1", true}, {"::2", true}, {"1::1", true},
		{"192.88.99.1", true}, {"192.0.0.9", true}, {"203.0.113.7", true}, {"198.51.100.1", true},
		{"8.8.8.8", false}, {"1.1.1.1", false}, {"172.32.0.1", false}, {"93.184.216.34", false},
		{"2606:4700:4700::1111", false}, {"2a00:1450:4001::200e", false}, {"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false},
	} {
		if got := Forbidden(netip.MustParseAddr(c.ip)); got != c.forbidden {
			t.Errorf("Forbidden(%s) = %v, want %v", c.ip, got, c.forbidden)
		}
	}
}

// fakeResolver answers from a table.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	list, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, s := range list {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	r := fakeResolver{
		"hooks.example.com":  {"93.184.216.34"},
		"internal.example":   {"10.0.0.7"},
		"mixed.example":      {"93.184.216.34", "127.0.0.1"},
		"metadata.example":   {"169.254.169.254"},
		"v6.example.com":     {"2606:4700:4700::1111"},
		"v6local.example":    {"fe80::1"},
		"localhost":          {"127.0.0.1", "::1"},
		"rebind.example.com": {"192.168.0.10"},
	}
	strict := Guard{Resolver: r}
	open := Guard{Resolver: r, AllowPrivate: true}
	for _, c := range []struct {
		url          string
		strict, open error
	}{
		{"https://hooks.example.com/in", nil, nil},
		{"https://v6.example.com:8443/in", nil, nil},
		{"https://93.184.216.34/in", nil, nil},
		{"http://hooks.example.com/in", ErrNotHTTPS, nil},
		{"ftp://hooks.example.com/in", ErrNotHTTPS, errors.New("any")},
		{"https://internal.example/", ErrPrivate, nil},
		{"https://mixed.example/", ErrPrivate, nil},
		{"https://metadata.example/", ErrPrivate, nil},
		{"https://v6local.example/", ErrPrivate, nil},
		{"https://localhost:9000/", ErrPrivate, nil},
		{"https://rebind.example.com/", ErrPrivate, nil},
		{"https://127.0.0.1/", ErrPrivate, nil},
		{"https://[::1]:8443/", ErrPrivate, nil},
		{"https://169.254.169.254/latest/meta-data", ErrPrivate, nil},
		{"https://0.0.0.0/", ErrPrivate, nil},
		{"https://[fe80::1%25eth0]/", ErrPrivate, nil},
		{"http://127.0.0.1:8080/hook", ErrNotHTTPS, nil},
		{"https://nowhere.invalid/", ErrUnresolved, ErrUnresolved},
		{"https://[::127.0.0.1]/", ErrPrivate, nil},
		{"https://[2002:7f00:1::1]/", ErrPrivate, nil},
		{"https://[fec0::1]/", ErrPrivate, nil},
		{"/relative", ErrNotURL, ErrNotURL},
		{"https://", ErrNotURL, ErrNotURL},
		{"not a url", ErrNotURL, ErrNotURL},
	} {
		for _, g := range []struct {
			name  string
			guard Guard
			want  error
		}{{"strict", strict, c.strict}, {"allow-private", open, c.open}} {
			_, err := g.guard.CheckURL(context.Background(), c.url)
			switch {
			case g.want == nil && err != nil:
				t.Errorf("%s %s: %v, want accepted", g.name, c.url, err)
			case g.want != nil && err == nil:
				t.Errorf("%s %s: accepted, want %v", g.name, c.url, g.want)
			case g.want != nil && g.want.Error() != "any" && err != g.want:
				t.Errorf("%s %s: %v, want %v", g.name, c.url, err, g.want)
			}
		}
	}
}

// A name that does not resolve and a name that resolves privately get the
// same answer: the message is no oracle for what the operator's resolver
// knows.
func TestRefusalsLookAlike(t *testing.T) {
	g := Guard{Resolver: fakeResolver{"internal.example": {"10.0.0.7"}, "empty.example": {}}}
	var msgs []string
	for _, u := range []string{"https://internal.example/", "https://nowhere.invalid/", "https://empty.example/",
		"https://10.0.0.7/"} {
		_, err := g.CheckURL(context.Background(), u)
		if err == nil {
			t.Fatalf("%s accepted", u)
		}
		msgs = append(msgs, err.Error())
	}
	for _, m := range msgs {
		if m != "endpoint must be a public https URL" {
			t.Fatalf("refusals differ: %q", msgs)
		}
	}
	if ErrUnresolved.Reason() == ErrPrivate.Reason() {
		t.Fatal("the log cannot tell the refusals apart")
	}
}

// The dialer resolves and checks in one step, so a name that turns
// private between the subscription check and the delivery is refused at
// the dial.
func TestDialRefusesRebinding(t *testing.T) {
	r := fakeResolver{"hooks.example.com": {"93.184.216.34"}}
	g := Guard{Resolver: r}
	if _, err := g.CheckURL(context.Background(), "https://hooks.example.com/"); err != nil {
		t.Fatal(err)
	}
	r["hooks.example.com"] = []string{"127.0.0.1"}
	if _, err := g.DialContext(context.Background(), "tcp", "hooks.example.com:443"); err != ErrPrivate {
		t.Fatalf("dial after rebinding: %v, want ErrPrivate", err)
	}
	if _, err := g.DialContext(context.Background(), "tcp", "10.1.1.1:443"); err != ErrPrivate {
		t.Fatalf("dial of a private literal: %v, want ErrPrivate", err)
	}
}

// deadlineResolver records the deadline of each lookup and answers a
// public address.
type deadlineResolver struct{ deadlines []time.Time }

func (d *deadlineResolver) LookupNetIP(ctx context.Context, _, _ string) ([]netip.Addr, error) {
	dl, _ := ctx.Deadline()
	d.deadlines = append(d.deadlines, dl)
	return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil // refused: nothing is dialled
}

// Resolving and connecting take at most ConnectTimeout, well inside the
// attempt's Timeout, so a black-holed receiver frees its slot early.
func TestConnectTimeout(t *testing.T) {
	if ConnectTimeout >= Timeout/2 {
		t.Fatalf("ConnectTimeout %v is not well inside the attempt's %v", ConnectTimeout, Timeout)
	}
	r := &deadlineResolver{}
	g := Guard{Resolver: r}
	before := time.Now()
	_, _ = g.CheckURL(context.Background(), "https://hooks.example.com/")
	_, _ = g.DialContext(context.Background(), "tcp", "hooks.example.com:443")
	if len(r.deadlines) != 2 {
		t.Fatalf("%d lookups", len(r.deadlines))
	}
	for _, dl := range r.deadlines {
		if dl.IsZero() || dl.After(before.Add(ConnectTimeout+time.Second)) {
			t.Fatalf("lookup deadline %v, want within %v", dl.Sub(before), ConnectTimeout)
		}
	}
	// (No test dials an unrouted address to time the connect: tests send
	// traffic only to the loopback interface.)
}

// Special-use names (RFC 6761) are refused without a DNS query: they can
// never name a public receiver.
func TestSpecialUseNamesAreNotLookedUp(t *testing.T) {
	for _, host := range []string{"nowhere.invalid", "hooks.test", "a.b.example", "localhost", "printer.local", "X.INVALID."} {
		if !specialUseName(strings.TrimSuffix(host, ".")) {
			t.Errorf("%s is not special-use", host)
		}
	}
	for _, host := range []string{"example.com", "hooks.testing.io", "invalid.org"} {
		if specialUseName(host) {
			t.Errorf("%s is special-use", host)
		}
	}
	var g Guard // the system resolver: it must not be asked
	if _, err := g.CheckURL(context.Background(), "https://nowhere.invalid/"); err != ErrUnresolved {
		t.Fatalf("CheckURL = %v, want ErrUnresolved", err)
	}
}
