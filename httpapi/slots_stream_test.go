package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/slots"
)

// marshalSlots is the slot answer built whole and marshalled at once: what
// writeSlots must write byte for byte.
func marshalSlots(list []slots.Slot, tzName string, loc *time.Location) []byte {
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
	b, _ := json.Marshal(map[string]any{"timezone": tzName, "timeframes": frames, "dates": dates, "earliestAvailableDate": earliest})
	return b
}

func TestWriteSlotsMatchesMarshal(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	stJohns, _ := time.LoadLocation("America/St_Johns")
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	slot := func(s time.Time, hosts ...string) slots.Slot {
		return slots.Slot{Start: s, End: s.Add(30 * time.Minute), HostIDs: hosts}
	}
	for _, c := range []struct {
		name string
		list []slots.Slot
		tz   string
		loc  *time.Location
	}{
		{"no slots", nil, "UTC", time.UTC},
		{"one slot", []slots.Slot{slot(at(3, 9, 0), "a")}, "UTC", time.UTC},
		{"several days, gaps and hosts", []slots.Slot{slot(at(3, 9, 0), "a", "b"), slot(at(3, 9, 15), "a"),
			slot(at(3, 11, 0), "b"), slot(at(3, 23, 30), "a"), slot(at(4, 8, 0), "a", "b", "c")}, "Europe/Berlin", berlin},
		{"offsets west of UTC, half hours and a DST change", []slots.Slot{slot(at(7, 23, 45), "a"), slot(at(8, 3, 30), "a"),
			slot(at(8, 3, 0).Add(1234*time.Millisecond), "b"), slot(at(9, 12, 0), "a", "b")}, "America/St_Johns", stJohns},
		{"east of UTC across the spring change", []slots.Slot{slot(at(28, 23, 30), "a"), slot(at(29, 0, 0), "a"),
			slot(at(29, 1, 0), "a")}, "Europe/Berlin", berlin},
		{"names that JSON escapes", []slots.Slot{slot(at(3, 9, 0), `a"<b>&`)}, `Etc/<"x">`, time.UTC},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeSlots(rec, c.list, c.tz, c.loc)
			if want := marshalSlots(c.list, c.tz, c.loc); rec.Body.String() != string(want) {
				t.Fatalf("streamed\n%s\nwant\n%s", rec.Body, want)
			}
		})
	}
}
