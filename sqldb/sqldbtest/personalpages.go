package sqldbtest

import (
	"reflect"
	"time"

	"github.com/meetd/meetd"
)

func testPersonalPages(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	h := f.host(c.ID, "h1@example.com")
	colleague := f.host(c.ID, "h2@example.com")

	page, err := f.db.PersonalPage(f.ctx, c.ID, h.user.ID)
	if err != nil || !reflect.DeepEqual(page, meetd.DefaultPersonalPage(c.ID, h.user.ID)) {
		t.Fatalf("a page never saved = %+v, %v; want the default", page, err)
	}

	f.clock.Advance(time.Minute)
	want := meetd.PersonalPage{UserID: h.user.ID, CompanyID: c.ID, UseCustomColors: true, PrimaryColor: "#e55000",
		SecondaryColor: "#fff", HeaderImage: "https://cdn.example.com/h.png", Description: "Hello",
		ShowAllMeetingTypes: false, MeetingTypeOrder: []string{h.mt.ID},
		Profiles:    map[string]string{"linkedIn": "https://linkedin.com/in/h", "addressCity": "Berlin"},
		CustomLinks: []meetd.CustomLink{{Name: "Blog", URL: "https://blog.example.com", Icon: "pen"}},
		CreatedAt:   f.clock.Now(), UpdatedAt: f.clock.Now()}
	got, err := f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, c.ID, h.user.ID, func(p *meetd.PersonalPage) error {
		created := want
		created.CreatedAt, created.UpdatedAt = p.CreatedAt, p.UpdatedAt
		*p = created
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("UpdatePersonalPage = %+v, %v\nwant %+v", got, err, want)
	}
	if again, err := f.db.PersonalPage(f.ctx, c.ID, h.user.ID); err != nil || !reflect.DeepEqual(again, want) {
		t.Fatalf("PersonalPage after the update = %+v, %v", again, err)
	}

	// A second update changes the stored row and keeps its creation time.
	f.clock.Advance(time.Minute)
	got, err = f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, c.ID, h.user.ID, func(p *meetd.PersonalPage) error {
		p.Description = "Changed"
		return nil
	})
	if err != nil || got.Description != "Changed" || !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(f.clock.Now()) ||
		got.PrimaryColor != "#e55000" {
		t.Fatalf("second update = %+v, %v", got, err)
	}

	// Refusals write nothing: a colleague's meeting type in the order, a
	// page that fails validation, an error from apply.
	for name, apply := range map[string]func(*meetd.PersonalPage) error{
		"a colleague's meeting type": func(p *meetd.PersonalPage) error {
			p.Description, p.MeetingTypeOrder = "never", []string{colleague.mt.ID}
			return nil
		},
		"an unknown meeting type": func(p *meetd.PersonalPage) error {
			p.Description, p.MeetingTypeOrder = "never", []string{meetd.NewID()}
			return nil
		},
		"a bad colour": func(p *meetd.PersonalPage) error {
			p.Description, p.PrimaryColor = "never", "red"
			return nil
		},
		"a script link": func(p *meetd.PersonalPage) error {
			p.Description, p.CustomLinks = "never", []meetd.CustomLink{{Name: "x", URL: "javascript:alert(1)"}}
			return nil
		},
	} {
		_, err := f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, c.ID, h.user.ID, apply)
		if meetd.ErrorCode(err) != meetd.EINVALID {
			t.Fatalf("%s: %v, want EINVALID", name, err)
		}
	}
	refused := meetd.Errorf(meetd.EINVALID, "refused")
	if _, err := f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, c.ID, h.user.ID, func(p *meetd.PersonalPage) error {
		p.Description = "never"
		return refused
	}); err != refused {
		t.Fatalf("an apply error must abort the update, got %v", err)
	}
	if p, _ := f.db.PersonalPage(f.ctx, c.ID, h.user.ID); p.Description != "Changed" {
		t.Fatalf("a refused update was written: %q", p.Description)
	}

	// A removed user has no page.
	if err := f.db.RemoveUser(f.ctx, meetd.CLIActor, c.ID, colleague.user.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.PersonalPage(f.ctx, c.ID, colleague.user.ID)
	wantCode(t, err, meetd.ENOTFOUND)
	_, err = f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, c.ID, colleague.user.ID, func(*meetd.PersonalPage) error { return nil })
	wantCode(t, err, meetd.ENOTFOUND)
}

// testForeignPersonalPages: another company's user's page is a missing
// one, and stays as it was.
func testForeignPersonalPages(f *fixture) {
	t := f.t
	c, _ := f.company(meetd.PlanEnterprise, "owner@example.com")
	other, _ := f.company(meetd.PlanEnterprise, "owner@else.example")
	theirs := f.host(other.ID, "t1@else.example")
	if _, err := f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, other.ID, theirs.user.ID, func(p *meetd.PersonalPage) error {
		p.Description = "Theirs"
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	_, missing := f.db.PersonalPage(f.ctx, c.ID, meetd.NewID())
	_, err := f.db.PersonalPage(f.ctx, c.ID, theirs.user.ID)
	wantForeign(t, err, missing)
	_, err = f.db.UpdatePersonalPage(f.ctx, meetd.CLIActor, c.ID, theirs.user.ID, func(p *meetd.PersonalPage) error {
		p.Description = "Hijacked"
		return nil
	})
	wantForeign(t, err, missing)
	if p, err := f.db.PersonalPage(f.ctx, other.ID, theirs.user.ID); err != nil || p.Description != "Theirs" {
		t.Fatalf("their page after the foreign calls = %+v, %v", p, err)
	}
}
