package meetd

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"time"
)

// OneTimeLinkTTL is how long an unused one-time booking link works
// (docs/decisions.md#one-time-booking-links).
const OneTimeLinkTTL = 30 * 24 * time.Hour

// OneTimeTokenLength is the length of a one-time link's token in base62
// characters: 22 of them carry 130 random bits. The token is a bearer
// secret (it books without a credential), so it is as long as one.
const OneTimeTokenLength = 22

// OneTimeLink is a single-use booking link for one meeting type: it books
// once, within OneTimeLinkTTL, and only while it is the meeting type's
// newest link. The token itself is shown once, when the link is made; only
// its SHA-256 is kept.
type OneTimeLink struct {
	ID            string
	CompanyID     string
	MeetingTypeID string
	// CreatedBy is the acting user who made it.
	CreatedBy string
	TokenHash []byte
	ExpiresAt time.Time
	// UsedAt and AppointmentID are set by the booking that used it.
	UsedAt        *time.Time
	AppointmentID string
	// ReplacedAt is set when a newer link of the same meeting type was
	// made while this one was unused.
	ReplacedAt *time.Time
	CreatedAt  time.Time
}

// The answers to a booking through a one-time link that does not work.
var (
	// ErrOneTimeLinkNotFound: no such link in the company, or it belongs
	// to another meeting type than the one booked.
	ErrOneTimeLinkNotFound = Errorf(ENOTFOUND, "One-time booking link not found")
	ErrOneTimeLinkUsed     = Errorf(ECONFLICT, "One-time booking link was already used")
	ErrOneTimeLinkExpired  = Errorf(ECONFLICT, "One-time booking link has expired")
	ErrOneTimeLinkReplaced = Errorf(ECONFLICT, "One-time booking link was replaced by a newer one")
)

// Usable returns nil when l may book meetingTypeID at now, or the error
// that says why not.
func (l OneTimeLink) Usable(meetingTypeID string, now time.Time) error {
	switch {
	case l.MeetingTypeID != meetingTypeID:
		return ErrOneTimeLinkNotFound
	case l.UsedAt != nil:
		return ErrOneTimeLinkUsed
	case l.ReplacedAt != nil:
		return ErrOneTimeLinkReplaced
	case !now.Before(l.ExpiresAt):
		return ErrOneTimeLinkExpired
	}
	return nil
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewOneTimeToken returns a fresh token of OneTimeTokenLength uniformly
// random base62 characters. It panics only if the operating system's
// random source fails.
func NewOneTimeToken() string {
	out := make([]byte, 0, OneTimeTokenLength)
	var buf [64]byte
	for len(out) < OneTimeTokenLength {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("meetd: random source failed: " + err.Error())
		}
		for _, b := range buf {
			// 248 = 4*62: rejecting the rest keeps every character
			// equally likely.
			if b < 248 && len(out) < OneTimeTokenLength {
				out = append(out, base62[b%62])
			}
		}
	}
	return string(out)
}

// HashOneTimeToken is what the store keeps of a one-time link's token and
// finds the link by.
func HashOneTimeToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// OneTimeLinkStore keeps one-time booking links. Booking through one is
// NewAppointment.OneTimeLinkID: BookAppointment uses the link up in the
// transaction that inserts the appointment.
type OneTimeLinkStore interface {
	// CreateOneTimeLink makes a link to a company's live meeting type
	// with tokenHash, created by a's user and expiring OneTimeLinkTTL from
	// now; in the same transaction every unused link of that meeting type
	// is replaced (stops working). ENOTFOUND for a missing meeting type or
	// one of another company.
	CreateOneTimeLink(ctx context.Context, a Actor, companyID, meetingTypeID string, tokenHash []byte) (OneTimeLink, error)
	// OneTimeLinkByID returns a company's link in whatever state.
	OneTimeLinkByID(ctx context.Context, companyID, id string) (OneTimeLink, error)
	// OneTimeLinkByTokenHash returns the link whose token hashes to hash,
	// of whichever company and in whatever state. Not scoped: it serves
	// the public booking page of the link, where the token is the
	// authority; the caller checks Usable before offering a booking.
	OneTimeLinkByTokenHash(ctx context.Context, hash []byte) (OneTimeLink, error)
}
