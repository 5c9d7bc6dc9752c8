package auth

import "github.com/meetd/meetd"

// Action is something a principal may try to do. The policy table below is
// the one place that decides who may do it; handlers ask Authorize and never
// test roles themselves (docs/architecture.md#the-policy-table).
type Action string

// The actions of the policy table.
const (
	ReadSelf           Action = "user.me"
	ListUsers          Action = "user.list"
	CreateUser         Action = "user.create"
	UpdateUser         Action = "user.update"
	DeleteUser         Action = "user.delete"
	ReadCredential     Action = "credential.current"
	OwnResources       Action = "resources.own"
	OthersAppointments Action = "appointments.others"
	OthersResources    Action = "resources.others"
	ManageWebhooks     Action = "webhooks.manage"
	ExportGDPR         Action = "gdpr.export"
	ManageCredentials  Action = "credentials.manage"
	ReadUsage          Action = "usage.read"
	ReadAudit          Action = "audit.read"
	IgnoreAvailability Action = "booking.ignore_availability"
	// QueueMembership adds a user to a round-robin queue or removes them;
	// the target is that user, not the queue's owner, since a member put
	// in a queue can be booked through it.
	QueueMembership   Action = "queue.membership"
	ReadPersonalPages Action = "personal_page.read_any"
	// ReadForms reads the company's data fields and routing forms: company
	// configuration, like webhooks (a member's own PAT may not; the public
	// form page needs no credential).
	ReadForms Action = "forms.read"
	// ManageForms creates, changes, deletes and sends data fields and
	// routing forms: company configuration, like webhooks.
	ManageForms Action = "forms.manage"
	// ManageContacts is every /crm route, aimed at the contact's account
	// owner (docs/decisions.md#contacts).
	ManageContacts Action = "contacts.manage"
	// EraseGDPR is POST /v4/gdpr/erase.
	EraseGDPR Action = "gdpr.erase"
	// ManageCalendars connects, changes, tests and removes a user's
	// calendar connections; ReadCalendars lists and reads them.
	ManageCalendars Action = "calendars.manage"
	ReadCalendars   Action = "calendars.read"
)

// Grant is how far a principal may go with an action.
type Grant int

// The grants, narrowest first.
const (
	Deny Grant = iota // never
	Self              // only on the acting user's own things
	Any               // on anything in the company
)

// Rule is one row of the policy table: a grant for each kind of principal
// and the words of the 403 when the grant falls short.
type Rule struct {
	PATMember, PATAdmin, KeyMember, KeyAdmin Grant
	// PATMessage explains a refusal that is due to the credential being a
	// personal access token (a key acting with the same role would pass).
	PATMessage string
	// RoleMessage explains a refusal that is due to the acting user's role.
	RoleMessage string
}

// Policy is the authorization table (docs/architecture.md#the-policy-table);
// tests hold it against the capability table of meetergo's authentication
// page.
var Policy = map[Action]Rule{
	ReadSelf:       {Self, Self, Self, Self, "", ""},
	ReadCredential: {Self, Self, Self, Self, "", ""},
	ListUsers: {Deny, Any, Deny, Any,
		"", "Only company admins can list users"},
	CreateUser: {Deny, Deny, Deny, Any,
		"Personal access tokens cannot create users; use a platform API key",
		"Only company admins can create users"},
	UpdateUser: {Self, Self, Self, Any,
		"Personal access tokens cannot update other users; use a platform API key",
		"Only company admins can update other users"},
	DeleteUser: {Deny, Deny, Deny, Any,
		"Personal access tokens cannot delete users; use a platform API key",
		"Only company admins can delete users"},
	OwnResources: {Self, Self, Self, Self, "", ""},
	OthersAppointments: {Self, Any, Self, Any,
		"", "Only company admins can access other users' appointments"},
	OthersResources: {Self, Any, Self, Any,
		"", "Only company admins can access other users' resources"},
	ManageWebhooks: {Deny, Any, Any, Any,
		"", "Only company admins can manage webhooks"},
	ExportGDPR: {Deny, Deny, Any, Any,
		"Personal access tokens cannot trigger GDPR exports; use a platform API key", ""},
	ManageCredentials: {Deny, Deny, Deny, Deny,
		"Credentials can only be managed in the dashboard", "Credentials can only be managed in the dashboard"},
	ReadUsage: {Deny, Any, Any, Any,
		"", "Only company admins can read usage"},
	ReadAudit: {Deny, Any, Any, Any,
		"", "Only company admins can read the audit log"},
	IgnoreAvailability: {Deny, Any, Any, Any,
		"", "Only admins and API keys can ignore availability"},
	QueueMembership: {Self, Any, Self, Any,
		"", "Only company admins can add or remove other users in a queue"},
	ReadPersonalPages: {Deny, Any, Deny, Any,
		"", "Only company admins can read personal pages by user id"},
	ReadForms: {Deny, Any, Any, Any,
		"", "Only company admins can manage data fields and routing forms"},
	ManageForms: {Deny, Any, Any, Any,
		"", "Only company admins can manage data fields and routing forms"},
	ManageContacts: {Self, Any, Self, Any,
		"", "Only company admins can access contacts other users own"},
	EraseGDPR: {Deny, Deny, Any, Any,
		"Personal access tokens cannot erase personal data; use a platform API key", ""},
	ManageCalendars: {Self, Self, Any, Any,
		"Personal access tokens cannot manage other users' calendar connections; use a platform API key", ""},
	ReadCalendars: {Self, Any, Any, Any,
		"", "Only company admins can read other users' calendar connections"},
}

// GrantFor returns the grant the table gives p for act.
func GrantFor(p meetd.Principal, act Action) Grant {
	r := Policy[act]
	admin := p.User.Role.IsAdmin()
	switch {
	case p.CredentialKind == meetd.KindAPIKey && admin:
		return r.KeyAdmin
	case p.CredentialKind == meetd.KindAPIKey:
		return r.KeyMember
	case admin:
		return r.PATAdmin
	default:
		return r.PATMember
	}
}

// Authorize decides whether p may do act on something owned by targetUserID
// (empty when the action has no target user). It returns nil or an
// EFORBIDDEN *meetd.Error naming the reason. It does not check that the
// target is in p's company: callers look targets up within the company
// first, so a foreign id is already a 404.
func Authorize(p meetd.Principal, act Action, targetUserID string) error {
	rule, ok := Policy[act]
	if !ok {
		return meetd.Errorf(meetd.EFORBIDDEN, "Forbidden")
	}
	g := GrantFor(p, act)
	if allows(g, targetUserID, p.User.ID) {
		return nil
	}
	// Refused. Blame the credential kind when no PAT could do this but an
	// API key acting as an admin could; otherwise blame the role.
	if p.CredentialKind == meetd.KindPAT && rule.PATMessage != "" &&
		!allows(rule.PATAdmin, targetUserID, p.User.ID) && allows(rule.KeyAdmin, targetUserID, p.User.ID) {
		return meetd.Errorf(meetd.EFORBIDDEN, "%s", rule.PATMessage)
	}
	msg := rule.RoleMessage
	if msg == "" {
		msg = rule.PATMessage
	}
	return meetd.Errorf(meetd.EFORBIDDEN, "%s", msg)
}

// allows reports whether grant g covers a target owned by targetUserID
// (empty: no particular target) for acting user self.
func allows(g Grant, targetUserID, self string) bool {
	return g == Any || g == Self && (targetUserID == "" || targetUserID == self)
}
