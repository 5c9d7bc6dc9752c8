package main

import (
	"fmt"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/sqldb"
)

// issuer opens the database and returns an issuer on it; close db when
// done.
func (e *env) issuer() (*auth.Issuer, *sqldb.DB, error) {
	db, err := e.open()
	if err != nil {
		return nil, nil, err
	}
	return &auth.Issuer{Store: db, Clock: meetd.SystemClock{}}, db, nil
}

func expiresJSON(c meetd.Credential) any {
	if c.ExpiresAt == nil {
		return nil
	}
	return meetd.FormatTime(*c.ExpiresAt)
}

func (e *env) patCreate(args []string) error {
	fs := e.flags("pat create", true)
	user := fs.String("user", "", "owner's user id")
	name := fs.String("name", "", "token name")
	var expires durationFlag
	fs.Var(&expires, "expires-in", "lifetime (default: never expires)")
	if err := e.parse(fs, args, "user", "name"); err != nil {
		return err
	}
	is, db, err := e.issuer()
	if err != nil {
		return err
	}
	defer db.Close()
	// The operator names the user alone: the token goes to their company.
	u, err := db.UserByIDUnscoped(e.ctx, *user)
	if err != nil {
		return err
	}
	out, err := is.CreatePAT(e.ctx, meetd.CLIActor, u.CompanyID, u.ID, *name, expires.d)
	if err != nil {
		return err
	}
	return e.print(map[string]any{"id": out.Credential.ID, "token": out.Secret, "expiresAt": expiresJSON(out.Credential)},
		fmt.Sprintf("personal access token %s (shown once):\n%s", out.Credential.ID, out.Secret))
}

func (e *env) patRevoke(args []string) error {
	fs := e.flags("pat revoke", false)
	id := fs.String("id", "", "token id")
	if err := e.parse(fs, args, "id"); err != nil {
		return err
	}
	return e.setStatus(*id, meetd.KindPAT, meetd.CredentialRevoked)
}

func (e *env) apikeyCreate(args []string) error {
	fs := e.flags("apikey create", true)
	company := fs.String("company", "", "company id")
	name := fs.String("name", "", "key name")
	var expires durationFlag
	fs.Var(&expires, "expires-in", "lifetime, e.g. 90d (any positive duration here)")
	if err := e.parse(fs, args, "company", "name", "expires-in"); err != nil {
		return err
	}
	is, db, err := e.issuer()
	if err != nil {
		return err
	}
	defer db.Close()
	out, err := is.CreateAPIKey(e.ctx, meetd.CLIActor, *company, "", *name, expires.d, true)
	if err != nil {
		return err
	}
	return e.printKey(out)
}

func (e *env) printKey(out auth.Issued) error {
	return e.print(map[string]any{"id": out.Credential.ID, "key": out.Secret, "expiresAt": expiresJSON(out.Credential)},
		fmt.Sprintf("API key %s, expires %v (shown once):\n%s", out.Credential.ID, expiresJSON(out.Credential), out.Secret))
}

func (e *env) apikeyStatus(args []string, s meetd.CredentialStatus) error {
	fs := e.flags("apikey", false)
	id := fs.String("id", "", "key id")
	if err := e.parse(fs, args, "id"); err != nil {
		return err
	}
	return e.setStatus(*id, meetd.KindAPIKey, s)
}

func (e *env) setStatus(id string, kind meetd.CredentialKind, s meetd.CredentialStatus) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	// The operator acts across companies: the credential names its own.
	c, err := db.CredentialByIDUnscoped(e.ctx, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && c.Kind != kind {
		return meetd.Errorf(meetd.ENOTFOUND, "no %s with id %s", kindName(kind), id)
	} else if err != nil {
		return err
	}
	if _, err := db.SetCredentialStatus(e.ctx, meetd.CLIActor, c.CompanyID, id, s); err != nil {
		return err
	}
	return e.print(map[string]string{"id": id, "status": string(s)}, fmt.Sprintf("%s %s is now %s", kindName(kind), id, s))
}

func kindName(k meetd.CredentialKind) string {
	if k == meetd.KindAPIKey {
		return "API key"
	}
	return "personal access token"
}

func (e *env) apikeyRoll(args []string) error {
	fs := e.flags("apikey roll", true)
	id := fs.String("id", "", "key id")
	var grace durationFlag
	fs.Var(&grace, "grace", "how long the old key keeps working, 0 to 7d (default 0)")
	if err := e.parse(fs, args, "id"); err != nil {
		return err
	}
	is, db, err := e.issuer()
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.CredentialByIDUnscoped(e.ctx, *id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && c.Kind != meetd.KindAPIKey {
		return meetd.Errorf(meetd.ENOTFOUND, "no API key with id %s", *id)
	} else if err != nil {
		return err
	}
	out, err := is.Roll(e.ctx, meetd.CLIActor, c.CompanyID, *id, grace.d)
	if err != nil {
		return err
	}
	return e.printKey(out)
}
