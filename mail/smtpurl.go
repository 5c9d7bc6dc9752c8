package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// TLS modes of an SMTP server.
const (
	StartTLS = "starttls" // smtp://: plain connection upgraded with STARTTLS, which must succeed
	Implicit = "implicit" // smtps://: TLS from the first byte
	NoTLS    = "none"     // smtp+insecure://: no TLS at all, loopback servers only
)

// Server is an SMTP server as --smtp-url names it. Its String never shows
// the password.
type Server struct {
	Host     string
	Port     int
	TLS      string
	Username string
	Password string
}

// ParseServer reads --smtp-url:
//
//	smtp://user:password@host:587      STARTTLS required (default port 587)
//	smtps://user:password@host:465     implicit TLS (default port 465)
//	smtp+insecure://host:2525          no TLS: only a loopback host (development, tests)
//
// User and password are optional (percent-encode special characters). No
// query or path is accepted. Errors never repeat the URL: it may hold a
// password.
func ParseServer(s string) (Server, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Server{}, errors.New("must be a URL such as smtp://user:password@mail.example.com:587")
	}
	var srv Server
	def := 0
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		srv.TLS, def = StartTLS, 587
	case "smtps":
		srv.TLS, def = Implicit, 465
	case "smtp+insecure":
		srv.TLS, def = NoTLS, 25
	default:
		return Server{}, errors.New("must start with smtp:// (STARTTLS), smtps:// (TLS) or smtp+insecure:// (loopback only)")
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Server{}, errors.New("must be scheme://[user[:password]@]host[:port] without path or query")
	}
	srv.Host = u.Hostname()
	if srv.Host == "" {
		return Server{}, errors.New("must name a host")
	}
	srv.Port = def
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Server{}, errors.New("has a port that is not a number from 1 to 65535")
		}
		srv.Port = n
	}
	if u.User != nil {
		srv.Username = u.User.Username()
		srv.Password, _ = u.User.Password()
	}
	if srv.TLS == NoTLS && !loopback(srv.Host) {
		return Server{}, fmt.Errorf("smtp+insecure:// sends in the clear and is only for a server on this machine (localhost, 127.0.0.1, ::1), not %s", srv.Host)
	}
	return srv, nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String is the server's URL without the password.
func (s Server) String() string {
	scheme := map[string]string{StartTLS: "smtp", Implicit: "smtps", NoTLS: "smtp+insecure"}[s.TLS]
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port))}
	if s.Username != "" {
		u.User = url.User(s.Username)
	}
	return u.String()
}

// ParseFrom reads --mail-from: an address with an optional display name,
// as in a From header ("meetd <cal@example.com>" or "cal@example.com").
func ParseFrom(s string) (From, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return From{}, errors.New(`must be an e-mail address, optionally with a name: "Example Bookings <bookings@example.com>"`)
	}
	return From{Name: a.Name, Email: a.Address}, nil
}
