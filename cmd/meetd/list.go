package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// The views below are what list and show print: ids, names, status,
// expiry and last use. A credential's hash and secret are never part of
// them, and neither is a password hash (only whether one is set).

type companyView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Plan       string `json:"plan"`
	OwnerID    string `json:"ownerId"`
	OwnerEmail string `json:"ownerEmail"`
	CreatedAt  string `json:"createdAt"`
}

type userView struct {
	ID         string `json:"id"`
	CompanyID  string `json:"companyId"`
	Email      string `json:"email"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
	Role       string `json:"role"`
	Type       string `json:"type"`
	Status     string `json:"status"`
	Timezone   string `json:"timezone"`
	CreatedAt  string `json:"createdAt"`
	// DashboardPassword says whether the user can sign in to the
	// dashboard; show sets it, list leaves it out.
	DashboardPassword *bool `json:"dashboardPassword,omitempty"`
}

type credentialView struct {
	ID           string  `json:"id"`
	Kind         string  `json:"kind"`
	Name         string  `json:"name"`
	CompanyID    string  `json:"companyId"`
	UserID       *string `json:"userId"`
	Status       string  `json:"status"`
	Expired      bool    `json:"expired"`
	ExpiresAt    *string `json:"expiresAt"`
	LastUsedAt   *string `json:"lastUsedAt"`
	LastUsedIP   *string `json:"lastUsedIp"`
	CreatedAt    string  `json:"createdAt"`
	RolledFromID *string `json:"rolledFromId"`
}

func viewUser(u meetd.User) userView {
	return userView{ID: u.ID, CompanyID: u.CompanyID, Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName,
		Role: string(u.Role), Type: string(u.Type), Status: string(u.Status), Timezone: u.Timezone,
		CreatedAt: meetd.FormatTime(u.CreatedAt)}
}

func viewCredential(c meetd.Credential, now time.Time) credentialView {
	return credentialView{ID: c.ID, Kind: string(c.Kind), Name: c.Name, CompanyID: c.CompanyID, UserID: optional(c.UserID),
		Status: string(c.Status), Expired: c.Expired(now), ExpiresAt: optionalTime(c.ExpiresAt),
		LastUsedAt: optionalTime(c.LastUsedAt), LastUsedIP: optional(c.LastUsedIP),
		CreatedAt: meetd.FormatTime(c.CreatedAt), RolledFromID: optional(c.RolledFromID)}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := meetd.FormatTime(*t)
	return &s
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

// table renders rows under a header, in aligned columns.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func (e *env) companyList(args []string) error {
	fs := e.flags("company list", true)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	cs, err := db.ListCompanies(e.ctx)
	if err != nil {
		return err
	}
	views := make([]companyView, 0, len(cs))
	var rows [][]string
	for _, c := range cs {
		v := companyView{ID: c.ID, Name: c.Name, Plan: string(c.Plan), CreatedAt: meetd.FormatTime(c.CreatedAt)}
		if o, err := db.CompanyOwner(e.ctx, c.ID); err == nil {
			v.OwnerID, v.OwnerEmail = o.ID, o.Email
		} else if meetd.ErrorCode(err) != meetd.ENOTFOUND {
			return err
		}
		views = append(views, v)
		rows = append(rows, []string{v.ID, v.Name, v.Plan, v.OwnerEmail, v.CreatedAt})
	}
	text := "no companies; create one with meetd company create"
	if len(rows) > 0 {
		text = table([]string{"ID", "NAME", "PLAN", "OWNER", "CREATED"}, rows)
	}
	return e.print(map[string]any{"companies": views}, text)
}

func (e *env) companyShow(args []string) error {
	id, err := e.oneFlag("company show", "company", "company id", args)
	if err != nil {
		return err
	}
	db, c, err := e.openCompany(id)
	if err != nil {
		return err
	}
	defer db.Close()
	owner, err := db.CompanyOwner(e.ctx, c.ID)
	if err != nil {
		return err
	}
	ov := viewUser(owner)
	if ov.DashboardPassword, err = hasPassword(e, db, owner); err != nil {
		return err
	}
	_, users, err := db.ListUsers(e.ctx, meetd.UserFilter{CompanyID: c.ID, Limit: 1})
	if err != nil {
		return err
	}
	creds, err := db.ListCredentials(e.ctx, meetd.CredentialFilter{CompanyID: c.ID})
	if err != nil {
		return err
	}
	now := time.Now()
	count := map[meetd.CredentialKind]int{}
	for _, cr := range creds {
		if cr.Status == meetd.CredentialActive && !cr.Expired(now) {
			count[cr.Kind]++
		}
	}
	out := map[string]any{"id": c.ID, "name": c.Name, "plan": string(c.Plan), "createdAt": meetd.FormatTime(c.CreatedAt),
		"updatedAt": meetd.FormatTime(c.UpdatedAt), "owner": ov, "activeUsers": users,
		"activePersonalAccessTokens": count[meetd.KindPAT], "activeAPIKeys": count[meetd.KindAPIKey]}
	password := "has a dashboard password"
	if !*ov.DashboardPassword {
		password = "has no dashboard password: meetd user set-password --user " + owner.ID
	}
	text := table([]string{"company", c.ID}, [][]string{
		{"name", c.Name},
		{"plan", string(c.Plan)},
		{"created", meetd.FormatTime(c.CreatedAt)},
		{"owner", owner.ID + " " + owner.Email + " (" + password + ")"},
		{"users", strconv.Itoa(users) + " active"},
		{"credentials", fmt.Sprintf("%d active personal access tokens, %d active API keys", count[meetd.KindPAT], count[meetd.KindAPIKey])},
	})
	return e.print(out, text)
}

// hasPassword reports whether u has a dashboard password.
func hasPassword(e *env, db *sqldb.DB, u meetd.User) (*bool, error) {
	h, err := db.PasswordHash(e.ctx, u.CompanyID, u.ID)
	if err != nil {
		return nil, err
	}
	set := h != ""
	return &set, nil
}

func (e *env) userList(args []string) error {
	company, err := e.oneFlag("user list", "company", "company id", args)
	if err != nil {
		return err
	}
	db, _, err := e.openCompany(company)
	if err != nil {
		return err
	}
	defer db.Close()
	views := []userView{}
	var rows [][]string
	for offset := 0; ; {
		page, total, err := db.ListUsers(e.ctx, meetd.UserFilter{CompanyID: company, Limit: 100, Offset: offset})
		if err != nil {
			return err
		}
		for _, u := range page {
			v := viewUser(u)
			views = append(views, v)
			rows = append(rows, []string{v.ID, v.Email, u.FullName(), v.Role, v.Type, v.CreatedAt})
		}
		offset += len(page)
		if len(page) == 0 || offset >= total {
			break
		}
	}
	return e.print(map[string]any{"users": views}, table([]string{"ID", "EMAIL", "NAME", "ROLE", "TYPE", "CREATED"}, rows))
}

func (e *env) userShow(args []string) error {
	id, err := e.oneFlag("user show", "user", "user id", args)
	if err != nil {
		return err
	}
	db, u, err := e.openUser(id)
	if err != nil {
		return err
	}
	defer db.Close()
	v := viewUser(u)
	if v.DashboardPassword, err = hasPassword(e, db, u); err != nil {
		return err
	}
	password := "set"
	if !*v.DashboardPassword {
		password = "none (set one with meetd user set-password --user " + u.ID + ")"
	}
	text := table([]string{"user", u.ID}, [][]string{
		{"company", u.CompanyID},
		{"email", u.Email},
		{"name", u.FullName()},
		{"role", v.Role},
		{"type", v.Type},
		{"status", v.Status},
		{"timezone", u.Timezone},
		{"created", v.CreatedAt},
		{"dashboard password", password},
	})
	return e.print(v, text)
}

func (e *env) patList(args []string) error {
	fs := e.flags("pat list", true)
	company := fs.String("company", "", "list the tokens of every user of this company")
	user := fs.String("user", "", "list this user's tokens")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if (*company == "") == (*user == "") {
		return errors.New("pat list needs --company or --user (one of them)")
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	f := meetd.CredentialFilter{CompanyID: *company, Kind: meetd.KindPAT}
	if *user != "" {
		u, err := db.UserByIDUnscoped(e.ctx, *user)
		if err != nil {
			return err
		}
		f.CompanyID, f.UserID = u.CompanyID, u.ID
	} else if _, err := db.CompanyByID(e.ctx, *company); err != nil {
		return err
	}
	return e.printCredentials(db, f, "tokens")
}

func (e *env) apikeyList(args []string) error {
	company, err := e.oneFlag("apikey list", "company", "company id", args)
	if err != nil {
		return err
	}
	db, _, err := e.openCompany(company)
	if err != nil {
		return err
	}
	defer db.Close()
	return e.printCredentials(db, meetd.CredentialFilter{CompanyID: company, Kind: meetd.KindAPIKey}, "keys")
}

// printCredentials prints the credentials f selects, newest first, as
// {"<key>": [...]} with --json.
func (e *env) printCredentials(db *sqldb.DB, f meetd.CredentialFilter, key string) error {
	creds, err := db.ListCredentials(e.ctx, f)
	if err != nil {
		return err
	}
	now := time.Now()
	views := []credentialView{}
	var rows [][]string
	for _, c := range creds {
		v := viewCredential(c, now)
		views = append(views, v)
		status := v.Status
		if v.Expired && c.Status != meetd.CredentialRevoked {
			status = "expired"
		}
		rows = append(rows, []string{v.ID, v.Name, orDash(v.UserID), status, orDash(v.ExpiresAt), orDash(v.LastUsedAt)})
	}
	owner := "OWNER"
	if f.Kind == meetd.KindAPIKey {
		owner = "CREATED BY"
	}
	return e.print(map[string]any{key: views}, table([]string{"ID", "NAME", owner, "STATUS", "EXPIRES", "LAST USED"}, rows))
}
