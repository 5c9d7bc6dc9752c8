package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/clientip"
)

// credRow is one credential as the lists show it.
type credRow struct {
	meetd.Credential
	// State is active, deactivated, revoked or expired.
	State      string
	LastUsed   *time.Time
	LastUsedIP string
	// CreatedBy names who made an API key ("" for the operator CLI).
	CreatedBy string
	// Rolled is set on an old credential that was replaced and works
	// until its (shortened) expiry.
	Rolled bool

	CanRevoke, CanDeactivate, CanReactivate, CanRoll bool
}

// rows turns stored credentials into list rows. rolledFrom marks the ones a
// newer credential replaced.
func (d *Dashboard) rows(ctx context.Context, creds []meetd.Credential) []credRow {
	now := d.cfg.Clock.Now()
	replaced := map[string]bool{}
	for _, c := range creds {
		if c.RolledFromID != "" {
			replaced[c.RolledFromID] = true
		}
	}
	names := map[string]string{}
	out := make([]credRow, 0, len(creds))
	for _, c := range creds {
		row := credRow{Credential: c, Rolled: replaced[c.ID]}
		row.LastUsed, row.LastUsedIP = d.cfg.Usage.LastUse(c)
		switch {
		case c.Status == meetd.CredentialRevoked:
			row.State = "revoked"
		case c.Expired(now):
			row.State = "expired"
			row.CanRevoke = true
		case c.Status == meetd.CredentialDeactivated:
			row.State = "deactivated"
			row.CanRevoke, row.CanReactivate = true, true
		default:
			row.State = "active"
			row.CanRevoke = true
			row.CanDeactivate = c.Kind == meetd.KindAPIKey
			// A replaced credential is on its way out: roll its successor.
			row.CanRoll = c.Kind == meetd.KindAPIKey && !row.Rolled
		}
		if c.Kind == meetd.KindAPIKey && c.UserID != "" {
			name, ok := names[c.UserID]
			if !ok {
				if u, err := d.cfg.Store.UserByID(ctx, c.CompanyID, c.UserID); err == nil {
					name = u.FullName()
				}
				names[c.UserID] = name
			}
			row.CreatedBy = name
		}
		out = append(out, row)
	}
	return out
}

// issued is a credential just minted: the only time its secret is shown.
type issued struct {
	Name      string
	Secret    string
	ExpiresAt *time.Time
	// OldUntil is set after a roll: when the replaced credential stops.
	OldUntil *time.Time
	// Example is the server's base URL, for the curl example.
	Example string
}

// baseURL is the address the browser used to reach this server.
func (d *Dashboard) baseURL(r *http.Request) string {
	return clientip.Proxies(d.cfg.TrustedProxies).BaseURL(r)
}

// option is one choice of a <select>.
type option struct {
	Value, Label string
}

// confirmData is the confirmation step before a credential or user change.
type confirmData struct {
	Heading string
	Message string
	Action  string // the form's URL
	Button  string
	Danger  bool
	Cancel  string
	// Grace, when set, asks for the roll's grace period.
	Grace []option
}

// notFound is the answer for an id that is not the viewer's to touch:
// unknown, of another kind, of another user or of another company alike.
var notFound = meetd.Errorf(meetd.ENOTFOUND, "Not found")

// credential is the credential named in the path if it belongs to the
// viewer's company; anything else is not found.
func (d *Dashboard) credential(r *http.Request, v *viewer) (meetd.Credential, error) {
	id := r.PathValue("id")
	if !meetd.IsUUID(id) {
		return meetd.Credential{}, notFound
	}
	c, err := d.cfg.Store.CredentialByID(r.Context(), v.Company.ID, id)
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return meetd.Credential{}, notFound
	}
	return c, err
}
