package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meetd/meetd"
)

// Settings → API: the company's platform API keys (owners and admins).

// apiKeysData is the Settings → API page.
type apiKeysData struct {
	Allowed     bool
	PlanMessage string
	Keys        []credRow
	Name        string
	Days        string
	New         *issued
}

// graceOptions are the grace periods offered when rolling a key.
var graceOptions = []option{
	{"0", "None: the old key stops now"}, {"1h", "1 hour"}, {"24h", "24 hours"}, {"72h", "3 days"},
	{"168h", "7 days"},
}

func (d *Dashboard) apiKeysView(r *http.Request, v *viewer, data apiKeysData) (*view, error) {
	creds, err := d.cfg.Store.ListCredentials(r.Context(), meetd.CredentialFilter{CompanyID: v.Company.ID,
		Kind: meetd.KindAPIKey})
	if err != nil {
		return nil, err
	}
	data.Keys = d.rows(r.Context(), creds)
	data.Allowed = v.Company.Plan.AllowsAPIKeys()
	if !data.Allowed {
		data.PlanMessage = planMessage("api_keys")
	}
	if data.Days == "" {
		data.Days = "90"
	}
	return &view{Title: "Settings → API", Section: "apikeys", Viewer: v, Data: data}, nil
}

func (d *Dashboard) apiKeys(w http.ResponseWriter, r *http.Request, v *viewer) {
	var data apiKeysData
	var created issued
	if d.take(w, r, v, revealAPIKeys, &created) {
		created.Example = d.baseURL(r)
		data.New = &created
	}
	page, err := d.apiKeysView(r, v, data)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "apikeys", page)
}

// renderKeys renders the page after a create or roll that failed, with
// err's message.
func (d *Dashboard) renderKeys(w http.ResponseWriter, r *http.Request, v *viewer, data apiKeysData, err error) {
	page, lerr := d.apiKeysView(r, v, data)
	if lerr != nil {
		d.failErr(w, r, v, lerr)
		return
	}
	status, msg := d.errStatus(r, err)
	page.Error = msg
	d.render(w, r, status, "apikeys", page)
}

// showKey sends the browser to Settings → API, which shows the new key once
// (see reveal.go): a reload creates nothing.
func (d *Dashboard) showKey(w http.ResponseWriter, r *http.Request, v *viewer, key issued) {
	if err := d.stash(w, r, v, revealAPIKeys, key); err != nil {
		d.renderKeys(w, r, v, apiKeysData{}, err)
		return
	}
	http.Redirect(w, r, "/dashboard/settings/api", http.StatusSeeOther)
}

func (d *Dashboard) createAPIKey(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	data := apiKeysData{Name: strings.TrimSpace(r.PostFormValue("name")), Days: strings.TrimSpace(r.PostFormValue("days"))}
	days, err := strconv.Atoi(data.Days)
	if err != nil || days < 1 || days > 90 {
		d.renderKeys(w, r, v, data, formError("An API key must expire in 1 to 90 days."))
		return
	}
	out, err := d.issuer.CreateAPIKey(ctx, v.Actor(), v.Company.ID, v.User.ID, data.Name,
		time.Duration(days)*24*time.Hour, false)
	if err != nil {
		d.renderKeys(w, r, v, data, err)
		return
	}
	d.log.Info("API key created", "credential_id", out.Credential.ID, "user_id", v.User.ID)
	d.showKey(w, r, v, issued{Name: out.Credential.Name, Secret: out.Secret, ExpiresAt: out.Credential.ExpiresAt})
}

// companyKey is the key named in the path if it is an API key of the
// viewer's company; anything else is not found.
func (d *Dashboard) companyKey(r *http.Request, v *viewer) (meetd.Credential, error) {
	c, err := d.credential(r, v)
	if err != nil {
		return c, err
	}
	if c.Kind != meetd.KindAPIKey {
		return meetd.Credential{}, notFound
	}
	return c, nil
}

// keyAction describes one change of an API key.
type keyAction struct {
	verb    string // past tense, for messages and the log
	status  meetd.CredentialStatus
	allowed func(credRow) bool
	confirm func(name string) confirmData
	done    string // flash, %s is the name
}

var keyActions = map[string]keyAction{
	"deactivate": {verb: "deactivated", status: meetd.CredentialDeactivated,
		allowed: func(c credRow) bool { return c.CanDeactivate },
		confirm: func(n string) confirmData {
			return confirmData{Heading: "Deactivate “" + n + "”?", Button: "Deactivate key", Danger: true,
				Message: "Requests with this key are refused until you reactivate it. Deactivation is temporary."}
		},
		done: "API key “%s” deactivated. Reactivate it to let it work again."},
	"reactivate": {verb: "reactivated", status: meetd.CredentialActive,
		allowed: func(c credRow) bool { return c.CanReactivate },
		confirm: func(n string) confirmData {
			return confirmData{Heading: "Reactivate “" + n + "”?", Button: "Reactivate key",
				Message: "The key works again at once, until its expiry."}
		},
		done: "API key “%s” reactivated."},
	"revoke": {verb: "revoked", status: meetd.CredentialRevoked,
		allowed: func(c credRow) bool { return c.CanRevoke },
		confirm: func(n string) confirmData {
			return confirmData{Heading: "Revoke “" + n + "”?", Button: "Revoke key", Danger: true,
				Message: "Any application using this key stops working at once. Revocation is permanent."}
		},
		done: "API key “%s” revoked. It no longer works."},
	"roll": {verb: "rolled",
		allowed: func(c credRow) bool { return c.CanRoll },
		confirm: func(n string) confirmData {
			return confirmData{Heading: "Roll “" + n + "”?", Button: "Roll key", Grace: graceOptions,
				Message: "A new key with the same name and lifetime replaces this one. The new key is shown once. " +
					"The old key keeps working for the grace period you choose (never past its own expiry), " +
					"so you can update your applications."}
		}},
}

// keyFor reads the key and the action from the path and checks that the
// action applies to the key's state.
func (d *Dashboard) keyFor(r *http.Request, v *viewer) (meetd.Credential, keyAction, string, error) {
	name := r.PathValue("action")
	act, ok := keyActions[name]
	if !ok {
		return meetd.Credential{}, act, name, notFound
	}
	c, err := d.companyKey(r, v)
	if err != nil {
		return c, act, name, err
	}
	// The state of a key depends on its successors (a replaced key is not
	// rolled again), so judge it among all the company's keys.
	all, err := d.cfg.Store.ListCredentials(r.Context(), meetd.CredentialFilter{CompanyID: v.Company.ID,
		Kind: meetd.KindAPIKey})
	if err != nil {
		return c, act, name, err
	}
	for _, row := range d.rows(r.Context(), all) {
		if row.ID != c.ID || act.allowed(row) {
			continue
		}
		state := row.State
		if row.Rolled && row.State == "active" {
			state = "replaced by a newer key"
		}
		return c, act, name, meetd.Errorf(meetd.ECONFLICT, "This key is %s, so it cannot be %s.", state, act.verb)
	}
	return c, act, name, nil
}

func (d *Dashboard) confirmAPIKey(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, act, name, err := d.keyFor(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	data := act.confirm(c.Name)
	data.Action = "/dashboard/settings/api/keys/" + c.ID + "/" + name
	data.Cancel = "/dashboard/settings/api"
	d.render(w, r, http.StatusOK, "confirm", &view{Title: data.Button, Section: "apikeys", Viewer: v, Data: data})
}

func (d *Dashboard) changeAPIKey(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	c, act, name, err := d.keyFor(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if name == "roll" {
		d.rollAPIKey(w, r, v, c)
		return
	}
	if _, err := d.cfg.Store.SetCredentialStatus(ctx, v.Actor(), v.Company.ID, c.ID, act.status); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("API key "+act.verb, "credential_id", c.ID, "user_id", v.User.ID)
	d.flash(ctx, fmt.Sprintf(act.done, c.Name))
	http.Redirect(w, r, "/dashboard/settings/api", http.StatusSeeOther)
}

func (d *Dashboard) rollAPIKey(w http.ResponseWriter, r *http.Request, v *viewer, c meetd.Credential) {
	ctx := r.Context()
	grace, err := time.ParseDuration(r.PostFormValue("grace"))
	if r.PostFormValue("grace") == "0" {
		grace, err = 0, nil
	}
	if err != nil || grace < 0 || grace > meetd.MaxRollGrace {
		d.renderKeys(w, r, v, apiKeysData{}, formError("Choose a grace period of 0 to 7 days."))
		return
	}
	out, err := d.issuer.Roll(ctx, v.Actor(), v.Company.ID, c.ID, grace)
	if err != nil {
		d.renderKeys(w, r, v, apiKeysData{}, err)
		return
	}
	d.log.Info("API key rolled", "credential_id", out.Credential.ID, "rolled_from_id", c.ID, "user_id", v.User.ID)
	oldUntil := d.cfg.Clock.Now().Add(grace)
	if old, err := d.cfg.Store.CredentialByID(ctx, v.Company.ID, c.ID); err == nil && old.ExpiresAt != nil {
		oldUntil = *old.ExpiresAt
	}
	d.showKey(w, r, v, issued{Name: out.Credential.Name, Secret: out.Secret, ExpiresAt: out.Credential.ExpiresAt,
		OldUntil: &oldUntil})
}
