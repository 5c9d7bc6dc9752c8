package httpapi_test

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/meetd/meetd/sqldb/sqldbtest"
)

// The contact requests meetergo's clients send, one test per client, each
// sending exactly that client's shape and reading what it reads
// (docs/decisions.md#contacts). N8N is the n8n node (a PAT, no acting
// header), MCP meetergo's MCP server and its extended fork, PY the
// community Python client.

// n8nGetMany pages GET /crm the way the n8n node's getMany does: page from
// 1, limit = min(100, wanted), each row's item.id required, stopping on a
// short page or once total rows are seen; a repeated page is an error.
func n8nGetMany(t *testing.T, h *harness, token string, wanted int, filters url.Values) []map[string]any {
	t.Helper()
	pageSize := min(100, wanted)
	seen := map[string]bool{}
	var out []map[string]any
	for page := 1; len(out) < wanted; page++ {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(page))
		q.Set("limit", strconv.Itoa(pageSize))
		r := h.get("/crm?"+q.Encode(), token, "")
		wantStatus(t, r, 200)
		resp := decode(t, r)
		records, ok := resp["result"].([]any)
		if !ok {
			t.Fatalf("Unexpected meetergo pagination response: %s", r.body)
		}
		if len(records) == 0 {
			break
		}
		added := 0
		for _, rec := range records {
			item, _ := rec.(map[string]any)["item"].(map[string]any)
			id, ok := item["id"].(string)
			if !ok {
				t.Fatalf("meetergo returned a record without an ID: %v", rec)
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, item)
				added++
			}
		}
		if added == 0 {
			t.Fatalf("meetergo repeated a page (page %d)", page)
		}
		total, _ := resp["total"].(float64)
		if len(records) < pageSize || len(seen) >= int(total) {
			break
		}
	}
	return out[:min(wanted, len(out))]
}

func TestCompatN8NContactOperations(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		pat := c.a.memberPAT
		// create: {...options, email}; the node outputs data.item.
		r := c.do(req{method: "POST", path: "/crm", token: pat, body: map[string]any{"firstName": "Ada", "lastName": "Lovelace",
			"notes": "Met at the fair", "phoneNumber": "+44 20 7946 0000", "email": "ada@n8n.example"}})
		wantStatus(t, r, 201)
		item, _ := decode(t, r)["item"].(map[string]any)
		id, _ := item["id"].(string)
		if id == "" || item["firstName"] != "Ada" || item["email"] != "ada@n8n.example" || item["accountOwnerId"] != c.a.member.ID {
			t.Fatalf("create answer %s", r.body)
		}
		// get: GET /crm/details?contactId; the node outputs data.item.
		r = c.get("/crm/details?"+url.Values{"contactId": {id}}.Encode(), pat, "")
		wantStatus(t, r, 200)
		if got, _ := decode(t, r)["item"].(map[string]any); got["id"] != id || got["notes"] != "Met at the fair" {
			t.Fatalf("get answer %s", r.body)
		}
		// update: PATCH /crm/{id} with the chosen options; the node outputs
		// the answer as it is, which must be an object.
		r = c.do(req{method: "PATCH", path: "/crm/" + url.PathEscape(id), token: pat,
			body: map[string]any{"email": "ada.l@n8n.example", "lastName": "King"}})
		wantStatus(t, r, 200)
		if got := decode(t, r); got["id"] != id || got["email"] != "ada.l@n8n.example" || got["lastName"] != "King" ||
			got["firstName"] != "Ada" {
			t.Fatalf("update answer %s", r.body)
		}
		// getAll over more than one page of 100, with and without searchTerm.
		rows := make([]map[string]any, 120)
		for i := range rows {
			rows[i] = map[string]any{"email": fmt.Sprintf("p%03d@n8n.example", i), "firstName": fmt.Sprintf("P%03d", i)}
		}
		wantStatus(t, c.do(req{method: "POST", path: "/crm/bulk", token: pat, body: map[string]any{"contacts": rows}}), 201)
		if all := n8nGetMany(t, c.harness, pat, 1<<30, nil); len(all) != 121 {
			t.Fatalf("returnAll got %d contacts, want 121", len(all))
		}
		if some := n8nGetMany(t, c.harness, pat, 50, nil); len(some) != 50 {
			t.Fatalf("limit 50 got %d contacts", len(some))
		}
		found := n8nGetMany(t, c.harness, pat, 50, url.Values{"searchTerm": {"ADA.L"}})
		if len(found) != 1 || found[0]["id"] != id {
			t.Fatalf("searchTerm found %v", found)
		}
		// A member's PAT sees only what it owns: the admin's contact is not
		// listed and not readable.
		r = c.do(req{method: "POST", path: "/crm", token: c.a.adminPAT, body: map[string]any{"email": "admins@n8n.example"}})
		wantStatus(t, r, 201)
		theirs := decode(t, r)["item"].(map[string]any)["id"].(string)
		if all := n8nGetMany(t, c.harness, pat, 1<<30, nil); len(all) != 121 {
			t.Fatalf("the member lists %d contacts, want their 121", len(all))
		}
		wantStatus(t, c.get("/crm/details?contactId="+theirs, pat, ""), 403)
		if all := n8nGetMany(t, c.harness, c.a.adminPAT, 1<<30, nil); len(all) != 122 {
			t.Fatalf("the admin lists %d contacts, want 122", len(all))
		}
	})
}

func TestCompatBookingMakesTheContactTheClientsRead(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		c := newCompat(t, b)
		// n8n's booking shape, then MCP's get_contact by attendeeId.
		ap := c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(10, 0), "hostIds": []string{c.a.member.ID},
			"attendee": map[string]any{"email": "Grace@Guest.example", "fullname": "Grace Brewster Hopper",
				"receiveReminders": true, "notes": map[string]any{}, "timezone": "Europe/London"}})
		attendeeID := firstAttendee(t, ap)["id"].(string)
		r := c.do(req{method: "GET", path: "/crm/details?" + url.Values{"attendeeId": {attendeeID}}.Encode(), token: c.a.key,
			acting: c.a.owner.ID})
		wantStatus(t, r, 200)
		got := decode(t, r)
		item := got["item"].(map[string]any)
		aps, _ := got["appointments"].([]any)
		if item["email"] != "Grace@Guest.example" || item["firstName"] != "Grace Brewster" || item["lastName"] != "Hopper" ||
			item["accountOwnerId"] != c.a.member.ID || len(aps) != 1 || aps[0].(map[string]any)["id"] != ap["id"] ||
			got["nextAppointmentIso"] != ap["start"] {
			t.Fatalf("details by attendeeId %s (appointment %v)", r.body, ap)
		}
		// A second booking in another case is the same contact, with both
		// appointments.
		ap2 := c.booked(t, map[string]any{"meetingTypeId": c.mt, "start": tuesdayAt(11, 0), "hostIds": []string{c.a.member.ID},
			"attendee": map[string]any{"email": "grace@GUEST.example", "fullname": "G. Hopper", "receiveReminders": true,
				"notes": map[string]any{}}})
		r = c.get("/crm/details?attendeeId="+firstAttendee(t, ap2)["id"].(string), c.a.adminPAT, "")
		wantStatus(t, r, 200)
		if got := decode(t, r); got["item"].(map[string]any)["id"] != item["id"] || len(got["appointments"].([]any)) != 2 {
			t.Fatalf("second booking's contact %s", r.body)
		}
		// The activity names each meeting by its meeting type, newest first.
		r = c.get("/crm/contacts/"+item["id"].(string)+"/activity", c.a.adminPAT, "")
		wantStatus(t, r, 200)
		acts := decode(t, r)["items"].([]any)
		if len(acts) != 2 || acts[0].(map[string]any)["id"] != ap2["id"] || acts[0].(map[string]any)["title"] != "Intro Call" ||
			acts[1].(map[string]any)["title"] != "Intro Call" {
			t.Fatalf("activity %s", r.body)
		}
		// Unknown attendee: 404; neither id: 400.
		wantStatus(t, c.get("/crm/details?attendeeId=00000000-0000-4000-8000-000000000000", c.a.adminPAT, ""), 404)
		wantStatus(t, c.get("/crm/details", c.a.adminPAT, ""), 400)
	})
}

func TestCompatMCPContactTools(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		key, owner := h.a.key, h.a.owner.ID
		call := func(method, path string, body any) response {
			t.Helper()
			return h.do(req{method: method, path: path, token: key, acting: owner, body: body})
		}
		// create_contact: the schema's fields as given.
		r := call("POST", "/crm", map[string]any{"firstName": "Alan", "lastName": "Turing", "email": "alan@mcp.example",
			"phoneNumber": "+44 161 000", "tags": []string{"Lead", "Enterprise"}, "notes": "Internal only",
			"accountOwnerId": h.a.member.ID, "crmCompanyId": "6f1c7a0e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"})
		wantStatus(t, r, 201)
		alan := decode(t, r)["item"].(map[string]any)
		if alan["accountOwnerId"] != h.a.member.ID || alan["crmCompanyId"] != "6f1c7a0e-2b3d-4e5f-8a9b-0c1d2e3f4a5b" {
			t.Fatalf("create_contact %s", r.body)
		}
		id := alan["id"].(string)
		// create_contact refuses neither email nor phone client-side; the
		// server says the same.
		wantStatus(t, call("POST", "/crm", map[string]any{"firstName": "Nobody"}), 400)
		// Known e-mail: 409.
		wantStatus(t, call("POST", "/crm", map[string]any{"email": "ALAN@mcp.example"}), 409)
		// bulk_create_contacts: {contacts}.
		r = call("POST", "/crm/bulk", map[string]any{"contacts": []map[string]any{
			{"firstName": "Ada", "email": "ada@mcp.example", "tags": []string{"Lead"}},
			{"lastName": "Hopper", "phoneNumber": "+1 555 0100", "notes": "call"}}})
		wantStatus(t, r, 201)
		if got := decode(t, r); got["created"] != 2.0 || got["failed"] != 0.0 {
			t.Fatalf("bulk_create_contacts %s", r.body)
		}
		// search_contacts: every parameter, tags repeated.
		q := url.Values{"searchTerm": {"mcp.example"}, "tags": {"Lead"}, "sortBy": {"firstName"}, "sortOrder": {"ASC"},
			"page": {"1"}, "limit": {"10"}}
		r = call("GET", "/crm?"+q.Encode(), nil)
		wantStatus(t, r, 200)
		got := decode(t, r)
		rows := got["result"].([]any)
		if got["total"] != 2.0 || got["page"] != 1.0 || got["limit"] != 10.0 || got["totalPages"] != 1.0 || len(rows) != 2 ||
			rows[0].(map[string]any)["item"].(map[string]any)["firstName"] != "Ada" {
			t.Fatalf("search_contacts %s", r.body)
		}
		q.Set("ownerId", h.a.member.ID)
		if got := decode(t, call("GET", "/crm?"+q.Encode(), nil)); got["total"] != 1.0 {
			t.Fatalf("search_contacts by owner: %v", got)
		}
		wantStatus(t, call("GET", "/crm?limit=101", nil), 400)
		wantStatus(t, call("GET", "/crm?sortBy=phone", nil), 400)
		wantStatus(t, call("GET", "/crm?page=0", nil), 400)
		// get_contact by contactId.
		r = call("GET", "/crm/details?"+url.Values{"contactId": {id}}.Encode(), nil)
		wantStatus(t, r, 200)
		if got := decode(t, r); got["item"].(map[string]any)["notes"] != "Internal only" || got["nextAppointmentIso"] != nil {
			t.Fatalf("get_contact %s", r.body)
		}
		// update_contact: tags replace, crmCompanyId null unlinks.
		r = call("PATCH", "/crm/"+id, map[string]any{"tags": []string{"Customer"}, "crmCompanyId": nil, "firstName": "A. M."})
		wantStatus(t, r, 200)
		if got := decode(t, r); fmt.Sprint(got["tags"]) != "[Customer]" || got["crmCompanyId"] != nil || got["firstName"] != "A. M." {
			t.Fatalf("update_contact %s", r.body)
		}
		// The fork's additionalData merge, activity and bulk delete.
		r = call("PATCH", "/crm/"+id, map[string]any{"additionalData": map[string]any{"size": 12, "budget": "high"}})
		wantStatus(t, r, 200)
		r = call("PATCH", "/crm/"+id, map[string]any{"additionalData": map[string]any{"budget": nil}})
		if got := decode(t, r)["additionalData"].(map[string]any); got["size"] != 12.0 || got["budget"] != nil || len(got) != 1 {
			t.Fatalf("additionalData merge: %v", got)
		}
		r = call("GET", "/crm/contacts/"+id+"/activity?types=meeting&types=email&limit=5", nil)
		wantStatus(t, r, 200)
		if got := decode(t, r); got["hasMore"] != false || got["nextCursor"] != nil {
			t.Fatalf("activity %s", r.body)
		}
		// delete_contact: 204, which the client reads as {ok: true}.
		r = call("DELETE", "/crm/"+id, nil)
		wantStatus(t, r, 204)
		wantStatus(t, call("DELETE", "/crm/"+id, nil), 404)
		rest := decode(t, call("GET", "/crm", nil))["result"].([]any)
		ids := []string{}
		for _, row := range rest {
			ids = append(ids, row.(map[string]any)["item"].(map[string]any)["id"].(string))
		}
		r = call("POST", "/crm/bulk-delete", map[string]any{"contactIds": append(ids, "00000000-0000-4000-8000-000000000000")})
		wantStatus(t, r, 200)
		if got := decode(t, r); got["requested"] != 3.0 || got["deleted"] != 2.0 || got["skipped"] != 1.0 {
			t.Fatalf("bulk-delete %s", r.body)
		}
	})
}

func TestCompatPYContactTools(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		pat := h.a.adminPAT
		// create_contact: only the arguments given, additionalData included.
		r := h.do(req{method: "POST", path: "/crm", token: pat, body: map[string]any{"firstName": "Rosalind",
			"email": "rosalind@py.example", "tags": []string{"Lead"}, "additionalData": map[string]any{"revenueBand": "$1-5M"}}})
		wantStatus(t, r, 201)
		item := decode(t, r)["item"].(map[string]any)
		id := item["id"].(string)
		if item["additionalData"].(map[string]any)["revenueBand"] != "$1-5M" {
			t.Fatalf("create_contact %s", r.body)
		}
		// search_contacts: None dropped, tags as a list (httpx repeats the key).
		r = h.get("/crm?searchTerm=rosalind&tags=Lead&page=1&limit=20", pat, "")
		wantStatus(t, r, 200)
		if got := decode(t, r); got["total"] != 1.0 {
			t.Fatalf("search_contacts %s", r.body)
		}
		// get_contact(contact_id=…): attendeeId dropped as None.
		wantStatus(t, h.get("/crm/details?contactId="+id, pat, ""), 200)
		// update_contact(patch).
		r = h.do(req{method: "PATCH", path: "/crm/" + id, token: pat, body: map[string]any{"tags": []string{"Lead", "Qualified"},
			"notes": "Interested in premium plan"}})
		wantStatus(t, r, 200)
		// bulk_create_contacts(contacts).
		r = h.do(req{method: "POST", path: "/crm/bulk", token: pat, body: map[string]any{"contacts": []map[string]any{
			{"firstName": "Max", "lastName": "Planck", "email": "max@py.example", "phoneNumber": "+49 30 1", "tags": []string{}, "notes": ""},
			{"email": "rosalind@py.example", "firstName": "Dup"}}}})
		wantStatus(t, r, 201)
		if got := decode(t, r); got["created"] != 1.0 || got["skipped"] != 1.0 {
			t.Fatalf("bulk_create_contacts %s", r.body)
		}
		// delete_contact: an empty 204, which PY reads as {ok, status}.
		r = h.do(req{method: "DELETE", path: "/crm/" + id, token: pat})
		if r.status != 204 || len(r.body) != 0 {
			t.Fatalf("delete_contact %d %s", r.status, r.body)
		}
		// Another company's contact is a 404 for every route.
		r = h.do(req{method: "POST", path: "/crm", token: h.b.adminPAT, body: map[string]any{"email": "b@py.example"}})
		wantStatus(t, r, 201)
		theirs := decode(t, r)["item"].(map[string]any)["id"].(string)
		wantStatus(t, h.get("/crm/details?contactId="+theirs, pat, ""), 404)
		if got := decode(t, h.get("/crm?searchTerm=b%40py", pat, "")); got["total"] != 0.0 {
			t.Fatalf("another company's contact is listed: %v", got)
		}
	})
}

// TestBulkContactsSayWhyARowFailed: a row refused in a bulk import names
// its address and what is wrong with it, so a client importing a thousand
// rows can fix them; a refused row fails alone.
func TestBulkContactsSayWhyARowFailed(t *testing.T) {
	eachBackend(t, func(t *testing.T, b sqldbtest.Backend) {
		h := newHarness(t, b)
		r := h.do(req{method: "POST", path: "/crm/bulk", token: h.a.key, acting: h.a.owner.ID, body: map[string]any{"contacts": []any{
			map[string]any{"email": "ok@bulk.example"},
			map[string]any{"email": "not-an-address"},
			map[string]any{"firstName": "Nobody"},
			map[string]any{"email": "typed@bulk.example", "tags": "vip"},
		}}})
		wantStatus(t, r, 201)
		got := decode(t, r)
		if got["created"] != 1.0 || got["failed"] != 3.0 {
			t.Fatalf("bulk %s", r.body)
		}
		want := []map[string]any{
			{"row": 1.0, "email": "not-an-address", "message": "email must be an email"},
			{"row": 2.0, "email": nil, "message": "email or phoneNumber must be provided"},
			{"row": 3.0, "email": "typed@bulk.example", "message": "tags must be an array of strings"},
		}
		issues := got["issues"].([]any)
		if len(issues) != len(want) {
			t.Fatalf("issues %v", issues)
		}
		for i, w := range want {
			if fmt.Sprint(issues[i]) != fmt.Sprint(w) {
				t.Errorf("issue %d = %v, want %v", i, issues[i], w)
			}
		}
	})
}
