package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// userJSON is the User object of meetergo's v4 API, plus role (an extra
// field no meetergo client reads).
type userJSON struct {
	ID                    string  `json:"id"`
	Email                 string  `json:"email"`
	GivenName             string  `json:"givenName"`
	FamilyName            string  `json:"familyName"`
	FullName              string  `json:"fullName"`
	Slug                  string  `json:"slug"`
	Timezone              string  `json:"timezone"`
	CompanyID             string  `json:"companyId"`
	UserType              string  `json:"userType"`
	IsAdmin               bool    `json:"isAdmin"`
	Role                  string  `json:"role"`
	DefaultAvailabilityID *string `json:"defaultAvailabilityId"`
	CreatedAt             string  `json:"createdAt"`
	UpdatedAt             string  `json:"updatedAt"`
}

func toUserJSON(u meetd.User) userJSON {
	j := userJSON{ID: u.ID, Email: u.Email, GivenName: u.GivenName, FamilyName: u.FamilyName,
		FullName: u.FullName(), Slug: u.Slug, Timezone: u.Timezone, CompanyID: u.CompanyID,
		UserType: string(u.Type), IsAdmin: u.Role.IsAdmin(), Role: string(u.Role),
		CreatedAt: meetd.FormatTime(u.CreatedAt), UpdatedAt: meetd.FormatTime(u.UpdatedAt)}
	if u.DefaultAvailabilityID != "" {
		j.DefaultAvailabilityID = &u.DefaultAvailabilityID
	}
	return j
}

// GET /v4/user/me
func (s *Server) getMe(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ReadSelf, p.User.ID); err != nil {
		return err
	}
	writeUser(w, http.StatusOK, p.User)
	return nil
}

// GET /v4/user
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ListUsers, ""); err != nil {
		return err
	}
	q := r.URL.Query()
	var v meetd.Validation
	limit := intParam(&v, q, "limit", 20, 1, 100)
	offset := intParam(&v, q, "offset", 0, 0, 1<<31-1)
	typ := meetd.UserType(q.Get("userType"))
	if typ != "" && !typ.Valid() {
		v.Add("userType", "userType must be one of standard, resource, api-platform, partner")
	}
	if err := v.Err(); err != nil {
		return err
	}
	users, total, err := s.cfg.Store.ListUsers(r.Context(), meetd.UserFilter{CompanyID: p.Company.ID,
		Type: typ, Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = toUserJSON(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "total": total, "count": len(out),
		"limit": limit, "offset": offset})
	return nil
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(v *meetd.Validation, q url.Values, name string, def, lo, hi int) int {
	raw := q.Get(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		v.Add(name, name+" must be an integer from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
		return def
	}
	return n
}

// targetUser returns the active user id names in p's company, or ENOTFOUND:
// another company's user is indistinguishable from none.
func (s *Server) targetUser(r *http.Request, p meetd.Principal, id string) (meetd.User, error) {
	notFound := meetd.Errorf(meetd.ENOTFOUND, "User not found")
	if !meetd.IsUUID(id) {
		return meetd.User{}, notFound
	}
	u, err := s.cfg.Store.UserByID(r.Context(), p.Company.ID, strings.ToLower(id))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND || err == nil && !u.Active() {
		return meetd.User{}, notFound
	}
	return u, err
}

type updateUserBody struct {
	GivenName  *string `json:"givenName"`
	FamilyName *string `json:"familyName"`
	Slug       *string `json:"slug"`
}

// PATCH /v4/user/{id}
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	target, err := s.targetUser(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.UpdateUser, target.ID); err != nil {
		return err
	}
	var body updateUserBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.GivenName == nil && body.FamilyName == nil && body.Slug == nil {
		return meetd.Errorf(meetd.EINVALID, "Request body must contain at least one of givenName, familyName, slug")
	}
	var v meetd.Validation
	if body.GivenName != nil {
		if msg := meetd.CheckName("givenName", *body.GivenName); msg != "" {
			v.Add("givenName", msg)
		}
	}
	if body.FamilyName != nil {
		if msg := meetd.CheckName("familyName", *body.FamilyName); msg != "" {
			v.Add("familyName", msg)
		}
	}
	if body.Slug != nil {
		slug := meetd.Slugify(*body.Slug) // meetergo normalises "John Doe" to "john-doe"
		body.Slug = &slug
		if msg := meetd.CheckSlug(slug); msg != "" {
			v.Add("slug", msg)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	u, err := s.cfg.Store.UpdateUser(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, target.ID,
		meetd.UserUpdate{GivenName: body.GivenName, FamilyName: body.FamilyName, Slug: body.Slug})
	if meetd.ErrorCode(err) == meetd.ECONFLICT {
		// meetergo documents a taken slug on this route as a 400.
		return meetd.Errorf(meetd.EINVALID, "Slug already taken")
	} else if err != nil {
		return err
	}
	writeUser(w, http.StatusOK, u)
	return nil
}

// DELETE /v4/user/{id} is for API keys acting as an admin. The user is
// looked up before the credential is refused, so that another company's
// user is a 404 even for a credential that may never delete one
// (docs/decisions.md#another-companys-id-is-always-a-404).
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	target, err := s.targetUser(r, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.DeleteUser, target.ID); err != nil {
		return err
	}
	switch {
	case target.Role == meetd.RoleOwner:
		return meetd.Errorf(meetd.EFORBIDDEN, "The company owner cannot be deleted")
	case target.ID == p.User.ID:
		return meetd.Errorf(meetd.EFORBIDDEN, "You cannot delete yourself")
	}
	if err := s.cfg.Store.RemoveUser(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, target.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "User deleted successfully"})
	return nil
}
