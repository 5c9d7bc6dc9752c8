package calsync

import (
	"context"
	"sync"
	"time"

	"github.com/meetd/meetd"
)

// DefaultLiveTimeout bounds the live check of a booking.
const DefaultLiveTimeout = 3 * time.Second

// Live re-checks a chosen slot against the hosts' calendars at booking
// time (scheduling.LiveCalendars): the cache may be up to one refresh
// interval old. What a calendar answers replaces the cache within the
// slot's window, so slot queries agree with the booking's answer. A calendar that does not answer within Timeout, or fails,
// counts as free here, which leaves the cached busy times (already
// applied by the booking's rules) as the answer; the log says so.
type Live struct {
	Service *Service
	Timeout time.Duration // DefaultLiveTimeout when zero
}

// BusyHosts returns the hosts among hostIDs whose calendars now show
// [start, end) busy.
func (l *Live) BusyHosts(ctx context.Context, companyID string, hostIDs []string, start, end time.Time) ([]string, error) {
	s := l.Service
	if !s.Enabled() {
		return nil, nil
	}
	conns, err := s.Store.CalendarConnectionsOfUsers(ctx, companyID, hostIDs)
	if err != nil || len(conns) == 0 {
		return nil, err
	}
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = DefaultLiveTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var mu sync.Mutex
	busy := map[string]bool{}
	var wg sync.WaitGroup
	for _, c := range conns {
		if c.Kind == meetd.CalendarCalDAV && len(c.BusyCalendars) == 0 {
			continue
		}
		wg.Go(func() {
			secret, err := s.Box.Open(c.ID, c.Secret)
			if err == nil {
				var got []Interval
				got, err = s.fetchBusy(ctx, c, secret, start, end)
				if err == nil {
					// What the calendar says now about this slot is
					// fresher than the cache: keep it (the window only).
					if cerr := s.Store.ReplaceCalendarBusy(ctx, c.CompanyID, c.UserID, c.ID, start, end, got); cerr != nil {
						s.Log.Warn("caching the live check failed", "connection_id", c.ID, "err", cerr)
					}
				}
				for _, iv := range got {
					if iv.Start.Before(end) && iv.End.After(start) {
						mu.Lock()
						busy[c.UserID] = true
						mu.Unlock()
						break
					}
				}
			}
			if err != nil {
				s.Log.Warn("calendar unreachable at booking time; using its cached busy times",
					"connection_id", c.ID, "user_id", c.UserID, "err", failure(err))
			}
		})
	}
	wg.Wait()
	var out []string
	for _, h := range hostIDs {
		if busy[h] {
			out = append(out, h)
		}
	}
	return out, nil
}
