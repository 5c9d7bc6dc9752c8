package scheduling

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

func TestSlotCost(t *testing.T) {
	now := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	fiveMin := meetd.MeetingType{Duration: 30, TimeslotInterval: 5}
	halfHour := meetd.MeetingType{Duration: 30}
	thirtyDayLimit := fiveMin
	thirtyDayLimit.DaysIntoFuture = json.RawMessage(`{"mode":"limit","bookingLimit":43200}`)
	for _, c := range []struct {
		name   string
		m      meetd.MeetingType
		window time.Duration
		hosts  int
		ok     bool
	}{
		{"passes: 31 days of 5-minute starts for 10 hosts", fiveMin, 31 * day, 10, true},
		{"passes: 92 days of 30-minute starts for 50 hosts", halfHour, 92 * day, 50, true},
		{"passes: 92 days of 5-minute starts for 9 hosts", fiveMin, 92 * day, 9, true},
		{"passes: 92 days of 5-minute starts for 20 hosts within a 30-day booking window", thirtyDayLimit, 92 * day, 20, true},
		{"refused: 92 days of 5-minute starts for 50 hosts", fiveMin, 92 * day, 50, false},
		{"refused: 31 days of 5-minute starts for 50 hosts", fiveMin, 31 * day, 50, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := checkSlotCost(c.m, now, now, now.Add(c.window), 30*time.Minute, c.hosts)
			if c.ok != (err == nil) {
				t.Fatalf("checkSlotCost = %v, want ok %v", err, c.ok)
			}
			if err == nil {
				return
			}
			var e *meetd.Error
			if !errors.As(err, &e) || e.Code != meetd.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "end" ||
				!strings.Contains(e.Fields[0].Message, "at most 250000") || !strings.Contains(e.Fields[0].Message, "shorter window") {
				t.Fatalf("the refusal %#v does not say the limit and how to stay under it", err)
			}
		})
	}
}
