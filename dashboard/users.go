package dashboard

import (
	"net/http"
	"strconv"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// Users: the company's people (owners and admins).

const usersPerPage = 100

type userRow struct {
	meetd.User
	Self      bool
	CanRemove bool
}

// usersData is the Users page.
type usersData struct {
	Users     []userRow
	Total     int
	Page      int
	Prev      int
	Next      int
	Form      userForm
	Timezones []string
	// Added is the user just added; Password is set when the dashboard
	// generated their initial password (shown this once).
	Added    *meetd.User
	Password string
}

func (d *Dashboard) usersView(r *http.Request, v *viewer, data usersData) (*view, error) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 0)
	users, total, err := d.cfg.Store.ListUsers(r.Context(), meetd.UserFilter{CompanyID: v.Company.ID,
		Limit: usersPerPage, Offset: page * usersPerPage})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		self := u.ID == v.User.ID
		data.Users = append(data.Users, userRow{User: u, Self: self, CanRemove: !self && u.Role != meetd.RoleOwner})
	}
	data.Total, data.Page, data.Prev, data.Next = total, page, -1, -1
	if page > 0 {
		data.Prev = page - 1
	}
	if (page+1)*usersPerPage < total {
		data.Next = page + 1
	}
	data.Timezones = timezones
	if data.Form.Timezone == "" {
		data.Form.Timezone = v.User.Timezone
	}
	if data.Form.Role == "" {
		data.Form.Role = string(meetd.RoleMember)
	}
	if data.Form.Type == "" {
		data.Form.Type = string(meetd.UserStandard)
	}
	return &view{Title: "Users", Section: "users", Viewer: v, Data: data}, nil
}

// addedUser is what the Users page shows once after a user is added.
type addedUser struct {
	UserID   string
	Password string // generated; empty when the admin chose it
}

func (d *Dashboard) users(w http.ResponseWriter, r *http.Request, v *viewer) {
	var data usersData
	var added addedUser
	if d.take(w, r, v, revealUsers, &added) {
		if u, err := d.cfg.Store.UserByID(r.Context(), v.Company.ID, added.UserID); err == nil {
			data.Added, data.Password = &u, added.Password
		}
	}
	page, err := d.usersView(r, v, data)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "users", page)
}

// addUser adds a member or admin, standard or platform user. The initial
// password is the admin's, or generated and shown once on the Users page
// the browser is sent to (see reveal.go): a reload adds no one.
func (d *Dashboard) addUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	form := readUserForm(r)
	fail := func(err error) {
		page, lerr := d.usersView(r, v, usersData{Form: form})
		if lerr != nil {
			d.failErr(w, r, v, lerr)
			return
		}
		status, msg := d.errStatus(r, err)
		if meetd.ErrorCode(err) == meetd.ECONFLICT {
			msg = "A user with this email address already exists."
		}
		page.Error = msg
		d.render(w, r, status, "users", page)
	}
	var val meetd.Validation
	form.check(&val)
	role, typ := meetd.Role(form.Role), meetd.UserType(form.Type)
	if role != meetd.RoleMember && role != meetd.RoleAdmin {
		val.Add("role", "choose the role member or admin")
	}
	if typ != meetd.UserStandard && typ != meetd.UserAPIPlatform {
		val.Add("type", "choose the type standard or platform user")
	}
	pw, generated := r.PostFormValue("password"), false
	if pw == "" {
		pw, generated = auth.RandomPassword(), true
	} else {
		checkNewPassword(&val, pw, pw)
	}
	if err := val.Err(); err != nil {
		fail(err)
		return
	}
	hash, err := d.hashPassword(ctx, pw)
	if err != nil {
		fail(err)
		return
	}
	nu := meetd.NewUser{CompanyID: v.Company.ID, Email: form.Email, GivenName: form.GivenName,
		FamilyName: form.FamilyName, Timezone: form.Timezone, Role: role, Type: typ, PasswordHash: hash}
	if typ == meetd.UserAPIPlatform {
		// As POST /v4/user and the CLI do: a platform user starts with an
		// availability and a meeting type.
		nu.Provision = meetd.DefaultProvision(nu.Timezone, "phone")
	}
	if err := nu.Validate(); err != nil {
		fail(err)
		return
	}
	created, err := d.cfg.Store.CreateUser(ctx, v.Actor(), nu)
	if err != nil {
		fail(err)
		return
	}
	d.log.Info("user added", "user_id", created.User.ID, "by_user_id", v.User.ID)
	added := addedUser{UserID: created.User.ID}
	if generated {
		added.Password = pw
	}
	if err := d.stash(w, r, v, revealUsers, added); err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, "/dashboard/users", http.StatusSeeOther)
}

// companyUser is the active user named in the path if they belong to the
// viewer's company; anyone else is not found.
func (d *Dashboard) companyUser(r *http.Request, v *viewer) (meetd.User, error) {
	id := r.PathValue("id")
	if !meetd.IsUUID(id) {
		return meetd.User{}, notFound
	}
	u, err := d.cfg.Store.UserByID(r.Context(), v.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && !u.Active() {
		return meetd.User{}, notFound
	}
	return u, err
}

// removable checks that u may be removed by v.
func removable(u meetd.User, v *viewer) error {
	switch {
	case u.Role == meetd.RoleOwner:
		return meetd.Errorf(meetd.EFORBIDDEN, "The company owner cannot be removed.")
	case u.ID == v.User.ID:
		return meetd.Errorf(meetd.EFORBIDDEN, "You cannot remove yourself. Ask another admin or the owner.")
	}
	return nil
}

func (d *Dashboard) confirmRemoveUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	u, err := d.companyUser(r, v)
	if err == nil {
		err = removable(u, v)
	}
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "confirm", &view{Title: "Remove user", Section: "users", Viewer: v,
		Data: confirmData{Heading: "Remove " + u.FullName() + " (" + u.Email + ")?",
			Message: "They can no longer sign in, and their personal access tokens stop working at once. " +
				"API keys belong to the company and keep working.",
			Action: "/dashboard/users/" + u.ID + "/remove", Button: "Remove user", Danger: true,
			Cancel: "/dashboard/users"}})
}

func (d *Dashboard) removeUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	u, err := d.companyUser(r, v)
	if err == nil {
		err = removable(u, v)
	}
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if err := d.cfg.Store.RemoveUser(ctx, v.Actor(), v.Company.ID, u.ID); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("user removed", "user_id", u.ID, "by_user_id", v.User.ID)
	d.flash(ctx, u.FullName()+" was removed. Their personal access tokens no longer work.")
	http.Redirect(w, r, "/dashboard/users", http.StatusSeeOther)
}
