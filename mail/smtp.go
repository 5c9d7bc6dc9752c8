package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender hands messages to a mail server.
type Sender interface {
	// Send sends msgs over one connection; errs[i] is msgs[i]'s outcome
	// (nil: the server accepted it). Once ctx ends no further message is
	// started; those are ctx's error.
	Send(ctx context.Context, msgs []*gomail.Msg) (errs []error)
}

// Timeout bounds connecting to the SMTP server and each command.
const Timeout = 30 * time.Second

// SMTP sends through one SMTP server.
type SMTP struct {
	Server Server
	// TLSConfig, when set, replaces the default (the server's name
	// verified against the system's roots); tests trust their own
	// certificate with it.
	TLSConfig *tls.Config
}

func (s *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.Server.Port), gomail.WithTimeout(Timeout)}
	switch s.Server.TLS {
	case Implicit:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	tc := s.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.Server.Host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	if s.Server.Username != "" {
		// Over TLS the best mechanism the server offers; without TLS
		// (loopback only, see ParseServer) PLAIN, which go-mail otherwise
		// keeps off unencrypted connections.
		auth := gomail.SMTPAuthAutoDiscover
		if s.Server.TLS == NoTLS {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.Server.Username),
			gomail.WithPassword(s.Server.Password))
	}
	return gomail.NewClient(s.Server.Host, opts...)
}

// Send implements Sender. A connection that fails fails every message.
func (s *SMTP) Send(ctx context.Context, msgs []*gomail.Msg) []error {
	errs := make([]error, len(msgs))
	fail := func(err error) []error {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	c, err := s.client()
	if err != nil {
		return fail(s.clean(err))
	}
	if err := c.DialWithContext(ctx); err != nil {
		return fail(s.clean(err))
	}
	defer c.Close()
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			errs[i] = err // not started: ctx ended (shutdown, or the batch's time is up)
			continue
		}
		errs[i] = s.clean(c.Send(m))
	}
	return errs
}

// clean keeps the password out of an error, should a library or a server
// ever repeat it.
func (s *SMTP) clean(err error) error {
	if err == nil || s.Server.Password == "" || !strings.Contains(err.Error(), s.Server.Password) {
		return err
	}
	return &cleanError{msg: strings.ReplaceAll(err.Error(), s.Server.Password, "xxxxx"), err: err}
}

type cleanError struct {
	msg string
	err error
}

func (e *cleanError) Error() string { return e.msg }
func (e *cleanError) Unwrap() error { return e.err }

// Permanent reports whether err is the server refusing the recipient for
// good (a 5xx answer to RCPT TO): trying again cannot help. Every other
// failure (no connection, TLS, authentication, a full queue, a 4xx) may
// pass and is retried.
func Permanent(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp()
}
