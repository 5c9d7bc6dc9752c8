package pages

import (
	"context"
	"net/http"

	"github.com/meetd/meetd"
)

// byToken finds the meeting type a one-time link books, refusing a link
// that can no longer book (used, replaced or expired: a 410 page).
func (p *Pages) byToken(ctx context.Context, token string) (*target, error) {
	if len(token) != meetd.OneTimeTokenLength {
		return nil, errNotFound
	}
	l, err := p.cfg.Store.OneTimeLinkByTokenHash(ctx, meetd.HashOneTimeToken(token))
	if err != nil {
		return nil, err
	}
	m, err := p.cfg.Store.MeetingTypeByID(ctx, l.CompanyID, l.MeetingTypeID)
	if err != nil {
		return nil, err
	}
	if err := l.Usable(m.ID, p.cfg.Clock.Now()); err != nil {
		return nil, err
	}
	if !m.Enabled {
		return nil, errNotFound
	}
	owner, err := p.cfg.Store.UserByID(ctx, l.CompanyID, m.UserID)
	if err != nil {
		return nil, err
	}
	if !owner.Active() {
		// As for the removed user's own booking page (UserBySlug finds
		// only active users).
		return nil, errNotFound
	}
	t, err := p.targetOf(ctx, owner, m, p.links.OneTime(token))
	if err != nil {
		return nil, err
	}
	t.oneTime = &l
	return t, nil
}

// GET /1t/{token}: the booking page of a one-time link.
func (p *Pages) oneTimePage(w http.ResponseWriter, r *http.Request) {
	t, err := p.byToken(r.Context(), r.PathValue("token"))
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	st := p.stateOf(r, t)
	if err := p.submissionOf(r, t, &st); err != nil {
		p.fail(w, r, &t.company, err)
		return
	}
	p.showBooking(w, r, t, st, st.who, nil, nil, http.StatusOK)
}

// POST /1t/{token}: a booking through a one-time link, which the booking
// uses up in its own transaction.
func (p *Pages) oneTimeBook(w http.ResponseWriter, r *http.Request) {
	t, err := p.byToken(r.Context(), r.PathValue("token"))
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	p.doBook(w, r, t)
}
