package sqldb

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/meetd/meetd"
)

// TestParsedSchedulesAreCopies: a schedule parsed from text already seen
// equals json.Unmarshal's answer (nil and empty lists of hours kept apart),
// and changing one caller's copy changes no other caller's.
func TestParsedSchedulesAreCopies(t *testing.T) {
	for _, text := range []string{
		`{"monday":{"enabled":true,"hours":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}]},"sunday":{"enabled":false,"hours":null},"saturday":{"enabled":false,"hours":[]}}`,
		`[{"dayOfWeek":"tuesday","intervals":[{"from":"08:00","to":"10:00"}]}]`,
	} {
		var want meetd.Schedule
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			got, err := parseSchedule(text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("parseSchedule(%s) = %#v, want %#v", text, got, want)
			}
			for k, d := range got { // a caller changing its copy
				if len(d.Hours) > 0 {
					d.Hours[0].Start = "00:00"
				}
				d.Enabled = !d.Enabled
				got[k] = d
			}
			got["friday"] = meetd.Day{Enabled: true}
		}
	}
	if _, err := parseSchedule(`{"monday":`); err == nil {
		t.Fatal("a broken schedule parsed")
	}
}
