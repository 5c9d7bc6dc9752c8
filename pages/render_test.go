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
