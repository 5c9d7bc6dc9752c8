package pages

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// The default palette (style.css) and the two text colours a brand colour
// is paired with. The default palette passes WCAG AA; a company's own
// colours need not, so the pages pick the text colours that go with them.
const (
	defaultPrimary   = "#1d4ed8"
	defaultSecondary = "#eef2ff"
	white            = "#ffffff"
	// ink is the text colour of the page; black, not ink, is the dark
	// choice on a brand colour, since only white or black reaches 4.5:1 on
	// every colour.
	ink   = "#111827"
	black = "#000000"
	// minContrast is WCAG AA's ratio for body text.
	minContrast = 4.5
)

// textColours are the text colours of a brand: on the primary colour
// (buttons, the chosen day), the primary colour as text on white (links),
// and text on the secondary colour (days with free times).
func textColours(primary, secondary string) (onPrimary, primaryText, onSecondary template.CSS) {
	if primary == "" {
		primary = defaultPrimary
	}
	if secondary == "" {
		secondary = defaultSecondary
	}
	onPrimary = template.CSS(bestOf(primary, white, black))
	pt := primary
	if contrast(primary, white) < minContrast {
		pt = ink
	}
	os := pt
	if contrast(pt, secondary) < minContrast {
		os = bestOf(secondary, white, black)
	}
	return onPrimary, template.CSS(pt), template.CSS(os)
}

// bestOf is whichever of a and b reads better on bg.
func bestOf(bg, a, b string) string {
	if contrast(bg, a) >= contrast(bg, b) {
		return a
	}
	return b
}

// contrast is WCAG's contrast ratio of two #rgb or #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is WCAG's relative luminance of a #rgb or #rrggbb colour
// (meetd.PersonalPage.Validate lets no other form through).
func luminance(hex string) float64 {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return 0
	}
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		x := float64(v) / 255
		if x <= 0.03928 {
			c[i] = x / 12.92
		} else {
			c[i] = math.Pow((x+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
