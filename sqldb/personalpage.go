package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/meetd/meetd"
)

const personalPageColumns = `user_id, company_id, use_custom_colors, primary_color, secondary_color, header_image,
	description, show_all_meeting_types, meeting_type_order, online_profiles, created_at, updated_at`

// storedProfiles is the online_profiles column: the set profile keys and
// the custom links.
type storedProfiles struct {
	Profiles    map[string]string  `json:"profiles"`
	CustomLinks []meetd.CustomLink `json:"customLinks"`
}

func scanPersonalPage(row interface{ Scan(...any) error }) (meetd.PersonalPage, error) {
	var p meetd.PersonalPage
	var order, profiles string
	var created, updated int64
	if err := row.Scan(&p.UserID, &p.CompanyID, &p.UseCustomColors, &p.PrimaryColor, &p.SecondaryColor,
		&p.HeaderImage, &p.Description, &p.ShowAllMeetingTypes, &order, &profiles, &created, &updated); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(order), &p.MeetingTypeOrder); err != nil {
		return p, fmt.Errorf("personal page %s: stored order: %w", p.UserID, err)
	}
	var sp storedProfiles
	if err := json.Unmarshal([]byte(profiles), &sp); err != nil {
		return p, fmt.Errorf("personal page %s: stored profiles: %w", p.UserID, err)
	}
	p.Profiles, p.CustomLinks = sp.Profiles, sp.CustomLinks
	if p.MeetingTypeOrder == nil {
		p.MeetingTypeOrder = []string{}
	}
	if p.Profiles == nil {
		p.Profiles = map[string]string{}
	}
	if p.CustomLinks == nil {
		p.CustomLinks = []meetd.CustomLink{}
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, nil
}

var errUserNotFoundPage = meetd.Errorf(meetd.ENOTFOUND, "User not found")

// personalPage reads the page of a company's active user, or the default;
// lock is appended to the read of the user's row, which serialises the
// updates of one page (the page row may not exist yet).
func personalPage(ctx context.Context, q querier, companyID, userID, lock string) (meetd.PersonalPage, bool, error) {
	if !meetd.IsUUID(userID) {
		return meetd.PersonalPage{}, false, errUserNotFoundPage
	}
	userID = strings.ToLower(userID)
	var status string
	err := q.queryRow(ctx, `SELECT status FROM users WHERE company_id = ? AND id = ?`+lock, companyID, userID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || err == nil && status != string(meetd.UserActive) {
		return meetd.PersonalPage{}, false, errUserNotFoundPage
	} else if err != nil {
		return meetd.PersonalPage{}, false, err
	}
	p, err := scanPersonalPage(q.queryRow(ctx, `SELECT `+personalPageColumns+` FROM personal_pages
		WHERE company_id = ? AND user_id = ?`, companyID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return meetd.DefaultPersonalPage(companyID, userID), false, nil
	}
	return p, err == nil, err
}

// PersonalPage implements meetd.Store.
func (db *DB) PersonalPage(ctx context.Context, companyID, userID string) (_ meetd.PersonalPage, err error) {
	defer meetd.Wrap(&err, "sqldb.PersonalPage(%s)", userID)
	p, _, err := personalPage(ctx, db, companyID, userID, "")
	return p, err
}

// UpdatePersonalPage implements meetd.Store.
func (db *DB) UpdatePersonalPage(ctx context.Context, a meetd.Actor, companyID, userID string,
	apply func(*meetd.PersonalPage) error) (_ meetd.PersonalPage, err error) {
	defer meetd.Wrap(&err, "sqldb.UpdatePersonalPage(%s)", userID)
	var out meetd.PersonalPage
	err = db.update(ctx, func(t *tx) error {
		p, stored, err := personalPage(ctx, t, companyID, userID, t.d.forUpdate)
		if err != nil {
			return err
		}
		if err := apply(&p); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := t.ownMeetingTypes(ctx, companyID, p.UserID, p.MeetingTypeOrder); err != nil {
			return err
		}
		order := jsonText(p.MeetingTypeOrder)
		profiles, err := json.Marshal(storedProfiles{Profiles: p.Profiles, CustomLinks: p.CustomLinks})
		if err != nil {
			return err
		}
		if stored {
			_, err = t.exec(ctx, `UPDATE personal_pages SET use_custom_colors = ?, primary_color = ?, secondary_color = ?,
				header_image = ?, description = ?, show_all_meeting_types = ?, meeting_type_order = ?, online_profiles = ?,
				updated_at = ? WHERE user_id = ?`, p.UseCustomColors, p.PrimaryColor, p.SecondaryColor, p.HeaderImage,
				p.Description, p.ShowAllMeetingTypes, order, string(profiles), ms(t.now), p.UserID)
		} else {
			_, err = t.exec(ctx, `INSERT INTO personal_pages (`+personalPageColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				p.UserID, companyID, p.UseCustomColors, p.PrimaryColor, p.SecondaryColor, p.HeaderImage, p.Description,
				p.ShowAllMeetingTypes, order, string(profiles), ms(t.now), ms(t.now))
		}
		if err != nil {
			return err
		}
		if err := t.audit(ctx, a, companyID, "personal_page.update", "user", p.UserID); err != nil {
			return err
		}
		out, _, err = personalPage(ctx, t, companyID, p.UserID, "")
		return err
	})
	return out, err
}

// ownMeetingTypes refuses ids that are not live meeting types of userID.
func (t *tx) ownMeetingTypes(ctx context.Context, companyID, userID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := t.query(ctx, `SELECT id FROM meeting_types WHERE company_id = ? AND user_id = ? AND deleted_at IS NULL`,
		companyID, userID)
	if err != nil {
		return err
	}
	own, err := scanAll(rows, scanString)
	if err != nil {
		return err
	}
	mine := map[string]bool{}
	for _, id := range own {
		mine[id] = true
	}
	var v meetd.Validation
	for i, id := range ids {
		if !mine[id] {
			v.Add("meetingTypeOrder", fmt.Sprintf("meetingTypeOrder[%d] is not one of the user's meeting types", i))
		}
	}
	return v.Err()
}
