package pages

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/meetd/meetd"
)

//go:embed templates/*.html templates/style.css templates/page.js
var files embed.FS

var (
	tmpl = template.Must(template.New("").Funcs(template.FuncMap{"dict": dict, "lines": lines}).ParseFS(files, "templates/*.html"))
	css  = template.CSS(mustRead("templates/style.css"))
	js   = template.JS(mustRead("templates/page.js"))
)

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// brand is the look of a user's personal page.
type brand struct {
	Primary, Secondary template.CSS
	// OnPrimary, PrimaryText and OnSecondary are the text colours that
	// read on the company's colours (see textColours).
	OnPrimary, PrimaryText, OnSecondary template.CSS
	HeaderImage                         string
}

func brandOf(pp meetd.PersonalPage) *brand {
	// The colours are written into a <style> as trusted CSS and the image
	// into src: what the store holds is checked again by the personal
	// page's own rules (#rgb/#rrggbb, an https URL), so a value that ever
	// bypassed them is dropped rather than written into the page.
	if (meetd.PersonalPage{PrimaryColor: pp.PrimaryColor, SecondaryColor: pp.SecondaryColor}).Validate() != nil {
		pp.UseCustomColors = false
	}
	if (meetd.PersonalPage{HeaderImage: pp.HeaderImage}).Validate() != nil {
		pp.HeaderImage = ""
	}
	if !pp.UseCustomColors && pp.HeaderImage == "" {
		return nil
	}
	b := &brand{HeaderImage: pp.HeaderImage}
	if pp.UseCustomColors {
		// Validate lets only #rgb and #rrggbb through.
		b.Primary, b.Secondary = template.CSS(pp.PrimaryColor), template.CSS(pp.SecondaryColor)
		b.OnPrimary, b.PrimaryText, b.OnSecondary = textColours(pp.PrimaryColor, pp.SecondaryColor)
	}
	return b
}

// view is what every template gets.
type view struct {
	Lang  string
	L     map[string]string
	Title string
	Nonce string
	CSS   template.CSS
	JS    template.JS
	Brand *brand
	// Switch is this page's address in the other language.
	Switch, SwitchLabel, SwitchLang string
	Status                          int
	Data                            any
}

func newView(r *http.Request, title string) *view {
	lang := language(r)
	v := &view{Lang: lang, L: msgs[lang], Title: title, Nonce: newNonce(), CSS: css, JS: js, Status: http.StatusOK}
	other := "de"
	v.SwitchLabel = "Deutsch"
	if lang == "de" {
		other, v.SwitchLabel = "en", "English"
	}
	v.SwitchLang = other
	q := r.URL.Query()
	q.Set("lang", other)
	// The handler sees the path without the public URL's path; the
	// request line still has it.
	path := r.URL.Path
	if orig, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "" {
		path = orig.Path
	}
	u := url.URL{Path: path, RawQuery: q.Encode()}
	if r.Method == http.MethodPost {
		// After a POST the switch reloads the page's GET form without
		// the fields just sent, but with the routing form submission the
		// booking carries (checked again by that page).
		q := url.Values{"lang": {other}}
		if sub := r.PostFormValue("submission"); sub != "" {
			q.Set("submission", sub)
		}
		u.RawQuery = q.Encode()
	}
	v.Switch = u.String()
	return v
}

// render writes template name with v; c is the company whose framing
// policy applies (nil: only meetd's own origin).
func (p *Pages) render(w http.ResponseWriter, name string, v *view, c *meetd.Company) {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, v); err != nil {
		p.log.Error("rendering a page failed", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	headers(w, v.Nonce, c)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(v.Status)
	_, _ = w.Write(b.Bytes())
}

// The errors of pages that have no store error behind them.
var (
	errNotFound = meetd.Errorf(meetd.ENOTFOUND, "not found")
	errTooMany  = meetd.Errorf(meetd.ERATELIMIT, "too many requests")
	// errCrossOrigin refuses a form posted from another site.
	errCrossOrigin = meetd.Errorf(meetd.EFORBIDDEN, "This form was sent from another site, so it was not processed.")
)

// problem is the error page's content.
type problem struct {
	Heading, Lead string
	// Detail is the scheduling error's message (English, as the API's).
	Detail string
	// Details are a validation failure's sentences, one per field.
	Details []string
	Back    string
}

// fail renders the error page for err: 404 for anything not found (a
// wrong secret included), 410 for a one-time link that no longer works,
// 409 for a conflict, 429 beyond the rate, else a logged 500 that says
// nothing internal.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, c *meetd.Company, err error) {
	v := newView(r, "")
	pr := problem{}
	switch {
	case errors.Is(err, meetd.ErrOneTimeLinkUsed):
		v.Status, pr.Heading, pr.Lead = http.StatusGone, v.L["gone"], v.L["goneUsed"]
	case errors.Is(err, meetd.ErrOneTimeLinkExpired):
		v.Status, pr.Heading, pr.Lead = http.StatusGone, v.L["gone"], v.L["goneExpired"]
	case errors.Is(err, meetd.ErrOneTimeLinkReplaced):
		v.Status, pr.Heading, pr.Lead = http.StatusGone, v.L["gone"], v.L["goneReplaced"]
	default:
		switch meetd.ErrorCode(err) {
		case meetd.ENOTFOUND:
			v.Status, pr.Heading, pr.Lead = http.StatusNotFound, v.L["notFound"], v.L["notFoundLead"]
		case meetd.ERATELIMIT:
			v.Status, pr.Heading, pr.Lead = http.StatusTooManyRequests, v.L["tooMany"], v.L["tooManyLead"]
		case meetd.ECONFLICT, meetd.EINVALID, meetd.EUNPROCESSABLE, meetd.EPLANLIMIT, meetd.EFORBIDDEN:
			v.Status, pr.Heading, pr.Detail = meetd.HTTPStatus(meetd.ErrorCode(err)), v.L["conflict"], meetd.ErrorMessage(err)
			// A validation failure's summary ("Validation failed") says
			// nothing; its sentences say what was wrong, as the API's
			// message array does.
			var e *meetd.Error
			if errors.As(err, &e) && len(e.Fields) > 0 {
				pr.Detail = ""
				for _, f := range e.Fields {
					pr.Details = append(pr.Details, f.Message)
				}
			}
		default:
			p.log.Error("page failed", "method", r.Method, "route", r.Pattern, "err", err)
			v.Status, pr.Heading, pr.Lead = http.StatusInternalServerError, v.L["error"], v.L["errorLead"]
		}
	}
	v.Title, v.Data = pr.Heading, pr
	p.render(w, "problem", v, c)
}

// pair hands a partial template the page's view (V, and its texts L) and
// its own data (C, also A).
type pair struct {
	V    *view
	L    map[string]string
	C, A any
}

func dict(v *view, x any) pair { return pair{V: v, L: v.L, C: x, A: x} }

// lines splits a text typed in a form (a description) at its line
// breaks, so a page can show them: HTML would run the lines together.
func lines(s string) []string {
	return strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
}
