package sqldbtest

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/meetd/meetd"
)

func (f *fixture) dataField(companyID, label, typ string, options ...string) meetd.DataField {
	f.t.Helper()
	d := meetd.DataField{CompanyID: companyID, Label: label, Name: meetd.FieldName(label), FieldType: typ}
	for _, o := range options {
		d.Options = append(d.Options, meetd.FieldOption{Label: o, Value: o})
	}
	made, err := f.db.CreateDataField(f.ctx, meetd.CLIActor, d)
	if err != nil {
		f.t.Fatalf("CreateDataField: %v", err)
	}
	return made
}

func testDataFields(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	lo := 1.0
	want := meetd.DataField{CompanyID: c.ID, Label: "Company size", Name: "companySize", FieldType: meetd.FieldSelect,
		Target: "other", Required: true, Options: []meetd.FieldOption{{Label: "Small", Value: "small"}, {Label: "Big", Value: "big", Icon: "b"}},
		Min: &lo, Settings: map[string]json.RawMessage{"placeholder": json.RawMessage(`"Pick one"`)}}
	got, err := f.db.CreateDataField(f.ctx, meetd.CLIActor, want)
	if err != nil || got.ID <= 0 {
		t.Fatalf("CreateDataField = %+v, %v", got, err)
	}
	want.ID, want.CreatedAt, want.UpdatedAt = got.ID, start, start
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("created %+v\nwant %+v", got, want)
	}
	second := f.dataField(c.ID, "Budget", meetd.FieldNumber)
	if second.ID <= got.ID {
		t.Fatalf("ids %d then %d: not a rising sequence", got.ID, second.ID)
	}
	if again, err := f.db.DataFieldByID(f.ctx, c.ID, got.ID); err != nil || !reflect.DeepEqual(again, want) {
		t.Fatalf("DataFieldByID = %+v, %v", again, err)
	}
	list, total, err := f.db.DataFields(f.ctx, c.ID, 1, 1)
	if err != nil || total != 2 || len(list) != 1 || list[0].ID != second.ID {
		t.Fatalf("DataFields(limit 1, offset 1) = %+v, %d, %v", list, total, err)
	}
	byIDs, err := f.db.DataFieldsByIDs(f.ctx, c.ID, []int64{second.ID, got.ID, second.ID, 999999})
	if err != nil || len(byIDs) != 2 {
		t.Fatalf("DataFieldsByIDs = %+v, %v", byIDs, err)
	}

	// A name is unique in the company; validation refuses a bare "text".
	_, err = f.db.CreateDataField(f.ctx, meetd.CLIActor, meetd.DataField{CompanyID: c.ID, Label: "Again", Name: "budget",
		FieldType: meetd.FieldTextSingle})
	wantCode(t, err, meetd.ECONFLICT)
	_, err = f.db.CreateDataField(f.ctx, meetd.CLIActor, meetd.DataField{CompanyID: c.ID, Label: "Bad", Name: "bad", FieldType: "text"})
	wantCode(t, err, meetd.EINVALID)

	f.clock.Advance(time.Minute)
	up, err := f.db.UpdateDataField(f.ctx, meetd.CLIActor, c.ID, second.ID, func(d *meetd.DataField) error {
		d.Label, d.Required = "Budget (EUR)", true
		return nil
	})
	if err != nil || up.Label != "Budget (EUR)" || !up.Required || up.Name != "budget" || !up.UpdatedAt.Equal(f.clock.Now()) ||
		!up.CreatedAt.Equal(second.CreatedAt) {
		t.Fatalf("UpdateDataField = %+v, %v", up, err)
	}
	_, err = f.db.UpdateDataField(f.ctx, meetd.CLIActor, c.ID, second.ID, func(d *meetd.DataField) error {
		d.Name = "companySize"
		return nil
	})
	wantCode(t, err, meetd.ECONFLICT)

	if err := f.db.DeleteDataField(f.ctx, meetd.CLIActor, c.ID, second.ID); err != nil {
		t.Fatalf("DeleteDataField: %v", err)
	}
	_, err = f.db.DataFieldByID(f.ctx, c.ID, second.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteDataField(f.ctx, meetd.CLIActor, c.ID, second.ID), meetd.ENOTFOUND)
}

func testForeignDataFields(f *fixture) {
	t := f.t
	a, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	b, _ := f.company(meetd.PlanEnterprise, "b@example.com")
	theirs := f.dataField(b.ID, "Budget", meetd.FieldNumber)
	_, err := f.db.DataFieldByID(f.ctx, a.ID, theirs.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.UpdateDataField(f.ctx, meetd.CLIActor, a.ID, theirs.ID, func(d *meetd.DataField) error { d.Label = "x"; return nil })
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteDataField(f.ctx, meetd.CLIActor, a.ID, theirs.ID), meetd.ENOTFOUND)
	if list, err := f.db.DataFieldsByIDs(f.ctx, a.ID, []int64{theirs.ID}); err != nil || len(list) != 0 {
		t.Fatalf("DataFieldsByIDs across companies = %+v, %v", list, err)
	}
	if list, total, err := f.db.DataFields(f.ctx, a.ID, 50, 0); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("DataFields of A lists B's: %+v, %d, %v", list, total, err)
	}
	// The same name may be used in two companies.
	if mine := f.dataField(a.ID, "Budget", meetd.FieldNumber); mine.Name != theirs.Name {
		t.Fatalf("names %q and %q", mine.Name, theirs.Name)
	}
	// A form of A cannot ask B's field.
	_, err = f.db.CreateRoutingForm(f.ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: a.ID, Name: "F",
		StructureType: meetd.FormOnly, Fields: []meetd.FieldRef{{DataFieldID: theirs.ID}}})
	wantCode(t, err, meetd.EINVALID)
}

func testAttendeeAnswers(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	f.dataField(c.ID, "Company size", meetd.FieldSelect, "small", "big")
	f.dataField(c.ID, "Budget", meetd.FieldNumber)
	n := f.booking(h, start.Add(48*time.Hour), 30)
	n.Attendee.Notes = json.RawMessage(`{"companySize":"big","budget":"lots","utm_source":"x"}`)
	ap, err := f.db.BookAppointment(f.ctx, meetd.CLIActor, n)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.db.AttendeeAnswers(f.ctx, c.ID, ap.Attendees[0].ID)
	if err != nil || !reflect.DeepEqual(got, meetd.Answers{"companySize": "big"}) {
		t.Fatalf("AttendeeAnswers = %#v, %v; want the valid answer to a data field only", got, err)
	}
	other, _ := f.company(meetd.PlanEnterprise, "other@example.com")
	_, err = f.db.AttendeeAnswers(f.ctx, other.ID, ap.Attendees[0].ID)
	wantCode(t, err, meetd.ENOTFOUND)
}

func testRoutingForms(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	size := f.dataField(c.ID, "Company size", meetd.FieldSelect, "small", "big")
	f.webhook(c.ID, meetd.EventFormSubmission)
	ex := &meetd.Expression{Operator: meetd.OpEquals, Target: meetd.TargetCustom, CustomTarget: "Company size",
		Value: json.RawMessage(`"big"`)}
	form := meetd.RoutingForm{CompanyID: c.ID, Name: "Qualify", StructureType: meetd.FunnelWithForm, Slug: "qualify",
		Fields: []meetd.FieldRef{{DataFieldID: size.ID, Order: 1}},
		FunnelSteps: []meetd.FunnelStep{{Index: 0, DataFields: []meetd.FieldRef{{Order: 0,
			New: &meetd.DataField{Label: "Budget", Name: "budget", FieldType: meetd.FieldNumber}}}}},
		Qualifiers: []meetd.Qualifier{
			{Index: 0, RoutingAction: meetd.ActionEventRedirect, MeetingTypeID: h.mt.ID, Expression: ex},
			{Index: 1, RoutingAction: meetd.ActionCustomPage, IsFallback: true, CustomPageContent: map[string]string{"en": "Thanks"}},
		},
		Settings: map[string]json.RawMessage{"showProgressBar": json.RawMessage(`true`)}}
	got, err := f.db.CreateRoutingForm(f.ctx, meetd.CLIActor, form)
	if err != nil {
		t.Fatalf("CreateRoutingForm: %v", err)
	}
	inline := got.FunnelSteps[0].DataFields[0].DataFieldID
	if !meetd.IsUUID(got.ID) || inline <= size.ID || got.Qualifiers[0].ID == "" || got.Qualifiers[1].ID == got.Qualifiers[0].ID ||
		got.Slug != "qualify" || string(got.Settings["showProgressBar"]) != "true" || got.Qualifiers[0].Expression.CustomTarget != "Company size" {
		t.Fatalf("created %+v", got)
	}
	if d, err := f.db.DataFieldByID(f.ctx, c.ID, inline); err != nil || d.Name != "budget" {
		t.Fatalf("the inline field = %+v, %v", d, err)
	}
	if again, err := f.db.RoutingFormByID(f.ctx, c.ID, got.ID); err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("RoutingFormByID = %+v, %v", again, err)
	}
	for _, key := range []string{"qualify", got.ID} {
		if p, err := f.db.RoutingFormForPage(f.ctx, key); err != nil || p.ID != got.ID {
			t.Fatalf("RoutingFormForPage(%s) = %+v, %v", key, p, err)
		}
	}
	_, err = f.db.RoutingFormForPage(f.ctx, "nope")
	wantCode(t, err, meetd.ENOTFOUND)

	// Slugs are unique across companies; meeting types must be the company's.
	other, _ := f.company(meetd.PlanEnterprise, "other@example.com")
	_, err = f.db.CreateRoutingForm(f.ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: other.ID, Name: "X",
		StructureType: meetd.FormOnly, Slug: "qualify"})
	wantCode(t, err, meetd.ECONFLICT)
	_, err = f.db.CreateRoutingForm(f.ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: other.ID, Name: "X",
		StructureType: meetd.FormOnly, Qualifiers: []meetd.Qualifier{{RoutingAction: meetd.ActionEventRedirect, MeetingTypeID: h.mt.ID}}})
	wantCode(t, err, meetd.EINVALID)

	// An update keeps the ids of the qualifiers it names, gives new ones to
	// the others and drops what it leaves out.
	f.clock.Advance(time.Minute)
	keep := got.Qualifiers[1].ID
	up, err := f.db.UpdateRoutingForm(f.ctx, meetd.CLIActor, c.ID, got.ID, func(r *meetd.RoutingForm) error {
		r.Name = "Qualify 2"
		r.Qualifiers = []meetd.Qualifier{{ID: keep, Index: 0, RoutingAction: meetd.ActionExternalRedirect, IsFallback: true,
			ExternalRedirectLink: "https://example.com/"}, {ID: meetd.NewID(), Index: 1, RoutingAction: meetd.ActionContactForm}}
		return nil
	})
	if err != nil || up.Name != "Qualify 2" || len(up.Qualifiers) != 2 || up.Qualifiers[0].ID != keep ||
		up.Qualifiers[1].ID == "" || up.Qualifiers[1].ID == keep || !up.UpdatedAt.Equal(f.clock.Now()) {
		t.Fatalf("UpdateRoutingForm = %+v, %v", up, err)
	}

	// Send: a recipient and a queued e-mail, in one transaction.
	hash := []byte("0123456789abcdef0123456789abcdef")
	rec, err := f.db.SendRoutingForm(f.ctx, meetd.CLIActor, meetd.FormRecipient{CompanyID: c.ID, FormID: got.ID,
		RecipientName: "Ada", Email: "ada@example.com", DeliveryMethod: "email", Language: "en", TokenHash: hash},
		&meetd.OutboxMessage{Kind: "routing-form", Recipient: "ada@example.com", Subject: "Qualify", Body: "link"})
	if err != nil || rec.Status != meetd.RecipientSent || !meetd.IsUUID(rec.ID) {
		t.Fatalf("SendRoutingForm = %+v, %v", rec, err)
	}
	opened, err := f.db.OpenFormRecipient(f.ctx, got.ID, hash)
	if err != nil || opened.Status != meetd.RecipientOpened || opened.OpenedAt == nil {
		t.Fatalf("OpenFormRecipient = %+v, %v", opened, err)
	}
	_, err = f.db.OpenFormRecipient(f.ctx, got.ID, []byte("wrong"))
	wantCode(t, err, meetd.ENOTFOUND)

	// A submission completes the recipient and fires form_submission with
	// the answers, in its transaction.
	f.claim()
	sub, err := f.db.SubmitForm(f.ctx, meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: c.ID, FormID: got.ID,
		RecipientID: rec.ID, Answers: meetd.Answers{"companySize": "big"}, Outcome: up.Qualifiers[0]})
	if err != nil || !meetd.IsUUID(sub.ID) {
		t.Fatalf("SubmitForm = %+v, %v", sub, err)
	}
	ds := f.claim()
	if len(ds) != 1 || ds[0].EventType != meetd.EventFormSubmission {
		t.Fatalf("deliveries after a submission = %+v", ds)
	}
	p := payloadOf(f, ds[0])
	if p["submissionId"] != sub.ID || p["formId"] != got.ID || p["answers"].(map[string]any)["companySize"] != "big" ||
		p["outcome"].(map[string]any)["routingAction"] != meetd.ActionExternalRedirect {
		t.Fatalf("form_submission payload %s", ds[0].Payload)
	}
	back, err := f.db.FormSubmissionByID(f.ctx, c.ID, sub.ID)
	if err != nil || back.Answers["companySize"] != "big" || back.Outcome.ID != keep || back.RecipientID != rec.ID {
		t.Fatalf("FormSubmissionByID = %+v, %v", back, err)
	}
	list, err := f.db.FormRecipients(f.ctx, c.ID, got.ID)
	if err != nil || len(list) != 1 || list[0].Status != meetd.RecipientCompleted || list[0].SubmissionID != sub.ID ||
		list[0].CompletedAt == nil {
		t.Fatalf("FormRecipients = %+v, %v", list, err)
	}
	forms, total, err := f.db.RoutingForms(f.ctx, c.ID, 50, 0)
	if err != nil || total != 1 || len(forms) != 1 {
		t.Fatalf("RoutingForms = %+v, %d, %v", forms, total, err)
	}

	if err := f.db.DeleteRoutingForm(f.ctx, meetd.CLIActor, c.ID, got.ID); err != nil {
		t.Fatalf("DeleteRoutingForm: %v", err)
	}
	_, err = f.db.RoutingFormForPage(f.ctx, "qualify")
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.FormSubmissionByID(f.ctx, c.ID, sub.ID)
	wantCode(t, err, meetd.ENOTFOUND)
}

func testForeignRoutingForms(f *fixture) {
	t := f.t
	a, _ := f.company(meetd.PlanEnterprise, "a@example.com")
	b, _ := f.company(meetd.PlanEnterprise, "b@example.com")
	theirs, err := f.db.CreateRoutingForm(f.ctx, meetd.CLIActor, meetd.RoutingForm{CompanyID: b.ID, Name: "B", StructureType: meetd.FormOnly})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := f.db.SubmitForm(f.ctx, meetd.Actor{Source: "form"}, meetd.FormSubmission{CompanyID: b.ID, FormID: theirs.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.db.RoutingFormByID(f.ctx, a.ID, theirs.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.UpdateRoutingForm(f.ctx, meetd.CLIActor, a.ID, theirs.ID, func(r *meetd.RoutingForm) error { r.Name = "x"; return nil })
	wantCode(t, err, meetd.ENOTFOUND)
	wantCode(t, f.db.DeleteRoutingForm(f.ctx, meetd.CLIActor, a.ID, theirs.ID), meetd.ENOTFOUND)
	_, err = f.db.SendRoutingForm(f.ctx, meetd.CLIActor, meetd.FormRecipient{CompanyID: a.ID, FormID: theirs.ID,
		RecipientName: "x", DeliveryMethod: "link", TokenHash: []byte("t")}, nil)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.FormRecipients(f.ctx, a.ID, theirs.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.SubmitForm(f.ctx, meetd.Actor{}, meetd.FormSubmission{CompanyID: a.ID, FormID: theirs.ID})
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.FormSubmissionByID(f.ctx, a.ID, sub.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	if list, total, err := f.db.RoutingForms(f.ctx, a.ID, 50, 0); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("RoutingForms of A lists B's: %+v, %d, %v", list, total, err)
	}
}
