package scheduling

import (
	"context"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/slots"
)

// SlotRequest asks for the bookable slots of a meeting type.
type SlotRequest struct {
	MeetingTypeID string
	// HostIDs are the hosts asked for (lower-case, distinct); QueueID asks
	// for the queue's members instead. Neither means the meeting type's
	// queue, else its owner.
	HostIDs []string
	QueueID string
	Method  slots.Method
	// Duration in minutes; 0 means the meeting type's.
	Duration int
	From, To time.Time
	// ExceptAppointmentID is an appointment whose time counts as free (the
	// one being rescheduled).
	ExceptAppointmentID string
}

// Slots answers the bookable slots of one of p's company's enabled meeting
// types for the hosts r names, within [r.From, r.To). It costs a constant
// number of store calls whatever the number of hosts; a query costing more
// than MaxSlotCost is refused.
func (s *Service) Slots(ctx context.Context, p meetd.Principal, r SlotRequest) ([]slots.Slot, error) {
	m, err := s.Store.MeetingTypeByID(ctx, p.Company.ID, r.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && !m.Enabled {
		return nil, ErrSlotMeetingTypeNotFound
	} else if err != nil {
		return nil, err
	}
	duration := m.Duration
	if r.Duration != 0 {
		if !m.DurationAllowed(r.Duration) {
			var v meetd.Validation
			v.Add("meetingDuration", "meetingDuration must be the meeting type's duration or one of its allowedDurations")
			return nil, v.Err()
		}
		duration = r.Duration
	}
	hosts, _, err := s.resolveHosts(ctx, p, m, r.HostIDs, r.QueueID)
	if err != nil {
		return nil, err
	}
	if err := checkSlotCost(m, s.Clock.Now(), r.From, r.To, time.Duration(duration)*time.Minute, len(hosts)); err != nil {
		return nil, err
	}
	q, err := s.slotQuery(ctx, m, hosts, r.Method, time.Duration(duration)*time.Minute, r.From, r.To, r.ExceptAppointmentID)
	if err != nil {
		return nil, err
	}
	return slots.Compute(q), nil
}

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
// host with none is never free), exceptions, existing appointments
// (except exceptID, the appointment being rescheduled) and the busy times
// cached from the hosts' external calendars, which block exactly like
// appointments, buffers included (docs/decisions.md, "Calendars: busy
// times"), read in the same call as the appointments. Four store calls at most, one per kind of record, whatever the
// number of hosts.
func (s *Service) slotQuery(ctx context.Context, m meetd.MeetingType, hostIDs []string, method slots.Method,
	duration time.Duration, from, to time.Time, exceptID string) (slots.Query, error) {
	// Exceptions are read with a margin so that day-long rules at the
	// window's edges are seen; busy times only where they can touch a slot
	// or its buffers (slots.BusyWindow), since on a queue of busy hosts
	// their rows are most of the request's cost.
	margin := 48 * time.Hour
	busyFrom, busyTo := slots.BusyWindow(from, to, time.Duration(m.BufferBefore)*time.Minute, time.Duration(m.BufferAfter)*time.Minute)
	busy, err := s.Store.Busy(ctx, meetd.BusyFilter{CompanyID: m.CompanyID, HostIDs: hostIDs,
		From: busyFrom, To: busyTo, ExceptID: exceptID, Calendars: true})
	if err != nil {
		return slots.Query{}, err
	}
	byHost := busyByHost(busy)
	// Which availability each host is bookable in.
	avOf := map[string]string{}
	var others []string
	for _, id := range hostIDs {
		if id == m.UserID {
			avOf[id] = m.AvailabilityID
		} else {
			others = append(others, id)
		}
	}
	if len(others) > 0 {
		users, err := s.Store.UsersByIDs(ctx, m.CompanyID, others)
		if err != nil {
			return slots.Query{}, err
		}
		for _, u := range users {
			avOf[u.ID] = u.DefaultAvailabilityID
		}
	}
	var avIDs []string
	for _, id := range avOf {
		if id != "" {
			avIDs = append(avIDs, id)
		}
	}
	rules := map[string]slots.Rules{}
	if len(avIDs) > 0 {
		avs, err := s.Store.AvailabilitiesByIDs(ctx, m.CompanyID, avIDs)
		if err != nil {
			return slots.Query{}, err
		}
		exceptions, err := s.Store.ListExceptions(ctx, meetd.ExceptionFilter{CompanyID: m.CompanyID,
			AvailabilityIDs: avIDs, From: from.Add(-margin), To: to.Add(margin)})
		if err != nil {
			return slots.Query{}, err
		}
		byAv := map[string][]meetd.Exception{}
		for _, e := range exceptions {
			byAv[e.AvailabilityID] = append(byAv[e.AvailabilityID], e)
		}
		for _, av := range avs {
			rules[av.ID] = rulesOf(av, byAv[av.ID])
		}
	}
	q := slots.Query{From: from, To: to, Duration: duration, Step: m.SlotStep(),
		BufferBefore: time.Duration(m.BufferBefore) * time.Minute, BufferAfter: time.Duration(m.BufferAfter) * time.Minute,
		Now: s.Clock.Now(), MinNotice: time.Duration(m.BookingMinimum) * time.Minute, Horizon: m.BookingWindow(),
		Method: method}
	for _, id := range hostIDs {
		// A missing availability (deleted meanwhile) leaves zero rules:
		// the host is never free.
		q.Hosts = append(q.Hosts, slots.Host{ID: id, Busy: byHost[id], Rules: rules[avOf[id]]})
	}
	return q, nil
}

// freeHosts reports which of hostIDs may take a meeting of duration at
// start under m's rules: for Everyone all of them or none, for Anyone
// those free. The window around start is wide enough that the slot grid
// (aligned to the start of each free window) is the one the slot query
// shows.
func (s *Service) freeHosts(ctx context.Context, m meetd.MeetingType, hostIDs []string, method slots.Method,
	start time.Time, duration time.Duration, exceptID string) ([]string, error) {
	// The window ends with the meeting: freeAt computes no slot past it
	// (it clips q.To there), so the 36 hours after it only cost busy rows
	// to read on every booking.
	q, err := s.slotQuery(ctx, m, hostIDs, method, duration, start.Add(-36*time.Hour), start.Add(duration), exceptID)
	if err != nil {
		return nil, err
	}
	return freeAt(q, start), nil
}

// freeAt returns the hosts of the slot q offers at start, or nil. It
// computes the slots of q only up to the one at start: the grid and every
// candidate up to start depend on q.From and the time before start alone
// (an interval keeps its start when q.To clips its end, and a booking only
// moves candidates forward), so the answer is the one the whole window
// gives, for half the work.
func freeAt(q slots.Query, start time.Time) []string {
	if end := start.Add(q.Duration); end.Before(q.To) {
		q.To = end
	}
	for _, sl := range slots.Compute(q) {
		if sl.Start.Equal(start) {
			return sl.HostIDs
		}
	}
	return nil
}

// busyByHost groups busy intervals by host in one backing array. Busy
// answers a host's intervals mostly in runs, so a run costs one map
// lookup, not one per interval (a month for ten hosts is thousands).
func busyByHost(busy []meetd.HostBusy) map[string][]slots.Interval {
	counts := map[string]int{}
	for i := 0; i < len(busy); {
		j := i + 1
		for j < len(busy) && busy[j].UserID == busy[i].UserID {
			j++
		}
		counts[busy[i].UserID] += j - i
		i = j
	}
	all := make([]slots.Interval, len(busy))
	byHost := make(map[string][]slots.Interval, len(counts))
	off := 0
	for id, n := range counts {
		byHost[id] = all[off : off : off+n]
		off += n
	}
	for i := 0; i < len(busy); {
		id := busy[i].UserID
		list := byHost[id]
		for ; i < len(busy) && busy[i].UserID == id; i++ {
			list = append(list, slots.Interval{Start: busy[i].Start, End: busy[i].End})
		}
		byHost[id] = list
	}
	return byHost
}
