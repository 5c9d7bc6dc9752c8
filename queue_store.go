package meetd

import "context"

// QueueStore keeps round-robin queues.
type QueueStore interface {
	// QueueByID returns a company's queue with its active members and
	// their booking counts in the current distribution period.
	QueueByID(ctx context.Context, companyID, id string) (Queue, error)
	// UpdateQueue reads the queue of a company's meeting type (a new
	// simple round robin if it has none), lets apply change it and writes
	// it back with its members, linking the meeting type to it, in one
	// transaction that concurrent updates of the same queue wait for.
	// apply follows the rules of UpdateMeetingType's.
	UpdateQueue(ctx context.Context, a Actor, companyID, meetingTypeID string, apply func(*Queue) error) (Queue, error)
}
