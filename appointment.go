package meetd

import (
	"encoding/json"
	"time"
)

// Attendee is a person of an appointment: the one who booked, or a guest
// (GuestOf names the attendee who brought them). Notes holds form answers,
// UTM parameters and metadata as sent. The JSON form is the one stored in
// the appointment's attendee column before attendees had rows; ID, GuestOf
// and BringalongEmails live in the attendee table only.
type Attendee struct {
	ID               string          `json:"-"`
	GuestOf          string          `json:"-"`
	Email            string          `json:"email"`
	Firstname        string          `json:"firstname"`
	Lastname         string          `json:"lastname"`
	Fullname         string          `json:"fullname"`
	Phone            string          `json:"phone,omitempty"`
	Timezone         string          `json:"timezone,omitempty"`
	Language         string          `json:"language,omitempty"`
	ReceiveReminders bool            `json:"receiveReminders"`
	Notes            json.RawMessage `json:"notes"`
	// BringalongEmails are the guests asked for at booking; the booking
	// makes each an attendee with GuestOf set.
	BringalongEmails []string `json:"-"`
}

// Guest limits (docs/decisions.md#attendees-and-guests): a booking brings
// at most MaxBookingGuests guests, an appointment has at most MaxGuests.
const (
	MaxBookingGuests = 5
	MaxGuests        = 10
)

// Limits of the host-side texts of an appointment.
const (
	MaxNoteLength          = 10000
	MaxTranscriptionLength = 200000
)

// Appointment is a confirmed booking. Cancelled appointments are kept and
// free their slot.
type Appointment struct {
	ID            string
	CompanyID     string
	MeetingTypeID string
	MainHostID    string
	HostIDs       []string
	Start, End    time.Time
	Secret        string
	Channel       string
	Location      string
	// Attendee is the first attendee still on the appointment (the one
	// who booked, unless removed); Attendees are all of them, in the
	// order they joined, guests included.
	Attendee        Attendee
	Attendees       []Attendee
	QueueID         string
	SelectionReason string
	// Note is the host's note; Transcription and Summary are nil until
	// set.
	Note                   string
	Transcription, Summary *string
	CredentialID           string
	Cancelled              bool
	CancelReason           string
	CancelSource           string // "host", "attendee", "api"
	CancelledBy            string
	CancelledAt            *time.Time
	RescheduledAt          *time.Time
	RescheduleCount        int
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// NewAppointment is what BookAppointment needs. The store checks, in the
// same transaction that inserts it, that no host has an overlapping
// appointment within the padding (BufferBefore/After).
type NewAppointment struct {
	CompanyID, MeetingTypeID string
	HostIDs                  []string // the first is the main host
	Start, End               time.Time
	BufferBefore             time.Duration
	BufferAfter              time.Duration
	Channel, Location        string
	Attendee                 Attendee
	QueueID, SelectionReason string
	CredentialID             string
	// IdempotencyKey, when set, is recorded with the appointment: one
	// credential's key books at most once within IdempotencyTTL, even
	// across a crash between the booking and its stored answer.
	IdempotencyKey string
	// Metered records a usage event (bookings on an api-platform company).
	Metered bool
	// OneTimeLinkID, when set, books through that one-time link of the
	// company and meeting type, which the booking uses up in its own
	// transaction; a link that does not work is one of the ErrOneTimeLink
	// errors and books nothing.
	OneTimeLinkID string
}

// AppointmentTexts changes the host-side texts of an appointment; a field
// whose Set flag is false stays as it is, a nil Transcription or Summary
// clears it.
type AppointmentTexts struct {
	SetNote                      bool
	Note                         string
	SetTranscription, SetSummary bool
	Transcription, Summary       *string
}

// ErrSlotTaken is the 409 of a booking, reschedule or confirmation whose
// slot is no longer free.
var ErrSlotTaken = &Error{Code: ECONFLICT, Message: "Slot no longer available"}

// AppointmentFilter selects appointments of one company.
type AppointmentFilter struct {
	CompanyID     string
	HostID        string // empty: every host
	MeetingTypeID string
	From, To      *time.Time // appointments that end after From and start before To
	Status        string     // "", "active", "cancelled"
	// Ended, when set, keeps the appointments that end at or before it.
	Ended *time.Time
	// Search keeps the appointments with an attendee whose e-mail or
	// name contains it, ignoring case.
	Search        string
	ByCreation    bool // order by creation rather than start
	Descending    bool
	Limit, Offset int
}

// Provisional booking statuses.
const (
	ProvisionalPending   = "pending"
	ProvisionalConfirmed = "confirmed"
	ProvisionalExpired   = "expired"
)

// ProvisionalTTL is how long an unconfirmed double opt-in booking waits.
const ProvisionalTTL = 24 * time.Hour

// ProvisionalBooking is a booking waiting for the attendee's confirmation
// (double opt-in). It does not hold its slot: confirming a slot someone
// else took meanwhile is a 409.
type ProvisionalBooking struct {
	ID            string
	CompanyID     string
	MeetingTypeID string
	HostIDs       []string
	QueueID       string
	Start, End    time.Time
	// Request is the booking request as received, returned as "dto".
	Request       json.RawMessage
	AttendeeEmail string
	TokenHash     []byte
	// Token is the confirmation token itself, given to CreateProvisional
	// only so that the confirmation e-mail it queues can carry the link;
	// the outbox keeps it until that e-mail is sent, nothing else does.
	Token         string
	Status        string
	AppointmentID string
	CredentialID  string
	ExpiresAt     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// UsageMonth is the number of metered bookings in one calendar month (UTC),
// in all and per credential.
type UsageMonth struct {
	Month        string // "2026-11"
	Bookings     int
	ByCredential map[string]int
}

// Idempotency-Key lifetimes (docs/architecture.md#beyond-meetergo): a stored
// answer is replayed for IdempotencyTTL; a key reserved by a request that
// never finished (a crash) is free again after IdempotencyPendingTTL.
const (
	IdempotencyTTL        = 24 * time.Hour
	IdempotencyPendingTTL = time.Minute
)

// StoredResponse is a response kept for an Idempotency-Key; Status 0 means
// the first request with the key is still running.
type StoredResponse struct {
	Route       string
	RequestHash []byte
	Status      int
	Body        []byte
	CreatedAt   time.Time
}
