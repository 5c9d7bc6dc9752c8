package httpapi

import (
	"context"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/slots"
)

// rulesOf turns an availability and its exceptions into slot rules.
func rulesOf(av meetd.Availability, exceptions []meetd.Exception) slots.Rules {
	loc, ok := meetd.LoadZone(av.Timezone)
	if !ok {
		loc = time.UTC
	}
	r := slots.Rules{Location: loc}
	for i, name := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		day := av.Schedule[name]
		if !day.Enabled {
			continue
		}
		for _, h := range day.Hours {
			from, ok1 := meetd.ClockMinutes(h.Start)
			to, ok2 := meetd.ClockMinutes(h.End)
			if ok1 && ok2 && from < to {
				r.Weekly[i] = append(r.Weekly[i], slots.Span{From: from, To: to})
			}
		}
	}
	for _, e := range exceptions {
		iv := slots.Interval{Start: e.Start, End: e.End}
		if e.Available {
			r.Open = append(r.Open, iv)
		} else {
			r.Block = append(r.Block, iv)
		}
	}
	return r
}

// slotQuery gathers everything slot computation needs for meeting type m
// and hosts within [from, to): each host's availability (the meeting type's
// own for its owner, the host's default availability for anyone else; a
// host with none is never free), exceptions and existing appointments
// (except exceptID, the appointment being rescheduled).
func (s *Server) slotQuery(ctx context.Context, m meetd.MeetingType, hostIDs []string, method slots.Method,
	duration time.Duration, from, to time.Time, exceptID string) (slots.Query, error) {
	// Busy intervals and exceptions are read with a margin so that buffers
	// and day-long rules at the window's edges are seen.
	margin := 48 * time.Hour
	busy, err := s.cfg.Store.Busy(ctx, meetd.BusyFilter{CompanyID: m.CompanyID, HostIDs: hostIDs, From: from.Add(-margin),
		To: to.Add(margin), ExceptID: exceptID})
	if err != nil {
		return slots.Query{}, err
	}
	byHost := map[string][]slots.Interval{}
	for _, b := range busy {
		byHost[b.UserID] = append(byHost[b.UserID], slots.Interval{Start: b.Start, End: b.End})
	}
	q := slots.Query{From: from, To: to, Duration: duration, Step: m.SlotStep(),
		BufferBefore: time.Duration(m.BufferBefore) * time.Minute, BufferAfter: time.Duration(m.BufferAfter) * time.Minute,
		Now: s.cfg.Clock.Now(), MinNotice: time.Duration(m.BookingMinimum) * time.Minute, Horizon: m.BookingWindow(),
		Method: method}
	for _, id := range hostIDs {
		avID := m.AvailabilityID
		if id != m.UserID {
			u, err := s.cfg.Store.UserByID(ctx, id)
			if err != nil {
				return slots.Query{}, err
			}
			avID = u.DefaultAvailabilityID
		}
		h := slots.Host{ID: id, Busy: byHost[id]}
		if avID != "" {
			av, err := s.cfg.Store.AvailabilityByID(ctx, m.CompanyID, avID)
			if err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
				return slots.Query{}, err
			}
			if err == nil {
				exceptions, err := s.cfg.Store.ListExceptions(ctx, meetd.ExceptionFilter{CompanyID: m.CompanyID,
					AvailabilityIDs: []string{av.ID}, From: from.Add(-margin), To: to.Add(margin)})
				if err != nil {
					return slots.Query{}, err
				}
				h.Rules = rulesOf(av, exceptions)
			}
		}
		q.Hosts = append(q.Hosts, h)
	}
	return q, nil
}

// freeHosts reports which of hostIDs may take a meeting of duration at
// start under m's rules: for Everyone all of them or none, for Anyone
// those free. The window around start is wide enough that the slot grid
// (aligned to the start of each free window) is the one the slot endpoint
// shows.
func (s *Server) freeHosts(ctx context.Context, m meetd.MeetingType, hostIDs []string, method slots.Method,
	start time.Time, duration time.Duration, exceptID string) ([]string, error) {
	q, err := s.slotQuery(ctx, m, hostIDs, method, duration, start.Add(-36*time.Hour), start.Add(duration+36*time.Hour), exceptID)
	if err != nil {
		return nil, err
	}
	for _, sl := range slots.Compute(q) {
		if sl.Start.Equal(start) {
			return sl.HostIDs, nil
		}
	}
	return nil, nil
}
