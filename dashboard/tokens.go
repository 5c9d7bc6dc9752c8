package dashboard

import (
	"net/http"
	"strings"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// Integrations → API: the signed-in user's personal access tokens.

// tokensData is the Integrations → API page.
type tokensData struct {
	Allowed     bool
	PlanMessage string
	Tokens      []credRow
	Name        string
	Expiry      string
	Expiries    []option
	New         *issued
}

// patExpiries are the lifetimes offered for a new token.
var patExpiries = []option{
	{"7d", "7 days"}, {"30d", "30 days"}, {"60d", "60 days"}, {"90d", "90 days"}, {"365d", "1 year"},
	{"never", "No expiration"},
}

var patExpiryDur = map[string]time.Duration{
	"7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "60d": 60 * 24 * time.Hour,
	"90d": 90 * 24 * time.Hour, "365d": 365 * 24 * time.Hour, "never": 0,
}

func (d *Dashboard) tokensView(r *http.Request, v *viewer, data tokensData) (*view, error) {
	creds, err := d.cfg.Store.ListCredentials(r.Context(), meetd.CredentialFilter{CompanyID: v.Company.ID,
		Kind: meetd.KindPAT, UserID: v.User.ID})
	if err != nil {
		return nil, err
	}
	data.Tokens = d.rows(r.Context(), creds)
	data.Allowed = v.Company.Plan.AllowsPATs()
	if !data.Allowed {
		data.PlanMessage = planMessage("personal_access_tokens")
	}
	data.Expiries = patExpiries
	if data.Expiry == "" {
		data.Expiry = "30d"
	}
	return &view{Title: "Integrations → API", Section: "integrations", Viewer: v, Data: data}, nil
}

func (d *Dashboard) tokens(w http.ResponseWriter, r *http.Request, v *viewer) {
	var data tokensData
	var created issued
	if d.take(w, r, v, revealTokens, &created) {
		created.Example = d.baseURL(r)
		data.New = &created
	}
	page, err := d.tokensView(r, v, data)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.render(w, r, http.StatusOK, "tokens", page)
}

// createToken mints a token and sends the browser to the page that shows
// it, once (see reveal.go): a reload creates nothing. The token is in no
// log, and in no session or cookie in readable form.
func (d *Dashboard) createToken(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	data := tokensData{Name: strings.TrimSpace(r.PostFormValue("name")), Expiry: r.PostFormValue("expiry")}
	dur, ok := patExpiryDur[data.Expiry]
	var err error
	if !ok {
		err = formError("Choose when the token expires.")
	} else {
		var out auth.Issued
		out, err = d.issuer.CreatePAT(ctx, v.Actor(), v.Company.ID, v.User.ID, data.Name, dur)
		if err == nil {
			d.log.Info("personal access token created", "credential_id", out.Credential.ID, "user_id", v.User.ID)
			err = d.stash(w, r, v, revealTokens, issued{Name: out.Credential.Name, Secret: out.Secret,
				ExpiresAt: out.Credential.ExpiresAt})
			if err == nil {
				http.Redirect(w, r, "/dashboard/integrations", http.StatusSeeOther)
				return
			}
		}
	}
	page, lerr := d.tokensView(r, v, data)
	if lerr != nil {
		d.failErr(w, r, v, lerr)
		return
	}
	status, msg := d.errStatus(r, err)
	page.Error = msg
	d.render(w, r, status, "tokens", page)
}

// ownToken is the token named in the path if it is one of the viewer's own
// personal access tokens; anything else is not found.
func (d *Dashboard) ownToken(r *http.Request, v *viewer) (meetd.Credential, error) {
	c, err := d.credential(r, v)
	if err != nil {
		return c, err
	}
	if c.Kind != meetd.KindPAT || c.UserID != v.User.ID {
		return meetd.Credential{}, notFound
	}
	return c, nil
}

func (d *Dashboard) confirmRevokeToken(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, err := d.ownToken(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if c.Status == meetd.CredentialRevoked {
		d.fail(w, r, v, http.StatusConflict, "Already revoked", "This token is already revoked.")
		return
	}
	d.render(w, r, http.StatusOK, "confirm", &view{Title: "Revoke token", Section: "integrations", Viewer: v,
		Data: confirmData{Heading: "Revoke “" + c.Name + "”?",
			Message: "Any application using this token stops working at once. Revocation is permanent.",
			Action:  "/dashboard/integrations/tokens/" + c.ID + "/revoke", Button: "Revoke token", Danger: true,
			Cancel: "/dashboard/integrations"}})
}

func (d *Dashboard) revokeToken(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	c, err := d.ownToken(r, v)
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	if _, err := d.cfg.Store.SetCredentialStatus(ctx, v.Actor(), v.Company.ID, c.ID, meetd.CredentialRevoked); err != nil {
		d.failErr(w, r, v, err)
		return
	}
	d.log.Info("personal access token revoked", "credential_id", c.ID, "user_id", v.User.ID)
	d.flash(ctx, "Token “"+c.Name+"” revoked. It no longer works.")
	http.Redirect(w, r, "/dashboard/integrations", http.StatusSeeOther)
}
