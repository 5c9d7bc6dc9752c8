package httpapi

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

func toQueueJSON(q meetd.Queue) map[string]any {
	users := make([]map[string]any, len(q.Members))
	for i, m := range q.Members {
		users[i] = map[string]any{"userId": m.UserID, "priority": m.Priority, "capacity": m.Capacity,
			"customLink": nullable(m.CustomLink), "bookingsInPeriod": m.BookingsInPeriod, "lastBookedAt": optTime(m.LastBookedAt)}
	}
	return map[string]any{"id": q.ID, "meetingTypeId": q.MeetingTypeID, "companyId": q.CompanyID, "type": q.Type,
		"maxLeadThreshold": q.MaxLeadThreshold, "distributionPeriod": q.DistributionPeriod, "users": users,
		"createdAt": meetd.FormatTime(q.CreatedAt), "updatedAt": meetd.FormatTime(q.UpdatedAt)}
}

type queueBody struct {
	UserID         string `json:"userId"`
	UserCapacities []struct {
		UserID   string `json:"userId"`
		Capacity int    `json:"capacity"`
	} `json:"userCapacities"`
	UserPriorities []struct {
		UserID   string `json:"userId"`
		Priority int    `json:"priority"`
	} `json:"userPriorities"`
	UserCustomLinks []struct {
		UserID string `json:"userId"`
		Link   string `json:"link"`
	} `json:"userCustomLinks"`
	Type                           string `json:"type"`
	MaxLeadThreshold               *int   `json:"maxLeadThreshold"`
	DistributionPeriod             string `json:"distributionPeriod"`
	PrioritizeNearTermAvailability *bool  `json:"prioritizeNearTermAvailability"`
}

// PATCH /v4/queue/meeting-type/{id} creates or changes the meeting type's
// round-robin queue (meetergo's OAS body): userId toggles a host in or out;
// userCapacities, userPriorities and userCustomLinks set members' values;
// type, maxLeadThreshold and distributionPeriod set the queue's.
func (s *Server) updateQueue(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	m, _, err := s.meetingTypeFor(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body queueBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	ctx := r.Context()
	if body.UserID != "" {
		u, err := s.targetUser(r, p, body.UserID)
		if err != nil {
			return err
		}
		// Whoever is in a queue can be booked through it and has their
		// free time shown by it: only they or an admin may decide that.
		if err := auth.Authorize(p, auth.QueueMembership, u.ID); err != nil {
			return err
		}
	}
	saved, err := s.cfg.Store.UpdateQueue(ctx, meetd.ActorOf(p, s.clientIP(r)), m.CompanyID, m.ID, func(q *meetd.Queue) error {
		return applyQueue(&body, q)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toQueueJSON(saved))
	return nil
}

// MaxPriority bounds queue priorities (either sign).
const MaxPriority = 1000

// applyQueue applies a queue PATCH body to q.
func applyQueue(body *queueBody, q *meetd.Queue) error {
	var v meetd.Validation
	switch body.Type {
	case "":
	case meetd.QueueSimpleRoundRobin, meetd.QueueAdvancedRoundRobin, meetd.QueueEqualDistribution:
		q.Type = body.Type
	default:
		v.Add("type", "type must be simpleRoundRobin, advancedRoundRobin or equalDistribution")
	}
	switch body.DistributionPeriod {
	case "":
	case "day", "week", "month":
		q.DistributionPeriod = body.DistributionPeriod
	default:
		v.Add("distributionPeriod", "distributionPeriod must be day, week or month")
	}
	if body.MaxLeadThreshold != nil {
		if *body.MaxLeadThreshold < 1 || *body.MaxLeadThreshold > 100000 {
			v.Add("maxLeadThreshold", "maxLeadThreshold must be from 1 to 100000")
		}
		q.MaxLeadThreshold = *body.MaxLeadThreshold
	}
	if body.UserID != "" {
		q.Members = toggleMember(q.Members, strings.ToLower(body.UserID))
	}
	member := func(id string) *meetd.QueueMember {
		for i := range q.Members {
			if q.Members[i].UserID == strings.ToLower(id) {
				return &q.Members[i]
			}
		}
		v.Add("userId", "every user must be assigned to the queue first (userId toggles)")
		return &meetd.QueueMember{}
	}
	for _, c := range body.UserCapacities {
		if c.Capacity < 0 || c.Capacity > 100000 {
			v.Add("userCapacities", "capacity must be from 0 to 100000")
		}
		member(c.UserID).Capacity = c.Capacity
	}
	for _, pr := range body.UserPriorities {
		if pr.Priority < -MaxPriority || pr.Priority > MaxPriority {
			v.Add("userPriorities", "priority must be from -1000 to 1000")
		}
		member(pr.UserID).Priority = pr.Priority
	}
	for _, l := range body.UserCustomLinks {
		if len(l.Link) > 2000 {
			v.Add("userCustomLinks", "link must be at most 2000 characters")
		}
		member(l.UserID).CustomLink = l.Link
	}
	return v.Err()
}

func toggleMember(ms []meetd.QueueMember, id string) []meetd.QueueMember {
	for i, m := range ms {
		if m.UserID == id {
			return append(ms[:i:i], ms[i+1:]...)
		}
	}
	return append(ms, meetd.QueueMember{UserID: id})
}

// queueFor loads a queue of p's company that p may read: admins, the
// meeting type's owner and the queue's own members may.
func (s *Server) queueFor(r *http.Request, p meetd.Principal) (meetd.Queue, error) {
	return s.scheduler().Queue(r.Context(), p, r.PathValue("id"))
}

// GET /v4/queue/{id}
func (s *Server) getQueue(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q, err := s.queueFor(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toQueueJSON(q))
	return nil
}

// GET /v4/queue/{id}/next answers {nextHosts}: the hosts in the order the
// next bookings would go to them.
func (s *Server) nextHosts(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	next, err := s.scheduler().NextHosts(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, h := range next {
		u, m := h.User, h.Member
		out = append(out, map[string]any{"id": u.ID, "userId": u.ID, "givenName": u.GivenName, "familyName": u.FamilyName,
			"slug": u.Slug, "userType": string(u.Type), "priority": m.Priority, "bookingsInPeriod": m.BookingsInPeriod})
	}
	writeJSON(w, http.StatusOK, map[string]any{"nextHosts": out})
	return nil
}
