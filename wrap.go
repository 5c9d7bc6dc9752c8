package meetd

import (
	"errors"
	"fmt"
)

// Wrap names the operation that failed on an internal error, in the manner
// of pkgsite's derrors.Wrap, so a logged 500 says what broke. Call it
// deferred with the operation and the ids it worked on:
//
//	defer meetd.Wrap(&err, "sqldb.MeetingTypeByID(%s)", id)
//
// A nil error and an *Error (a code meant for the caller, whose Message is
// shown) pass unchanged; any other error becomes "op: err" and still
// unwraps with errors.Is and errors.As. Never pass a secret as an argument:
// the result is logged.
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	var e *Error
	if errors.As(*errp, &e) {
		return
	}
	*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
}
