package scheduling

import (
	"context"
	"slices"
	"time"

	"github.com/meetd/meetd"
)

// LiveCalendars re-checks a slot against the hosts' own calendars when it
// is booked or rescheduled (package calsync). Slot queries never call it:
// they read the cached busy times and never wait on a calendar server.
type LiveCalendars interface {
	// BusyHosts returns the hosts among hostIDs whose calendars show
	// [start, end) busy now. A calendar it cannot reach in time counts
	// as free (the cache, already applied, stands); an error is only the
	// store's.
	BusyHosts(ctx context.Context, companyID string, hostIDs []string, start, end time.Time) ([]string, error)
}

// liveFree drops from free the hosts whose calendars now show the slot
// busy. With every host required (all), one busy host takes the slot:
// meetd.ErrSlotTaken; otherwise the slot is taken only when none is left.
func (s *Service) liveFree(ctx context.Context, companyID string, free []string, start, end time.Time, all bool) ([]string, error) {
	if s.Calendars == nil || len(free) == 0 {
		return free, nil
	}
	busy, err := s.Calendars.BusyHosts(ctx, companyID, free, start, end)
	if err != nil {
		return nil, err
	}
	if len(busy) == 0 {
		return free, nil
	}
	if all {
		return nil, meetd.ErrSlotTaken
	}
	left := slices.DeleteFunc(slices.Clone(free), func(h string) bool { return slices.Contains(busy, h) })
	if len(left) == 0 {
		return nil, meetd.ErrSlotTaken
	}
	return left, nil
}
