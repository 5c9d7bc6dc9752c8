package sqldb

import (
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// A bucket's pieces come back from its column merged, in order, and only
// where they overlap the window asked for.
func TestBusyColumnRoundTrip(t *testing.T) {
	bucket := bucketOf(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	base := fromMS(bucket)
	col := encodeBusy([]busyPiece{{3600, 7200}, {0, 1800}, {7000, 9000}, {604800, 1209600}})
	if col != "0-1800;3600-9000;604800-1209600" {
		t.Fatalf("encodeBusy = %q", col)
	}
	at := func(sec int64) time.Time { return base.Add(time.Duration(sec) * time.Second) }
	cases := []struct {
		name     string
		from, to time.Time
		want     []int64 // start, end pairs in seconds after the bucket
	}{
		{"whole bucket", at(0), at(2 * 604800), []int64{0, 1800, 3600, 9000, 604800, 1209600}},
		{"window ending where a piece starts leaves it out", at(0), at(3600), []int64{0, 1800}},
		{"window starting where a piece ends leaves it out", at(1800), at(3601), []int64{3600, 9000}},
		{"a window a nanosecond past a start keeps that piece", at(0), at(3600).Add(time.Nanosecond), []int64{0, 1800, 3600, 9000}},
		{"a window a nanosecond before an end keeps that piece", at(1800).Add(-time.Nanosecond), at(3000), []int64{0, 1800}},
		{"nothing in the window", at(2000), at(3000), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeBusy(nil, "u", bucket, col, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want)/2 {
				t.Fatalf("got %d intervals %v, want %v", len(got), got, c.want)
			}
			for i, b := range got {
				if b.UserID != "u" || !b.Start.Equal(at(c.want[2*i])) || !b.End.Equal(at(c.want[2*i+1])) {
					t.Fatalf("interval %d = %v, want %d-%d", i, b, c.want[2*i], c.want[2*i+1])
				}
			}
		})
	}
}

func TestBusyColumnRefusesWhatItDidNotWrite(t *testing.T) {
	for _, col := range []string{"-", "1-", "-1", "1-2;", ";1-2", "1-2;;3-4", "1+2", "a-b", "1-2-3", "12345678-1", "1-2 ", " 1-2"} {
		if _, err := decodeBusy(nil, "u", 0, col, time.Unix(0, 0), time.Unix(1<<40, 0)); err == nil {
			t.Errorf("decodeBusy(%q) read it", col)
		}
	}
}

// FuzzBusyColumn: any column either fails or yields intervals inside the
// window; what encodeBusy writes always reads back.
func FuzzBusyColumn(f *testing.F) {
	for _, s := range []string{"", "0-1800", "0-1800;3600-9000", "1-2;", "9999999-1"} {
		f.Add(s)
	}
	from, to := time.UnixMilli(0).UTC(), time.UnixMilli(2*busyBucketMS).UTC()
	f.Fuzz(func(t *testing.T, col string) {
		got, err := decodeBusy(nil, "u", 0, col, from, to)
		if err != nil {
			return
		}
		var pieces []busyPiece
		for _, b := range got {
			if !b.Start.Before(to) || !b.End.After(from) {
				t.Fatalf("%q: %v outside the window", col, b)
			}
			pieces = append(pieces, busyPiece{b.Start.Unix(), b.End.Unix()})
		}
		again := encodeBusy(pieces)
		if _, err := decodeBusy([]meetd.HostBusy{}, "u", 0, again, from, to); err != nil {
			t.Fatalf("%q re-encoded as %q does not read back: %v", col, again, err)
		}
	})
}
