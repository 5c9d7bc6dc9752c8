package meetd

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in httpapi's table; the
// domain never speaks HTTP itself.
const (
	EINVALID       = "invalid"        // the request is malformed or fails validation (400)
	EUNAUTHORIZED  = "unauthorized"   // no valid credential (401)
	EFORBIDDEN     = "forbidden"      // the principal may not do this (403)
	EPLANLIMIT     = "plan_limit"     // the company's plan does not include this (403)
	ENOTFOUND      = "not_found"      // no such object in the caller's company (404)
	ENOTACCEPTABLE = "not_acceptable" // a per-company limit is reached (406)
	ECONFLICT      = "conflict"       // the object clashes with another (409)
	ETOOLARGE      = "too_large"      // the request body is over the limit (413)
	EUNPROCESSABLE = "unprocessable"  // well-formed but refused, e.g. a reused idempotency key (422)
	ERATELIMIT     = "rate_limited"   // too many requests (429)
	EINTERNAL      = "internal"       // anything else; its details are logged, never shown (500)
)

// httpStatus is the one table from error code to HTTP status, shared by
// every HTTP surface (the API and the dashboard). Plain numbers keep the
// domain free of net/http.
var httpStatus = map[string]int{
	EINVALID:       400,
	EUNAUTHORIZED:  401,
	EFORBIDDEN:     403,
	EPLANLIMIT:     403,
	ENOTFOUND:      404,
	ENOTACCEPTABLE: 406,
	ECONFLICT:      409,
	ETOOLARGE:      413,
	EUNPROCESSABLE: 422,
	ERATELIMIT:     429,
	EINTERNAL:      500,
}

// HTTPStatus returns the HTTP status a code is answered with; 500 for an
// unknown code.
func HTTPStatus(code string) int {
	if s, ok := httpStatus[code]; ok {
		return s
	}
	return 500
}

// Error is the one error type of meetd. Its Message is safe to show to the
// caller: it never contains a secret, SQL text or a stack trace. Errors that
// are not an *Error are internal by definition.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is the human-readable text sent as the body's "message".
	Message string
	// Fields lists per-field validation failures (sent as "errors").
	Fields []FieldError
	// Feature names the plan feature that is missing, for EPLANLIMIT.
	Feature string
}

// FieldError is one failed validation of one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("meetd error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of the *Error in err's chain,
// or "Internal server error" for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal server error"
}

// Validation collects field errors and turns them into one EINVALID error.
// The zero value is ready to use.
type Validation struct {
	fields []FieldError
}

// Add records that field failed with message.
func (v *Validation) Add(field, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Message: message})
}

// Err returns nil when nothing was added, otherwise an EINVALID *Error with
// message "Validation failed" and every field error. The API answers such
// an error with one sentence per field error as its message (httpapi's
// writeError); Message is the summary for surfaces that show one line.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Validation failed", Fields: v.fields}
}
