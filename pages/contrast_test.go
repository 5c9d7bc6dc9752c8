package pages

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// TestBrandTextColoursAlwaysRead: whatever colours a company picks, the
// text on its primary colour, its primary colour as text on white, and the
// text on its secondary colour reach WCAG AA (4.5:1). Before, buttons and
// the chosen day were always white on the primary colour (1.4:1 on
// #ffdd00), and links were the primary colour whatever it was.
func TestBrandTextColoursAlwaysRead(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		colour := func(name string) string {
			return fmt.Sprintf("#%06x", rapid.IntRange(0, 0xffffff).Draw(t, name))
		}
		primary, secondary := colour("primary"), colour("secondary")
		op, pt, os := textColours(primary, secondary)
		for _, c := range []struct {
			what   string
			fg, bg string
		}{{"on primary", string(op), primary}, {"primary text", string(pt), white}, {"on secondary", string(os), secondary}} {
			if r := contrast(c.fg, c.bg); r < minContrast {
				t.Fatalf("%s: %s on %s is %.2f:1", c.what, c.fg, c.bg, r)
			}
		}
	})
	if op, pt, os := textColours(defaultPrimary, defaultSecondary); op != white || pt != defaultPrimary || os != defaultPrimary {
		t.Fatalf("the default palette's text colours changed: %s %s %s", op, pt, os)
	}
	if r := contrast("#fff", "#ffffff"); r != 1 {
		t.Fatalf("contrast of white with itself %.2f", r)
	}
}
