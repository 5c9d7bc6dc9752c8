package calsync

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-ical"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/invite"
	"github.com/meetd/meetd/links"
)

// Write-back limits.
const (
	writeLease = 2 * RequestTimeout
	writeBatch = 8
	// maxWriteBackoff caps the wait between attempts of one write-back.
	maxWriteBackoff = time.Hour
)

// Writer brings each queued appointment's event in the host's CalDAV
// calendar in line with the appointment: created or updated (same UID,
// SEQUENCE = reschedule count) while it stands, deleted once it is
// cancelled or the host left it. It works through the store's outbox,
// which booking, rescheduling and cancelling fill in their own
// transactions; attempts are leased, so several nodes share the work, and
// retried with backoff while the server fails. The event's path comes from
// its UID and a PUT replaces what is there, so an attempt repeated after a
// crash never makes a second event.
type Writer struct {
	Service *Service
	// PublicURL is where the attendee's reschedule and cancel pages live
	// (package links); the event's description carries them.
	PublicURL string
}

// Run works through due write-backs every tick until ctx ends.
func (w *Writer) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.Service.Log.Warn("calendar write-back failed", "err", err)
			}
			if err != nil || n < writeBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims up to a batch of due write-backs and makes them; it
// returns how many it claimed.
func (w *Writer) RunOnce(ctx context.Context) (int, error) {
	s := w.Service
	claimed, err := s.Store.ClaimCalendarWrites(ctx, writeBatch, writeLease)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, cw := range claimed {
		wg.Go(func() {
			err := w.write(ctx, cw)
			if ctx.Err() != nil {
				return // the lease runs out and the write is made again
			}
			res := meetd.CalendarWriteResult{ID: cw.ID, Version: cw.Version, Done: err == nil}
			if err != nil {
				res.Error = failure(err)
				res.NextAt = s.Clock.Now().Add(backoff(cw.Attempt))
				s.Log.Warn("calendar write-back attempt failed", "connection_id", cw.ConnectionID,
					"appointment_id", cw.AppointmentID, "attempt", cw.Attempt, "err", res.Error)
			}
			if err := s.Store.FinishCalendarWrite(ctx, res); err != nil && ctx.Err() == nil {
				s.Log.Warn("recording a calendar write-back failed", "appointment_id", cw.AppointmentID, "err", err)
			}
		})
	}
	wg.Wait()
	return len(claimed), nil
}

// backoff is the wait after attempt n failed: 30 s doubling, at most an
// hour.
func backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < maxWriteBackoff; i++ {
		d *= 2
	}
	return min(d, maxWriteBackoff)
}

func (w *Writer) write(ctx context.Context, cw meetd.CalendarWrite) error {
	s := w.Service
	c, err := s.Store.CalendarConnectionByID(ctx, cw.CompanyID, cw.ConnectionID)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return nil // removed since: nothing to write to
	} else if err != nil {
		return err
	}
	ap, err := s.Store.AppointmentByID(ctx, cw.CompanyID, cw.AppointmentID)
	gone := meetd.ErrorCode(err) == meetd.ENOTFOUND
	if err != nil && !gone {
		return err
	}
	secret, err := s.Box.Open(c.ID, c.Secret)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	cl, err := caldavClient(s.http, c.ServerURL, c.Username, string(secret))
	if err != nil {
		return err
	}
	if gone || ap.Cancelled || !slices.Contains(ap.HostIDs, cw.UserID) {
		err := cl.RemoveAll(wctx, cw.Path)
		if errors.Is(err, errNoObject) {
			return nil // never written, or already deleted
		}
		return cleanErrOrNil(err)
	}
	cal, err := w.render(ctx, ap, cw.UserID)
	if err != nil {
		return err
	}
	_, err = cl.PutCalendarObject(wctx, cw.Path, cal)
	return cleanErrOrNil(err)
}

func cleanErrOrNil(err error) error {
	if err == nil {
		return nil
	}
	return cleanErr(err)
}

// render is the appointment's event as package invite makes it for every
// copy (mail, download, feed), with the meeting type's name as summary, the
// host as organizer and the attendee's links in the description.
func (w *Writer) render(ctx context.Context, ap meetd.Appointment, hostID string) (*ical.Calendar, error) {
	s := w.Service
	e := invite.FromAppointment(ap)
	e.Summary, e.Stamp = "Appointment", s.Clock.Now()
	if m, err := s.Store.MeetingTypeByID(ctx, ap.CompanyID, ap.MeetingTypeID); err == nil && m.Name != "" {
		e.Summary = m.Name
	} else if err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
		return nil, err
	}
	users, err := s.Store.UsersByIDs(ctx, ap.CompanyID, []string{hostID})
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, errors.New("the host is no longer in the workspace")
	}
	e.Organizer = invite.Person{Name: users[0].FullName(), Email: users[0].Email}
	if w.PublicURL != "" {
		l := links.New(w.PublicURL)
		e.Description = "Reschedule: " + l.Reschedule(ap.ID, ap.Secret) + "\nCancel: " + l.Cancel(ap.ID, ap.Secret)
		if ap.Note != "" {
			e.Description = ap.Note + "\n\n" + e.Description
		}
	}
	b, err := invite.Render("", e)
	if err != nil {
		return nil, err
	}
	return ical.NewDecoder(bytes.NewReader(b)).Decode()
}
