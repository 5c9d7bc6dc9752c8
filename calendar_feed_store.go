package meetd

import (
	"context"
	"time"
)

// CalendarFeed is a user's subscription feed: a secret iCalendar address
// of their appointments for any calendar application. Only the SHA-256 of
// its token is kept; the token is shown once, in the address, when the
// feed is made.
type CalendarFeed struct {
	CompanyID string
	UserID    string
	CreatedAt time.Time
}

// CalendarFeedStore keeps users' subscription feeds, at most one each.
type CalendarFeedStore interface {
	// SetCalendarFeed gives a company's active user a feed with the token
	// whose SHA-256 is tokenHash, replacing the one they had (whose
	// address stops working at once). ENOTFOUND for a user that is not
	// the company's or is removed.
	SetCalendarFeed(ctx context.Context, a Actor, companyID, userID string, tokenHash []byte) (CalendarFeed, error)
	// DeleteCalendarFeed revokes a company's user's feed; ENOTFOUND when
	// they have none.
	DeleteCalendarFeed(ctx context.Context, a Actor, companyID, userID string) error
	// CalendarFeedOf returns a company's user's feed; ENOTFOUND when they
	// have none.
	CalendarFeedOf(ctx context.Context, companyID, userID string) (CalendarFeed, error)
	// CalendarFeedByTokenHash returns the feed of a token, of whichever
	// company. Not scoped: it serves the feed's public address, where the
	// token is the authority. A feed whose user is removed is ENOTFOUND.
	CalendarFeedByTokenHash(ctx context.Context, tokenHash []byte) (CalendarFeed, error)
}

// NewCalendarFeedToken returns a fresh feed token: OneTimeTokenLength
// uniformly random base62 characters, like a one-time link's.
func NewCalendarFeedToken() string { return NewOneTimeToken() }

// HashCalendarFeedToken is what the store keeps of a feed's token and finds
// the feed by.
func HashCalendarFeedToken(token string) []byte { return HashOneTimeToken(token) }
