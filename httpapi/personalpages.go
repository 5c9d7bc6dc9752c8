package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// GET /v4/personal-page/me answers the acting user's booking page, the
// default one if they never saved theirs.
func (s *Server) getMyPersonalPage(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.OwnResources, p.User.ID); err != nil {
		return err
	}
	page, err := s.cfg.Store.PersonalPage(r.Context(), p.Company.ID, p.User.ID)
	if err != nil {
		return err
	}
	return s.writePersonalPage(w, r, http.StatusOK, page, p.User)
}

// GET /v4/personal-page/{userId} answers any user's page of the company,
// for admins and the owner.
func (s *Server) getPersonalPage(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	u, err := s.targetUser(r, p, r.PathValue("userId"))
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ReadPersonalPages, u.ID); err != nil {
		return err
	}
	page, err := s.cfg.Store.PersonalPage(r.Context(), p.Company.ID, u.ID)
	if err != nil {
		return err
	}
	return s.writePersonalPage(w, r, http.StatusOK, page, u)
}

// PATCH /v4/personal-page/me changes the fields sent and answers the page
// (docs/decisions.md#personal-pages): onlineProfiles merges key by key, a
// key set to null or "" removes it, and customLinks replaces the list.
func (s *Server) updateMyPersonalPage(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.OwnResources, p.User.ID); err != nil {
		return err
	}
	var body fields
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	apply, err := readPersonalPagePatch(body)
	if err != nil {
		return err
	}
	page, err := s.cfg.Store.UpdatePersonalPage(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, p.User.ID, apply)
	if err != nil {
		return err
	}
	return s.writePersonalPage(w, r, http.StatusOK, page, p.User)
}

// readPersonalPagePatch checks the form of a PATCH body and returns what
// it changes; the page's rules (meetd.PersonalPage.Validate) are checked
// on the result by the store.
func readPersonalPagePatch(body fields) (func(*meetd.PersonalPage) error, error) {
	var v meetd.Validation
	var steps []func(*meetd.PersonalPage)
	notNullBool := func(key string, dst func(*meetd.PersonalPage) *bool) {
		b, present := body.boolean(&v, key, key)
		switch {
		case b != nil:
			steps = append(steps, func(p *meetd.PersonalPage) { *dst(p) = *b })
		case present && !hasFieldError(&v, key):
			v.Add(key, key+" must be a boolean")
		}
	}
	notNullBool("useCustomColors", func(p *meetd.PersonalPage) *bool { return &p.UseCustomColors })
	notNullBool("showAllMeetingTypes", func(p *meetd.PersonalPage) *bool { return &p.ShowAllMeetingTypes })
	for key, dst := range map[string]func(*meetd.PersonalPage) *string{
		"primaryColor":   func(p *meetd.PersonalPage) *string { return &p.PrimaryColor },
		"secondaryColor": func(p *meetd.PersonalPage) *string { return &p.SecondaryColor },
		"headerImage":    func(p *meetd.PersonalPage) *string { return &p.HeaderImage },
		"description":    func(p *meetd.PersonalPage) *string { return &p.Description },
	} {
		// null clears the field.
		if str, present := body.str(&v, key, key); present && !hasFieldError(&v, key) {
			val := ""
			if str != nil && key == "description" {
				val = *str // kept as written: line breaks and indentation are the user's
			} else if str != nil {
				val = strings.TrimSpace(*str)
			}
			steps = append(steps, func(p *meetd.PersonalPage) { *dst(p) = val })
		}
	}
	if raw, present := body.take("meetingTypeOrder"); present {
		var ids []string
		if !isNull(raw) && (json.Unmarshal(raw, &ids) != nil || ids == nil) {
			v.Add("meetingTypeOrder", "meetingTypeOrder must be an array of meeting type ids")
		} else {
			for i := range ids {
				ids[i] = strings.ToLower(ids[i])
			}
			if ids == nil {
				ids = []string{}
			}
			steps = append(steps, func(p *meetd.PersonalPage) { p.MeetingTypeOrder = ids })
		}
	}
	if profiles, present := body.object(&v, "onlineProfiles", "onlineProfiles"); profiles != nil {
		for _, key := range meetd.OnlineProfileKeys {
			name := "onlineProfiles." + key
			str, present := profiles.str(&v, name, key)
			if !present || hasFieldError(&v, name) {
				continue
			}
			val := ""
			if str != nil {
				val = strings.TrimSpace(*str)
			}
			steps = append(steps, func(p *meetd.PersonalPage) {
				if val == "" {
					delete(p.Profiles, key)
				} else {
					p.Profiles[key] = val
				}
			})
		}
		if raw, present := profiles.take("customLinks"); present {
			var links []meetd.CustomLink
			if !isNull(raw) && (json.Unmarshal(raw, &links) != nil || links == nil) {
				v.Add("onlineProfiles.customLinks", "customLinks must be an array of {name, url, icon}")
			} else {
				if links == nil {
					links = []meetd.CustomLink{}
				}
				for i := range links {
					links[i].Name, links[i].URL, links[i].Icon =
						strings.TrimSpace(links[i].Name), strings.TrimSpace(links[i].URL), strings.TrimSpace(links[i].Icon)
				}
				steps = append(steps, func(p *meetd.PersonalPage) { p.CustomLinks = links })
			}
		}
	} else if present && !hasFieldError(&v, "onlineProfiles") {
		v.Add("onlineProfiles", "onlineProfiles must be an object")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return func(p *meetd.PersonalPage) error {
		// apply may run again (a retried transaction): work on copies of
		// the maps and slices it is given.
		profiles := make(map[string]string, len(p.Profiles))
		for k, val := range p.Profiles {
			profiles[k] = val
		}
		p.Profiles = profiles
		for _, step := range steps {
			step(p)
		}
		return nil
	}, nil
}

// hasFieldError reports whether v already holds an error for field.
func hasFieldError(v *meetd.Validation, field string) bool {
	err, _ := v.Err().(*meetd.Error)
	if err == nil {
		return false
	}
	for _, f := range err.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// writePersonalPage answers a page with the meeting types it lists, as
// full meeting type objects.
func (s *Server) writePersonalPage(w http.ResponseWriter, r *http.Request, status int, page meetd.PersonalPage, owner meetd.User) error {
	types, err := s.cfg.Store.ListMeetingTypes(r.Context(), meetd.MeetingTypeFilter{CompanyID: owner.CompanyID, UserID: owner.ID})
	if err != nil {
		return err
	}
	listed, order := page.Listed(types)
	rendered := make([]map[string]any, len(listed))
	for i, m := range listed {
		rendered[i] = s.toMeetingTypeJSON(m, owner)
	}
	profiles := map[string]any{}
	for _, k := range meetd.OnlineProfileKeys {
		profiles[k] = nullable(page.Profiles[k])
	}
	links := page.CustomLinks
	if links == nil {
		links = []meetd.CustomLink{}
	}
	profiles["customLinks"] = links
	var created, updated any
	if !page.CreatedAt.IsZero() {
		created, updated = meetd.FormatTime(page.CreatedAt), meetd.FormatTime(page.UpdatedAt)
	}
	writeJSON(w, status, map[string]any{
		"id": page.UserID, "userId": page.UserID, "companyId": page.CompanyID,
		"useCustomColors": page.UseCustomColors, "primaryColor": nullable(page.PrimaryColor),
		"secondaryColor": nullable(page.SecondaryColor), "headerImage": nullable(page.HeaderImage),
		"description": page.Description, "showAllMeetingTypes": page.ShowAllMeetingTypes,
		"meetingTypeOrder": order, "onlineProfiles": profiles, "meetingTypes": rendered,
		"createdAt": created, "updatedAt": updated,
	})
	return nil
}
