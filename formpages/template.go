package formpages

import (
	"cmp"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// texts are the page's fixed words in one language.
type texts struct {
	Submit, Required, Yes, No, Step, Thanks, NotFound, Failed, TooMany, Malformed, Check, ErrorSummary, Choose, Language string
}

var texts_ = map[string]texts{
	"en": {Submit: "Submit", Required: "required", Yes: "Yes", No: "No", Step: "Step", Thanks: "Thank you! Your answers were sent.",
		NotFound: "This form does not exist.", Failed: "Something went wrong. Please try again later.",
		TooMany:   "Too many submissions from your address. Please wait a minute and try again.",
		Malformed: "The form could not be read. Please try again.", Check: "Please check this answer.",
		ErrorSummary: "Some answers need your attention.", Choose: "Please choose", Language: "Language"},
	"de": {Submit: "Absenden", Required: "Pflichtfeld", Yes: "Ja", No: "Nein", Step: "Schritt",
		Thanks:   "Vielen Dank! Ihre Antworten wurden gesendet.",
		NotFound: "Dieses Formular gibt es nicht.", Failed: "Etwas ist schiefgegangen. Bitte versuchen Sie es später noch einmal.",
		TooMany:   "Zu viele Einsendungen von Ihrer Adresse. Bitte warten Sie eine Minute und versuchen Sie es erneut.",
		Malformed: "Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut.",
		Check:     "Bitte überprüfen Sie diese Angabe.", ErrorSummary: "Einige Angaben müssen Sie noch prüfen.",
		Choose: "Bitte wählen", Language: "Sprache"},
}

// chosen is the language the visitor picked with the page's switch
// (?lang=en or de), "" when they picked none.
func chosen(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "de" {
		return l
	}
	return ""
}

// langOf is the language of a page: the one the visitor picked, else the
// one their browser asks for.
func langOf(r *http.Request) string {
	return cmp.Or(chosen(r), language(r.Header.Get("Accept-Language")))
}

// language picks German when the first language of Accept-Language that
// the pages speak is German, English otherwise. Languages with q=0 are
// refused by the visitor and skipped.
func language(header string) string {
	best, bestQ := "en", -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base := strings.ToLower(strings.SplitN(tag, "-", 2)[0])
		if (base == "de" || base == "en") && q > 0 && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// fieldArgs is a field with its page's words, for the field template.
type fieldArgs struct {
	F field
	T texts
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"args": func(f field, t texts) fieldArgs { return fieldArgs{F: f, T: t} },
}).Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
label,legend{display:block;font-weight:600;margin-top:1rem}
input[type=text],input[type=email],input[type=tel],input[type=url],input[type=number],input[type=date],input[type=time],select,textarea{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
fieldset{border:0;padding:0;margin:0}
.choice{display:flex;gap:.5rem;align-items:center;font-weight:normal;margin-top:.25rem}
.error{color:#a00000}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit}
</style>
</head>
<body>
{{if .Switch}}<nav aria-label="{{.T.Language}}" style="text-align:right"><a href="{{.Switch}}" hreflang="{{.SwitchLang}}" lang="{{.SwitchLang}}">{{.SwitchName}}</a></nav>{{end}}
<main>
<h1>{{.Title}}</h1>
{{if .Message}}<p role="status">{{.Message}}</p>{{end}}
{{range .Paragraph}}<p>{{.}}</p>{{end}}
{{if .Sections}}
{{if .Errors}}<p class="error" role="alert">{{.T.ErrorSummary}}</p>{{end}}
<form method="post" action="{{.Action}}" novalidate>
{{if .Token}}<input type="hidden" name="r" value="{{.Token}}">{{end}}
{{$t := .T}}
{{range $i, $s := .Sections}}
<fieldset>
{{if $s.Legend}}<legend>{{$t.Step}} {{$s.Legend}}</legend>{{end}}
{{range $s.Fields}}{{template "field" (args . $t)}}{{end}}
</fieldset>
{{end}}
<button type="submit">{{.Button}}</button>
</form>
{{end}}
</main>
</body>
</html>
{{define "req"}}{{if .F.Required}} <span aria-hidden="true">*</span><span class="visually-hidden" style="position:absolute;left:-9999px">({{.T.Required}})</span>{{end}}{{end}}
{{define "err"}}{{if .F.Error}}<p class="error" id="{{.F.ID}}-error">{{.F.Error}}</p>{{end}}{{end}}
{{define "field"}}{{$f := .F}}{{$t := .T}}
{{if eq $f.Input "radio" "checkboxes" "yesno"}}
<fieldset{{if $f.Error}} aria-describedby="{{$f.ID}}-error"{{end}}{{if $f.Required}} aria-required="true"{{end}}>
<legend id="{{$f.ID}}-label">{{$f.Label}}{{template "req" .}}</legend>
{{if eq $f.Input "yesno"}}
<label class="choice"><input type="radio" name="{{$f.ID}}" value="yes"{{if eq $f.Value "yes"}} checked{{end}}> {{$t.Yes}}</label>
<label class="choice"><input type="radio" name="{{$f.ID}}" value="no"{{if eq $f.Value "no"}} checked{{end}}> {{$t.No}}</label>
{{else}}{{range $i, $o := $f.Options}}
<label class="choice" for="{{$f.ID}}-{{$i}}"><input id="{{$f.ID}}-{{$i}}" type="{{if eq $f.Input "radio"}}radio{{else}}checkbox{{end}}" name="{{$f.ID}}" value="{{$o.Value}}"{{if $o.Checked}} checked{{end}}> {{$o.Label}}</label>
{{end}}{{end}}
{{template "err" .}}
</fieldset>
{{else if eq $f.Input "checkbox"}}
<label class="choice" for="{{$f.ID}}"><input id="{{$f.ID}}" type="checkbox" name="{{$f.ID}}" value="yes"{{if $f.Value}} checked{{end}}{{if $f.Error}} aria-invalid="true" aria-describedby="{{$f.ID}}-error"{{end}}> {{$f.Label}}{{template "req" .}}</label>
{{template "err" .}}
{{else}}
<label for="{{$f.ID}}">{{$f.Label}}{{template "req" .}}</label>
{{if eq $f.Input "textarea"}}<textarea id="{{$f.ID}}" name="{{$f.ID}}" rows="4"{{if $f.Required}} required{{end}}{{if $f.Error}} aria-invalid="true" aria-describedby="{{$f.ID}}-error"{{end}}>{{$f.Value}}</textarea>
{{else if eq $f.Input "select"}}<select id="{{$f.ID}}" name="{{$f.ID}}"{{if $f.Required}} required{{end}}{{if $f.Error}} aria-invalid="true" aria-describedby="{{$f.ID}}-error"{{end}}>
<option value="">{{$t.Choose}}</option>
{{range $f.Options}}<option value="{{.Value}}"{{if .Checked}} selected{{end}}>{{.Label}}</option>{{end}}
</select>
{{else}}<input id="{{$f.ID}}" type="{{$f.Input}}" name="{{$f.ID}}" value="{{$f.Value}}"{{if $f.Min}} min="{{$f.Min}}"{{end}}{{if $f.Max}} max="{{$f.Max}}"{{end}}{{if eq $f.Input "number"}} step="any"{{end}}{{if $f.Required}} required{{end}}{{if $f.Error}} aria-invalid="true" aria-describedby="{{$f.ID}}-error"{{end}}>
{{end}}
{{template "err" .}}
{{end}}
{{end}}`))
