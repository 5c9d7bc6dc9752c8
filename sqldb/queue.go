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

// QueueByID implements meetd.Store.
func (db *DB) QueueByID(ctx context.Context, id string) (meetd.Queue, error) {
	id = strings.ToLower(id) // ids are stored lower-case; clients may send either
	var q meetd.Queue
	var created, updated int64
	err := db.queryRow(ctx, `SELECT id, company_id, meeting_type_id, type, max_lead_threshold, distribution_period,
		created_at, updated_at FROM queues WHERE id = ?`, id).Scan(&q.ID, &q.CompanyID, &q.MeetingTypeID, &q.Type,
		&q.MaxLeadThreshold, &q.DistributionPeriod, &created, &updated)
	if err != nil {
		return q, notFound(err, "Queue not found")
	}
	q.CreatedAt, q.UpdatedAt = fromMS(created), fromMS(updated)
	since := periodStart(q.DistributionPeriod, db.clock.Now())
	rows, err := db.query(ctx, `SELECT m.user_id, m.priority, m.capacity, m.custom_link, m.added_at,
		(SELECT MAX(a.created_at) FROM appointments a WHERE a.queue_id = m.queue_id AND a.main_host_id = m.user_id AND a.cancelled = FALSE),
		(SELECT COUNT(*) FROM appointments a WHERE a.queue_id = m.queue_id AND a.main_host_id = m.user_id AND a.cancelled = FALSE AND a.created_at >= ?)
		FROM queue_members m JOIN users u ON u.id = m.user_id
		WHERE m.queue_id = ? AND u.status = 'active' ORDER BY m.added_at, m.user_id`, ms(since), id)
	if err != nil {
		return q, err
	}
	defer rows.Close()
	for rows.Next() {
		var m meetd.QueueMember
		var added int64
		var last sql.NullInt64
		if err := rows.Scan(&m.UserID, &m.Priority, &m.Capacity, &m.CustomLink, &added, &last, &m.BookingsInPeriod); err != nil {
			return q, err
		}
		m.AddedAt, m.LastBookedAt = fromMS(added), timePtr(last)
		q.Members = append(q.Members, m)
	}
	return q, rows.Err()
}

// SaveQueue implements meetd.Store.
func (db *DB) SaveQueue(ctx context.Context, a meetd.Actor, q meetd.Queue) (meetd.Queue, error) {
	err := db.update(ctx, func(t *tx) error {
		if q.ID == "" {
			q.ID, q.CreatedAt = meetd.NewID(), t.now
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
		for _, m := range q.Members {
			added := m.AddedAt
			if added.IsZero() {
				added = t.now
			}
			if _, err := t.exec(ctx, `INSERT INTO queue_members (queue_id, user_id, priority, capacity, custom_link, added_at)
				VALUES (?, ?, ?, ?, ?, ?)`, q.ID, m.UserID, m.Priority, m.Capacity, m.CustomLink, ms(added)); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, q.CompanyID, "queue.save", "queue", q.ID)
	})
	if err != nil {
		return meetd.Queue{}, err
	}
	return db.QueueByID(ctx, q.ID)
}
