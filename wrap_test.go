package meetd_test

import (
	"database/sql"
	"errors"
	"testing"

	"github.com/meetd/meetd"
)

func TestWrapNamesTheOperationOfInternalErrors(t *testing.T) {
	f := func() (err error) {
		defer meetd.Wrap(&err, "sqldb.UserByID(%s)", "u1")
		return sql.ErrConnDone
	}
	err := f()
	if got, want := err.Error(), "sqldb.UserByID(u1): "+sql.ErrConnDone.Error(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !errors.Is(err, sql.ErrConnDone) {
		t.Fatal("the wrapped error no longer unwraps to its cause")
	}
}

func TestWrapLeavesCallerErrorsAndNilAlone(t *testing.T) {
	notFound := meetd.Errorf(meetd.ENOTFOUND, "User not found")
	for name, in := range map[string]error{"nil": nil, "caller error": notFound} {
		t.Run(name, func(t *testing.T) {
			err := in
			meetd.Wrap(&err, "op")
			if err != in {
				t.Fatalf("got %v, want %v unchanged", err, in)
			}
		})
	}
}
