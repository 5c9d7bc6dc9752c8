package scheduling

import (
	"context"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// defaultHosts fills in the hosts a request that names neither hostIds nor
// a queue means: the meeting type's queue, else its owner. meetergo's own
// client resolves an omitted hostIds this way before it calls, and other
// clients omit it (docs/decisions.md, "Slots and bookings without
// hostIds"). A request that names either is returned unchanged.
func defaultHosts(m meetd.MeetingType, hostIDs []string, queueID string) ([]string, string) {
	switch {
	case len(hostIDs) > 0 || queueID != "":
		return hostIDs, queueID
	case m.QueueID != "":
		return nil, m.QueueID
	default:
		return []string{m.UserID}, ""
	}
}

// resolveHosts checks that every id may be booked through m and is an
// active user of p's company, and returns them; with a queue it returns the
// queue's members in round-robin order instead. Neither means the default
// of defaultHosts. Two store calls at most.
func (s *Service) resolveHosts(ctx context.Context, p meetd.Principal, m meetd.MeetingType, hostIDs []string, queueID string) ([]string, *meetd.Queue, error) {
	hostIDs, queueID = defaultHosts(m, hostIDs, queueID)
	var v meetd.Validation
	switch {
	case queueID != "" && m.QueueID == "":
		v.Add("queueId", "this meeting type has no queue")
	case queueID != "" && !strings.EqualFold(queueID, m.QueueID):
		v.Add("queueId", "queueId does not belong to this meeting type")
	case queueID == "" && m.QueueID != "" && len(hostIDs) == 0:
		v.Add("queueId", "this meeting type has a queue: pass queueId")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	if queueID != "" {
		q, err := s.Store.QueueByID(ctx, m.CompanyID, m.QueueID)
		if err != nil {
			return nil, nil, err
		}
		var ids []string
		for _, mem := range q.NextHosts() {
			ids = append(ids, mem.UserID)
		}
		if len(ids) == 0 {
			v.Add("queueId", "the queue has no hosts")
			return nil, nil, v.Err()
		}
		return ids, &q, nil
	}
	// hostIds may name the meeting type's own host or, for a queue meeting
	// type, its members: nobody's calendar can be booked through another
	// user's meeting type.
	allowed := map[string]bool{m.UserID: true}
	if m.QueueID != "" {
		q, err := s.Store.QueueByID(ctx, m.CompanyID, m.QueueID)
		if err != nil {
			return nil, nil, err
		}
		for _, mem := range q.Members {
			allowed[mem.UserID] = true
		}
	}
	users, err := s.Store.UsersByIDs(ctx, p.Company.ID, hostIDs)
	if err != nil {
		return nil, nil, err
	}
	active := map[string]bool{}
	for _, u := range users {
		active[u.ID] = u.Active()
	}
	for _, id := range hostIDs {
		if !allowed[id] {
			v.Add("hostIds", "hostIds must name the meeting type's host or members of its queue")
			return nil, nil, v.Err()
		}
		if !active[id] {
			v.Add("hostIds", "every host must be an active user of your company")
			return nil, nil, v.Err()
		}
	}
	return hostIDs, nil, nil
}

// Queue returns a queue of p's company that p may read: admins, the
// meeting type's owner and the queue's own members may. A queue whose
// meeting type is gone is not found.
func (s *Service) Queue(ctx context.Context, p meetd.Principal, id string) (meetd.Queue, error) {
	q, err := s.Store.QueueByID(ctx, p.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return q, ErrQueueNotFound
	} else if err != nil {
		return q, err
	}
	m, err := s.Store.MeetingTypeByID(ctx, q.CompanyID, q.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return q, ErrQueueNotFound
	} else if err != nil {
		return q, err
	}
	for _, mem := range q.Members {
		if mem.UserID == p.User.ID {
			return q, nil
		}
	}
	return q, auth.Authorize(p, auth.OthersResources, m.UserID)
}

// NextHost is a queue member with their profile.
type NextHost struct {
	User   meetd.User
	Member meetd.QueueMember
}

// NextHosts returns the members of a queue p may read in the order the
// next bookings would go to them (see meetd.Queue.NextHosts).
func (s *Service) NextHosts(ctx context.Context, p meetd.Principal, queueID string) ([]NextHost, error) {
	q, err := s.Queue(ctx, p, queueID)
	if err != nil {
		return nil, err
	}
	order := q.NextHosts()
	ids := make([]string, len(order))
	for i, m := range order {
		ids[i] = m.UserID
	}
	users, err := s.Store.UsersByIDs(ctx, q.CompanyID, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]meetd.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	out := []NextHost{}
	for _, m := range order {
		if u, ok := byID[m.UserID]; ok {
			out = append(out, NextHost{User: u, Member: m})
		}
	}
	return out, nil
}

// firstInOrder returns the first id of order that is in free, as a
// one-element list.
func firstInOrder(order, free []string) []string {
	for _, id := range order {
		for _, f := range free {
			if f == id {
				return []string{id}
			}
		}
	}
	return free[:1]
}

// hostsStillActive refuses with ErrHostGone when any of hostIDs is no
// longer an active user of the company: a booking confirmed later must not
// land in the calendar of someone removed meanwhile.
func (s *Service) hostsStillActive(ctx context.Context, companyID string, hostIDs []string) error {
	users, err := s.Store.UsersByIDs(ctx, companyID, hostIDs)
	if err != nil {
		return err
	}
	active := 0
	for _, u := range users {
		if u.Active() {
			active++
		}
	}
	if active != len(hostIDs) {
		return ErrHostGone
	}
	return nil
}
