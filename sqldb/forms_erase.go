package sqldb

import (
	"context"
	"strings"
)

// eraseFormPerson removes what the routing form tables keep about the
// person with e-mail address email in a company, in the caller's
// transaction: the recipients sent to that address lose their name,
// address, phone and cover message, and the submissions made through their
// links or whose answers name the address lose their answers. What stays
// (ids, statuses, times, the routing outcome) names no one. It is for the
// GDPR erasure, which runs it beside the erasure of the person's attendee
// records and contact.
func (t *tx) eraseFormPerson(ctx context.Context, companyID, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return nil
	}
	if _, err := t.exec(ctx, `UPDATE form_submissions SET answers = '{}' WHERE company_id = ?
		AND (recipient_id IN (SELECT id FROM form_recipients WHERE company_id = ? AND lower(email) = ?)
		OR lower(answers) LIKE ? ESCAPE '\')`, companyID, companyID, email, "%"+likeEscape(email)+"%"); err != nil {
		return err
	}
	_, err := t.exec(ctx, `UPDATE form_recipients SET recipient_name = '', email = '', phone = '', message = ''
		WHERE company_id = ? AND lower(email) = ?`, companyID, email)
	return err
}
