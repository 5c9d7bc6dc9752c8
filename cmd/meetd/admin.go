package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// print writes v as one JSON object with --json, and human text otherwise.
func (e *env) print(v any, text string) error {
	if e.asJSON {
		return json.NewEncoder(e.stdout).Encode(v)
	}
	_, err := fmt.Fprintln(e.stdout, text)
	return err
}

// readPassword reads one line from stdin as a dashboard password.
func (e *env) readPassword() (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	pw := strings.TrimRight(line, "\r\n")
	if len(pw) < auth.MinPasswordLength {
		return "", fmt.Errorf("the password must be at least %d characters", auth.MinPasswordLength)
	}
	return pw, nil
}

func (e *env) companyCreate(args []string) error {
	fs := e.flags("company create", true)
	name := fs.String("name", "", "company name")
	plan := fs.String("plan", "", "plan: free, essentials, growth, enterprise, api-platform")
	email := fs.String("owner-email", "", "owner's email")
	given := fs.String("owner-given-name", "", "owner's given name")
	family := fs.String("owner-family-name", "", "owner's family name")
	tz := fs.String("owner-timezone", "UTC", "owner's IANA time zone")
	pwStdin := fs.Bool("owner-password-stdin", false, "read the owner's dashboard password from standard input")
	if err := e.parse(fs, args, "name", "plan", "owner-email", "owner-given-name", "owner-family-name"); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("--name must not be empty")
	}
	if !meetd.Plan(*plan).Valid() {
		return fmt.Errorf("unknown plan %q: use free, essentials, growth, enterprise or api-platform", *plan)
	}
	owner := meetd.NewUser{Email: *email, GivenName: *given, FamilyName: *family, Timezone: *tz,
		Role: meetd.RoleOwner, Type: meetd.UserStandard}
	if err := owner.Validate(); err != nil {
		return err
	}
	if *pwStdin {
		pw, err := e.readPassword()
		if err != nil {
			return err
		}
		owner.PasswordHash = e.passwords.Hash(pw)
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	c, u, err := db.CreateCompany(e.ctx, meetd.CLIActor, meetd.NewCompany{Name: strings.TrimSpace(*name), Plan: meetd.Plan(*plan)}, owner)
	if err != nil {
		return err
	}
	if owner.PasswordHash == "" {
		fmt.Fprintf(e.stderr, "meetd: warning: the owner %s has no dashboard password and cannot sign in; "+
			"set one with: meetd user set-password --user %s (reads the password from standard input)\n", u.ID, u.ID)
	}
	return e.print(map[string]string{"companyId": c.ID, "ownerId": u.ID},
		fmt.Sprintf("company %s created; owner %s", c.ID, u.ID))
}

func (e *env) companySetPlan(args []string) error {
	fs := e.flags("company set-plan", true)
	id := fs.String("company", "", "company id")
	plan := fs.String("plan", "", "plan")
	if err := e.parse(fs, args, "company", "plan"); err != nil {
		return err
	}
	if !meetd.Plan(*plan).Valid() {
		return fmt.Errorf("unknown plan %q: use free, essentials, growth, enterprise or api-platform", *plan)
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.SetCompanyPlan(e.ctx, meetd.CLIActor, *id, meetd.Plan(*plan))
	if err != nil {
		return err
	}
	return e.print(map[string]string{"companyId": c.ID, "plan": string(c.Plan)},
		fmt.Sprintf("company %s is now on plan %s", c.ID, c.Plan))
}

func (e *env) userCreate(args []string) error {
	fs := e.flags("user create", true)
	company := fs.String("company", "", "company id")
	email := fs.String("email", "", "email")
	given := fs.String("given-name", "", "given name")
	family := fs.String("family-name", "", "family name")
	role := fs.String("role", "member", "role: member or admin")
	typ := fs.String("type", "standard", "user type: standard, api-platform, resource, partner")
	tz := fs.String("timezone", "UTC", "IANA time zone")
	pwStdin := fs.Bool("password-stdin", false, "read a dashboard password from standard input")
	if err := e.parse(fs, args, "company", "email", "given-name", "family-name"); err != nil {
		return err
	}
	if *role != string(meetd.RoleMember) && *role != string(meetd.RoleAdmin) {
		return fmt.Errorf("unknown role %q: use member or admin", *role)
	}
	nu := meetd.NewUser{CompanyID: *company, Email: *email, GivenName: *given, FamilyName: *family,
		Timezone: *tz, Role: meetd.Role(*role), Type: meetd.UserType(*typ)}
	if err := nu.Validate(); err != nil {
		return err
	}
	if *pwStdin {
		pw, err := e.readPassword()
		if err != nil {
			return err
		}
		nu.PasswordHash = e.passwords.Hash(pw)
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.CompanyByID(e.ctx, *company); err != nil {
		return err
	}
	if nu.Type == meetd.UserAPIPlatform {
		nu.Provision = meetd.DefaultProvision(nu.Timezone, "phone")
	}
	created, err := db.CreateUser(e.ctx, meetd.CLIActor, nu)
	if err != nil {
		return err
	}
	return e.print(map[string]string{"userId": created.User.ID}, "user "+created.User.ID+" created")
}

func (e *env) userRemove(args []string) error {
	id, err := e.oneFlag("user remove", "user", "user id", args)
	if err != nil {
		return err
	}
	db, u, err := e.openUser(id)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RemoveUser(e.ctx, meetd.CLIActor, u.CompanyID, u.ID); err != nil {
		return err
	}
	return e.print(map[string]string{"userId": id}, "user "+id+" removed; their personal access tokens no longer work")
}
