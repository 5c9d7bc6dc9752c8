package meetd

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Contact is a person a company keeps in its CRM (docs/decisions.md#contacts):
// everyone who books is one, matched by e-mail within the company, and
// contacts can be made and changed by hand. A contact has an e-mail or a
// phone number; a non-empty e-mail is unique within the company, compared
// case-insensitively.
type Contact struct {
	ID           string
	CompanyID    string
	FirstName    string
	LastName     string
	Email        string
	PhoneNumber  string
	Language     string
	Tags         []string
	Notes        string
	CRMCompanyID string
	// AccountOwnerID is the user who owns the contact; members reach only
	// the contacts they own (auth.ManageContacts).
	AccountOwnerID string
	// AdditionalData holds custom answers keyed by data-field name.
	AdditionalData map[string]json.RawMessage
	// Address is kept as the client sent it (line1..3, city, zip, country).
	Address     json.RawMessage
	Title       string
	Employer    string
	Seniority   string
	Function    string
	Location    string
	NoShowCount int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ContactAppointment is one appointment a contact attended, as the CRM
// lists it beside the contact.
type ContactAppointment struct {
	AppointmentID string
	AttendeeID    string
	MeetingTypeID string
	MainHostID    string
	Start, End    time.Time
	Cancelled     bool
	// Removed is set when the contact left the appointment (it goes on
	// for the others).
	Removed bool
}

// ContactDetails is a contact with the appointments it attended, oldest
// first, and the start of the next one that is neither cancelled nor left.
type ContactDetails struct {
	Contact         Contact
	Appointments    []ContactAppointment
	NextAppointment *time.Time
}

// Contact sort keys (GET /crm sortBy) and orders.
const (
	ContactSortCreatedAt = "createdAt"
	ContactSortFirstName = "firstName"
	ContactSortLastName  = "lastName"
	ContactSortEmail     = "email"
)

// Contact paging limits: meetergo's default page of 20, at most 100.
const (
	ContactDefaultLimit = 20
	ContactMaxLimit     = 100
	// MaxBulkContacts is the most contacts one POST /crm/bulk creates,
	// and MaxBulkDelete the most ids one POST /crm/bulk-delete takes.
	MaxBulkContacts = 1000
	MaxBulkDelete   = 500
)

// ContactFilter selects a page of one company's contacts.
type ContactFilter struct {
	CompanyID string // required
	// Search matches a substring of the names, the e-mail or the phone
	// number, in any case.
	Search string
	// Tags keeps contacts that carry every one of them.
	Tags []string
	// OwnerID keeps the contacts of one account owner.
	OwnerID    string
	SortBy     string // one of the ContactSort constants; createdAt when empty
	Descending bool
	// Now dates the NextAppointment of each row.
	Now    time.Time
	Limit  int
	Offset int
}

// ContactPatch changes a contact; a nil field stays as it is. Tags
// replace the list; AdditionalData merges key by key, a JSON null
// removing a key; a pointer to "" clears a text field.
type ContactPatch struct {
	FirstName, LastName, Email, PhoneNumber, Language, Notes   *string
	Title, Employer, Seniority, Function, Location, CRMCompany *string
	AccountOwnerID                                             *string
	Tags                                                       *[]string
	AdditionalData                                             map[string]json.RawMessage
	Address                                                    *json.RawMessage
}

// BulkContactsResult is what POST /crm/bulk reports: how many rows were
// created, updated (an existing e-mail with updateExisting) or skipped (an
// existing e-mail without it), and the rows that failed with why.
type BulkContactsResult struct {
	Created, Updated, Skipped, Failed int
	Issues                            []BulkIssue
}

// BulkContactsOptions says how BulkCreateContacts treats rows.
type BulkContactsOptions struct {
	// UpdateExisting updates the contact a row's e-mail names instead of
	// skipping the row.
	UpdateExisting bool
	// Check decides whether the caller may update an existing contact
	// (nil allows every one).
	Check func(Contact) error
	// Owner owns the new contacts of rows without an account owner; an
	// existing contact keeps its owner unless the row names one.
	Owner string
}

// BulkIssue is one row of a bulk import that was not created.
type BulkIssue struct {
	Row     int // 0-based index in the request
	Email   string
	Message string
}

// ContactStore keeps contacts. Each method is one transaction, scoped by
// company: another company's contact is ENOTFOUND.
type ContactStore interface {
	// CreateContact stores c (ID, times and CompanyID's rows set by the
	// store) with a "contact.create" audit entry. An e-mail the company's
	// contacts already have is ECONFLICT.
	CreateContact(ctx context.Context, a Actor, c Contact) (Contact, error)
	// ContactByID returns a contact with its appointments, dated by now.
	ContactByID(ctx context.Context, companyID, id string, now time.Time) (ContactDetails, error)
	// ContactByAttendee returns the contact of an attendee of one of the
	// company's appointments, ENOTFOUND when the attendee is unknown or
	// has no contact (it was deleted, or the attendee erased).
	ContactByAttendee(ctx context.Context, companyID, attendeeID string, now time.Time) (ContactDetails, error)
	// ListContacts returns the page f selects with each row's details, and
	// how many contacts f selects before paging.
	ListContacts(ctx context.Context, f ContactFilter) ([]ContactDetails, int, error)
	// UpdateContact applies p to a contact, checked by check (which may
	// refuse with an error) against the contact as it stands, with a
	// "contact.update" audit entry.
	UpdateContact(ctx context.Context, a Actor, companyID, id string, check func(Contact) error, p ContactPatch) (Contact, error)
	// DeleteContact deletes a contact, checked by check, with a
	// "contact.delete" audit entry. Its appointments stay; their
	// attendees lose the link.
	DeleteContact(ctx context.Context, a Actor, companyID, id string, check func(Contact) error) error
	// BulkCreateContacts creates cs in one transaction. A row whose e-mail
	// a contact already has updates that contact when o.UpdateExisting (an
	// empty field of the row leaves the contact's as it is) and o.Check
	// allows it as it stands, fails with Check's message when it refuses,
	// and is skipped without UpdateExisting. A new contact without an
	// account owner gets o.Owner. One "contact.bulk_create" audit entry.
	BulkCreateContacts(ctx context.Context, a Actor, companyID string, cs []Contact, o BulkContactsOptions) (BulkContactsResult, error)
	// BulkDeleteContacts deletes the company's contacts among ids that
	// keep allows, and returns how many it deleted.
	BulkDeleteContacts(ctx context.Context, a Actor, companyID string, ids []string, keep func(Contact) bool) (int, error)
}

// ValidateContact checks a contact as created: an e-mail or a phone
// number, lengths, a well-formed e-mail.
func ValidateContact(c Contact) error {
	var v Validation
	if strings.TrimSpace(c.Email) == "" && strings.TrimSpace(c.PhoneNumber) == "" {
		v.Add("email", "email or phoneNumber must be provided")
	}
	checkContactFields(&v, c)
	return v.Err()
}

func checkContactFields(v *Validation, c Contact) {
	if c.Email != "" && !ValidEmail(c.Email) {
		v.Add("email", "email must be an email")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"firstName", c.FirstName, 255}, {"lastName", c.LastName, 255}, {"phoneNumber", c.PhoneNumber, 50},
		{"language", c.Language, 8}, {"notes", c.Notes, 10000}, {"title", c.Title, 255}, {"employer", c.Employer, 255},
		{"seniority", c.Seniority, 255}, {"function", c.Function, 255}, {"location", c.Location, 255}} {
		if len(f.value) > f.max {
			v.Add(f.name, f.name+" must be shorter than or equal to "+strconv.Itoa(f.max)+" characters")
		}
	}
	if len(c.Tags) > 100 {
		v.Add("tags", "tags must contain no more than 100 elements")
	}
	for _, t := range c.Tags {
		if strings.TrimSpace(t) == "" || len(t) > 100 {
			v.Add("tags", "each value in tags must be a non-empty string of at most 100 characters")
			break
		}
	}
}

// ContactFromAttendee is the contact a booking makes of an attendee: the
// names (split from the full name when the attendee gave only that), the
// e-mail, phone and language.
func ContactFromAttendee(at Attendee) Contact {
	first, last := at.Firstname, at.Lastname
	if first == "" && last == "" && at.Fullname != "" {
		first, last, _ = strings.Cut(strings.TrimSpace(at.Fullname), " ")
		last = strings.TrimSpace(last)
	}
	return Contact{FirstName: first, LastName: last, Email: at.Email, PhoneNumber: at.Phone, Language: at.Language}
}

// ErasedAttendeeName is what an erased attendee is called wherever a name
// is shown (docs/decisions.md#gdpr-erasure).
const ErasedAttendeeName = "Erased attendee"

// GDPRErasure reports what POST /v4/gdpr/erase changed: the records
// anonymised or deleted, by kind. Subject is the SHA-256 of the
// lower-cased address, which the audit entry names instead of the address.
type GDPRErasure struct {
	ID      string
	Subject string
	Counts  map[string]int
}

// GDPRErasureStore erases a person from one company.
type GDPRErasureStore interface {
	// EraseGDPR removes every trace of email (compared case-insensitively)
	// and of the names it went by from companyID's records in one
	// transaction: contacts are deleted; attendees, appointments' attendee
	// copies, provisional bookings, outbox messages, webhook payloads,
	// stored idempotent answers and any other text of the company that
	// names them are anonymised; GDPR exports naming them are deleted.
	// The appointments stay, their attendee called ErasedAttendeeName. A
	// user of the company with that address is ECONFLICT (users are
	// removed with DELETE /v4/user). One "gdpr.erase" audit entry naming
	// only the hash.
	EraseGDPR(ctx context.Context, a Actor, companyID, email string) (GDPRErasure, error)
}
