// Package formpages serves the public page of a routing form: it asks the
// form's questions, checks the answers by their data fields' types,
// stores the submission (which fires the form_submission webhook event)
// and routes the visitor by the form's qualifiers: to the booking page of a
// meeting type with ?submission=<id>, to a page of text, or to another
// address. Server-rendered HTML in English or German, no script.
package formpages

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/links"
	"github.com/meetd/meetd/ratelimit"
)

// Store is what the pages read and write: a subset of meetd.Store.
type Store interface {
	RoutingFormForPage(ctx context.Context, slugOrID string) (meetd.RoutingForm, error)
	DataFieldsByIDs(ctx context.Context, companyID string, ids []int64) ([]meetd.DataField, error)
	OpenFormRecipient(ctx context.Context, formID string, hash []byte) (meetd.FormRecipient, error)
	SubmitForm(ctx context.Context, a meetd.Actor, s meetd.FormSubmission) (meetd.FormSubmission, error)
	MeetingTypeByID(ctx context.Context, companyID, id string) (meetd.MeetingType, error)
	UserByID(ctx context.Context, companyID, id string) (meetd.User, error)
	CompanyByID(ctx context.Context, id string) (meetd.Company, error)
}

var _ Store = meetd.Store(nil)

// DefaultSubmitRate bounds the submissions of one address: a burst of 10,
// then one every 6 seconds.
var DefaultSubmitRate = ratelimit.Rate{Limit: 10, Per: time.Minute, Burst: 10}

// MaxFormBytes bounds a submitted form's body.
const MaxFormBytes = 64 << 10

// Config is what the pages need. Store and PublicURL are required.
type Config struct {
	Store Store
	// PublicURL is the --public-url: the pages live at its path + /f/…
	// and booking pages are built from it.
	PublicURL string
	// SubmitRate bounds the POSTs per client address; zero means
	// DefaultSubmitRate.
	SubmitRate ratelimit.Rate
	Clock      meetd.Clock
	// ClientIP says who sent a request (the peer, or what a trusted proxy
	// says); nil means the peer.
	ClientIP func(*http.Request) string
	Log      *slog.Logger
}

// Pages serves the routing form pages.
type Pages struct {
	cfg   Config
	links links.Base
	limit *ratelimit.Limiter
}

// New returns the pages of cfg.
func New(cfg Config) *Pages {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = meetd.SystemClock{}
	}
	if cfg.SubmitRate == (ratelimit.Rate{}) {
		cfg.SubmitRate = DefaultSubmitRate
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = func(r *http.Request) string {
			host := r.RemoteAddr
			if i := strings.LastIndexByte(host, ':'); i > 0 {
				host = host[:i]
			}
			return strings.Trim(host, "[]")
		}
	}
	return &Pages{cfg: cfg, links: links.New(cfg.PublicURL), limit: ratelimit.New(cfg.SubmitRate, cfg.Clock)}
}

// Prefix is the path the pages live under: the public URL's path + "/f/".
func (p *Pages) Prefix() string {
	u, err := url.Parse(p.cfg.PublicURL)
	path := ""
	if err == nil {
		path = strings.TrimSuffix(u.Path, "/")
	}
	return path + "/f/"
}

// Mount registers GET and POST <Prefix>{slug} on mux.
func (p *Pages) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET "+p.Prefix()+"{slug}", p.show)
	mux.HandleFunc("POST "+p.Prefix()+"{slug}", p.submit)
}

// page is what the template renders.
type page struct {
	Lang      string
	T         texts
	Title     string
	Action    string
	Button    string
	Token     string
	Sections  []section
	Errors    bool
	Message   string // a page of text (customPage), or the thank-you
	Paragraph []string
	// Switch is the form's address in the other language, SwitchLang
	// that language and SwitchName its name in itself.
	Switch, SwitchLang, SwitchName string
	// frames is the CSP frame-ancestors of a form's page: the form's
	// company's origins, as its booking pages have them; "" is 'self'.
	frames string
}

type section struct {
	Legend string
	Fields []field
}

// field is one question as rendered.
type field struct {
	ID, Name, Label, Type, Input string
	Required                     bool
	Options                      []option
	Value                        string
	Min, Max                     string
	Error                        string
}

type option struct {
	Value, Label string
	Checked      bool
}

// load reads the form a page address names and the fields it asks, in
// order (hidden and composite contact fields are not asked on the page).
func (p *Pages) load(ctx context.Context, slug string) (meetd.RoutingForm, []meetd.DataField, []section, error) {
	f, err := p.cfg.Store.RoutingFormForPage(ctx, slug)
	if err != nil {
		return f, nil, nil, err
	}
	refs := f.Refs()
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.DataFieldID
	}
	found, err := p.cfg.Store.DataFieldsByIDs(ctx, f.CompanyID, ids)
	if err != nil {
		return f, nil, nil, err
	}
	byID := map[int64]meetd.DataField{}
	for _, d := range found {
		byID[d.ID] = d
	}
	var asked []meetd.DataField
	var sections []section
	seen := map[int64]bool{}
	add := func(legend string, refs []meetd.FieldRef) {
		s := section{Legend: legend}
		for _, r := range refs {
			d, ok := byID[r.DataFieldID]
			if !ok || d.Hidden || d.FieldType == meetd.FieldContact || seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			asked = append(asked, d)
			s.Fields = append(s.Fields, newField(d))
		}
		if len(s.Fields) > 0 {
			sections = append(sections, s)
		}
	}
	own := append([]meetd.FieldRef(nil), f.Fields...)
	meetd.SortRefs(own)
	add("", own)
	for i, st := range sortedSteps(f.FunnelSteps) {
		refs := append([]meetd.FieldRef(nil), st.DataFields...)
		meetd.SortRefs(refs)
		add(strconv.Itoa(i+1), refs)
	}
	return f, asked, sections, nil
}

// sortedSteps returns the funnel steps by Index, keeping the given order
// among equals.
func sortedSteps(steps []meetd.FunnelStep) []meetd.FunnelStep {
	out := append([]meetd.FunnelStep(nil), steps...)
	slices.SortStableFunc(out, func(a, b meetd.FunnelStep) int { return cmp.Compare(a.Index, b.Index) })
	return out
}

// newField is a data field as an input.
func newField(d meetd.DataField) field {
	fl := field{ID: "f" + strconv.FormatInt(d.ID, 10), Name: d.Name, Label: d.Label, Type: d.FieldType, Required: d.Required}
	for _, o := range d.Options {
		label := o.Label
		if label == "" {
			label = o.Value
		}
		fl.Options = append(fl.Options, option{Value: o.Value, Label: label})
	}
	switch d.FieldType {
	case meetd.FieldTextMulti:
		fl.Input = "textarea"
	case meetd.FieldSelect:
		fl.Input = "select"
	case meetd.FieldRadio:
		fl.Input = "radio"
	case meetd.FieldCheckboxMulti:
		fl.Input = "checkboxes"
	case meetd.FieldSlide:
		fl.Input = "checkboxes"
		if len(fl.Options) == 0 {
			fl.Input = "text"
		}
	case meetd.FieldCheckboxSingle:
		fl.Input = "checkbox"
	case meetd.FieldYesNo:
		fl.Input = "yesno"
	case meetd.FieldEmail:
		fl.Input = "email"
	case meetd.FieldPhone:
		fl.Input = "tel"
	case meetd.FieldURL:
		fl.Input = "url"
	case meetd.FieldNumber, meetd.FieldCurrency, meetd.FieldRating, meetd.FieldScale:
		fl.Input = "number"
		lo, hi := d.Min, d.Max
		switch d.FieldType {
		case meetd.FieldRating:
			fl.Min, fl.Max = "1", "5"
		case meetd.FieldScale:
			fl.Min, fl.Max = "0", "10"
		}
		if lo != nil {
			fl.Min = strconv.FormatFloat(*lo, 'f', -1, 64)
		}
		if hi != nil {
			fl.Max = strconv.FormatFloat(*hi, 'f', -1, 64)
		}
	case meetd.FieldDate, meetd.FieldDateOfBirth:
		fl.Input = "date"
	case meetd.FieldTime:
		fl.Input = "time"
	default:
		fl.Input = "text"
	}
	return fl
}

// pick returns the text of a by-language map in lang, else in English,
// else in any language.
func pick(m map[string]string, lang string) string {
	if s := m[lang]; s != "" {
		return s
	}
	if s := m["en"]; s != "" {
		return s
	}
	for _, s := range m {
		if s != "" {
			return s
		}
	}
	return ""
}

// setting reads an i18n setting of a form ({en, de} or a plain string).
func setting(f meetd.RoutingForm, key, lang string) string {
	raw, ok := f.Settings[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		return pick(m, lang)
	}
	return ""
}

func (p *Pages) newPage(r *http.Request, f meetd.RoutingForm, sections []section) page {
	lang := langOf(r)
	pg := page{Lang: lang, T: texts_[lang], Sections: sections, Action: r.URL.Path, frames: p.frames(r.Context(), f)}
	if chosen(r) != "" {
		pg.Action += "?lang=" + lang
	}
	// The switch keeps a recipient's token, so a recipient who switches is
	// still the one the form was sent to.
	q := url.Values{"lang": {"de"}}
	pg.SwitchLang, pg.SwitchName = "de", "Deutsch"
	if lang == "de" {
		q.Set("lang", "en")
		pg.SwitchLang, pg.SwitchName = "en", "English"
	}
	if token := cmp.Or(r.URL.Query().Get("r"), r.PostForm.Get("r")); token != "" && len(token) <= 100 {
		q.Set("r", token)
	}
	pg.Switch = r.URL.Path + "?" + q.Encode()
	pg.Title = setting(f, "title", lang)
	if pg.Title == "" {
		pg.Title = f.Name
	}
	pg.Button = setting(f, "actionButtonText", lang)
	if pg.Button == "" {
		pg.Button = pg.T.Submit
	}
	return pg
}

// frames is the frame-ancestors of form f's pages: the sites its company
// lets embed its booking pages may embed its forms too. A company that
// cannot be read leaves only 'self', logged.
func (p *Pages) frames(ctx context.Context, f meetd.RoutingForm) string {
	c, err := p.cfg.Store.CompanyByID(ctx, f.CompanyID)
	if err != nil {
		p.cfg.Log.Error("form page: company", "form", f.ID, "err", err)
		return "'self'"
	}
	return meetd.FrameAncestorsSource(c.FrameAncestors)
}

// GET <prefix>{slug}[?r=token] shows the form; a recipient's token marks
// them opened and is carried into the submission.
func (p *Pages) show(w http.ResponseWriter, r *http.Request) {
	f, _, sections, err := p.load(r.Context(), r.PathValue("slug"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := p.newPage(r, f, sections)
	if token := r.URL.Query().Get("r"); token != "" && len(token) <= 100 {
		h := sha256.Sum256([]byte(token))
		if _, err := p.cfg.Store.OpenFormRecipient(r.Context(), f.ID, h[:]); err == nil {
			pg.Token = token
		} else if meetd.ErrorCode(err) != meetd.ENOTFOUND {
			p.cfg.Log.Error("form page: recipient", "form", f.ID, "err", err)
		}
	}
	p.render(w, http.StatusOK, pg)
}

// POST <prefix>{slug} checks the answers (400 with the form and its
// errors), stores the submission and routes the visitor.
func (p *Pages) submit(w http.ResponseWriter, r *http.Request) {
	ip := p.cfg.ClientIP(r)
	// By clientip.RateKey, as meetd's other limits: an IPv6 client counts
	// by its /64, which one host routinely holds whole.
	if d := p.limit.Take(clientip.RateKey(ip)); !d.Allowed {
		d.SetHeaders(w.Header())
		lang := langOf(r)
		p.render(w, http.StatusTooManyRequests, page{Lang: lang, T: texts_[lang], Title: texts_[lang].TooMany,
			Message: texts_[lang].TooMany})
		return
	}
	f, asked, sections, err := p.load(r.Context(), r.PathValue("slug"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	if err := r.ParseForm(); err != nil || !cleanForm(r.PostForm) {
		lang := langOf(r)
		p.render(w, http.StatusBadRequest, page{Lang: lang, T: texts_[lang], Title: f.Name, Message: texts_[lang].Malformed,
			frames: p.frames(r.Context(), f)})
		return
	}
	pg := p.newPage(r, f, sections)
	given := map[string]json.RawMessage{}
	for si := range pg.Sections {
		for fi := range pg.Sections[si].Fields {
			fl := &pg.Sections[si].Fields[fi]
			values := r.PostForm[fl.ID]
			fl.Value = strings.Join(values, ",")
			for oi := range fl.Options {
				for _, v := range values {
					fl.Options[oi].Checked = fl.Options[oi].Checked || v == fl.Options[oi].Value
				}
			}
			if raw, ok := formAnswer(fl.Input, values); ok {
				given[fl.Name] = raw
			}
		}
	}
	_, answers, err := meetd.CheckAnswers(asked, given, "")
	if err != nil {
		e, _ := err.(*meetd.Error)
		if e == nil {
			p.fail(w, r, err)
			return
		}
		msgs := map[string]string{}
		for _, fe := range e.Fields {
			msgs[fe.Field] = fe.Message
		}
		for si := range pg.Sections {
			for fi := range pg.Sections[si].Fields {
				fl := &pg.Sections[si].Fields[fi]
				if m, ok := msgs[fl.Name]; ok {
					fl.Error = pg.T.Check
					if pg.Lang == "en" {
						fl.Error = m
					}
					pg.Errors = true
				}
			}
		}
		pg.Token = r.PostForm.Get("r")
		p.render(w, http.StatusBadRequest, pg)
		return
	}
	sub := meetd.FormSubmission{CompanyID: f.CompanyID, FormID: f.ID, Answers: answers}
	if token := r.PostForm.Get("r"); token != "" && len(token) <= 100 {
		h := sha256.Sum256([]byte(token))
		if rec, err := p.cfg.Store.OpenFormRecipient(r.Context(), f.ID, h[:]); err == nil {
			sub.RecipientID = rec.ID
		}
	}
	if q, ok := f.Route(answers, asked); ok {
		sub.Outcome = q
	}
	sub, err = p.cfg.Store.SubmitForm(r.Context(), meetd.Actor{IP: ip, Source: "form"}, sub)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.route(w, r, f, sub, pg)
}

// cleanForm reports whether every name and value of a posted form is valid
// UTF-8 without NUL, as the API's input gate and the booking pages
// require: PostgreSQL stores neither, and SQLite would serve them back.
func cleanForm(form url.Values) bool {
	for name, values := range form {
		for _, v := range append(values, name) {
			if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
				return false
			}
		}
	}
	return true
}

// formAnswer turns the posted values of one input into a JSON answer;
// ok is false when nothing was answered.
func formAnswer(input string, values []string) (json.RawMessage, bool) {
	var nonEmpty []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			nonEmpty = append(nonEmpty, v)
		}
	}
	var v any
	switch input {
	case "checkboxes":
		if len(nonEmpty) == 0 {
			return nil, false
		}
		v = nonEmpty
	case "checkbox":
		v = len(nonEmpty) > 0
	default:
		if len(nonEmpty) == 0 {
			return nil, false
		}
		v = nonEmpty[0]
	}
	b, _ := json.Marshal(v)
	return b, true
}

// route carries out the outcome of a submission.
func (p *Pages) route(w http.ResponseWriter, r *http.Request, f meetd.RoutingForm, sub meetd.FormSubmission, pg page) {
	thanks := page{Lang: pg.Lang, T: pg.T, Title: pg.Title, Message: pg.T.Thanks, frames: pg.frames}
	q := sub.Outcome
	switch q.RoutingAction {
	case meetd.ActionEventRedirect:
		m, err := p.cfg.Store.MeetingTypeByID(r.Context(), f.CompanyID, q.MeetingTypeID)
		if err == nil {
			var u meetd.User
			if u, err = p.cfg.Store.UserByID(r.Context(), f.CompanyID, m.UserID); err == nil {
				target := p.links.Booking(u.Slug, m.Slug) + "?submission=" + url.QueryEscape(sub.ID)
				if lang := chosen(r); lang != "" {
					target += "&lang=" + lang // the booking page speaks the language chosen here
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
		}
		p.cfg.Log.Warn("form page: the meeting type to book is gone", "form", f.ID, "meetingType", q.MeetingTypeID, "err", err)
	case meetd.ActionExternalRedirect:
		if u, err := url.Parse(q.ExternalRedirectLink); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
	case meetd.ActionCustomPage:
		text := pick(q.CustomPageContent, pg.Lang)
		thanks.Message = ""
		thanks.Paragraph = strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	}
	p.render(w, http.StatusOK, thanks)
}

// fail answers a missing form with a 404 page and logs anything else as a
// 500 that says nothing internal.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := langOf(r)
	t := texts_[lang]
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		p.render(w, http.StatusNotFound, page{Lang: lang, T: t, Title: t.NotFound, Message: t.NotFound})
		return
	}
	if code := meetd.ErrorCode(err); code != meetd.EINTERNAL {
		p.render(w, meetd.HTTPStatus(code), page{Lang: lang, T: t, Title: t.Failed, Message: meetd.ErrorMessage(err)})
		return
	}
	p.cfg.Log.Error("form page", "path", r.URL.Path, "err", err)
	p.render(w, http.StatusInternalServerError, page{Lang: lang, T: t, Title: t.Failed, Message: t.Failed})
}

func (p *Pages) render(w http.ResponseWriter, status int, pg page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	frames := cmp.Or(pg.frames, "'self'")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors "+frames)
	w.WriteHeader(status)
	if err := pageTemplate.Execute(w, pg); err != nil {
		p.cfg.Log.Error("form page: render", "err", err)
	}
}
