package meetd_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// TestFormatTimeIsTheLayout: FormatTime writes exactly what time.Format
// with its layout writes, for any instant in any zone, years beyond four
// digits included.
func TestFormatTimeIsTheLayout(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	times := []time.Time{
		{}, time.Unix(0, 0), time.Date(2024, 1, 15, 10, 30, 0, 999_999_999, time.UTC),
		time.Date(2026, 3, 29, 2, 30, 0, 1_000_000, berlin), time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		times = append(times, time.Unix(rng.Int64N(400_000_000_000)-62_000_000_000, rng.Int64N(1e9)).In(berlin))
	}
	for _, tm := range times {
		if got, want := meetd.FormatTime(tm), tm.UTC().Format("2006-01-02T15:04:05.000Z"); got != want {
			t.Fatalf("FormatTime(%v) = %q, want %q", tm, got, want)
		}
	}
}
