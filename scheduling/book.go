package scheduling

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/slots"
)

// BookingDetails are what a booking says beyond its slot and hosts.
type BookingDetails struct {
	// Channel, when empty, is the meeting type's.
	Channel  string
	Location string
	Attendee meetd.Attendee
	// OneTimeLinkID books through a one-time link (see
	// meetd.NewAppointment); a double opt-in booking uses it up when it is
	// confirmed.
	OneTimeLinkID string
	// SubmissionID names a routing form submission whose answers go into
	// the attendee's notes (see Service.answers).
	SubmissionID string
}

// BookRequest is a booking whose form the caller has checked (start
// parsed, attendee read, channel known); Book checks its meaning.
type BookRequest struct {
	MeetingTypeID string
	Start         time.Time
	// HostIDs are the hosts asked for (lower-case, distinct); QueueID asks
	// for the next free member of the queue instead. Neither means the meeting type's
	// queue, else its owner.
	HostIDs []string
	QueueID string
	// Duration in minutes; 0 means the meeting type's.
	Duration int
	BookingDetails
	// IgnoreAvailability skips the hosts' rules (never the overlap check);
	// it needs auth.IgnoreAvailability.
	IgnoreAvailability bool
	// IdempotencyKey is recorded with the appointment (see
	// meetd.NewAppointment).
	IdempotencyKey string
	// Request is the booking request as received, kept with a provisional
	// booking so its confirmation can book it.
	Request json.RawMessage
}

// BookResult is a booking made: an appointment, or for a double opt-in
// meeting type a provisional booking and the token of its confirmation
// link.
type BookResult struct {
	Appointment meetd.Appointment
	Provisional *meetd.ProvisionalBooking
	// Token is shown once, in the confirmation link; only its hash is kept.
	Token string
}

// booking is a checked booking: its meeting type, slot and hosts.
type booking struct {
	m        meetd.MeetingType
	start    time.Time
	duration time.Duration
	hosts    []string
	queue    *meetd.Queue
}

// Replayed returns the appointment p's credential already booked with an
// Idempotency-Key, so a booking whose answer was lost (the process died in
// between) is answered again, not repeated; ok is false when there is none.
func (s *Service) Replayed(ctx context.Context, p meetd.Principal, key string) (ap meetd.Appointment, ok bool, err error) {
	ap, err = s.Store.AppointmentByIdempotencyKey(ctx, p.Company.ID, p.CredentialID, key)
	switch {
	case err == nil:
		return ap, true, nil
	case meetd.ErrorCode(err) == meetd.ENOTFOUND:
		return meetd.Appointment{}, false, nil
	}
	return meetd.Appointment{}, false, err
}

// Book books a slot of one of p's company's meeting types for the given
// hosts (all must be free) or the first free member of its queue in
// round-robin order. A double opt-in meeting type makes a provisional
// booking instead, confirmed later with Confirm. Any principal of the
// company may book any of its meeting types: booking is what attendees do
// on public booking pages. A taken slot is meetd.ErrSlotTaken.
func (s *Service) Book(ctx context.Context, p meetd.Principal, a meetd.Actor, r BookRequest) (BookResult, error) {
	b, err := s.check(ctx, p, r)
	if err != nil {
		return BookResult{}, err
	}
	if err := s.answers(ctx, p.Company.ID, b.m, &r.BookingDetails, true); err != nil {
		return BookResult{}, err
	}
	if b.m.RequiresDoubleOptIn() {
		if err := s.checkOneTimeLink(ctx, p.Company.ID, b.m.ID, r.OneTimeLinkID); err != nil {
			return BookResult{}, err
		}
		token := randomToken()
		h := sha256.Sum256([]byte(token))
		pb, err := s.Store.CreateProvisional(ctx, a, meetd.ProvisionalBooking{CompanyID: p.Company.ID,
			MeetingTypeID: b.m.ID, HostIDs: b.hosts, QueueID: b.m.QueueID, Start: b.start, End: b.start.Add(b.duration),
			Request: r.Request, AttendeeEmail: r.Attendee.Email, TokenHash: h[:], Token: token, CredentialID: p.CredentialID})
		if err != nil {
			return BookResult{}, err
		}
		return BookResult{Provisional: &pb, Token: token}, nil
	}
	n := b.newAppointment(p.Company, p.CredentialID, r.BookingDetails)
	n.IdempotencyKey = r.IdempotencyKey
	ap, err := s.Store.BookAppointment(ctx, a, n)
	if err != nil {
		return BookResult{}, err
	}
	return BookResult{Appointment: ap}, nil
}

// check validates the meaning of a booking and picks its hosts.
func (s *Service) check(ctx context.Context, p meetd.Principal, r BookRequest) (booking, error) {
	b := booking{start: r.Start}
	m, err := s.Store.MeetingTypeByID(ctx, p.Company.ID, r.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return b, ErrMeetingTypeNotFound
	} else if err != nil {
		return b, err
	}
	if !m.Enabled {
		return b, meetd.Errorf(meetd.EINVALID, "Meeting type is disabled")
	}
	b.m = m
	var v meetd.Validation
	minutes := m.Duration
	if r.Duration != 0 {
		if !m.DurationAllowed(r.Duration) {
			v.Add("duration", "duration must be the meeting type's duration or one of its allowedDurations")
			return b, v.Err()
		}
		minutes = r.Duration
	}
	b.duration = time.Duration(minutes) * time.Minute
	hostIDs, queueID := defaultHosts(m, r.HostIDs, r.QueueID)
	if m.QueueID == "" && queueID != "" {
		v.Add("queueId", "this meeting type has no queue")
	} else if m.QueueID != "" && queueID == "" {
		v.Add("queueId", "this meeting type has a queue: pass queueId")
	}
	if err := v.Err(); err != nil {
		return b, err
	}
	if len(hostIDs) > MaxHosts {
		v.Add("hostIds", "hostIds may name at most 50 hosts")
		return b, v.Err()
	}
	b.hosts, b.queue, err = s.resolveHosts(ctx, p, m, hostIDs, queueID)
	if err != nil {
		return b, err
	}
	if r.IgnoreAvailability {
		// Skipping the rules is for the workspace's own tools; it never
		// skips the overlap check.
		if err := auth.Authorize(p, auth.IgnoreAvailability, ""); err != nil {
			return b, err
		}
		if b.queue != nil {
			b.hosts = b.hosts[:1]
		}
		return b, nil
	}
	method := slots.Everyone
	if b.queue != nil {
		method = slots.Anyone
	}
	free, err := s.freeHosts(ctx, m, b.hosts, method, b.start, b.duration, "")
	if err != nil {
		return b, err
	}
	if len(free) == 0 {
		return b, meetd.ErrSlotTaken
	}
	if free, err = s.liveFree(ctx, p.Company.ID, free, b.start, b.start.Add(b.duration), b.queue == nil); err != nil {
		return b, err
	}
	if b.queue != nil {
		b.hosts = firstInOrder(b.hosts, free)
	}
	return b, nil
}

func (b booking) newAppointment(c meetd.Company, credentialID string, d BookingDetails) meetd.NewAppointment {
	n := meetd.NewAppointment{CompanyID: b.m.CompanyID, MeetingTypeID: b.m.ID, HostIDs: b.hosts,
		Start: b.start, End: b.start.Add(b.duration),
		BufferBefore: time.Duration(b.m.BufferBefore) * time.Minute, BufferAfter: time.Duration(b.m.BufferAfter) * time.Minute,
		Channel: d.Channel, Location: d.Location, Attendee: d.Attendee, CredentialID: credentialID,
		Metered: c.Plan == meetd.PlanAPIPlatform, OneTimeLinkID: d.OneTimeLinkID}
	if n.Channel == "" {
		n.Channel = b.m.Channel
	}
	if b.queue != nil {
		n.QueueID, n.SelectionReason = b.queue.ID, b.queue.Type
	}
	return n
}

// Confirm is the attendee's double opt-in link: it turns provisional
// booking id into an appointment, or answers the same appointment again
// for a second click. The token is the authority (no principal): a wrong
// one is the same ErrProvisionalNotFound as a missing booking. decode reads
// the booking request kept with it (its encoding is the caller's). An
// expired link, a slot taken meanwhile or a host removed meanwhile
// (ErrHostGone) is ECONFLICT; the booking then stays pending until it
// expires.
func (s *Service) Confirm(ctx context.Context, a meetd.Actor, id, token string,
	decode func(request json.RawMessage) (BookingDetails, error)) (meetd.Appointment, error) {
	pb, err := s.Store.ProvisionalForAttendee(ctx, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return meetd.Appointment{}, ErrProvisionalNotFound
	} else if err != nil {
		return meetd.Appointment{}, err
	}
	h := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(h[:], pb.TokenHash) != 1 {
		return meetd.Appointment{}, ErrProvisionalNotFound
	}
	details, err := decode(pb.Request)
	if err != nil {
		return meetd.Appointment{}, err
	}
	m, err := s.Store.MeetingTypeByID(ctx, pb.CompanyID, pb.MeetingTypeID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return meetd.Appointment{}, ErrTypeDeleted
	} else if err != nil {
		return meetd.Appointment{}, err
	}
	if err := s.answers(ctx, pb.CompanyID, m, &details, false); err != nil {
		return meetd.Appointment{}, err
	}
	if pb.Status == meetd.ProvisionalPending {
		if err := s.hostsStillActive(ctx, pb.CompanyID, pb.HostIDs); err != nil {
			return meetd.Appointment{}, err
		}
	}
	c, err := s.Store.CompanyByID(ctx, pb.CompanyID)
	if err != nil {
		return meetd.Appointment{}, err
	}
	b := booking{m: m, start: pb.Start, duration: pb.End.Sub(pb.Start), hosts: pb.HostIDs}
	if pb.QueueID != "" {
		q, err := s.Store.QueueByID(ctx, pb.CompanyID, pb.QueueID)
		if err != nil {
			return meetd.Appointment{}, err
		}
		b.queue = &q
	}
	return s.Store.ConfirmProvisional(ctx, a, pb.CompanyID, pb.ID, b.newAppointment(c, pb.CredentialID, details))
}

// ReissueToken gives a pending provisional booking of p's company a new
// confirmation token and returns it; the old link stops working. A replayed
// booking answer uses it, since stored answers keep no live token.
func (s *Service) ReissueToken(ctx context.Context, p meetd.Principal, provisionalID string) (string, error) {
	token := randomToken()
	h := sha256.Sum256([]byte(token))
	if err := s.Store.ResetProvisionalToken(ctx, p.Company.ID, provisionalID, h[:], token); err != nil {
		return "", err
	}
	return token, nil
}

// randomToken returns 32 random bytes, base64url: a confirmation token.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("scheduling: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
