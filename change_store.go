package meetd

import (
	"context"
	"time"
)

// ChangeStore reads the change log. Not scoped: every node's cache reads
// the changes of every company.
type ChangeStore interface {
	// Changes returns the change records with a sequence number above
	// after, oldest first, at most limit of them.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// LatestChange returns the highest change sequence number (0 if none).
	LatestChange(ctx context.Context) (int64, error)
	// PruneChanges deletes change records older than before.
	PruneChanges(ctx context.Context, before time.Time) error
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
