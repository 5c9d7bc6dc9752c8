package meetd

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of a personal page.
const (
	MaxPageDescription   = 2000
	MaxCustomLinks       = 20
	MaxMeetingTypeOrder  = 200
	MaxProfileValue      = 500
	MaxCustomLinkName    = 100
	MaxCustomLinkIcon    = 100
	MaxPageURL           = 2048
	DefaultShowAllOnPage = true
)

// OnlineProfileKeys are the keys of a personal page's onlineProfiles
// besides customLinks, in the order they are shown.
var OnlineProfileKeys = []string{"linkedIn", "facebook", "twitter", "instagram", "xing", "phone", "email",
	"addressStreet", "addressCity", "addressPostalCode", "addressCountry"}

// socialProfileKeys hold a handle or a web address, which the booking page
// turns into a link.
var socialProfileKeys = map[string]bool{"linkedIn": true, "facebook": true, "twitter": true, "instagram": true, "xing": true}

// PersonalPage is a user's booking page: how it looks and which of their
// meeting types it lists. Every active user has one: a user who never
// saved theirs has DefaultPersonalPage. Its id is the user's id.
type PersonalPage struct {
	UserID, CompanyID string
	UseCustomColors   bool
	// PrimaryColor and SecondaryColor are #rgb or #rrggbb, or "" (none).
	PrimaryColor, SecondaryColor string
	// HeaderImage is an https URL, or "" (none).
	HeaderImage string
	Description string
	// ShowAllMeetingTypes lists every enabled meeting type; otherwise the
	// page lists only those in MeetingTypeOrder.
	ShowAllMeetingTypes bool
	// MeetingTypeOrder are ids of the user's meeting types, first shown
	// first.
	MeetingTypeOrder []string
	// Profiles holds the set keys of OnlineProfileKeys.
	Profiles    map[string]string
	CustomLinks []CustomLink
	// CreatedAt and UpdatedAt are zero for a page never saved.
	CreatedAt, UpdatedAt time.Time
}

// CustomLink is one extra link on a personal page.
type CustomLink struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	Icon string `json:"icon,omitempty"`
}

// DefaultPersonalPage is the page of a user who never saved one.
func DefaultPersonalPage(companyID, userID string) PersonalPage {
	return PersonalPage{UserID: userID, CompanyID: companyID, ShowAllMeetingTypes: DefaultShowAllOnPage,
		MeetingTypeOrder: []string{}, Profiles: map[string]string{}, CustomLinks: []CustomLink{}}
}

// Validate checks the rules of a page that need no store; whether
// MeetingTypeOrder names the user's own meeting types is the store's check.
func (p PersonalPage) Validate() error {
	var v Validation
	for field, c := range map[string]string{"primaryColor": p.PrimaryColor, "secondaryColor": p.SecondaryColor} {
		if c != "" && !validHexColor(c) {
			v.Add(field, field+" must be a hex colour, #rgb or #rrggbb")
		}
	}
	if p.HeaderImage != "" && !validURL(p.HeaderImage, false) {
		v.Add("headerImage", "headerImage must be an https URL")
	}
	if utf8.RuneCountInString(p.Description) > MaxPageDescription {
		v.Add("description", fmt.Sprintf("description must be at most %d characters", MaxPageDescription))
	}
	if len(p.MeetingTypeOrder) > MaxMeetingTypeOrder {
		v.Add("meetingTypeOrder", fmt.Sprintf("meetingTypeOrder may name at most %d meeting types", MaxMeetingTypeOrder))
	}
	seen := map[string]bool{}
	for _, id := range p.MeetingTypeOrder {
		if seen[id] {
			v.Add("meetingTypeOrder", "meetingTypeOrder names "+id+" twice")
			break
		}
		seen[id] = true
	}
	for _, k := range OnlineProfileKeys {
		val, ok := p.Profiles[k]
		if !ok {
			continue
		}
		field := "onlineProfiles." + k
		switch {
		case utf8.RuneCountInString(val) > MaxProfileValue:
			v.Add(field, fmt.Sprintf("%s must be at most %d characters", field, MaxProfileValue))
		case k == "email" && !ValidEmail(val):
			v.Add(field, field+" must be an email")
		case socialProfileKeys[k] && hasScheme(val) && !validURL(val, true):
			v.Add(field, field+" must be a handle or an http(s) URL")
		}
	}
	if len(p.CustomLinks) > MaxCustomLinks {
		v.Add("onlineProfiles.customLinks", fmt.Sprintf("onlineProfiles.customLinks may hold at most %d links", MaxCustomLinks))
	}
	for i, l := range p.CustomLinks {
		field := fmt.Sprintf("onlineProfiles.customLinks[%d]", i)
		if l.Name == "" || utf8.RuneCountInString(l.Name) > MaxCustomLinkName {
			v.Add(field+".name", fmt.Sprintf("name must be 1 to %d characters", MaxCustomLinkName))
		}
		if !validURL(l.URL, true) {
			v.Add(field+".url", "url must be an http(s) URL")
		}
		if utf8.RuneCountInString(l.Icon) > MaxCustomLinkIcon {
			v.Add(field+".icon", fmt.Sprintf("icon must be at most %d characters", MaxCustomLinkIcon))
		}
	}
	return v.Err()
}

// Listed returns what the page shows of the user's meeting types (all of
// them, live, oldest first): the enabled ones, those in MeetingTypeOrder
// first in that order, then with ShowAllMeetingTypes the others; and the
// order without ids that no longer name one of them.
func (p PersonalPage) Listed(types []MeetingType) (listed []MeetingType, order []string) {
	byID := make(map[string]MeetingType, len(types))
	for _, m := range types {
		byID[m.ID] = m
	}
	order, listed = []string{}, []MeetingType{}
	placed := map[string]bool{}
	for _, id := range p.MeetingTypeOrder {
		m, ok := byID[id]
		if !ok {
			continue
		}
		order = append(order, id)
		placed[id] = true
		if m.Enabled {
			listed = append(listed, m)
		}
	}
	if p.ShowAllMeetingTypes {
		for _, m := range types {
			if m.Enabled && !placed[m.ID] {
				listed = append(listed, m)
			}
		}
	}
	return listed, order
}

func validHexColor(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// validURL accepts an absolute https URL with a host, or with allowHTTP
// also http: booking pages show these as links, so no other scheme
// (javascript:, data:) gets through.
func validURL(s string, allowHTTP bool) bool {
	if len(s) > MaxPageURL || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "https" || allowHTTP && u.Scheme == "http"
}

// hasScheme reports whether s starts like a URL ("x:" before any slash).
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 0 && !strings.ContainsAny(s[:i], "/ .@")
}

// PersonalPageStore keeps personal pages.
type PersonalPageStore interface {
	// PersonalPage returns the page of a company's active user, or
	// DefaultPersonalPage when they never saved one. ENOTFOUND for a
	// missing or removed user, or one of another company.
	PersonalPage(ctx context.Context, companyID, userID string) (PersonalPage, error)
	// UpdatePersonalPage reads the page of a company's active user (or the
	// default), lets apply change it, and stores it, in one transaction
	// that concurrent updates of the same page wait for. It refuses
	// (EINVALID) a page that fails Validate or whose MeetingTypeOrder names
	// anything but the user's live meeting types. An error from apply
	// aborts the update; apply must not call the store and may run more
	// than once. ENOTFOUND as for PersonalPage.
	UpdatePersonalPage(ctx context.Context, a Actor, companyID, userID string, apply func(*PersonalPage) error) (PersonalPage, error)
}
