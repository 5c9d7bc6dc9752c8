package dashboard

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
)

// Audit log: credential lifecycle and writes, with the credential, the
// acting user and the address (owners and admins).

const auditPerPage = 50

type auditRow struct {
	meetd.AuditEntry
	What  string
	Actor string // the acting user's name and email, or their id if gone
}

// auditData is the Audit log page.
type auditData struct {
	Entries []auditRow
	Page    int
	Prev    int
	Next    int
}

// PageNumber is the page counted from 1, for people.
func (a auditData) PageNumber() int { return a.Page + 1 }

// auditActions says in words what an audit action is; other actions are
// spelled out from their code (see describe).
var auditActions = map[string]string{
	"company.create":        "Company created",
	"company.set_plan":      "Plan changed",
	"user.create":           "User added",
	"user.update":           "User updated",
	"user.remove":           "User removed",
	"user.set_password":     "Password set",
	"pat.create":            "Personal access token created",
	"pat.revoke":            "Personal access token revoked",
	"pat.roll":              "Personal access token rolled",
	"pat.revoke_leaked":     "Leaked personal access token revoked",
	"api_key.create":        "API key created",
	"api_key.deactivate":    "API key deactivated",
	"api_key.reactivate":    "API key reactivated",
	"api_key.revoke":        "API key revoked",
	"api_key.roll":          "API key rolled",
	"api_key.revoke_leaked": "Leaked API key revoked",
	"gdpr.export":           "GDPR export made",
}

// describe spells out an audit action: "meeting_type.update" becomes
// "Meeting type update".
func describe(action string) string {
	if s, ok := auditActions[action]; ok {
		return s
	}
	s := strings.NewReplacer(".", " ", "_", " ").Replace(action)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (d *Dashboard) audit(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 0)
	entries, err := d.cfg.Store.Audit(ctx, meetd.AuditFilter{CompanyID: v.Company.ID, Limit: auditPerPage + 1,
		Offset: page * auditPerPage})
	if err != nil {
		d.failErr(w, r, v, err)
		return
	}
	data := auditData{Page: page, Prev: -1, Next: -1}
	if page > 0 {
		data.Prev = page - 1
	}
	if len(entries) > auditPerPage {
		entries, data.Next = entries[:auditPerPage], page+1
	}
	names := map[string]string{}
	for _, e := range entries {
		row := auditRow{AuditEntry: e, What: describe(e.Action)}
		if e.UserID != "" {
			name, ok := names[e.UserID]
			if !ok {
				name = e.UserID
				if u, err := d.cfg.Store.UserByID(ctx, v.Company.ID, e.UserID); err == nil {
					name = u.FullName() + " <" + u.Email + ">"
				}
				names[e.UserID] = name
			}
			row.Actor = name
		}
		data.Entries = append(data.Entries, row)
	}
	d.render(w, r, http.StatusOK, "audit", &view{Title: "Audit log", Section: "audit", Viewer: v, Data: data})
}
