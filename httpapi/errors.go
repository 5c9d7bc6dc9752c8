package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/meetd/meetd"
)

// reason is the "error" field of a NestJS error body: the standard reason
// phrase, spelled as NestJS spells it.
var reason = map[int]string{
	http.StatusBadRequest:            "Bad Request",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "Not Found",
	http.StatusNotAcceptable:         "Not Acceptable",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Payload Too Large",
	http.StatusUnprocessableEntity:   "Unprocessable Entity",
	http.StatusTooManyRequests:       "Too Many Requests",
	http.StatusInternalServerError:   "Internal Server Error",
}

// errorBody is the NestJS error envelope (docs/architecture.md#wire-conventions).
// Field order matters to byte-for-byte clients: statusCode, message, error,
// then the extras. Message is a string, or for a validation failure the
// list of sentences (a []string), as NestJS's ValidationPipe answers.
type errorBody struct {
	StatusCode int                `json:"statusCode"`
	Message    any                `json:"message"`
	Error      string             `json:"error"`
	Errors     []meetd.FieldError `json:"errors,omitempty"`
	Code       string             `json:"code,omitempty"`
	Feature    string             `json:"feature,omitempty"`
}

// writeError is the one place errors become responses. A *meetd.Error is
// answered with its code's status and its message; one with field errors
// (a validation failure) with a message that lists one sentence per field,
// each naming its field, since clients show only message, and the field
// errors themselves in errors for programs. Anything else is logged with
// the request's ids and answered with a 500 that says nothing internal.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *meetd.Error
	if !errors.As(err, &e) {
		logger(r).Error("internal error", "err", err)
		e = &meetd.Error{Code: meetd.EINTERNAL, Message: "Internal server error"}
	}
	status := meetd.HTTPStatus(e.Code)
	body := errorBody{StatusCode: status, Message: e.Message, Error: reason[status], Errors: e.Fields}
	if len(e.Fields) > 0 {
		sentences := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			sentences[i] = sentence(f)
		}
		body.Message = sentences
	}
	if e.Code == meetd.EPLANLIMIT {
		body.Code, body.Feature = "PLAN_LIMIT_REACHED", e.Feature
	}
	writeJSON(w, status, body)
}

// sentence is a field error as one sentence that names the field by its
// whole path: "attendee.email must be an email" for {attendee.email, "email
// must be an email"}, "timezone: Invalid timezone" where the message does
// not start with the field's name.
func sentence(f meetd.FieldError) string {
	if f.Field == "" {
		return f.Message
	}
	if hasPrefixFold(f.Message, f.Field) {
		return f.Field + f.Message[len(f.Field):]
	}
	if i := strings.LastIndexByte(f.Field, '.'); i >= 0 && hasPrefixFold(f.Message, f.Field[i+1:]) {
		return f.Field + f.Message[len(f.Field)-i-1:]
	}
	return f.Field + ": " + f.Message
}

// hasPrefixFold reports whether s starts with prefix, ignoring case, and
// the prefix ends a word ("slug" in "Slug must…", not in "slugs…").
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return false
	}
	return len(s) == len(prefix) || !isWordByte(s[len(prefix)])
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("encode response", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"message":"Internal server error","error":"Internal Server Error"}`)
	}
	writeJSONBytes(w, status, b)
}

// writeJSONBytes writes b, which is JSON, as the body with status.
func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// jsonContentType is the Content-Type of every JSON answer. Header values
// are replaced, never written in place, so responses can share it.
var jsonContentType = []string{"application/json; charset=utf-8"}
