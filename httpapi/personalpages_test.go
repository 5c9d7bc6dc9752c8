package httpapi_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb/sqldbtest"
)

func (h *harness) patchPage(token, acting string, body any) response {
	h.t.Helper()
	return h.do(req{method: "PATCH", path: "/v4/personal-page/me", token: token, acting: acting, body: body})
}

// listedIDs are the ids of a page's meetingTypes.
func listedIDs(t *testing.T, page map[string]any) []string {
	t.Helper()
	out := []string{}
	for _, m := range page["meetingTypes"].([]any) {
		out = append(out, m.(map[string]any)["id"].(string))
	}
	return out
}

func TestPersonalPage(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		a := h.a
		first := h.meetingType(a.memberPAT, "", map[string]any{"slug": "first"})
		h.clock.Advance(time.Second) // meeting types are listed oldest first
		second := h.meetingType(a.memberPAT, "", map[string]any{"slug": "second"})
		hidden := h.meetingType(a.memberPAT, "", map[string]any{"slug": "hidden", "enabled": false})

		// Never saved: the default page, listing every enabled meeting type.
		page := decode(t, h.get("/v4/personal-page/me", a.memberPAT, ""))
		if page["id"] != a.member.ID || page["showAllMeetingTypes"] != true || page["useCustomColors"] != false ||
			page["primaryColor"] != nil || page["createdAt"] != nil || page["description"] != "" ||
			!reflect.DeepEqual(listedIDs(t, page), []string{first, second}) {
			t.Fatalf("default page %v", page)
		}

		r := h.patchPage(a.memberPAT, "", map[string]any{
			"useCustomColors": true, "primaryColor": "#e55000", "secondaryColor": "#FFF",
			"headerImage": "https://cdn.example.com/header.png", "description": "Book me\n  anytime",
			"showAllMeetingTypes": false, "meetingTypeOrder": []string{strings.ToUpper(second), hidden},
			"onlineProfiles": map[string]any{"linkedIn": "https://www.linkedin.com/in/mia", "phone": "+49 30 1234",
				"addressCity": "Berlin", "customLinks": []any{map[string]any{"name": "Blog", "url": "https://blog.example.com", "icon": "pen"}}},
			"unknownField": "ignored",
		})
		wantStatus(t, r, 200)
		page = decode(t, r)
		profiles := page["onlineProfiles"].(map[string]any)
		if page["primaryColor"] != "#e55000" || page["secondaryColor"] != "#FFF" || page["description"] != "Book me\n  anytime" ||
			page["headerImage"] != "https://cdn.example.com/header.png" || page["createdAt"] == nil ||
			!reflect.DeepEqual(page["meetingTypeOrder"], []any{second, hidden}) ||
			!reflect.DeepEqual(listedIDs(t, page), []string{second}) ||
			profiles["linkedIn"] != "https://www.linkedin.com/in/mia" || profiles["addressCity"] != "Berlin" ||
			profiles["twitter"] != nil || len(profiles["customLinks"].([]any)) != 1 {
			t.Fatalf("patched page %v", page)
		}
		if got := decode(t, h.get("/v4/personal-page/me", a.key, a.member.ID)); !reflect.DeepEqual(got, page) {
			t.Fatalf("GET after PATCH (a key acting as the member) = %v\nwant %v", got, page)
		}

		// onlineProfiles merges key by key; null removes a key; customLinks
		// is replaced whole. Fields left out keep their value.
		page = decode(t, h.patchPage(a.memberPAT, "", map[string]any{
			"showAllMeetingTypes": true, "headerImage": nil,
			"onlineProfiles": map[string]any{"linkedIn": nil, "twitter": "@mia", "customLinks": []any{}}}))
		profiles = page["onlineProfiles"].(map[string]any)
		if profiles["linkedIn"] != nil || profiles["twitter"] != "@mia" || profiles["phone"] != "+49 30 1234" ||
			len(profiles["customLinks"].([]any)) != 0 || page["headerImage"] != nil || page["primaryColor"] != "#e55000" ||
			!reflect.DeepEqual(listedIDs(t, page), []string{second, first}) {
			t.Fatalf("merged page %v", page)
		}

		// The admin route answers the same page.
		for _, c := range []struct{ token, acting string }{{a.adminPAT, ""}, {a.ownerPAT, ""}, {a.key, a.admin.ID}} {
			if got := decode(t, h.get("/v4/personal-page/"+a.member.ID, c.token, c.acting)); !reflect.DeepEqual(got, page) {
				t.Fatalf("admin read = %v\nwant %v", got, page)
			}
		}
	})
}

func TestPersonalPageValidation(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	colleagues := h.meetingType(a.adminPAT, "", nil)
	links := make([]any, 21)
	for i := range links {
		links[i] = map[string]any{"name": fmt.Sprint("l", i), "url": "https://example.com"}
	}
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"a colour name", map[string]any{"primaryColor": "red"}, "primaryColor"},
		{"a four-digit colour", map[string]any{"secondaryColor": "#abcd"}, "secondaryColor"},
		{"an http header image", map[string]any{"headerImage": "http://cdn.example.com/h.png"}, "headerImage"},
		{"a long description", map[string]any{"description": strings.Repeat("x", 2001)}, "description"},
		{"a colleague's meeting type", map[string]any{"meetingTypeOrder": []string{colleagues}}, "meetingTypeOrder"},
		{"an unknown meeting type", map[string]any{"meetingTypeOrder": []string{meetd.NewID()}}, "meetingTypeOrder"},
		{"an order that is no array", map[string]any{"meetingTypeOrder": "x"}, "meetingTypeOrder"},
		{"a null boolean", map[string]any{"useCustomColors": nil}, "useCustomColors"},
		{"a string boolean", map[string]any{"showAllMeetingTypes": "yes"}, "showAllMeetingTypes"},
		{"21 custom links", map[string]any{"onlineProfiles": map[string]any{"customLinks": links}}, "onlineProfiles.customLinks"},
		{"a script link", map[string]any{"onlineProfiles": map[string]any{"customLinks": []any{
			map[string]any{"name": "x", "url": "javascript:alert(1)"}}}}, "onlineProfiles.customLinks[0].url"},
		{"a script profile", map[string]any{"onlineProfiles": map[string]any{"xing": "javascript:alert(1)"}}, "onlineProfiles.xing"},
		{"an email that is none", map[string]any{"onlineProfiles": map[string]any{"email": "nobody"}}, "onlineProfiles.email"},
		{"profiles that are no object", map[string]any{"onlineProfiles": []any{}}, "onlineProfiles"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.patchPage(a.memberPAT, "", c.body)
			wantStatus(t, r, 400)
			errs, _ := decode(t, r)["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != c.field {
				t.Fatalf("errors %v, want field %s", errs, c.field)
			}
		})
	}
	if page := decode(t, h.get("/v4/personal-page/me", a.memberPAT, "")); page["createdAt"] != nil {
		t.Fatalf("a refused PATCH saved the page: %v", page)
	}
}

func TestPersonalPageByUserID(t *testing.T) {
	h := newHarness(t, sqldbtest.SQLite)
	a := h.a
	const memberRefused = `{"statusCode":403,"message":"Only company admins can read personal pages by user id","error":"Forbidden"}`
	wantExact(t, h.get("/v4/personal-page/"+a.admin.ID, a.memberPAT, ""), 403, memberRefused)
	wantExact(t, h.get("/v4/personal-page/"+a.member.ID, a.memberPAT, ""), 403, memberRefused)
	wantExact(t, h.get("/v4/personal-page/"+a.owner.ID, a.key, a.member.ID), 403, memberRefused)
	wantStatus(t, h.get("/v4/personal-page/"+a.member.ID, a.adminPAT, ""), 200)
	for _, id := range []string{h.b.member.ID, meetd.NewID(), "me2"} {
		wantExact(t, h.get("/v4/personal-page/"+id, a.adminPAT, ""), 404,
			`{"statusCode":404,"message":"User not found","error":"Not Found"}`)
	}
}
