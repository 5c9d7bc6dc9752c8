package links

import "net/url"

// CalendarFeed is a user's subscription feed, an iCalendar file that
// calendar applications fetch again and again; its token is in the query.
func (b Base) CalendarFeed(token string) string {
	return b.path("v4", "public", "calendar-feed.ics") + "?token=" + url.QueryEscape(token)
}
