package httpapi

import (
	"encoding/json"
	"net/http"
	"net/mail"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// GDPR exports (docs/decisions.md#gdpr-export), for platform API keys only.
// meetd builds the export inside the POST, in one transaction, and stores
// the document for meetd.GDPRExportTTL: the POST answers 202 with status
// "completed" and the GET returns the stored document. The pending/running
// statuses are part of the wire model so that clients poll, whatever the
// server does.

var errGDPRExportNotFound = meetd.Errorf(meetd.ENOTFOUND, "GDPR export not found")

// gdprExportJSON is the answer of both routes: exportId and status, plus the
// document once the export is completed.
type gdprExportJSON struct {
	ExportID    string          `json:"exportId"`
	Status      string          `json:"status"`
	Email       string          `json:"email,omitempty"`
	CreatedAt   string          `json:"createdAt,omitempty"`
	CompletedAt string          `json:"completedAt,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// POST /v4/gdpr/export {"email"} exports every record of the caller's
// company that names email.
func (s *Server) createGDPRExport(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ExportGDPR, ""); err != nil {
		return err
	}
	var body struct {
		Email *string `json:"email"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	var v meetd.Validation
	var email string
	if body.Email == nil || strings.TrimSpace(*body.Email) == "" {
		v.Add("email", "email should not be empty")
	} else if addr, err := mail.ParseAddress(*body.Email); err != nil || addr.Address != strings.TrimSpace(*body.Email) ||
		!meetd.ValidEmail(addr.Address) {
		v.Add("email", "email must be an email")
	} else {
		email = addr.Address
	}
	if err := v.Err(); err != nil {
		return err
	}
	e, err := s.cfg.Store.CreateGDPRExport(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, email,
		func(recs meetd.GDPRRecords) ([]byte, error) { return renderGDPR(email, recs) })
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v4/gdpr/export/"+e.ID)
	writeJSON(w, http.StatusAccepted, gdprExportJSON{ExportID: e.ID, Status: e.Status})
	return nil
}

// GET /v4/gdpr/export/{id} answers an export's status, and its document
// once completed. Another company's export, and one past its 7 days, is a
// 404, for every credential: the export is looked up before a PAT is
// refused (docs/decisions.md#another-companys-id-is-always-a-404).
func (s *Server) getGDPRExport(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	e, err := s.cfg.Store.GDPRExportByID(r.Context(), p.Company.ID, r.PathValue("id"))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return errGDPRExportNotFound
	} else if err != nil {
		return err
	}
	if !s.cfg.Clock.Now().Before(e.CreatedAt.Add(meetd.GDPRExportTTL)) {
		return errGDPRExportNotFound
	}
	if err := auth.Authorize(p, auth.ExportGDPR, ""); err != nil {
		return err
	}
	out := gdprExportJSON{ExportID: e.ID, Status: e.Status}
	if e.Status == meetd.GDPRExportCompleted {
		out.Email, out.CreatedAt, out.Data = e.Email, meetd.FormatTime(e.CreatedAt), e.Data
		if e.CompletedAt != nil {
			out.CompletedAt = meetd.FormatTime(*e.CompletedAt)
		}
	}
	// Personal data: no cache along the way may keep it.
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

// gdprUserJSON is a user as the API shows it, plus whether they are still in
// the workspace.
type gdprUserJSON struct {
	userJSON
	Status string `json:"status"`
}

// renderGDPR turns the records about email into the export document.
// Appointments are the API's Appointment objects without their secret: the
// export goes to the data subject, and the secret is a capability to cancel
// and reschedule, not information about them. In appointments the subject
// only hosts, other people's contact details are left out: an attendee's
// name stays, their email, phone and notes are theirs to request. Audit
// entries show the client address only where the subject acted themselves
// (as one of the users, not through an API key acting for them, or through
// an attendee link). Webhook events are shown with the same reductions.
func renderGDPR(email string, recs meetd.GDPRRecords) ([]byte, error) {
	subject := map[string]bool{}
	users := make([]gdprUserJSON, len(recs.Users))
	for i, u := range recs.Users {
		users[i], subject[u.ID] = gdprUserJSON{userJSON: toUserJSON(u), Status: string(u.Status)}, true
	}
	appointments := make([]map[string]any, len(recs.Appointments))
	for i, ap := range recs.Appointments {
		appointments[i] = subjectView(meetd.AppointmentPayload(ap), email)
	}
	events := make([]map[string]any, 0, len(recs.WebhookEvents))
	for _, e := range recs.WebhookEvents {
		var payload map[string]any
		if err := json.Unmarshal(e.Payload, &payload); err != nil {
			return nil, err
		}
		events = append(events, map[string]any{"id": e.ID, "type": e.Type, "createdAt": meetd.FormatTime(e.CreatedAt),
			"payload": subjectView(payload, email)})
	}
	provisional := make([]map[string]any, len(recs.ProvisionalBookings))
	for i, pb := range recs.ProvisionalBookings {
		provisional[i] = toProvisionalJSON(pb)
	}
	audit := make([]map[string]any, len(recs.AuditEntries))
	for i, e := range recs.AuditEntries {
		var ip any
		if e.IP != "" && (subject[e.UserID] && !e.OnBehalf || e.Source == "attendee") {
			ip = e.IP
		}
		audit[i] = map[string]any{"id": e.ID, "action": e.Action, "targetType": e.TargetType, "targetId": e.TargetID,
			"credentialId": nullable(e.CredentialID), "credentialType": nullable(string(e.CredentialKind)),
			"actingUserId": nullable(e.UserID), "onBehalf": e.OnBehalf, "ip": ip, "source": e.Source,
			"at": meetd.FormatTime(e.At)}
	}
	emails := make([]map[string]any, len(recs.Emails))
	for i, m := range recs.Emails {
		// What was written to the address; the links and invitation a
		// message carries are made when it is sent and not kept.
		var sent any
		if m.SentAt != nil {
			sent = meetd.FormatTime(*m.SentAt)
		}
		emails[i] = map[string]any{"id": m.ID, "kind": m.Kind, "recipient": m.Recipient, "subject": m.Subject,
			"body": nullable(m.Body), "status": m.Status, "appointmentId": nullable(m.AppointmentID),
			"createdAt": meetd.FormatTime(m.CreatedAt), "sentAt": sent}
	}
	contacts := make([]map[string]any, len(recs.Contacts))
	for i, c := range recs.Contacts {
		contacts[i] = toContactJSON(c)
	}
	return json.Marshal(map[string]any{"users": users, "appointments": appointments,
		"provisionalBookings": provisional, "auditEntries": audit, "webhookEvents": events, "emails": emails,
		"contacts": contacts})
}

// subjectView takes an appointment object (or a webhook payload that is
// one) as the data subject may see it: without the secret, and with the
// contact details of attendees other than the subject reduced to a name.
func subjectView(ap map[string]any, email string) map[string]any {
	delete(ap, "secret")
	attendees, _ := ap["attendees"].([]map[string]any)
	if raw, ok := ap["attendees"].([]any); ok { // decoded from JSON
		for _, a := range raw {
			if m, ok := a.(map[string]any); ok {
				attendees = append(attendees, m)
			}
		}
	}
	for _, a := range attendees {
		if e, _ := a["email"].(string); !strings.EqualFold(e, email) {
			for _, k := range []string{"email", "phone", "notes", "timezone", "language", "receiveReminders"} {
				delete(a, k)
			}
		}
	}
	return ap
}

// POST /v4/gdpr/erase {"email"} erases a person from the caller's company
// (docs/decisions.md#gdpr-erasure): their contact, attendee records and
// every text that names them; their appointments stay for the hosts with
// the attendee called "Erased attendee". 200 with what was changed, by
// kind, and the hash the audit log names instead of the address.
func (s *Server) eraseGDPR(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.EraseGDPR, ""); err != nil {
		return err
	}
	var body struct {
		Email *string `json:"email"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	var v meetd.Validation
	if body.Email == nil || strings.TrimSpace(*body.Email) == "" {
		v.Add("email", "email should not be empty")
	} else if !validEmail(*body.Email) {
		v.Add("email", "email must be an email")
	}
	if err := v.Err(); err != nil {
		return err
	}
	e, err := s.cfg.Store.EraseGDPR(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, strings.TrimSpace(*body.Email))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"erasureId": e.ID, "status": "completed", "subject": e.Subject,
		"erased": e.Counts})
	return nil
}
