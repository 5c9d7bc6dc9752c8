package main

import (
	"errors"
	"fmt"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// userSetPassword sets a user's dashboard password from standard input:
// how an owner created by "company create" without one gets to sign in.
// Changing it ends the user's other dashboard sessions (the dashboard
// checks the password on every request).
func (e *env) userSetPassword(args []string) error {
	id, err := e.oneFlag("user set-password", "user", "user id", args)
	if err != nil {
		return err
	}
	pw, err := e.readPassword()
	if err != nil {
		return err
	}
	db, u, err := e.openUser(id)
	if err != nil {
		return err
	}
	defer db.Close()
	if !u.Active() {
		return errors.New("user " + u.ID + " is removed: a removed user cannot sign in")
	}
	if err := db.SetPassword(e.ctx, meetd.CLIActor, u.CompanyID, u.ID, auth.HashPassword(pw)); err != nil {
		return err
	}
	return e.print(map[string]string{"userId": u.ID},
		fmt.Sprintf("dashboard password of %s (%s) set; their other dashboard sessions have ended", u.Email, u.ID))
}
