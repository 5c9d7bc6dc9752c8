package calsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/webhook"
)

// Limits of one conversation with a calendar server.
const (
	// RequestTimeout bounds one refresh or discovery of a connection.
	RequestTimeout = 30 * time.Second
	// MaxFeedSize caps an iCalendar feed.
	MaxFeedSize = 10 << 20
	// maxRedirects bounds the redirects of one request (well-known
	// discovery takes one).
	maxRedirects = 5
)

// ErrAuth says the server refused the connection's credentials (401 or
// 403), or a feed URL is gone (404, 410): the connection is broken until
// the user fixes it.
var ErrAuth = errors.New("the calendar server refused the credentials")

// errNoObject: a DELETE found nothing to delete.
var errNoObject = errors.New("no such calendar object")

// errFeedGone: a feed URL answered 404 or 410, which is how a revoked
// secret address shows.
var errFeedGone = fmt.Errorf("%w: the feed address is no longer valid", ErrAuth)

// Dialer opens connections to calendar servers; webhook.Guard is one.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// httpClient makes the guarded HTTP client every request uses: dials go
// through guard (so a name that resolves to a private address is refused
// at connect time too), redirects are bounded and checked.
func httpClient(guard webhook.Guard) *http.Client {
	tr := &http.Transport{DialContext: guard.DialContext, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 2,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: RequestTimeout}
	return &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return errors.New("too many redirects")
		}
		if _, err := guard.CheckURL(req.Context(), req.URL.String()); err != nil {
			return err
		}
		return nil
	}}
}

// authClient adds basic authentication and turns a refusal of the
// credentials into ErrAuth, which go-webdav would otherwise report as a
// bare status.
type authClient struct {
	c          *http.Client
	user, pass string
}

func (a authClient) Do(req *http.Request) (*http.Response, error) {
	if a.user != "" || a.pass != "" {
		req.SetBasicAuth(a.user, a.pass)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		resp.Body.Close()
		return nil, ErrAuth
	case resp.StatusCode == http.StatusNotFound && req.Method == http.MethodDelete:
		resp.Body.Close()
		return nil, errNoObject
	}
	return resp, nil
}

var _ webdav.HTTPClient = authClient{}

// caldavClient is a CalDAV client for one account.
func caldavClient(hc *http.Client, endpoint, user, pass string) (*caldav.Client, error) {
	return caldav.NewClient(authClient{c: hc, user: user, pass: pass}, endpoint)
}

// discover finds the account's calendars from the server URL the user
// gave: the current-user-principal at that URL, or else at the server's
// /.well-known/caldav (RFC 6764), then the principal's calendar-home-set,
// then the calendars in it that hold events.
func discover(ctx context.Context, hc *http.Client, serverURL, user, pass string) ([]meetd.CalendarRef, string, error) {
	endpoint := serverURL
	c, err := caldavClient(hc, endpoint, user, pass)
	if err != nil {
		return nil, "", err
	}
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if errors.Is(err, ErrAuth) {
		return nil, "", err
	}
	if err != nil || principal == "" {
		wk, werr := wellKnown(ctx, hc, serverURL, user, pass)
		if werr != nil {
			return nil, "", fmt.Errorf("no CalDAV principal at the URL or its /.well-known/caldav: %w", cleanErr(err))
		}
		endpoint = wk
		if c, err = caldavClient(hc, endpoint, user, pass); err != nil {
			return nil, "", err
		}
		if principal, err = c.FindCurrentUserPrincipal(ctx); err != nil {
			return nil, "", cleanErr(err)
		}
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		return nil, "", fmt.Errorf("calendar home: %w", cleanErr(err))
	}
	cals, err := c.FindCalendars(ctx, home)
	if err != nil {
		return nil, "", fmt.Errorf("calendars: %w", cleanErr(err))
	}
	out := []meetd.CalendarRef{}
	for _, cal := range cals {
		if len(cal.SupportedComponentSet) > 0 && !slices.Contains(cal.SupportedComponentSet, ical.CompEvent) {
			continue
		}
		name := cal.Name
		if name == "" {
			name = strings.Trim(cal.Path[strings.LastIndex(strings.TrimSuffix(cal.Path, "/"), "/")+1:], "/")
		}
		out = append(out, meetd.CalendarRef{Path: cal.Path, Name: name})
		if len(out) == meetd.MaxCalendarsPerConnection {
			break
		}
	}
	return out, endpoint, nil
}

// wellKnown asks the server's /.well-known/caldav where its CalDAV
// service lives and answers that URL (the redirect's target), without
// following the redirect as a GET would.
func wellKnown(ctx context.Context, hc *http.Client, serverURL, user, pass string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", err
	}
	wk := u.ResolveReference(&url.URL{Path: "/.well-known/caldav"})
	req, err := http.NewRequestWithContext(ctx, "PROPFIND", wk.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Depth", "0")
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || loc == "" {
		return "", fmt.Errorf("no redirect at %s", wk.Path)
	}
	target, err := wk.Parse(loc)
	if err != nil {
		return "", err
	}
	return target.String(), nil
}

// cleanErr keeps an error from a calendar server short: go-webdav quotes
// the server's answer, which has no secret of ours but may be long.
func cleanErr(err error) error {
	if err == nil {
		return errors.New("no answer")
	}
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	if errors.Is(err, ErrAuth) {
		return ErrAuth
	}
	return errors.New(msg)
}

// queryEvents fetches the events of one CalDAV calendar that touch
// [from, to) with a calendar-query REPORT: the whole objects, so a
// recurring event comes with its overridden instances.
func queryEvents(ctx context.Context, c *caldav.Client, calendar string, from, to time.Time) ([]*ical.Calendar, error) {
	objs, err := c.QueryCalendar(ctx, calendar, &caldav.CalendarQuery{
		CompRequest: caldav.CalendarCompRequest{Name: ical.CompCalendar, AllProps: true, AllComps: true},
		CompFilter: caldav.CompFilter{Name: ical.CompCalendar, Comps: []caldav.CompFilter{{
			Name: ical.CompEvent, Start: from.UTC(), End: to.UTC()}}},
	})
	if err != nil {
		return nil, cleanErr(err)
	}
	out := make([]*ical.Calendar, 0, len(objs))
	for _, o := range objs {
		if o.Data != nil {
			out = append(out, o.Data)
		}
	}
	return out, nil
}

// fetchFeed GETs an iCalendar feed, at most MaxFeedSize bytes.
func fetchFeed(ctx context.Context, hc *http.Client, feedURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feedURL, nil)
	if err != nil {
		return nil, errors.New("the feed URL is not valid")
	}
	req.Header.Set("Accept", "text/calendar")
	resp, err := hc.Do(req)
	if err != nil {
		// The error quotes the URL, which is the secret: say only what
		// kind of failure it was.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetching the feed: %v", redactURL(err, feedURL))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone ||
		resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, errFeedGone
	case resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("the feed answered %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxFeedSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the feed: %v", redactURL(err, feedURL))
	}
	if len(b) > MaxFeedSize {
		return nil, fmt.Errorf("the feed is larger than %d MiB", MaxFeedSize>>20)
	}
	return b, nil
}

// redactURL removes the secret URL (and its query) from an error text.
func redactURL(err error, secret string) string {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, secret, "<feed>")
	if u, perr := url.Parse(secret); perr == nil && u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, u.RawQuery, "…")
	}
	if u, perr := url.Parse(secret); perr == nil && u.Path != "" && u.Path != "/" {
		msg = strings.ReplaceAll(msg, u.Path, "/…")
	}
	return msg
}
