package meetd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Weekdays in the order the schedule object lists them.
var Weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Hours is one open interval of a day, "HH:MM" to "HH:MM" in the
// availability's time zone; End may be "24:00".
type Hours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Day is one weekday of a weekly schedule.
type Day struct {
	Enabled bool    `json:"enabled"`
	Hours   []Hours `json:"hours"`
}

// Schedule is a weekly schedule keyed by lower-case English weekday. It
// unmarshals from both formats meetergo documents (the object form
// {"monday":{"enabled":true,"hours":[{"start","end"}]}} and the array form
// [{"dayOfWeek":"monday","intervals":[{"from","to"}]}]) and always marshals
// to the object form with all seven days.
type Schedule map[string]Day

// DefaultSchedule is Monday to Friday, 09:00 to 17:00.
func DefaultSchedule() Schedule {
	s := Schedule{}
	for i, d := range Weekdays {
		if i < 5 {
			s[d] = Day{Enabled: true, Hours: []Hours{{Start: "09:00", End: "17:00"}}}
		} else {
			s[d] = Day{Enabled: false, Hours: []Hours{}}
		}
	}
	return s
}

// MarshalJSON writes the object form with every weekday present, in order.
func (s Schedule) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, d := range Weekdays {
		day := s[d]
		if day.Hours == nil {
			day.Hours = []Hours{}
		}
		v, err := json.Marshal(day)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", d, v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON accepts the object and the array form. It checks shapes, not
// values: call Validate for that.
func (s *Schedule) UnmarshalJSON(data []byte) error {
	out := Schedule{}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var days []struct {
			DayOfWeek string `json:"dayOfWeek"`
			Intervals []struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"intervals"`
		}
		if err := json.Unmarshal(data, &days); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		for _, d := range days {
			name := strings.ToLower(d.DayOfWeek)
			day := out[name]
			day.Enabled = day.Enabled || len(d.Intervals) > 0
			for _, iv := range d.Intervals {
				day.Hours = append(day.Hours, Hours{Start: iv.From, End: iv.To})
			}
			out[name] = day
		}
	} else {
		var m map[string]Day
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		for k, v := range m {
			out[strings.ToLower(k)] = v
		}
	}
	for _, d := range Weekdays {
		if day, ok := out[d]; !ok || day.Hours == nil {
			day.Hours = []Hours{}
			out[d] = day
		}
	}
	*s = out
	return nil
}

// Validate reports the first problem with s: an unknown weekday, a time that
// is not HH:MM, or an interval that does not end after it starts.
func (s Schedule) Validate() error {
	for name := range s {
		if !isWeekday(name) {
			return fmt.Errorf("unknown weekday %q", name)
		}
	}
	for _, name := range Weekdays {
		for _, h := range s[name].Hours {
			from, ok1 := ClockMinutes(h.Start)
			to, ok2 := ClockMinutes(h.End)
			if !ok1 || !ok2 {
				return fmt.Errorf("%s: times must be HH:MM", name)
			}
			if to <= from {
				return fmt.Errorf("%s: %s-%s does not end after it starts", name, h.Start, h.End)
			}
		}
	}
	return nil
}

func isWeekday(s string) bool {
	for _, d := range Weekdays {
		if d == s {
			return true
		}
	}
	return false
}

// ClockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func ClockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, m := 0, 0
	for _, c := range s[:2] {
		if c < '0' || c > '9' {
			return 0, false
		}
		h = h*10 + int(c-'0')
	}
	for _, c := range s[3:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		m = m*10 + int(c-'0')
	}
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// LoadZone returns the IANA time zone called name. The binary embeds the
// zone database, so this works on machines without one. "UTC" is valid;
// "Local" and the empty string are not.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}
