package pages

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meetd/meetd"
)

// TestValidationFailurePageSaysWhatWasWrong: a validation failure from
// package scheduling shows its sentences, not only "Validation failed".
func TestValidationFailurePageSaysWhatWasWrong(t *testing.T) {
	p := &Pages{log: slog.New(slog.DiscardHandler)}
	var v meetd.Validation
	v.Add("hostIds", "the host <b>left</b> the company")
	w := httptest.NewRecorder()
	p.fail(w, httptest.NewRequest("POST", "/hanna/intro", nil), nil, v.Err())
	body := w.Body.String()
	if w.Code != 400 || !strings.Contains(body, "<li>the host &lt;b&gt;left&lt;/b&gt; the company</li>") ||
		strings.Contains(body, "Validation failed") {
		t.Fatalf("%d\n%s", w.Code, body)
	}
}

// TestBrandDropsWhatThePersonalPageWouldRefuse: a colour or header image
// that did not pass the personal page's rules never reaches the page's
// <style> (where it is trusted CSS) or an img src.
func TestBrandDropsWhatThePersonalPageWouldRefuse(t *testing.T) {
	b := brandOf(meetd.PersonalPage{UseCustomColors: true, PrimaryColor: "red}</style><script>alert(1)</script>",
		SecondaryColor: "#fff", HeaderImage: "javascript:alert(1)"})
	if b != nil {
		t.Fatalf("brand %+v", b)
	}
	b = brandOf(meetd.PersonalPage{UseCustomColors: true, PrimaryColor: "#0a5", SecondaryColor: "#eeffee", HeaderImage: "https://img.example.com/h.png"})
	if b == nil || b.Primary != "#0a5" || b.HeaderImage != "https://img.example.com/h.png" {
		t.Fatalf("valid brand dropped: %+v", b)
	}
}
