package pages

import (
	"net/http"

	"github.com/meetd/meetd"
)

type typeLink struct {
	Name, Description, Href string
	Minutes                 int
}

type profileLink struct{ Name, Href string }

// GET /{user}: the user's personal page, their listed meeting types in
// the page's order, with its branding and links.
func (p *Pages) userPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := p.cfg.Store.UserBySlug(ctx, r.PathValue("user"))
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	c, err := p.cfg.Store.CompanyByID(ctx, u.CompanyID)
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	pp, err := p.cfg.Store.PersonalPage(ctx, c.ID, u.ID)
	if err != nil {
		p.fail(w, r, &c, err)
		return
	}
	types, err := p.cfg.Store.ListMeetingTypes(ctx, meetd.MeetingTypeFilter{CompanyID: c.ID, UserID: u.ID})
	if err != nil {
		p.fail(w, r, &c, err)
		return
	}
	listed, _ := pp.Listed(types)
	v := newView(r, hostName(u))
	v.Brand = brandOf(pp)
	lang := r.URL.Query().Get("lang")
	var links []typeLink
	for _, m := range listed {
		links = append(links, typeLink{Name: m.Name, Description: m.Description, Minutes: m.Duration,
			Href: withQueryLang(p.links.Booking(u.Slug, m.Slug), lang)})
	}
	var profiles []profileLink
	for _, l := range pp.CustomLinks {
		profiles = append(profiles, profileLink{Name: l.Name, Href: l.URL})
	}
	v.Data = map[string]any{"Name": hostName(u), "Description": pp.Description, "Types": links, "Links": profiles}
	p.render(w, "user", v, &c)
}

func withQueryLang(u, lang string) string {
	if lang != "en" && lang != "de" {
		return u
	}
	return u + "?lang=" + lang
}
