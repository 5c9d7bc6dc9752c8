package meetd

import "context"

// MeetingTypeStore keeps meeting types.
type MeetingTypeStore interface {
	// CreateMeetingType inserts m (ID, timestamps are set) into
	// m.CompanyID and, when inline is set, a new availability for it, in
	// one transaction. ECONFLICT "Slug Already Exists" when the owner
	// already has the slug.
	CreateMeetingType(ctx context.Context, a Actor, m MeetingType, inline *NewAvailability) (MeetingType, error)
	// MeetingTypeByID returns a company's meeting type that is not deleted.
	MeetingTypeByID(ctx context.Context, companyID, id string) (MeetingType, error)
	// ListMeetingTypes returns the meeting types f selects that are not
	// deleted, oldest first.
	ListMeetingTypes(ctx context.Context, f MeetingTypeFilter) ([]MeetingType, error)
	// UpdateMeetingType reads a company's meeting type, lets apply change
	// it and writes it back, in one transaction that concurrent updates of
	// the same meeting type wait for. An error from apply aborts the
	// update. apply runs inside the transaction: it must not call the
	// store, and it may run more than once (a transaction retried after a
	// deadlock).
	UpdateMeetingType(ctx context.Context, a Actor, companyID, id string, apply func(*MeetingType) error) (MeetingType, error)
	// DeleteMeetingType soft-deletes a company's meeting type; with
	// deleteAvailability it also deletes its availability, which is
	// ECONFLICT when other meeting types use it.
	DeleteMeetingType(ctx context.Context, a Actor, companyID, id string, deleteAvailability bool) error
}

// MeetingTypeFilter selects meeting types of one company.
type MeetingTypeFilter struct {
	CompanyID string
	UserID    string // the owner; empty: every owner
}
