package sqldb

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// periodStart is the start (UTC) of the distribution period containing now.
func periodStart(period string, now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	switch period {
	case "day":
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case "week":
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // Monday
	default:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
}

// querier is what reading needs: the read pool, or a transaction.
type querier interface {
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// queue reads a company's queue with its active members and their
// bookings in the current distribution period (as of now).
func queue(ctx context.Context, q querier, companyID, id string, now time.Time) (meetd.Queue, error) {
	var out meetd.Queue
	if !meetd.IsUUID(id) { // every id is a UUID: anything else names nothing
		return out, meetd.Errorf(meetd.ENOTFOUND, "Queue not found")
	}
	var created, updated int64
	err := q.queryRow(ctx, `SELECT id, company_id, meeting_type_id, type, max_lead_threshold, distribution_period,
		created_at, updated_at FROM queues WHERE company_id = ? AND id = ?`, companyID, strings.ToLower(id)).Scan(&out.ID,
		&out.CompanyID, &out.MeetingTypeID, &out.Type, &out.MaxLeadThreshold, &out.DistributionPeriod, &created, &updated)
	if err != nil {
		return out, notFound(err, "Queue not found")
	}
	out.CreatedAt, out.UpdatedAt = fromMS(created), fromMS(updated)
	since := periodStart(out.DistributionPeriod, now)
	rows, err := q.query(ctx, queueMembersSQL, ms(since), out.ID)
	if err != nil {
		return out, err
	}
	members, err := scanAll(rows, func(row interface{ Scan(...any) error }) (meetd.QueueMember, error) {
		var m meetd.QueueMember
		var added int64
		var last sql.NullInt64
		if err := row.Scan(&m.UserID, &m.Priority, &m.Capacity, &m.CustomLink, &added, &last, &m.BookingsInPeriod); err != nil {
			return m, err
		}
		m.AddedAt, m.LastBookedAt = fromMS(added), timePtr(last)
		return m, nil
	})
	if len(members) > 0 {
		out.Members = members
	}
	return out, err
}

// queueMembersSQL reads a queue's active members with their latest
// booking and their bookings since a time: both seek the index
// appointments_queue_host (queue, host, cancelled, created_at), the latest
// as its last entry, the count as a range, so neither grows with the
// company's history. Its arguments are the period's start and the queue.
const queueMembersSQL = `SELECT m.user_id, m.priority, m.capacity, m.custom_link, m.added_at,
	(SELECT a.created_at FROM appointments a WHERE a.queue_id = m.queue_id AND a.main_host_id = m.user_id
		AND a.cancelled = FALSE ORDER BY a.created_at DESC LIMIT 1),
	(SELECT COUNT(*) FROM appointments a WHERE a.queue_id = m.queue_id AND a.main_host_id = m.user_id
		AND a.cancelled = FALSE AND a.created_at >= ?)
	FROM queue_members m
	WHERE m.queue_id = ? AND EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id AND u.status = 'active')
	ORDER BY m.added_at, m.user_id`

// QueueByID implements meetd.Store.
func (db *DB) QueueByID(ctx context.Context, companyID, id string) (_ meetd.Queue, err error) {
	defer meetd.Wrap(&err, "sqldb.QueueByID(%s)", id)
	return queue(ctx, db, companyID, id, db.clock.Now())
}

// UpdateQueue implements meetd.Store.
func (db *DB) UpdateQueue(ctx context.Context, a meetd.Actor, companyID, meetingTypeID string, apply func(*meetd.Queue) error) (_ meetd.Queue, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdateQueue(%s)", meetingTypeID)
	var out meetd.Queue
	err = db.update(ctx, func(t *tx) error {
		// Locking the meeting type serialises edits of its queue.
		m, err := meetingType(ctx, t, companyID, meetingTypeID, t.d.forUpdate)
		if err != nil {
			return err
		}
		q := meetd.Queue{CompanyID: m.CompanyID, MeetingTypeID: m.ID, Type: meetd.QueueSimpleRoundRobin, DistributionPeriod: "month"}
		if m.QueueID != "" {
			if q, err = queue(ctx, t, companyID, m.QueueID, t.now); err != nil {
				return err
			}
		}
		if err := apply(&q); err != nil {
			return err
		}
		if q.ID == "" {
			q.ID = meetd.NewID()
			if _, err := t.exec(ctx, `INSERT INTO queues (id, company_id, meeting_type_id, type, max_lead_threshold,
				distribution_period, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, q.ID, q.CompanyID,
				q.MeetingTypeID, q.Type, q.MaxLeadThreshold, q.DistributionPeriod, ms(t.now), ms(t.now)); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE meeting_types SET queue_id = ?, updated_at = ? WHERE id = ?`,
				q.ID, ms(t.now), q.MeetingTypeID); err != nil {
				return err
			}
		} else if _, err := t.exec(ctx, `UPDATE queues SET type = ?, max_lead_threshold = ?, distribution_period = ?,
			updated_at = ? WHERE id = ?`, q.Type, q.MaxLeadThreshold, q.DistributionPeriod, ms(t.now), q.ID); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM queue_members WHERE queue_id = ?`, q.ID); err != nil {
			return err
		}
		for _, mem := range q.Members {
			added := mem.AddedAt
			if added.IsZero() {
				added = t.now
			}
			if _, err := t.exec(ctx, `INSERT INTO queue_members (queue_id, user_id, priority, capacity, custom_link, added_at)
				VALUES (?, ?, ?, ?, ?, ?)`, q.ID, mem.UserID, mem.Priority, mem.Capacity, mem.CustomLink, ms(added)); err != nil {
				return err
			}
		}
		if err := t.audit(ctx, a, q.CompanyID, "queue.save", "queue", q.ID); err != nil {
			return err
		}
		out, err = queue(ctx, t, companyID, q.ID, t.now)
		return err
	})
	return out, err
}
