package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

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

// The lifetimes the CLI gives a personal access token: from a day (an API
// key's shortest) to a year (the dashboard's longest offer), or none with
// --no-expiry. The API mints no tokens, so these two surfaces are all.
const (
	patMinLifetime = meetd.APIKeyMinLifetime
	patMaxLifetime = 365 * 24 * time.Hour
)

func (e *env) patCreate(args []string) error {
	fs := e.flags("pat create", true)
	user := fs.String("user", "", "owner's user id")
	name := fs.String("name", "", "token name")
	var expires durationFlag
	fs.Var(&expires, "expires-in", "lifetime, 1d to 365d (or --no-expiry)")
	never := fs.Bool("no-expiry", false, "the token never expires (or --expires-in)")
	if err := e.parse(fs, args, "user", "name"); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["expires-in"] && *never:
		return errors.New("pat create takes --expires-in or --no-expiry, not both")
	case !set["expires-in"] && !*never:
		return errors.New("pat create needs --expires-in DURATION (1d to 365d) or --no-expiry")
	case set["expires-in"] && (expires.d < patMinLifetime || expires.d > patMaxLifetime):
		return fmt.Errorf("--expires-in %s is out of range: a personal access token lives 1d to 365d; for one that never expires use --no-expiry", &expires)
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
	id, err := e.oneFlag("pat revoke", "id", "token id", args)
	if err != nil {
		return err
	}
	return e.setStatus(id, meetd.KindPAT, meetd.CredentialRevoked)
}

func (e *env) apikeyCreate(args []string) error {
	fs := e.flags("apikey create", true)
	company := fs.String("company", "", "company id")
	name := fs.String("name", "", "key name")
	var expires durationFlag
	fs.Var(&expires, "expires-in", "lifetime, 1d to 90d, as the API allows")
	if err := e.parse(fs, args, "company", "name", "expires-in"); err != nil {
		return err
	}
	if expires.d < meetd.APIKeyMinLifetime || expires.d > meetd.APIKeyMaxLifetime {
		return fmt.Errorf("--expires-in %s is out of range: an API key lives 1d to 90d", &expires)
	}
	is, db, err := e.issuer()
	if err != nil {
		return err
	}
	defer db.Close()
	out, err := is.CreateAPIKey(e.ctx, meetd.CLIActor, *company, "", *name, expires.d, false)
	if err != nil {
		return err
	}
	return e.printKey(out)
}

func (e *env) printKey(out auth.Issued) error {
	return e.print(map[string]any{"id": out.Credential.ID, "key": out.Secret, "expiresAt": expiresJSON(out.Credential)},
		fmt.Sprintf("API key %s, expires %v (shown once):\n%s", out.Credential.ID, expiresJSON(out.Credential), out.Secret))
}

func (e *env) apikeyStatus(verb string, args []string, s meetd.CredentialStatus) error {
	id, err := e.oneFlag("apikey "+verb, "id", "key id", args)
	if err != nil {
		return err
	}
	return e.setStatus(id, meetd.KindAPIKey, s)
}

// setStatus moves a credential to s. Asking for the status it already has
// succeeds and says so ("already revoked"), changing nothing and auditing
// nothing, so a repeated command, or one racing another operator, is
// harmless; a move the rules forbid (anything after a revocation) fails.
func (e *env) setStatus(id string, kind meetd.CredentialKind, s meetd.CredentialStatus) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	// The operator acts across companies: the credential names its own.
	c, err := e.credential(db, id, kind)
	if err != nil {
		return err
	}
	already := c.Status == s
	if !already {
		if _, err := db.SetCredentialStatus(e.ctx, meetd.CLIActor, c.CompanyID, c.ID, s); err != nil {
			// Another operator may have made the same change meanwhile.
			if now, rerr := db.CredentialByID(e.ctx, c.CompanyID, c.ID); rerr != nil || now.Status != s {
				return err
			}
			already = true
		}
	}
	text := fmt.Sprintf("%s %s is now %s", kindName(kind), c.ID, s)
	if already {
		text = fmt.Sprintf("%s %s was already %s; nothing changed", kindName(kind), c.ID, s)
	}
	return e.print(map[string]any{"id": c.ID, "status": string(s), "changed": !already}, text)
}

// credential finds a credential of kind by id in any company: the operator
// acts across companies. Another kind's id is not found, as a missing one.
func (e *env) credential(db *sqldb.DB, id string, kind meetd.CredentialKind) (meetd.Credential, error) {
	c, err := db.CredentialByIDUnscoped(e.ctx, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && c.Kind != kind {
		return meetd.Credential{}, meetd.Errorf(meetd.ENOTFOUND, "no %s with id %s", kindName(kind), id)
	}
	return c, err
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
	c, err := e.credential(db, *id, meetd.KindAPIKey)
	if err != nil {
		return err
	}
	out, err := is.Roll(e.ctx, meetd.CLIActor, c.CompanyID, *id, grace.d)
	if err != nil {
		return err
	}
	return e.printKey(out)
}
