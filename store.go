package meetd

import (
	"context"
	"time"
)

// Store is everything meetd keeps. Each method is one transaction. Every
// method returns an *Error with ENOTFOUND when the object does not exist and
// ECONFLICT on a uniqueness clash; anything else is internal. Methods that
// change something take an Actor and write the audit record and the change
// record (see Change) in the same transaction.
type Store interface {
	CompanyStore
	UserStore
	CredentialStore
	SchedulingStore
	WebhookStore
	GDPRStore
	// Changes returns the change records with a sequence number above
	// after, oldest first, at most limit of them.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// LatestChange returns the highest change sequence number (0 if none).
	LatestChange(ctx context.Context) (int64, error)
	// PruneChanges deletes change records older than before.
	PruneChanges(ctx context.Context, before time.Time) error
	// Audit returns a company's audit entries, newest first.
	Audit(ctx context.Context, companyID string, limit, offset int) ([]AuditEntry, error)
	// Close releases the database.
	Close() error
}

// CompanyStore keeps companies.
type CompanyStore interface {
	// CreateCompany creates a company and its owner in one transaction.
	// owner.Role is forced to RoleOwner. ECONFLICT if the owner's email or
	// slug is taken.
	CreateCompany(ctx context.Context, a Actor, c NewCompany, owner NewUser) (Company, User, error)
	// CreateFirstCompany is CreateCompany for a database without any
	// company (the dashboard's first-run setup): ECONFLICT when a company
	// exists. The check and the insert are one transaction, serialised
	// across processes, so concurrent calls on any nodes create one company.
	CreateFirstCompany(ctx context.Context, a Actor, c NewCompany, owner NewUser) (Company, User, error)
	// CompanyByID returns a company.
	CompanyByID(ctx context.Context, id string) (Company, error)
	// CountCompanies returns how many companies exist.
	CountCompanies(ctx context.Context) (int, error)
	// SetCompanyPlan changes a company's plan.
	SetCompanyPlan(ctx context.Context, a Actor, id string, p Plan) (Company, error)
	// CompanyOwner returns the company's owner.
	CompanyOwner(ctx context.Context, companyID string) (User, error)
}

// UserStore keeps users.
type UserStore interface {
	// CreateUser creates a user. When u.Provision is set it also creates
	// the user's default availability and meeting type in the same
	// transaction. ECONFLICT if the email or slug is taken by an active
	// user; a taken generated slug is made unique instead.
	CreateUser(ctx context.Context, a Actor, u NewUser) (CreatedUser, error)
	// UserByID returns a user, removed or not.
	UserByID(ctx context.Context, id string) (User, error)
	// UserByEmail returns the active user with that email (case-insensitive).
	UserByEmail(ctx context.Context, email string) (User, error)
	// ListUsers returns a company's active users, oldest first, and how
	// many match before paging.
	ListUsers(ctx context.Context, f UserFilter) ([]User, int, error)
	// UpdateUser changes the non-nil fields of up. ECONFLICT if the new slug
	// is taken.
	UpdateUser(ctx context.Context, a Actor, id string, up UserUpdate) (User, error)
	// RemoveUser takes a user out of their workspace: their personal access
	// tokens stop working at once. Removing the owner is EFORBIDDEN.
	RemoveUser(ctx context.Context, a Actor, id string) error
	// SetPassword stores a dashboard password hash (argon2id, encoded).
	SetPassword(ctx context.Context, a Actor, userID, hash string) error
	// PasswordHash returns the stored hash, "" when none is set.
	PasswordHash(ctx context.Context, userID string) (string, error)
}

// CredentialStore keeps personal access tokens and API keys.
type CredentialStore interface {
	// CreateCredential inserts a credential.
	CreateCredential(ctx context.Context, a Actor, c NewCredential) (Credential, error)
	// CredentialByID returns a credential of either kind.
	CredentialByID(ctx context.Context, id string) (Credential, error)
	// CredentialByHash returns the credential whose hash is h.
	CredentialByHash(ctx context.Context, h []byte) (Credential, error)
	// ListCredentials returns a user's PATs (kind KindPAT) or a company's
	// API keys (kind KindAPIKey), newest first, revoked ones included.
	ListCredentials(ctx context.Context, kind CredentialKind, ownerID string) ([]Credential, error)
	// SetCredentialStatus moves a credential to status. Revoked is final:
	// any change of a revoked credential is ECONFLICT, and so is
	// deactivating a personal access token.
	SetCredentialStatus(ctx context.Context, a Actor, id string, s CredentialStatus) (Credential, error)
	// RollCredential inserts next (same name, owner and kind as the old
	// one) and makes the old one expire at oldExpiresAt, both in one
	// transaction. The caller computes oldExpiresAt within the rules of
	// docs/architecture.md#credentials. ECONFLICT unless the old credential
	// is active.
	RollCredential(ctx context.Context, a Actor, oldID string, oldExpiresAt time.Time, next NewCredential) (Credential, error)
	// RevokeByHashes revokes, at once and skipping any grace period, every
	// non-revoked credential whose hash is among hs, and returns the ids it
	// revoked.
	RevokeByHashes(ctx context.Context, a Actor, hs [][]byte) ([]string, error)
	// RecordUse writes last-used times and addresses. A time never moves
	// backwards, so batches from several nodes may arrive in any order.
	RecordUse(ctx context.Context, uses []CredentialUse) error
}

// NewCompany is what CreateCompany needs.
type NewCompany struct {
	Name string
	Plan Plan
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
	CompanyID string
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

// ChangeKind says what a change record is about.
type ChangeKind string

// The kinds of change that invalidate cached principals.
const (
	ChangeCredential ChangeKind = "credential"
	ChangeUser       ChangeKind = "user"
	ChangeCompany    ChangeKind = "company"
)

// Change is a record that something a cached principal depends on changed.
// Every node reads the change log to drop stale cache entries; its sequence
// numbers only grow.
type Change struct {
	Seq  int64
	Kind ChangeKind
	ID   string
	At   time.Time
}
