package httpapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
)

// CRM contacts at meetergo's root paths (docs/decisions.md#contacts). A
// member reaches the contacts they own (auth.ManageContacts); another
// company's contact is a 404.

var errContactNotFound = meetd.Errorf(meetd.ENOTFOUND, "Contact not found")

// toContactJSON renders a contact as meetergo's Contact object.
func toContactJSON(c meetd.Contact) map[string]any {
	var address any
	if len(c.Address) > 0 {
		address = c.Address
	}
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	data := c.AdditionalData
	if data == nil {
		data = map[string]json.RawMessage{}
	}
	return map[string]any{"id": c.ID, "companyId": c.CompanyID, "firstName": nullable(c.FirstName),
		"lastName": nullable(c.LastName), "email": nullable(c.Email), "phoneNumber": nullable(c.PhoneNumber),
		"language": nullable(c.Language), "tags": tags, "notes": nullable(c.Notes), "crmCompanyId": nullable(c.CRMCompanyID),
		"accountOwnerId": nullable(c.AccountOwnerID), "additionalData": data, "address": address,
		"title": nullable(c.Title), "employer": nullable(c.Employer), "seniority": nullable(c.Seniority),
		"function": nullable(c.Function), "location": nullable(c.Location), "noShowCount": c.NoShowCount,
		"createdAt": meetd.FormatTime(c.CreatedAt), "updatedAt": meetd.FormatTime(c.UpdatedAt)}
}

// toContactRow renders a contact with its appointments as meetergo's
// search row and details answer: {item, appointments, nextAppointmentIso}.
func toContactRow(d meetd.ContactDetails) map[string]any {
	aps := make([]map[string]any, len(d.Appointments))
	for i, ap := range d.Appointments {
		status := "confirmed"
		if ap.Cancelled || ap.Removed {
			status = "cancelled"
		}
		aps[i] = map[string]any{"id": ap.AppointmentID, "attendeeId": ap.AttendeeID, "meetingTypeId": ap.MeetingTypeID,
			"hostId": ap.MainHostID, "start": meetd.FormatTime(ap.Start), "end": meetd.FormatTime(ap.End),
			"status": status, "attendeeRemoved": ap.Removed}
	}
	var next any
	if d.NextAppointment != nil {
		next = meetd.FormatTime(*d.NextAppointment)
	}
	return map[string]any{"item": toContactJSON(d.Contact), "appointments": aps, "nextAppointmentIso": next}
}

// contactSorts are GET /crm's sortBy values.
var contactSorts = []string{meetd.ContactSortFirstName, meetd.ContactSortLastName, meetd.ContactSortEmail,
	meetd.ContactSortCreatedAt}

// GET /crm?searchTerm&tags&ownerId&sortBy&sortOrder&page&limit searches the
// company's contacts, 1-based pages of 1 to 100 (20 by default), newest
// first unless sortBy says otherwise.
func (s *Server) searchContacts(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	var v meetd.Validation
	page := intParam(&v, q, "page", 1, 1, 1<<31-1)
	limit := intParam(&v, q, "limit", meetd.ContactDefaultLimit, 1, meetd.ContactMaxLimit)
	sortBy := q.Get("sortBy")
	if sortBy != "" && !slices.Contains(contactSorts, sortBy) {
		v.Add("sortBy", "sortBy must be one of the following values: firstName, lastName, email, createdAt")
	}
	order := q.Get("sortOrder")
	if order != "" && order != "ASC" && order != "DESC" {
		v.Add("sortOrder", "sortOrder must be one of the following values: ASC, DESC")
	}
	owner := q.Get("ownerId")
	if owner != "" && !meetd.IsUUID(owner) {
		v.Add("ownerId", "ownerId must be a UUID")
	}
	term := q.Get("searchTerm")
	if len(term) > 255 {
		v.Add("searchTerm", "searchTerm must be shorter than or equal to 255 characters")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ManageContacts, strings.ToLower(owner)); err != nil {
		return err
	}
	if owner == "" && auth.GrantFor(p, auth.ManageContacts) == auth.Self {
		owner = p.User.ID
	}
	// Newest first by default; an explicit sortBy is ascending unless
	// sortOrder says DESC.
	desc := order == "DESC" || sortBy == "" && order == ""
	list, total, err := s.cfg.Store.ListContacts(r.Context(), meetd.ContactFilter{CompanyID: p.Company.ID, Search: term,
		Tags: q["tags"], OwnerID: owner, SortBy: sortBy, Descending: desc, Now: s.cfg.Clock.Now(),
		Limit: limit, Offset: (page - 1) * limit})
	if err != nil {
		return err
	}
	rows := make([]map[string]any, len(list))
	for i, d := range list {
		rows[i] = toContactRow(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": rows, "total": total, "page": page, "limit": limit,
		"totalPages": (total + limit - 1) / limit})
	return nil
}

// GET /crm/details?contactId|attendeeId answers a contact with the
// appointments it attended; an attendeeId finds the contact that attendee
// of one of the company's appointments is.
func (s *Server) contactDetails(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	var v meetd.Validation
	contactID, attendeeID := q.Get("contactId"), q.Get("attendeeId")
	switch {
	case contactID == "" && attendeeID == "":
		v.Add("contactId", "contactId or attendeeId must be provided")
	case contactID != "" && !meetd.IsUUID(contactID):
		v.Add("contactId", "contactId must be a UUID")
	case contactID == "" && !meetd.IsUUID(attendeeID):
		v.Add("attendeeId", "attendeeId must be a UUID")
	}
	if err := v.Err(); err != nil {
		return err
	}
	var d meetd.ContactDetails
	var err error
	if contactID != "" {
		d, err = s.cfg.Store.ContactByID(r.Context(), p.Company.ID, contactID, s.cfg.Clock.Now())
	} else {
		d, err = s.cfg.Store.ContactByAttendee(r.Context(), p.Company.ID, attendeeID, s.cfg.Clock.Now())
	}
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ManageContacts, d.Contact.AccountOwnerID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toContactRow(d))
	return nil
}

// readContact reads the fields of a contact body into c (create) or p
// (update): strings, tags, additionalData, address, accountOwnerId and
// crmCompanyId. Unknown keys are ignored, as meetergo's whitelist does.
func readContact(v *meetd.Validation, f fields, patch bool) meetd.ContactPatch {
	var p meetd.ContactPatch
	for _, k := range []struct {
		key string
		dst **string
	}{{"firstName", &p.FirstName}, {"lastName", &p.LastName}, {"email", &p.Email}, {"phoneNumber", &p.PhoneNumber},
		{"language", &p.Language}, {"notes", &p.Notes}, {"title", &p.Title}, {"employer", &p.Employer},
		{"seniority", &p.Seniority}, {"function", &p.Function}, {"location", &p.Location}} {
		raw, ok := f.take(k.key)
		if !ok {
			continue
		}
		empty := ""
		if isNull(raw) {
			*k.dst = &empty // null clears
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			v.Add(k.key, k.key+" must be a string")
			continue
		}
		s = strings.TrimSpace(s)
		*k.dst = &s
	}
	for _, k := range []struct {
		key string
		dst **string
	}{{"accountOwnerId", &p.AccountOwnerID}, {"crmCompanyId", &p.CRMCompany}} {
		raw, ok := f.take(k.key)
		if !ok {
			continue
		}
		empty := ""
		if isNull(raw) {
			*k.dst = &empty
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil || !meetd.IsUUID(s) {
			v.Add(k.key, k.key+" must be a UUID")
			continue
		}
		s = strings.ToLower(s)
		*k.dst = &s
	}
	if raw, ok := f.take("tags"); ok {
		tags := []string{}
		if !isNull(raw) && json.Unmarshal(raw, &tags) != nil {
			v.Add("tags", "tags must be an array of strings")
		}
		p.Tags = &tags
	}
	if raw, ok := f.take("additionalData"); ok && !isNull(raw) {
		if json.Unmarshal(raw, &p.AdditionalData) != nil || p.AdditionalData == nil {
			v.Add("additionalData", "additionalData must be an object")
		}
		if !patch { // a new contact has nothing to remove
			for k, val := range p.AdditionalData {
				if isNull(val) {
					delete(p.AdditionalData, k)
				}
			}
		}
	}
	if raw, ok := f.take("address"); ok {
		var a map[string]any
		switch {
		case isNull(raw):
			empty := json.RawMessage(nil)
			p.Address = &empty
		case json.Unmarshal(raw, &a) != nil || a == nil:
			v.Add("address", "address must be an object")
		default:
			compact := json.RawMessage(raw)
			p.Address = &compact
		}
	}
	if p.Email != nil && *p.Email != "" && !validEmail(*p.Email) {
		v.Add("email", "email must be an email")
	}
	return p
}

// contactFromPatch is the new contact a create body describes.
func contactFromPatch(companyID string, p meetd.ContactPatch) meetd.Contact {
	c := meetd.Contact{CompanyID: companyID, Tags: []string{}, AdditionalData: map[string]json.RawMessage{}}
	for _, f := range []struct{ dst, src *string }{{&c.FirstName, p.FirstName}, {&c.LastName, p.LastName},
		{&c.Email, p.Email}, {&c.PhoneNumber, p.PhoneNumber}, {&c.Language, p.Language}, {&c.Notes, p.Notes},
		{&c.Title, p.Title}, {&c.Employer, p.Employer}, {&c.Seniority, p.Seniority}, {&c.Function, p.Function},
		{&c.Location, p.Location}, {&c.AccountOwnerID, p.AccountOwnerID}, {&c.CRMCompanyID, p.CRMCompany}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if p.Tags != nil {
		c.Tags = *p.Tags
	}
	if p.AdditionalData != nil {
		c.AdditionalData = p.AdditionalData
	}
	if p.Address != nil {
		c.Address = *p.Address
	}
	return c
}

// errForeignOwner refuses an account owner who is no user of the company.
const errForeignOwner = "accountOwnerId must name a user of your company"

// checkOwner refuses an account owner the caller may not give a contact
// (a member gives only themselves) or who is no user of the company.
func (s *Server) checkOwner(r *http.Request, p meetd.Principal, owner string) error {
	if owner == "" || owner == p.User.ID {
		return nil
	}
	if err := auth.Authorize(p, auth.ManageContacts, owner); err != nil {
		return err
	}
	if _, err := s.cfg.Store.UserByID(r.Context(), p.Company.ID, owner); meetd.ErrorCode(err) == meetd.ENOTFOUND {
		var v meetd.Validation
		v.Add("accountOwnerId", errForeignOwner)
		return v.Err()
	} else if err != nil {
		return err
	}
	return nil
}

// POST /crm creates a contact (an e-mail or a phone number required; an
// e-mail the company's contacts already have is a 409) owned by the
// acting user unless accountOwnerId names another; 201 with
// {item, appointments, nextAppointmentIso}.
func (s *Server) createContact(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := readFields(w, r)
	if err != nil {
		return err
	}
	var v meetd.Validation
	c := contactFromPatch(p.Company.ID, readContact(&v, f, false))
	if err := v.Err(); err != nil {
		return err
	}
	if err := meetd.ValidateContact(c); err != nil {
		return err
	}
	if c.AccountOwnerID == "" {
		c.AccountOwnerID = p.User.ID
	}
	if err := s.checkOwner(r, p, c.AccountOwnerID); err != nil {
		return err
	}
	c, err = s.cfg.Store.CreateContact(r.Context(), meetd.ActorOf(p, s.clientIP(r)), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toContactRow(meetd.ContactDetails{Contact: c, Appointments: []meetd.ContactAppointment{}}))
	return nil
}

// mayManage is the check the store runs on a contact before changing it.
func mayManage(p meetd.Principal) func(meetd.Contact) error {
	return func(c meetd.Contact) error { return auth.Authorize(p, auth.ManageContacts, c.AccountOwnerID) }
}

// PATCH /crm/{id} changes the fields sent: null clears one, tags replace
// the list, additionalData merges (null removes a key); 200 with the
// contact.
func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	id := r.PathValue("id")
	if !meetd.IsUUID(id) {
		return errContactNotFound
	}
	f, err := readFields(w, r)
	if err != nil {
		return err
	}
	var v meetd.Validation
	patch := readContact(&v, f, true)
	if err := v.Err(); err != nil {
		return err
	}
	if patch.AccountOwnerID != nil {
		if err := s.checkOwner(r, p, *patch.AccountOwnerID); err != nil {
			return err
		}
	}
	c, err := s.cfg.Store.UpdateContact(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, id, mayManage(p), patch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toContactJSON(c))
	return nil
}

// DELETE /crm/{id} deletes a contact; its appointments stay. 204.
func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := s.cfg.Store.DeleteContact(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, r.PathValue("id"),
		mayManage(p)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// POST /crm/bulk {contacts: [1..1000], updateExisting?} creates contacts in
// one transaction; a row with a known e-mail updates that contact with
// updateExisting and is skipped without it; an invalid row fails alone.
// 201 with {created, updated, skipped, failed, issues}.
func (s *Server) bulkCreateContacts(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	f, err := readFields(w, r)
	if err != nil {
		return err
	}
	var v meetd.Validation
	var rows []fields
	if raw, ok := f.take("contacts"); !ok || isNull(raw) {
		v.Add("contacts", "contacts should not be empty")
	} else if json.Unmarshal(raw, &rows) != nil {
		v.Add("contacts", "contacts must be an array of objects")
	} else if len(rows) < 1 || len(rows) > meetd.MaxBulkContacts {
		v.Add("contacts", "contacts must contain from 1 to "+strconv.Itoa(meetd.MaxBulkContacts)+" elements")
	}
	update, _ := f.boolean(&v, "updateExisting", "updateExisting")
	if err := v.Err(); err != nil {
		return err
	}
	cs := make([]meetd.Contact, len(rows))
	// strangers are the rows whose accountOwnerId names no user of the
	// company, by row; owners caches the lookups (rows share few owners).
	strangers := map[int]string{}
	owners := map[string]bool{p.User.ID: true}
	// why says what is wrong with a refused row and what it gave as its
	// address, for its issue: the store's own word is "Validation failed".
	type refusal struct{ message, email string }
	why := map[int]refusal{}
	for i, row := range rows {
		var rv meetd.Validation
		if row == nil {
			row = fields{}
		}
		var email string
		_ = json.Unmarshal(row["email"], &email)
		c := contactFromPatch(p.Company.ID, readContact(&rv, row, false))
		if err := rv.Err(); err != nil {
			// An ill-typed row is reported by the store like an invalid one:
			// an empty contact fails its e-mail-or-phone check.
			c = meetd.Contact{CompanyID: p.Company.ID}
			why[i] = refusal{fieldMessages(err), email}
		} else if err := meetd.ValidateContact(c); err != nil {
			why[i] = refusal{fieldMessages(err), email}
		}
		// A row without an owner leaves an existing contact's as it is
		// and makes the caller own a new one (the store's Owner below); a
		// member may name no one but themselves.
		if c.AccountOwnerID != "" && auth.GrantFor(p, auth.ManageContacts) == auth.Self {
			c.AccountOwnerID = p.User.ID
		}
		known, looked := owners[c.AccountOwnerID]
		if c.AccountOwnerID == "" {
			known, looked = true, true
		}
		if !looked {
			_, err := s.cfg.Store.UserByID(r.Context(), p.Company.ID, c.AccountOwnerID)
			if err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
				return err
			}
			known, owners[c.AccountOwnerID] = err == nil, err == nil
		}
		if !known {
			// Failed like an ill-typed row, with its own reason below:
			// another company's user (or nobody) owns no contact here.
			strangers[i] = c.Email
			c = meetd.Contact{CompanyID: p.Company.ID}
		}
		cs[i] = c
	}
	res, err := s.cfg.Store.BulkCreateContacts(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, cs,
		meetd.BulkContactsOptions{UpdateExisting: update != nil && *update, Check: mayManage(p), Owner: p.User.ID})
	if err != nil {
		return err
	}
	issues := make([]map[string]any, len(res.Issues))
	for i, is := range res.Issues {
		if w, ok := why[is.Row]; ok && is.Message == "Validation failed" {
			is.Message, is.Email = cmp.Or(w.message, is.Message), cmp.Or(is.Email, w.email)
		}
		issues[i] = map[string]any{"row": is.Row, "email": nullable(is.Email), "message": is.Message}
		if email, ok := strangers[is.Row]; ok {
			issues[i]["email"], issues[i]["message"] = nullable(email), errForeignOwner
		}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"created": res.Created, "updated": res.Updated,
		"skipped": res.Skipped, "failed": res.Failed, "issues": issues})
	return nil
}

// POST /crm/bulk-delete {contactIds: [1..500]} deletes the company's
// contacts among them that the caller may manage; 200 with
// {requested, deleted, skipped}.
func (s *Server) bulkDeleteContacts(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	var body struct {
		ContactIDs *[]string `json:"contactIds"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	var v meetd.Validation
	switch {
	case body.ContactIDs == nil:
		v.Add("contactIds", "contactIds should not be empty")
	case len(*body.ContactIDs) < 1 || len(*body.ContactIDs) > meetd.MaxBulkDelete:
		v.Add("contactIds", "contactIds must contain from 1 to "+strconv.Itoa(meetd.MaxBulkDelete)+" elements")
	default:
		for _, id := range *body.ContactIDs {
			if !meetd.IsUUID(id) {
				v.Add("contactIds", "each value in contactIds must be a UUID")
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	ids := *body.ContactIDs
	n, err := s.cfg.Store.BulkDeleteContacts(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, ids,
		func(c meetd.Contact) bool { return mayManage(p)(c) == nil })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"requested": len(ids), "deleted": n, "skipped": len(ids) - n})
	return nil
}

// maxActivityCursor bounds GET /crm/contacts/{id}/activity's cursor.
const maxActivityCursor = 1<<31 - 1

// activityTypes are the types GET /crm/contacts/{id}/activity accepts;
// meetd keeps meetings only, so the others select nothing.
var activityTypes = []string{"meeting", "email", "form", "note", "task", "communication", "conversation"}

// GET /crm/contacts/{id}/activity?types&cursor&limit lists what happened
// with a contact, newest first: in meetd, the meetings it attended. The
// cursor is the number of items already read.
func (s *Server) contactActivity(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	q := r.URL.Query()
	var v meetd.Validation
	limit := intParam(&v, q, "limit", 30, 1, 50)
	from := 0
	if c := q.Get("cursor"); c != "" {
		// A cursor counts items read, so it is never near the int's
		// range: bounding it keeps from+limit from wrapping around.
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > maxActivityCursor {
			v.Add("cursor", "cursor must be a cursor this route returned")
			n = 0
		}
		from = n
	}
	types := q["types"]
	for _, t := range types {
		if !slices.Contains(activityTypes, t) {
			v.Add("types", "each value in types must be one of the following values: "+strings.Join(activityTypes, ", "))
			break
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	d, err := s.cfg.Store.ContactByID(r.Context(), p.Company.ID, r.PathValue("id"), s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	if err := auth.Authorize(p, auth.ManageContacts, d.Contact.AccountOwnerID); err != nil {
		return err
	}
	items := []map[string]any{}
	if len(types) == 0 || slices.Contains(types, "meeting") {
		// A meeting is titled by its meeting type, read once per type; a
		// type deleted since is just "Meeting".
		titles := map[string]string{}
		for _, ap := range d.Appointments {
			if _, ok := titles[ap.MeetingTypeID]; ok {
				continue
			}
			titles[ap.MeetingTypeID] = "Meeting"
			m, err := s.cfg.Store.MeetingTypeByID(r.Context(), p.Company.ID, ap.MeetingTypeID)
			if err == nil && m.Name != "" {
				titles[ap.MeetingTypeID] = m.Name
			} else if err != nil && meetd.ErrorCode(err) == meetd.EINTERNAL {
				return err
			}
		}
		for i := len(d.Appointments) - 1; i >= 0; i-- {
			ap := d.Appointments[i]
			status := "confirmed"
			if ap.Cancelled || ap.Removed {
				status = "cancelled"
			}
			items = append(items, map[string]any{"id": ap.AppointmentID, "type": "meeting", "source": "booking",
				"occurredAt": meetd.FormatTime(ap.Start), "title": titles[ap.MeetingTypeID], "summary": nil, "direction": nil,
				"status": status, "owner": map[string]any{"id": ap.MainHostID}, "deal": nil, "recordingSessionId": nil})
		}
	}
	page := items[min(from, len(items)):min(from+limit, len(items))]
	var next any
	if from+limit < len(items) {
		next = strconv.Itoa(from + limit)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": page, "nextCursor": next, "hasMore": next != nil})
	return nil
}

// fieldMessages is a validation error's field messages, joined: what a
// bulk row's issue says is wrong with it.
func fieldMessages(err error) string {
	var e *meetd.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return meetd.ErrorMessage(err)
	}
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, "; ")
}
