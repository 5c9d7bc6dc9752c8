package dashboard

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
)

// setupData is the first-run form.
type setupData struct {
	Company   string
	Plan      string
	Plans     []meetd.Plan
	User      userForm
	Timezones []string
}

// needsSetup reports whether no company exists yet: the only time the
// setup page exists.
func (d *Dashboard) needsSetup(r *http.Request) (bool, error) {
	n, err := d.cfg.Store.CountCompanies(r.Context())
	return n == 0, err
}

func (d *Dashboard) setupView(data setupData) *view {
	data.Plans, data.Timezones = meetd.Plans, timezones
	return &view{Title: "Set up meetd", Data: data}
}

func (d *Dashboard) setupForm(w http.ResponseWriter, r *http.Request) {
	need, err := d.needsSetup(r)
	if err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	if !need {
		d.fail(w, r, nil, http.StatusNotFound, "Not found", "This meetd instance is already set up. Sign in instead.")
		return
	}
	// A self-hosted operator owns the instance: every feature by default.
	d.render(w, r, http.StatusOK, "setup", d.setupView(setupData{Plan: string(meetd.PlanEnterprise),
		User: userForm{Timezone: "UTC"}}))
}

// setup creates the company and its owner, then signs the owner in. It is
// the only unauthenticated write of the dashboard, and exists only while
// the database has no company: concurrent setups, on any nodes, create one
// company (Store.CreateFirstCompany); the others get the "already set up"
// answer.
func (d *Dashboard) setup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ip := d.clientIP(r)
	data := setupData{Company: strings.TrimSpace(r.PostFormValue("company")), Plan: r.PostFormValue("plan"),
		User: readUserForm(r)}
	data.User.Role, data.User.Type = string(meetd.RoleOwner), string(meetd.UserStandard)
	if wait := d.logins.take("ip:" + clientip.RateKey(ip)); wait > 0 {
		d.tooMany(w, r, "setup", d.setupView(data), wait)
		return
	}
	// A cheap early answer; CreateFirstCompany checks again, in its
	// transaction, serialised across nodes.
	need, err := d.needsSetup(r)
	if err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	if !need {
		d.fail(w, r, nil, http.StatusNotFound, "Not found", "This meetd instance is already set up. Sign in instead.")
		return
	}

	var v meetd.Validation
	if data.Company == "" || len(data.Company) > meetd.MaxNameLength {
		v.Add("company", "enter a company name of at most 100 characters")
	}
	if !meetd.Plan(data.Plan).Valid() {
		v.Add("plan", "choose a plan")
	}
	data.User.check(&v)
	pw := r.PostFormValue("password")
	checkNewPassword(&v, pw, r.PostFormValue("password_confirm"))
	if err := v.Err(); err != nil {
		status, msg := d.errStatus(r, err)
		view := d.setupView(data)
		view.Error = msg
		d.render(w, r, status, "setup", view)
		return
	}
	hash, err := d.hashPassword(ctx, pw)
	if err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	_, owner, err := d.cfg.Store.CreateFirstCompany(ctx, meetd.Actor{IP: ip, Source: "dashboard"},
		meetd.NewCompany{Name: data.Company, Plan: meetd.Plan(data.Plan)},
		meetd.NewUser{Email: data.User.Email, GivenName: data.User.GivenName, FamilyName: data.User.FamilyName,
			Timezone: data.User.Timezone, Type: meetd.UserStandard, PasswordHash: hash})
	if meetd.ErrorCode(err) == meetd.ECONFLICT {
		// Another setup, on this node or another, got there first.
		d.fail(w, r, nil, http.StatusNotFound, "Not found", "This meetd instance is already set up. Sign in instead.")
		return
	}
	if err != nil {
		status, msg := d.errStatus(r, err)
		view := d.setupView(data)
		view.Error = msg
		d.render(w, r, status, "setup", view)
		return
	}
	if err := d.signIn(ctx, owner, hash); err != nil {
		d.failErr(w, r, nil, err)
		return
	}
	d.known.remember(strings.ToLower(owner.Email), clientip.RateKey(ip))
	d.log.Info("dashboard setup: company created", "user_id", owner.ID, "company_id", owner.CompanyID, "ip", ip)
	d.flash(ctx, "Welcome to meetd! Your company is set up and you are signed in. Create your first personal access token below.")
	http.Redirect(w, r, "/dashboard/integrations", http.StatusSeeOther)
}
