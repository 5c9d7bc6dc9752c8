package slots

import (
	"fmt"
	"testing"
	"time"
)

// ivs builds intervals from pairs of minutes after an arbitrary epoch, and
// show renders them back, so interval arithmetic reads as numbers.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ivs(pairs ...int) []Interval {
	out := make([]Interval, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Interval{epoch.Add(time.Duration(pairs[i]) * time.Minute), epoch.Add(time.Duration(pairs[i+1]) * time.Minute)})
	}
	return out
}

func show(ivs []Interval) string {
	s := ""
	for _, iv := range ivs {
		s += fmt.Sprintf("[%v,%v)", iv.Start.Sub(epoch).Minutes(), iv.End.Sub(epoch).Minutes())
	}
	return s
}

func TestNormalize(t *testing.T) {
	tests := map[string]struct{ in, want []Interval }{
		"nothing stays nothing":              {nil, nil},
		"unsorted intervals come out sorted": {ivs(5, 6, 1, 2), ivs(1, 2, 5, 6)},
		"overlapping intervals merge":        {ivs(1, 4, 2, 3, 3, 6), ivs(1, 6)},
		"touching intervals merge":           {ivs(4, 6, 1, 4), ivs(1, 6)},
		"empty and backwards intervals drop": {ivs(3, 3, 5, 4, 1, 2), ivs(1, 2)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := show(normalize(tc.in)); got != show(tc.want) {
				t.Fatalf("got %s, want %s", got, show(tc.want))
			}
		})
	}
}

func TestSubtract(t *testing.T) {
	tests := map[string]struct{ a, b, want []Interval }{
		"nothing removed keeps all":                  {ivs(1, 5), nil, ivs(1, 5)},
		"hole in the middle splits":                  {ivs(1, 10), ivs(3, 4, 6, 7), ivs(1, 3, 4, 6, 7, 10)},
		"cover of both ends trims":                   {ivs(3, 8), ivs(1, 4, 7, 9), ivs(4, 7)},
		"one long block cuts several intervals":      {ivs(1, 3, 4, 6, 7, 9), ivs(2, 8), ivs(1, 2, 8, 9)},
		"block touching an interval leaves it whole": {ivs(3, 5), ivs(1, 3, 5, 7), ivs(3, 5)},
		"total cover leaves nothing":                 {ivs(3, 5), ivs(1, 9), nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := show(subtract(tc.a, tc.b)); got != show(tc.want) {
				t.Fatalf("got %s, want %s", got, show(tc.want))
			}
		})
	}
}

func TestIntersect(t *testing.T) {
	tests := map[string]struct{ a, b, want []Interval }{
		"either side empty gives nothing":   {ivs(1, 5), nil, nil},
		"overlaps are kept":                 {ivs(1, 5, 7, 9), ivs(4, 8), ivs(4, 5, 7, 8)},
		"touching intervals share nothing":  {ivs(1, 3), ivs(3, 5), nil},
		"one interval inside another stays": {ivs(1, 10), ivs(2, 3, 4, 5), ivs(2, 3, 4, 5)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := show(intersect(tc.a, tc.b)); got != show(tc.want) {
				t.Fatalf("got %s, want %s", got, show(tc.want))
			}
		})
	}
}
