package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxDays keeps a day count inside time.Duration (about 292 years).
const maxDays = 100000

// parseDuration reads Go's duration syntax plus whole days ("90d"), and
// combinations such as "1d12h".
func parseDuration(s string) (time.Duration, error) {
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("invalid duration %q: use e.g. 90d, 36h or 2s", s)
		}
		if n > maxDays {
			return 0, fmt.Errorf("duration %q is too large: at most %dd", s, maxDays)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q: use e.g. 90d, 36h or 2s", s)
	}
	if d > math.MaxInt64-days {
		return 0, fmt.Errorf("duration %q is too large", s)
	}
	return days + d, nil
}

// durationFlag is a flag.Value holding a DURATION and the text it was
// given as, which messages repeat.
type durationFlag struct {
	d    time.Duration
	text string
}

func (f *durationFlag) String() string {
	if f.text != "" {
		return f.text
	}
	return f.d.String()
}

func (f *durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	f.d, f.text = d, s
	return err
}
