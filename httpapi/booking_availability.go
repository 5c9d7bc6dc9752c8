package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/slots"
)

// MaxSlotWindow bounds how many days one slot query may span.
const MaxSlotWindow = 92 * 24 * time.Hour

// hostIDsParam reads hostIds given as repeated keys, comma-separated, or
// both (reference §7.3), also accepting the hostIds[] spelling.
func hostIDsParam(q url.Values) []string {
	var out []string
	seen := map[string]bool{}
	for _, key := range []string{"hostIds", "hostIds[]"} {
		for _, v := range q[key] {
			for _, id := range strings.Split(v, ",") {
				if id = strings.ToLower(strings.TrimSpace(id)); id != "" && !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// resolveHosts checks that every id is an active user of p's company and
// returns them; with a queue it returns the queue's members in round-robin
// order instead.
func (s *Server) resolveHosts(ctx context.Context, p meetd.Principal, m meetd.MeetingType, hostIDs []string, queueID string) ([]string, *meetd.Queue, error) {
	var v meetd.Validation
	switch {
	case queueID != "" && m.QueueID == "":
		v.Add("queueId", "this meeting type has no queue")
	case queueID != "" && !strings.EqualFold(queueID, m.QueueID):
		v.Add("queueId", "queueId does not belong to this meeting type")
	case queueID == "" && m.QueueID != "" && len(hostIDs) == 0:
		v.Add("queueId", "this meeting type has a queue: pass queueId")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	if queueID != "" {
		q, err := s.cfg.Store.QueueByID(ctx, m.CompanyID, m.QueueID)
		if err != nil {
			return nil, nil, err
		}
		var ids []string
		for _, mem := range q.NextHosts() {
			ids = append(ids, mem.UserID)
		}
		if len(ids) == 0 {
			v.Add("queueId", "the queue has no hosts")
			return nil, nil, v.Err()
		}
		return ids, &q, nil
	}
	// hostIds may name the meeting type's own host or, for a queue meeting
	// type, its members: nobody's calendar can be booked through another
	// user's meeting type.
	allowed := map[string]bool{m.UserID: true}
	if m.QueueID != "" {
		q, err := s.cfg.Store.QueueByID(ctx, m.CompanyID, m.QueueID)
		if err != nil {
			return nil, nil, err
		}
		for _, mem := range q.Members {
			allowed[mem.UserID] = true
		}
	}
	users, err := s.cfg.Store.UsersByIDs(ctx, p.Company.ID, hostIDs)
	if err != nil {
		return nil, nil, err
	}
	active := map[string]bool{}
	for _, u := range users {
		active[u.ID] = u.Active()
	}
	for _, id := range hostIDs {
		if !allowed[id] {
			v.Add("hostIds", "hostIds must name the meeting type's host or members of its queue")
			return nil, nil, v.Err()
		}
		if !active[id] {
			v.Add("hostIds", "every host must be an active user of your company")
			return nil, nil, v.Err()
		}
	}
	return hostIDs, nil, nil
}

// GET /v4/booking-availability answers the bookable slots of a meeting
// type in the OAS shape: {timezone, timeframes, dates[{date, spots}],
// earliestAvailableDate}. start and end take dates (whole days in the
// output time zone, end included) or datetimes.
func (s *Server) bookingAvailability(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	hostIDs, queueID := hostIDsParam(q), strings.TrimSpace(q.Get("queueId"))
	if len(hostIDs) == 0 && queueID == "" {
		return meetd.Errorf(meetd.EINVALID, "Expected hostIds or queueId")
	}
	var v meetd.Validation
	if len(hostIDs) > MaxHosts {
		v.Add("hostIds", "hostIds may name at most 50 hosts")
	}
	if q.Has("from") || q.Has("to") {
		v.Add("start", "use start and end, not from and to")
	}
	tzName := q.Get("timezone")
	if tzName == "" {
		tzName = "UTC"
	}
	loc, ok := meetd.LoadZone(tzName)
	if !ok {
		v.Add("timezone", "Invalid timezone")
		loc = time.UTC
	}
	from, _, ok1 := parseDateOrInstant(q.Get("start"), loc)
	to, toDate, ok2 := parseDateOrInstant(q.Get("end"), loc)
	if !ok1 {
		v.Add("start", "start must be an ISO 8601 date or datetime")
	}
	if !ok2 {
		v.Add("end", "end must be an ISO 8601 date or datetime")
	}
	if toDate {
		to = to.AddDate(0, 0, 1)
	}
	if ok1 && ok2 && (!to.After(from) || to.Sub(from) > MaxSlotWindow) {
		v.Add("end", "end must be after start, at most 92 days later")
	}
	method := slots.Anyone
	switch q.Get("calculationMethod") {
	case "", "anyone":
	case "everyone":
		method = slots.Everyone
	default:
		v.Add("calculationMethod", "calculationMethod must be anyone or everyone")
	}
	var durationMin *int
	if raw := q.Get("meetingDuration"); raw != "" {
		d := intParam(&v, q, "meetingDuration", 0, 5, 480)
		durationMin = &d
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	m, err := s.cfg.Store.MeetingTypeByID(ctx, p.Company.ID, q.Get("meetingTypeId"))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && !m.Enabled {
		return meetd.Errorf(meetd.EINVALID, "Meeting Type Not Found") // sic: meetergo answers 400 here
	} else if err != nil {
		return err
	}
	duration := m.Duration
	if durationMin != nil {
		if !m.DurationAllowed(*durationMin) {
			v.Add("meetingDuration", "meetingDuration must be the meeting type's duration or one of its allowedDurations")
			return v.Err()
		}
		duration = *durationMin
	}
	hosts, _, err := s.resolveHosts(ctx, p, m, hostIDs, queueID)
	if err != nil {
		return err
	}
	sq, err := s.slotQuery(ctx, m, hosts, method, time.Duration(duration)*time.Minute, from, to, q.Get("existingAppointmentId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slotsJSON(slots.Compute(sq), tzName, loc))
	return nil
}

type spotJSON struct {
	StartTime string   `json:"startTime"`
	EndTime   string   `json:"endTime"`
	HostIDs   []string `json:"hostIds"`
}

type dateJSON struct {
	Date  string     `json:"date"`
	Spots []spotJSON `json:"spots"`
}

type timeframeJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// localTime renders t in loc as ISO 8601 with milliseconds and offset (Z
// for UTC).
func localTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02T15:04:05.000Z07:00")
}

func slotsJSON(list []slots.Slot, tzName string, loc *time.Location) map[string]any {
	dates := []dateJSON{}
	frames := []timeframeJSON{}
	var lastEnd time.Time
	for _, sl := range list {
		day := sl.Start.In(loc).Format("2006-01-02")
		if len(dates) == 0 || dates[len(dates)-1].Date != day {
			dates = append(dates, dateJSON{Date: day, Spots: []spotJSON{}})
		}
		d := &dates[len(dates)-1]
		d.Spots = append(d.Spots, spotJSON{StartTime: localTime(sl.Start, loc), EndTime: localTime(sl.End, loc), HostIDs: sl.HostIDs})
		// Timeframes are the bookable windows in UTC: overlapping or
		// touching slots merge.
		if len(frames) > 0 && !sl.Start.After(lastEnd) {
			if sl.End.After(lastEnd) {
				lastEnd = sl.End
				frames[len(frames)-1].End = meetd.FormatTime(lastEnd)
			}
			continue
		}
		lastEnd = sl.End
		frames = append(frames, timeframeJSON{Start: meetd.FormatTime(sl.Start), End: meetd.FormatTime(sl.End)})
	}
	var earliest any
	if len(dates) > 0 {
		earliest = dates[0].Date
	}
	return map[string]any{"timezone": tzName, "timeframes": frames, "dates": dates, "earliestAvailableDate": earliest}
}
