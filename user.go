package meetd

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Role is a user's role in their company. Exactly one user per company is
// the owner.
type Role string

// The roles, most powerful first.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleMember }

// IsAdmin reports whether r may act on the whole workspace (owner or admin).
func (r Role) IsAdmin() bool { return r == RoleOwner || r == RoleAdmin }

// UserType says what kind of account a user is. Only standard users take a
// seat.
type UserType string

// The user types meetergo knows.
const (
	UserStandard    UserType = "standard"
	UserResource    UserType = "resource"
	UserAPIPlatform UserType = "api-platform"
	UserPartner     UserType = "partner"
)

// Valid reports whether t is a known user type.
func (t UserType) Valid() bool {
	switch t {
	case UserStandard, UserResource, UserAPIPlatform, UserPartner:
		return true
	}
	return false
}

// UserStatus says whether a user is still in their workspace.
type UserStatus string

// The user statuses. A removed user's personal access tokens stop working at
// once and the user can no longer be acted as.
const (
	UserActive  UserStatus = "active"
	UserRemoved UserStatus = "removed"
)

// User is a person (or resource) in a company.
type User struct {
	ID                    string
	CompanyID             string
	Email                 string
	GivenName             string
	FamilyName            string
	Timezone              string
	Slug                  string
	Role                  Role
	Type                  UserType
	Status                UserStatus
	DefaultAvailabilityID string
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// FullName is the given and family name joined by a space.
func (u User) FullName() string {
	return strings.TrimSpace(u.GivenName + " " + u.FamilyName)
}

// Active reports whether the user is still in the workspace.
func (u User) Active() bool { return u.Status == UserActive }

// Slugify turns a name into a URL slug: lower case ASCII letters and digits
// separated by single hyphens, accents folded ("Jürgen Öz" → "jurgen-oz").
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ß':
			b.WriteString("ss")
			dash = false
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Limits on user input.
const (
	MaxNameLength  = 100
	MaxEmailLength = 254
	MinSlugLength  = 5
	MaxSlugLength  = 100
)

// ValidEmail reports whether s looks like a deliverable address: one @,
// a non-empty local part, a dotted domain, no spaces or control characters.
// Deliverability itself is the mail server's business.
func ValidEmail(s string) bool {
	if len(s) > MaxEmailLength {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == ',' || r == ';' {
			return false
		}
	}
	return true
}

// Validate checks a NewUser's fields and returns an EINVALID error listing
// every problem. Slug, when set, must already be in slug form.
func (nu NewUser) Validate() error {
	var v Validation
	nu.ValidateInto(&v)
	return v.Err()
}

// ValidateInto adds nu's problems to v.
func (nu NewUser) ValidateInto(v *Validation) {
	if nu.Email == "" {
		v.Add("email", "email should not be empty")
	} else if !ValidEmail(nu.Email) {
		v.Add("email", "email must be an email")
	}
	checkName(v, "givenName", nu.GivenName)
	checkName(v, "familyName", nu.FamilyName)
	if nu.Timezone == "" {
		v.Add("timezone", "timezone should not be empty")
	} else if _, ok := LoadZone(nu.Timezone); !ok {
		v.Add("timezone", "Invalid timezone")
	}
	if nu.Slug != "" {
		if err := CheckSlug(nu.Slug); err != "" {
			v.Add("slug", err)
		}
	}
	if !nu.Role.Valid() {
		v.Add("role", "role must be one of owner, admin, member")
	}
	if !nu.Type.Valid() {
		v.Add("userType", "userType must be one of standard, resource, api-platform, partner")
	}
}

func checkName(v *Validation, field, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		v.Add(field, field+" should not be empty")
	case len(s) > MaxNameLength:
		v.Add(field, fmt.Sprintf("%s must be at most %d characters", field, MaxNameLength))
	}
}

// CheckName returns why s is not an acceptable given or family name, or "".
func CheckName(field, s string) string {
	var v Validation
	checkName(&v, field, s)
	if len(v.fields) > 0 {
		return v.fields[0].Message
	}
	return ""
}

// CheckSlug returns why s is not an acceptable user slug, or "".
func CheckSlug(s string) string {
	switch {
	case len(s) < MinSlugLength:
		return fmt.Sprintf("Slug must be at least %d characters", MinSlugLength)
	case len(s) > MaxSlugLength:
		return fmt.Sprintf("Slug must be at most %d characters", MaxSlugLength)
	case Slugify(s) != s:
		return "Slug may contain only lower-case letters, digits and single hyphens"
	case ReservedSlug(s):
		return "Slug " + s + " is reserved"
	}
	return ""
}

// reservedSlugs are the top-level paths meetd serves beside the booking
// pages: a user page at one of them could never be reached
// (docs/decisions.md#booking-pages). Slugs shorter than MinSlugLength
// (v4, 1t) are refused anyway.
var reservedSlugs = map[string]bool{"dashboard": true, "webhooks": true, "healthz": true, "readyz": true,
	"metrics": true, "static": true, "assets": true, "appointment": true, "confirm": true, "public": true,
	"openapi": true, "favicon": true, "robots": true, "debug": true, "admin": true, "login": true,
	"logout": true, "api": true}

// ReservedSlug reports whether s is a path meetd keeps for itself and so
// can be no user's slug.
func ReservedSlug(s string) bool { return reservedSlugs[s] }
