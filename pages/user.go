package pages

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/meetd/meetd"
)

type typeLink struct {
	Name, Description, Href string
	Minutes                 int
}

// profileLink is one entry of a personal page's online profiles: a link
// (Href) or, for address parts, text.
type profileLink struct {
	Name, Text string
	Href       template.URL
}

// profileNames are the visible names of the online profiles.
var profileNames = map[string]string{"linkedIn": "LinkedIn", "facebook": "Facebook", "twitter": "X (Twitter)",
	"instagram": "Instagram", "xing": "XING", "phone": "☎", "email": "✉"}

// socialBase turns a handle into a profile address; a value with a
// scheme is already one (the personal page allows only http(s) there).
var socialBase = map[string]string{"linkedIn": "https://www.linkedin.com/in/", "facebook": "https://www.facebook.com/",
	"twitter": "https://x.com/", "instagram": "https://www.instagram.com/", "xing": "https://www.xing.com/profile/"}

// profilesOf lists a personal page's online profiles in
// meetd.OnlineProfileKeys order, then its custom links; the address parts
// make one line of text.
func profilesOf(pp meetd.PersonalPage) []profileLink {
	var out []profileLink
	var address []string
	for _, k := range meetd.OnlineProfileKeys {
		v := strings.TrimSpace(pp.Profiles[k])
		if v == "" {
			continue
		}
		switch {
		case socialBase[k] != "":
			href := v
			if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				href = socialBase[k] + url.PathEscape(strings.TrimPrefix(v, "@"))
			}
			// Typed only after Validate allowed an http(s) URL or a handle
			// made into one; html/template still escapes it.
			out = append(out, profileLink{Name: profileNames[k], Href: safeURL(href)})
		case k == "phone":
			out = append(out, profileLink{Name: profileNames[k] + " " + v, Href: telURL(v)})
		case k == "email":
			out = append(out, profileLink{Name: profileNames[k] + " " + v, Href: safeURL("mailto:" + v)})
		default:
			address = append(address, v)
		}
	}
	for _, l := range pp.CustomLinks {
		out = append(out, profileLink{Name: l.Name, Href: safeURL(l.URL)})
	}
	if len(address) > 0 {
		out = append(out, profileLink{Text: strings.Join(address, ", ")})
	}
	return out
}

// telURL is a call link to number: html/template lets only http(s) and
// mailto through an untyped href, so the link is typed, and therefore made
// of nothing but the number's digits and a leading +.
func telURL(number string) template.URL {
	var b strings.Builder
	for i, r := range strings.TrimSpace(number) {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return template.URL("tel:" + b.String())
}

// safeURL lets through what html/template would (http, https, mailto, or
// no scheme) and nothing else.
func safeURL(u string) template.URL {
	scheme, _, ok := strings.Cut(u, ":")
	if ok && !strings.Contains(scheme, "/") {
		switch strings.ToLower(scheme) {
		case "http", "https", "mailto":
		default:
			return ""
		}
	}
	return template.URL(u)
}

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
	v.Data = map[string]any{"Name": hostName(u), "Description": pp.Description, "Types": links, "Links": profilesOf(pp)}
	p.render(w, "user", v, &c)
}

func withQueryLang(u, lang string) string {
	if lang != "en" && lang != "de" {
		return u
	}
	return u + "?lang=" + lang
}
