package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assetVersion maps a static file name to a hash of its content, so asset
// URLs change whenever the binary's assets do and can be cached for long.
var assetVersion = func() map[string]string {
	out := map[string]string{}
	_ = fs.WalkDir(staticFS, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[path.Base(p)] = hex.EncodeToString(h[:6])
		return nil
	})
	return out
}()

func isStatic(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, Prefix+"static/") }

func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix(Prefix+"static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
}

var funcs = template.FuncMap{
	"asset": func(name string) string {
		return Prefix + "static/" + name + "?v=" + assetVersion[name]
	},
}

// pages holds one template set per page, each made of the layout and the
// page's own file (which defines "content").
type pages struct {
	byName map[string]*template.Template
}

func loadPages() *pages {
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+name))
		p.byName[strings.TrimSuffix(name, ".html")] = t
	}
	return p
}

// view is what every page template gets: the layout's fields and the page's
// own Data.
type view struct {
	Title string
	// Section names the navigation entry of the page.
	Section string
	Viewer  *viewer
	Flash   string
	Error   string
	Data    any
	loc     *time.Location
}

// IsAdmin reports whether the viewer is an owner or admin.
func (v *view) IsAdmin() bool { return v.Viewer != nil && v.Viewer.User.Role.IsAdmin() }

// Time renders a time (or *time.Time; nil renders as none) in the viewer's
// time zone inside a <time> element.
func (v *view) Time(t any, none string) template.HTML {
	var tm time.Time
	switch x := t.(type) {
	case time.Time:
		tm = x
	case *time.Time:
		if x == nil {
			return template.HTML(template.HTMLEscapeString(none))
		}
		tm = *x
	default:
		return template.HTML(template.HTMLEscapeString(none))
	}
	loc := v.loc
	if loc == nil {
		loc = time.UTC
	}
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s</time>`, meetd.FormatTime(tm),
		template.HTMLEscapeString(tm.In(loc).Format("2 Jan 2006, 15:04 MST"))))
}

// render writes page with status. The page is rendered into a buffer first,
// so a template error becomes a clean 500.
func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	t, ok := d.pages.byName[page]
	if !ok {
		panic("dashboard: no page " + page)
	}
	if v.Viewer != nil && v.loc == nil {
		v.loc, _ = meetd.LoadZone(v.Viewer.User.Timezone)
	}
	if hasSession(r.Context()) && v.Flash == "" {
		v.Flash = d.sm.PopString(r.Context(), keyFlash)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		d.log.Error("rendering a dashboard page failed", "page", page, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorPage struct {
	Status  int
	Message string
}

// fail renders the error page. v may be nil (signed out, or before the
// session is known).
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, v *viewer, status int, title, message string) {
	d.render(w, r, status, "error", &view{Title: title, Viewer: v, Data: errorPage{Status: status, Message: message}})
}

// errStatus returns the page status and the message to show for err. Errors
// that are not a *meetd.Error are logged and shown as a generic failure.
func (d *Dashboard) errStatus(r *http.Request, err error) (int, string) {
	var e *meetd.Error
	if !errors.As(err, &e) || e.Code == meetd.EINTERNAL {
		d.log.Error("dashboard request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, "Something went wrong on the server. Please try again."
	}
	status := meetd.HTTPStatus(e.Code)
	msg := e.Message
	if e.Code == meetd.EPLANLIMIT {
		msg = planMessage(e.Feature)
	}
	if len(e.Fields) > 0 {
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = f.Message
		}
		msg = "Please check the form: " + strings.Join(parts, "; ") + "."
	}
	return status, msg
}

// failErr renders the error page for err.
func (d *Dashboard) failErr(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	status, msg := d.errStatus(r, err)
	title := http.StatusText(status)
	if status == http.StatusNotFound {
		title, msg = "Not found", "There is no such item in your company."
	}
	d.fail(w, r, v, status, title, msg)
}

// planMessage says which plan a feature needs.
func planMessage(feature string) string {
	if feature == "api_keys" {
		return "Your plan does not include API access: platform API keys need the Enterprise or API Platform plan."
	}
	return "Your plan does not include API access: personal access tokens need the Essentials plan or above."
}

// formError is an input problem shown above a form.
func formError(format string, args ...any) error {
	return meetd.Errorf(meetd.EINVALID, format, args...)
}
