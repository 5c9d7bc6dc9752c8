package httpapi

import (
	"bufio"
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

// appendLocalTime appends t in loc as localTime renders it, written by
// hand: a month of slots for ten hosts formats thousands of times, and
// time.Format spends most of its effort reading the layout.
func appendLocalTime(b []byte, t time.Time, loc *time.Location) []byte {
	t = t.In(loc)
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	}
	hour, minute, sec := t.Clock()
	b = appendDate(b, year, month, day)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1e6, 3) // truncated, as Format does
	_, offset := t.Zone()
	if offset == 0 {
		return append(b, 'Z')
	}
	// Z07:00 writes whole minutes of the offset, as time.Format does.
	zone := offset / 60
	if zone < 0 {
		b = append(b, '-')
		zone = -zone
	} else {
		b = append(b, '+')
	}
	b = appendDigits(b, zone/60, 2)
	b = append(b, ':')
	return appendDigits(b, zone%60, 2)
}

// appendDate appends year-month-day as 2006-01-02 (year in 0..9999).
func appendDate(b []byte, year int, month time.Month, day int) []byte {
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	return appendDigits(b, day, 2)
}

// appendDigits appends n >= 0 in decimal, zero-padded to width digits.
func appendDigits(b []byte, n, width int) []byte {
	var d [8]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// writeSlots writes the slot answer, {dates, earliestAvailableDate,
// timeframes, timezone} (json.Marshal's key order and bytes), one spot at
// a time through a small buffer: a large answer (hostIds for every spot)
// is never held in memory whole, on top of the slots it is made from. The
// JSON is written by hand (strings through appendJSONString): reflection
// cost more than the slots themselves (BENCHMARKS.md, "Busy intervals
// cached by version").
func writeSlots(w http.ResponseWriter, list []slots.Slot, tzName string, loc *time.Location) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	bp := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(bp)
	b := (*bp)[:0]
	flush := func() {
		_, _ = bw.Write(b)
		b = b[:0]
	}
	b = append(b, `{"dates":[`...)
	// The day of the last spot, as local year, month and day.
	var (
		dayY, dayD int
		dayM       time.Month
		haveDay    bool
		first      []byte
	)
	for i, sl := range list {
		y, m, d := sl.Start.In(loc).Date()
		if !haveDay || y != dayY || m != dayM || d != dayD {
			if haveDay {
				b = append(b, "]},"...)
			}
			b = append(b, `{"date":`...)
			at := len(b)
			b = append(b, '"')
			if y < 0 || y > 9999 {
				b = sl.Start.In(loc).AppendFormat(b, "2006-01-02")
			} else {
				b = appendDate(b, y, m, d)
			}
			b = append(b, '"')
			if !haveDay {
				first = append([]byte(nil), b[at:]...)
			}
			dayY, dayM, dayD, haveDay = y, m, d, true
			b = append(b, `,"spots":[`...)
		} else if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"startTime":"`...)
		b = appendLocalTime(b, sl.Start, loc)
		b = append(b, `","endTime":"`...)
		b = appendLocalTime(b, sl.End, loc)
		b = append(b, `","hostIds":`...)
		if sl.HostIDs == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for j, id := range sl.HostIDs {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, id)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
		if len(b) >= 16<<10 {
			flush()
		}
	}
	if haveDay {
		b = append(b, "]}"...)
	}
	b = append(b, `],"earliestAvailableDate":`...)
	if first == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, first...)
	}
	// Timeframes are the bookable windows in UTC: overlapping or touching
	// slots merge.
	b = append(b, `,"timeframes":[`...)
	for i := 0; i < len(list); {
		start, end := list[i].Start, list[i].End
		for i++; i < len(list) && !list[i].Start.After(end); i++ {
			if list[i].End.After(end) {
				end = list[i].End
			}
		}
		b = append(b, `{"start":"`...)
		b = append(b, meetd.FormatTime(start)...)
		b = append(b, `","end":"`...)
		b = append(b, meetd.FormatTime(end)...)
		b = append(b, `"}`...)
		if i < len(list) {
			b = append(b, ',')
		}
		if len(b) >= 16<<10 {
			flush()
		}
	}
	b = append(b, `],"timezone":`...)
	b = appendJSONString(b, tzName)
	b = append(b, '}')
	flush()
	*bp = b
	_ = bw.Flush()
}
