package scheduling_test

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/scheduling"
)

// counting wraps a scheduling.Store and counts every call, to prove that a
// request's cost in store calls does not grow with its hosts.
type counting struct {
	s scheduling.Store
	n atomic.Int64
}

func (c *counting) calls() int64 { return c.n.Load() }
func (c *counting) reset()       { c.n.Store(0) }

func (c *counting) CompanyByID(ctx context.Context, id string) (meetd.Company, error) {
	c.n.Add(1)
	return c.s.CompanyByID(ctx, id)
}

func (c *counting) UsersByIDs(ctx context.Context, companyID string, ids []string) ([]meetd.User, error) {
	c.n.Add(1)
	return c.s.UsersByIDs(ctx, companyID, ids)
}

func (c *counting) MeetingTypeByID(ctx context.Context, companyID, id string) (meetd.MeetingType, error) {
	c.n.Add(1)
	return c.s.MeetingTypeByID(ctx, companyID, id)
}

func (c *counting) QueueByID(ctx context.Context, companyID, id string) (meetd.Queue, error) {
	c.n.Add(1)
	return c.s.QueueByID(ctx, companyID, id)
}

func (c *counting) AvailabilitiesByIDs(ctx context.Context, companyID string, ids []string) ([]meetd.Availability, error) {
	c.n.Add(1)
	return c.s.AvailabilitiesByIDs(ctx, companyID, ids)
}

func (c *counting) ListExceptions(ctx context.Context, f meetd.ExceptionFilter) ([]meetd.Exception, error) {
	c.n.Add(1)
	return c.s.ListExceptions(ctx, f)
}

func (c *counting) Busy(ctx context.Context, f meetd.BusyFilter) ([]meetd.HostBusy, error) {
	c.n.Add(1)
	return c.s.Busy(ctx, f)
}

func (c *counting) BookAppointment(ctx context.Context, a meetd.Actor, n meetd.NewAppointment) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.BookAppointment(ctx, a, n)
}

func (c *counting) AppointmentByID(ctx context.Context, companyID, id string) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.AppointmentByID(ctx, companyID, id)
}

func (c *counting) AppointmentForAttendee(ctx context.Context, id string) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.AppointmentForAttendee(ctx, id)
}

func (c *counting) AppointmentByIdempotencyKey(ctx context.Context, companyID, credentialID, key string) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.AppointmentByIdempotencyKey(ctx, companyID, credentialID, key)
}

func (c *counting) CancelAppointment(ctx context.Context, a meetd.Actor, companyID, id, reason, source string) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.CancelAppointment(ctx, a, companyID, id, reason, source)
}

func (c *counting) RescheduleAppointment(ctx context.Context, a meetd.Actor, companyID, id string, start, end time.Time, before, after time.Duration) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.RescheduleAppointment(ctx, a, companyID, id, start, end, before, after)
}

func (c *counting) CreateProvisional(ctx context.Context, a meetd.Actor, p meetd.ProvisionalBooking) (meetd.ProvisionalBooking, error) {
	c.n.Add(1)
	return c.s.CreateProvisional(ctx, a, p)
}

func (c *counting) ProvisionalForAttendee(ctx context.Context, id string) (meetd.ProvisionalBooking, error) {
	c.n.Add(1)
	return c.s.ProvisionalForAttendee(ctx, id)
}

func (c *counting) ConfirmProvisional(ctx context.Context, a meetd.Actor, companyID, id string, n meetd.NewAppointment) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.ConfirmProvisional(ctx, a, companyID, id, n)
}

func (c *counting) ResetProvisionalToken(ctx context.Context, companyID, id string, hash []byte, token string) error {
	c.n.Add(1)
	return c.s.ResetProvisionalToken(ctx, companyID, id, hash, token)
}

func (c *counting) OneTimeLinkByID(ctx context.Context, companyID, id string) (meetd.OneTimeLink, error) {
	c.n.Add(1)
	return c.s.OneTimeLinkByID(ctx, companyID, id)
}

func (c *counting) RemoveAttendee(ctx context.Context, a meetd.Actor, companyID, id, attendeeID, reason, source string) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.RemoveAttendee(ctx, a, companyID, id, attendeeID, reason, source)
}

func (c *counting) AddGuests(ctx context.Context, a meetd.Actor, companyID, id, attendeeID string, emails []string) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.AddGuests(ctx, a, companyID, id, attendeeID, emails)
}

func (c *counting) UpdateAppointmentTexts(ctx context.Context, a meetd.Actor, companyID, id string, u meetd.AppointmentTexts) (meetd.Appointment, error) {
	c.n.Add(1)
	return c.s.UpdateAppointmentTexts(ctx, a, companyID, id, u)
}

func (c *counting) DataFieldsByIDs(ctx context.Context, companyID string, ids []int64) ([]meetd.DataField, error) {
	c.n.Add(1)
	return c.s.DataFieldsByIDs(ctx, companyID, ids)
}

func (c *counting) FormSubmissionByID(ctx context.Context, companyID, id string) (meetd.FormSubmission, error) {
	c.n.Add(1)
	return c.s.FormSubmissionByID(ctx, companyID, id)
}
