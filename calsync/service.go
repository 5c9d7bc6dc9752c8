package calsync

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/webhook"
)

// Store is what the package reads and writes.
type Store interface {
	CreateCalendarConnection(ctx context.Context, a meetd.Actor, n meetd.NewCalendarConnection) (meetd.CalendarConnection, error)
	CalendarConnectionByID(ctx context.Context, companyID, id string) (meetd.CalendarConnection, error)
	CalendarConnectionsOfUsers(ctx context.Context, companyID string, userIDs []string) ([]meetd.CalendarConnection, error)
	UpdateCalendarConnection(ctx context.Context, a meetd.Actor, companyID, id string, up meetd.CalendarConnectionUpdate) (meetd.CalendarConnection, error)
	ClaimCalendarRefreshes(ctx context.Context, limit int, lease time.Duration) ([]meetd.CalendarConnection, error)
	FinishCalendarRefresh(ctx context.Context, claimed meetd.CalendarConnection, r meetd.CalendarRefreshResult) error
	ClaimCalendarWrites(ctx context.Context, limit int, lease time.Duration) ([]meetd.CalendarWrite, error)
	FinishCalendarWrite(ctx context.Context, r meetd.CalendarWriteResult) error
	AppointmentByID(ctx context.Context, companyID, id string) (meetd.Appointment, error)
	MeetingTypeByID(ctx context.Context, companyID, id string) (meetd.MeetingType, error)
	UsersByIDs(ctx context.Context, companyID string, ids []string) ([]meetd.User, error)
	ReplaceCalendarBusy(ctx context.Context, companyID, userID, connectionID string, from, to time.Time, busy []meetd.BusyInterval) error
}

var _ Store = meetd.Store(nil)

// Limits of a connection's fields.
const (
	maxURLLen      = 2048
	maxNameLen     = 200
	maxUsernameLen = 320
	maxSecretLen   = 1024
)

// Service checks, discovers and stores connections for the API and the
// dashboard. Box nil means no key: connections cannot be stored.
type Service struct {
	Store Store
	Box   *Box
	Guard webhook.Guard
	// Expander defaults to ICalBusy.
	Expander Expander
	Clock    meetd.Clock
	Log      *slog.Logger
	// Poke, when set, wakes this node's refresher after a connection was
	// created or changed, so its busy times arrive at once.
	Poke func()

	http *http.Client
}

// NewService returns a Service with its guarded HTTP client.
func NewService(s Service) *Service {
	s.http = httpClient(s.Guard)
	if s.Expander == nil {
		s.Expander = ICalBusy{}
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Clock == nil {
		s.Clock = meetd.SystemClock{}
	}
	return &s
}

// Enabled reports whether the operator supplied a key.
func (s *Service) Enabled() bool { return s != nil && s.Box != nil }

// Input is a connection's fields as a request gives them; nil leaves a
// field alone (on create: its default). Password (CalDAV) and FeedURL are
// the secrets.
type Input struct {
	Kind          meetd.CalendarKind
	Name          *string
	ServerURL     *string
	Username      *string
	Password      *string
	FeedURL       *string
	BusyCalendars []string
	WriteCalendar *string
}

// Create checks in, discovers a CalDAV account's calendars (or fetches
// the feed once) and stores the connection for userID, sealed. Without a
// key it is ErrNoKey. By default every calendar of the account blocks
// time and none receives events.
func (s *Service) Create(ctx context.Context, a meetd.Actor, companyID, userID string, in Input) (meetd.CalendarConnection, error) {
	if !s.Enabled() {
		return meetd.CalendarConnection{}, ErrNoKey
	}
	var v meetd.Validation
	n := meetd.NewCalendarConnection{ID: meetd.NewID(), CompanyID: companyID, UserID: userID, Kind: in.Kind}
	if in.Name != nil {
		n.Name = *in.Name
	}
	checkText(&v, "name", n.Name, maxNameLen)
	var secret string
	switch in.Kind {
	case meetd.CalendarCalDAV:
		if in.FeedURL != nil {
			v.Add("feedUrl", "feedUrl is for provider ics only")
		}
		n.ServerURL, n.Username = deref(in.ServerURL), deref(in.Username)
		secret = deref(in.Password)
		s.checkURL(ctx, &v, "serverUrl", n.ServerURL)
		required(&v, "username", n.Username, maxUsernameLen)
		required(&v, "password", secret, maxSecretLen)
	case meetd.CalendarICS:
		if in.ServerURL != nil || in.Username != nil || in.Password != nil {
			v.Add("feedUrl", "provider ics takes feedUrl only, no serverUrl, username or password")
		}
		if len(in.BusyCalendars) > 0 || deref(in.WriteCalendar) != "" {
			v.Add("selectedCalendars", "an ics feed has no calendars to select and receives no events")
		}
		secret = deref(in.FeedURL)
		s.checkURL(ctx, &v, "feedUrl", secret)
	default:
		v.Add("provider", "provider must be one of the following values: caldav, ics")
	}
	if err := v.Err(); err != nil {
		return meetd.CalendarConnection{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	switch in.Kind {
	case meetd.CalendarCalDAV:
		cals, endpoint, err := discover(cctx, s.http, n.ServerURL, n.Username, secret)
		if err != nil {
			return meetd.CalendarConnection{}, reachErr("serverUrl", err)
		}
		n.ServerURL, n.Calendars = endpoint, cals
		n.BusyCalendars = in.BusyCalendars
		if n.BusyCalendars == nil {
			for _, c := range cals {
				n.BusyCalendars = append(n.BusyCalendars, c.Path)
			}
		}
		n.WriteCalendar = deref(in.WriteCalendar)
		if err := checkPicks(cals, n.BusyCalendars, n.WriteCalendar); err != nil {
			return meetd.CalendarConnection{}, err
		}
	case meetd.CalendarICS:
		if _, err := fetchFeed(cctx, s.http, secret); err != nil {
			return meetd.CalendarConnection{}, reachErr("feedUrl", err)
		}
	}
	sealed, err := s.Box.Seal(n.ID, []byte(secret))
	if err != nil {
		return meetd.CalendarConnection{}, err
	}
	n.Secret = sealed
	c, err := s.Store.CreateCalendarConnection(ctx, a, n)
	if err == nil {
		s.poke()
	}
	return c, err
}

// Update changes a connection. A new secret, server URL or user name is
// checked against the server again (and the calendars rediscovered); the
// picks must name discovered calendars.
func (s *Service) Update(ctx context.Context, a meetd.Actor, c meetd.CalendarConnection, in Input) (meetd.CalendarConnection, error) {
	if !s.Enabled() {
		return c, ErrNoKey
	}
	var v meetd.Validation
	up := meetd.CalendarConnectionUpdate{Name: in.Name, BusyCalendars: in.BusyCalendars, WriteCalendar: in.WriteCalendar}
	if in.Name != nil {
		checkText(&v, "name", *in.Name, maxNameLen)
	}
	var newSecret *string
	switch c.Kind {
	case meetd.CalendarCalDAV:
		if in.FeedURL != nil {
			v.Add("feedUrl", "feedUrl is for provider ics only")
		}
		if in.ServerURL != nil {
			s.checkURL(ctx, &v, "serverUrl", *in.ServerURL)
			up.ServerURL = in.ServerURL
		}
		if in.Username != nil {
			required(&v, "username", *in.Username, maxUsernameLen)
			up.Username = in.Username
		}
		if in.Password != nil {
			required(&v, "password", *in.Password, maxSecretLen)
			newSecret = in.Password
		}
	case meetd.CalendarICS:
		if in.ServerURL != nil || in.Username != nil || in.Password != nil {
			v.Add("feedUrl", "provider ics takes feedUrl only, no serverUrl, username or password")
		}
		if len(in.BusyCalendars) > 0 || deref(in.WriteCalendar) != "" {
			v.Add("selectedCalendars", "an ics feed has no calendars to select and receives no events")
		}
		if in.FeedURL != nil {
			s.checkURL(ctx, &v, "feedUrl", *in.FeedURL)
			newSecret = in.FeedURL
		}
	}
	if err := v.Err(); err != nil {
		return c, err
	}
	cctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	calendars := c.Calendars
	switch {
	case c.Kind == meetd.CalendarCalDAV && (up.ServerURL != nil || up.Username != nil || newSecret != nil):
		server, user := c.ServerURL, c.Username
		if up.ServerURL != nil {
			server = *up.ServerURL
		}
		if up.Username != nil {
			user = *up.Username
		}
		pass := deref(newSecret)
		if newSecret == nil {
			old, err := s.Box.Open(c.ID, c.Secret)
			if err != nil {
				return c, err
			}
			pass = string(old)
		}
		cals, endpoint, err := discover(cctx, s.http, server, user, pass)
		if err != nil {
			return c, reachErr("serverUrl", err)
		}
		calendars, up.Calendars, up.ServerURL = cals, cals, &endpoint
	case c.Kind == meetd.CalendarICS && newSecret != nil:
		if _, err := fetchFeed(cctx, s.http, *newSecret); err != nil {
			return c, reachErr("feedUrl", err)
		}
	}
	if c.Kind == meetd.CalendarCalDAV {
		busy, write := c.BusyCalendars, c.WriteCalendar
		if up.BusyCalendars != nil {
			busy = up.BusyCalendars
		} else if up.Calendars != nil {
			busy = keep(busy, calendars)
			up.BusyCalendars = busy
		}
		if up.WriteCalendar != nil {
			write = *up.WriteCalendar
		} else if up.Calendars != nil && !slices.ContainsFunc(calendars, func(r meetd.CalendarRef) bool { return r.Path == write }) {
			write = ""
			up.WriteCalendar = &write
		}
		if err := checkPicks(calendars, busy, write); err != nil {
			return c, err
		}
	}
	if newSecret != nil {
		sealed, err := s.Box.Seal(c.ID, []byte(*newSecret))
		if err != nil {
			return c, err
		}
		up.Secret = sealed
	}
	out, err := s.Store.UpdateCalendarConnection(ctx, a, c.CompanyID, c.ID, up)
	if err == nil {
		s.poke()
	}
	return out, err
}

// TestResult is what testing a connection found.
type TestResult struct {
	OK        bool
	Error     string
	Calendars []meetd.CalendarRef
	// Busy counts the busy times of the next week.
	Busy int
}

// Test talks to a connection's server now: a CalDAV account's calendars
// are discovered and its busy calendars read for the next 7 days, a
// feed is fetched and read. It changes nothing stored.
func (s *Service) Test(ctx context.Context, c meetd.CalendarConnection) (TestResult, error) {
	if !s.Enabled() {
		return TestResult{}, ErrNoKey
	}
	secret, err := s.Box.Open(c.ID, c.Secret)
	if err != nil {
		return TestResult{Error: err.Error()}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	var res TestResult
	if c.Kind == meetd.CalendarCalDAV {
		cals, _, err := discover(ctx, s.http, c.ServerURL, c.Username, string(secret))
		if err != nil {
			return TestResult{Error: failure(err)}, nil
		}
		res.Calendars = cals
	}
	now := s.Clock.Now()
	busy, err := s.fetchBusy(ctx, c, secret, now, now.AddDate(0, 0, 7))
	if err != nil {
		return TestResult{Error: failure(err), Calendars: res.Calendars}, nil
	}
	res.OK, res.Busy = true, len(busy)
	return res, nil
}

func (s *Service) poke() {
	if s.Poke != nil {
		s.Poke()
	}
}

// failure is the text of a failed contact, safe to show and log.
func failure(err error) string {
	if errors.Is(err, ErrAuth) {
		return err.Error()
	}
	return "could not read the calendar: " + err.Error()
}

// reachErr is the 400 of a connection the server refused or that could not
// be read.
func reachErr(field string, err error) error {
	var v meetd.Validation
	if errors.Is(err, ErrAuth) {
		v.Add(field, field+": "+err.Error())
	} else {
		v.Add(field, field+": "+failure(err))
	}
	return v.Err()
}

func (s *Service) checkURL(ctx context.Context, v *meetd.Validation, field, raw string) {
	switch {
	case raw == "":
		v.Add(field, field+" should not be empty")
	case len(raw) > maxURLLen:
		v.Add(field, field+" must be at most 2048 characters")
	case field == "serverUrl" && hasUserinfo(raw):
		// The server's address is kept and shown in clear; only the
		// password field is sealed.
		v.Add(field, field+" must not hold a user name or password; send them as username and password")
	default:
		if _, err := s.Guard.CheckURL(ctx, raw); err != nil {
			var te *webhook.TargetError
			if errors.As(err, &te) {
				v.Add(field, field+": "+strings.Replace(te.Msg, "endpoint", "the address", 1))
			} else {
				v.Add(field, field+" is not a valid URL")
			}
		}
	}
}

// hasUserinfo reports whether raw is a URL with a user name or password.
func hasUserinfo(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.User != nil
}

func required(v *meetd.Validation, field, s string, max int) {
	if s == "" {
		v.Add(field, field+" should not be empty")
		return
	}
	checkText(v, field, s, max)
}

func checkText(v *meetd.Validation, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, field+" is too long")
	}
}

// checkPicks refuses busy or write calendars the account does not have.
func checkPicks(cals []meetd.CalendarRef, busy []string, write string) error {
	var v meetd.Validation
	has := func(p string) bool {
		return slices.ContainsFunc(cals, func(r meetd.CalendarRef) bool { return r.Path == p })
	}
	for _, p := range busy {
		if !has(p) {
			v.Add("selectedCalendars", "each value in selectedCalendars must be the id of one of the connection's calendars")
			break
		}
	}
	if write != "" && !has(write) {
		v.Add("primaryCalendar", "primaryCalendar must be the id of one of the connection's calendars")
	}
	return v.Err()
}

// keep returns the paths of busy still among cals.
func keep(busy []string, cals []meetd.CalendarRef) []string {
	out := []string{}
	for _, p := range busy {
		if slices.ContainsFunc(cals, func(r meetd.CalendarRef) bool { return r.Path == p }) {
			out = append(out, p)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
