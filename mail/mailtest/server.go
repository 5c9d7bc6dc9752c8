// Package mailtest is an SMTP server for tests, built on
// github.com/emersion/go-smtp, listening on 127.0.0.1: it keeps every
// message it accepts, can require STARTTLS or TLS and a password, and can
// be told to refuse.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Options shape a Server.
type Options struct {
	// TLS is "" (no TLS offered), "starttls" or "implicit".
	TLS string
	// Username and Password, when set, are required (AUTH PLAIN).
	Username, Password string
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is host:port; Port the port.
	Addr string
	Port int
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config

	srv *smtp.Server
	ln  net.Listener

	mu       sync.Mutex
	messages []Message
	down     error                      // answers MAIL FROM with this while set
	reject   map[string]*smtp.SMTPError // per recipient
	arrived  chan struct{}
}

// Start runs a server until the test ends.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	s := &Server{reject: map[string]*smtp.SMTPError{}, arrived: make(chan struct{}, 1000)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, o: o}, nil
	}))
	srv.Domain = "mail.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = o.TLS == ""
	var err error
	if o.TLS != "" {
		var cert tls.Certificate
		cert, s.ClientTLS = selfSigned(tb)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	if o.TLS == "implicit" {
		s.ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatal(err)
	}
	s.srv, s.Addr, s.Port = srv, s.ln.Addr().String(), s.ln.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(s.ln) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// selfSigned makes a certificate for 127.0.0.1 and a client configuration
// that trusts it.
func selfSigned(tb testing.TB) (tls.Certificate, *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Messages are the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits up to timeout for at least n messages and returns them.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			tb.Fatalf("mailtest: %d messages after %v, want %d", len(s.Messages()), timeout, n)
		}
	}
}

// WaitFor waits up to timeout for a message that match accepts and
// returns the first such message; the test fails with what arrived when
// none does.
func (s *Server) WaitFor(tb testing.TB, timeout time.Duration, what string, match func(Message) bool) Message {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		got := s.Messages()
		for _, m := range got {
			if match(m) {
				return m
			}
		}
		select {
		case <-s.arrived:
		case <-deadline:
			var to []string
			for _, m := range got {
				to = append(to, strings.Join(m.To, ","))
			}
			tb.Fatalf("mailtest: no %s after %v; %d messages arrived, to %v", what, timeout, len(got), to)
		}
	}
}

// SetDown makes the server answer every MAIL FROM with a temporary
// failure (421) while down is true.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = nil
	if down {
		s.down = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
}

// Reject makes the server refuse recipient to for good (550).
func (s *Server) Reject(to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[to] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
}

type session struct {
	s      *Server
	o      Options
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string {
	if x.o.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.o.Username || password != x.o.Password {
			return errors.New("invalid credentials")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.o.Username != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.s.mu.Lock()
	down := x.s.down
	x.s.mu.Unlock()
	if down != nil {
		return down
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	rej := x.s.reject[to]
	x.s.mu.Unlock()
	if rej != nil {
		return rej
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, Message{From: x.from, To: x.to, Data: b.Bytes()})
	x.s.mu.Unlock()
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
