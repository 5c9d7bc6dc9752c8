package meetd

import "context"

// UserStore keeps users. A user of another company is ENOTFOUND.
type UserStore interface {
	// CreateUser creates a user in u.CompanyID. When u.Provision is set it
	// also creates the user's default availability and meeting type in
	// the same transaction. ECONFLICT if the email or slug is taken by an
	// active user; a taken generated slug is made unique instead.
	CreateUser(ctx context.Context, a Actor, u NewUser) (CreatedUser, error)
	// UserByID returns a user of the company, removed or not.
	UserByID(ctx context.Context, companyID, id string) (User, error)
	// UserByIDUnscoped returns a user of any company, removed or not. Not
	// scoped, because its callers learn the company from the user: the
	// dashboard's session, which holds only the user's id, and the
	// operator CLI, which acts across companies. Never call it with an id
	// a tenant sent.
	UserByIDUnscoped(ctx context.Context, id string) (User, error)
	// UserByEmail returns the active user with that email
	// (case-insensitive). Not scoped: sign-in knows only the address, and
	// an address names at most one active user across all companies.
	UserByEmail(ctx context.Context, email string) (User, error)
	// UserBySlug returns the active user with that slug. Not scoped: the
	// public booking pages know only the slug from their address, and a
	// slug names at most one active user across all companies.
	UserBySlug(ctx context.Context, slug string) (User, error)
	// ListUsers returns a company's active users, oldest first, and how
	// many match before paging.
	ListUsers(ctx context.Context, f UserFilter) ([]User, int, error)
	// UpdateUser changes the non-nil fields of up of an active user.
	// ECONFLICT if the new slug is taken.
	UpdateUser(ctx context.Context, a Actor, companyID, id string, up UserUpdate) (User, error)
	// RemoveUser takes an active user out of their workspace: their
	// personal access tokens stop working at once. Removing the owner is
	// EFORBIDDEN.
	RemoveUser(ctx context.Context, a Actor, companyID, id string) error
	// SetPassword stores a dashboard password hash (argon2id, encoded).
	SetPassword(ctx context.Context, a Actor, companyID, userID, hash string) error
	// PasswordHash returns the stored hash, "" when none is set.
	PasswordHash(ctx context.Context, companyID, userID string) (string, error)
}

// NewUser is what CreateUser needs. Slug is generated from the name when
// empty. Provision, when non-nil, asks for a default availability and
// meeting type.
type NewUser struct {
	CompanyID    string
	Email        string
	GivenName    string
	FamilyName   string
	Timezone     string
	Slug         string
	Role         Role
	Type         UserType
	PasswordHash string
	Provision    *Provision
}

// Provision describes the availability and meeting type a platform user
// starts with.
type Provision struct {
	AvailabilityName     string
	AvailabilityTimezone string
	Schedule             Schedule
	MeetingTypeName      string
	MeetingTypeSlug      string
	Duration             int
	Channel              string
}

// DefaultProvision is what a new platform user starts with: the
// availability "Working Hours", Monday to Friday 09:00–17:00 in their own
// time zone, and the 30-minute meeting type "30min Meeting" on channel.
func DefaultProvision(timezone, channel string) *Provision {
	return &Provision{AvailabilityName: "Working Hours", AvailabilityTimezone: timezone, Schedule: DefaultSchedule(),
		MeetingTypeName: "30min Meeting", MeetingTypeSlug: "30min-meeting", Duration: 30, Channel: channel}
}

// CreatedUser is what CreateUser made.
type CreatedUser struct {
	User           User
	AvailabilityID string
	MeetingType    *MeetingType
}

// UserFilter selects users of one company.
type UserFilter struct {
	CompanyID string   // required
	Type      UserType // empty: every type
	Limit     int
	Offset    int
}

// UserUpdate lists the profile fields to change; nil leaves a field alone.
type UserUpdate struct {
	GivenName  *string
	FamilyName *string
	Slug       *string
	Timezone   *string
	Role       *Role
}
