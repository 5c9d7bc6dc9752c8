package httpapi

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/scheduling"
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

// GET /v4/booking-availability answers the bookable slots of a meeting
// type in the OAS shape: {timezone, timeframes, dates[{date, spots}],
// earliestAvailableDate}. start and end take dates (whole days in the
// output time zone, end included) or datetimes.
func (s *Server) bookingAvailability(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	hostIDs, queueID := hostIDsParam(q), strings.TrimSpace(q.Get("queueId"))
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
	req := scheduling.SlotRequest{MeetingTypeID: q.Get("meetingTypeId"), HostIDs: hostIDs, QueueID: queueID,
		Method: method, From: from, To: to, ExceptAppointmentID: q.Get("existingAppointmentId")}
	if durationMin != nil {
		req.Duration = *durationMin
	}
	list, err := s.scheduler().Slots(r.Context(), p, req)
	if err != nil {
		return err
	}
	writeSlots(w, list, tzName, loc)
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

// writeSlots writes the slot answer, {dates, earliestAvailableDate,
// timeframes, timezone} (json.Marshal's key order), one spot at a time
// through a small buffer: a large answer (hostIds for every spot) is never
// held in memory whole, on top of the slots it is made from.
func writeSlots(w http.ResponseWriter, list []slots.Slot, tzName string, loc *time.Location) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := func(v any) {
		b, _ := json.Marshal(v) // strings and slices of strings: it cannot fail
		_, _ = bw.Write(b)
	}
	// Timeframes are the bookable windows in UTC: overlapping or touching
	// slots merge. There are few, so they are gathered first.
	frames := []timeframeJSON{}
	var lastEnd time.Time
	for _, sl := range list {
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
	_, _ = bw.WriteString(`{"dates":[`)
	day, first := "", ""
	for i, sl := range list {
		d := sl.Start.In(loc).Format("2006-01-02")
		if d != day {
			if day != "" {
				_, _ = bw.WriteString("]},")
			} else {
				first = d
			}
			day = d
			_, _ = bw.WriteString(`{"date":`)
			enc(d)
			_, _ = bw.WriteString(`,"spots":[`)
		} else if i > 0 {
			_ = bw.WriteByte(',')
		}
		enc(spotJSON{StartTime: localTime(sl.Start, loc), EndTime: localTime(sl.End, loc), HostIDs: sl.HostIDs})
	}
	if day != "" {
		_, _ = bw.WriteString("]}")
	}
	_, _ = bw.WriteString(`],"earliestAvailableDate":`)
	if first == "" {
		_, _ = bw.WriteString("null")
	} else {
		enc(first)
	}
	_, _ = bw.WriteString(`,"timeframes":`)
	enc(frames)
	_, _ = bw.WriteString(`,"timezone":`)
	enc(tzName)
	_, _ = bw.WriteString("}")
	_ = bw.Flush()
}
