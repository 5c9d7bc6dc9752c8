package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/meetd/meetd/api"
	"github.com/meetd/meetd/httpapi"
)

// oasSpec is the OpenAPI document, loaded and validated once per test
// binary, with one router per HTTP method.
var oasSpec struct {
	once sync.Once
	doc  *openapi3.T
	// byMethod holds, per method, a router over the paths that have an
	// operation for that method. net/http's ServeMux picks the most specific
	// pattern among those matching both method and path, so PATCH
	// /v4/user/me goes to PATCH /v4/user/{id}; a single gorillamux router
	// would stop at the literal /v4/user/me and report "method not allowed".
	byMethod map[string]routers.Router
	err      error
}

// loadOAS returns the validated document and its per-method routers.
func loadOAS() (*openapi3.T, map[string]routers.Router, error) {
	oasSpec.once.Do(func() {
		oasSpec.doc, oasSpec.byMethod, oasSpec.err = buildOAS()
	})
	return oasSpec.doc, oasSpec.byMethod, oasSpec.err
}

func buildOAS() (*openapi3.T, map[string]routers.Router, error) {
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, nil, fmt.Errorf("load api/openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, nil, fmt.Errorf("validate api/openapi.yaml: %w", err)
	}
	byMethod := map[string]routers.Router{}
	for _, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if byMethod[method] != nil {
				continue
			}
			// A shallow copy holding only the paths with this method and
			// no servers, so that any scheme and host (httptest's
			// http://127.0.0.1:<port>) routes by path alone.
			sub := *doc
			sub.Servers = nil
			sub.Paths = openapi3.NewPaths()
			for p, it := range doc.Paths.Map() {
				if it.GetOperation(method) != nil {
					sub.Paths.Set(p, it)
				}
			}
			r, err := gorillamux.NewRouter(&sub)
			if err != nil {
				return nil, nil, fmt.Errorf("router for %s: %w", method, err)
			}
			byMethod[method] = r
		}
	}
	return doc, byMethod, nil
}

// findOASRoute returns the operation of the document that serves req, the
// way net/http's ServeMux would choose it: a HEAD request is served by the
// GET route. The error is routers.ErrPathNotFound when no operation has
// this method and path.
func findOASRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	_, byMethod, err := loadOAS()
	if err != nil {
		return nil, nil, err
	}
	method := req.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	r := byMethod[method]
	if r == nil {
		return nil, nil, routers.ErrPathNotFound
	}
	if method != req.Method {
		req = req.Clone(req.Context())
		req.Method = method
	}
	route, params, err := r.FindRoute(req)
	if err == routers.ErrMethodNotAllowed {
		// Cannot happen with per-method routers; treat it as a miss.
		err = routers.ErrPathNotFound
	}
	return route, params, err
}

// oasTransport wraps base (nil means http.DefaultTransport) and validates every
// request/response pair against api.OpenAPI using kin-openapi's openapi3filter:
// the route must exist in the document, the status code must be documented for
// it, and the JSON body must match the documented schema. Any mismatch is
// reported with t.Errorf (including method, path, status and the body).
func oasTransport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if _, _, err := loadOAS(); err != nil {
		t.Errorf("OpenAPI: %v", err)
	}
	return &oasRoundTripper{t: t, base: base}
}

type oasRoundTripper struct {
	t    testing.TB
	base http.RoundTripper
}

func (rt *oasRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	// Give the caller the body back, whatever happens next.
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("oasTransport: read response body of %s %s: %w", req.Method, req.URL.Path, err)
	}
	if problem := checkOAS(req, resp.StatusCode, resp.Header, body); problem != "" {
		rt.t.Errorf("OpenAPI mismatch: %s %s -> %d: %s\nresponse body: %s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, problem, shorten(body))
	}
	return resp, nil
}

// checkOAS validates one exchange against the document and returns what is
// wrong with it, or "".
func checkOAS(req *http.Request, status int, header http.Header, body []byte) string {
	route, params, err := findOASRoute(req)
	if err != nil {
		if err != routers.ErrPathNotFound {
			return err.Error()
		}
		if isUnknownRoute404(req, status, body) {
			return "" // the catch-all of routes.go, deliberately undocumented
		}
		return "the route is not in the OpenAPI document"
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		// The schema dumps kin-openapi appends by default drown the error.
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		// Only responses are validated; requests may be anything in tests.
		AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
	}
	validated := req
	if req.Method == http.MethodHead {
		// openapi3filter skips HEAD altogether. Validate status and
		// headers as the GET they stand for; a HEAD answer has no body.
		validated = req.Clone(req.Context())
		validated.Method = http.MethodGet
		opts.ExcludeResponseBody = true
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    validated,
			PathParams: params,
			Route:      route,
			Options:    opts,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Sprintf("operation %s %s: %v", route.Method, route.Path, err)
	}
	return ""
}

// isUnknownRoute404 reports whether a response is the NestJS-style 404 the
// server gives a route it does not have:
// {"statusCode":404,"message":"Cannot <METHOD> <path>","error":"Not Found"}.
func isUnknownRoute404(req *http.Request, status int, body []byte) bool {
	if status != http.StatusNotFound {
		return false
	}
	if req.Method == http.MethodHead && len(body) == 0 {
		return true // the same handler, its body dropped by net/http
	}
	var e struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
		Error      string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return false
	}
	return e.StatusCode == http.StatusNotFound && e.Error == "Not Found" && strings.HasPrefix(e.Message, "Cannot ")
}

// shorten keeps error output readable when the body is large (the OpenAPI
// document itself, for instance).
func shorten(b []byte) string {
	const max = 2000
	if len(b) <= max {
		return string(b)
	}
	return fmt.Sprintf("%s… (%d more bytes)", b[:max], len(b)-max)
}

// documentsMissingActingUser reports whether op's 400 answer includes the
// one an API key gets without x-meetergo-api-user-id on an ActingUser route.
func documentsMissingActingUser(op *openapi3.Operation) bool {
	resp := op.Responses.Value("400")
	if resp == nil || resp.Value == nil {
		return false
	}
	b, err := json.Marshal(resp.Value)
	return err == nil && bytes.Contains(b, []byte("Missing required header 'x-meetergo-api-user-id'"))
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, _, err := loadOAS()
	if err != nil {
		t.Fatal(err)
	}

	// Every route of the table is documented, once, and a public route is
	// exactly one whose operation needs no credential.
	want := map[string]httpapi.Route{}
	for _, r := range httpapi.Routes() {
		key := r.Method + " " + r.Pattern
		if _, dup := want[key]; dup {
			t.Errorf("%s: twice in httpapi.Routes (routes.go)", key)
		}
		want[key] = r
		item := doc.Paths.Value(r.Pattern)
		if item == nil {
			t.Errorf("%s: in httpapi.Routes (routes.go) but its path is missing from api/openapi.yaml", key)
			continue
		}
		op := item.GetOperation(r.Method)
		if op == nil {
			t.Errorf("%s: in httpapi.Routes (routes.go) but the operation is missing from api/openapi.yaml", key)
			continue
		}
		switch public := op.Security != nil && len(*op.Security) == 0; {
		case public && r.Access != httpapi.Public:
			t.Errorf("%s: access %v in routes.go, but api/openapi.yaml says it needs no credential (security: [])", key, r.Access)
		case !public && r.Access == httpapi.Public:
			t.Errorf("%s: access Public in routes.go, but api/openapi.yaml says it needs a credential", key)
		}
		if documented := documentsMissingActingUser(op); documented != (r.Access == httpapi.ActingUser) {
			t.Errorf("%s: access %v in routes.go, but api/openapi.yaml documents the 400 for an API key without x-meetergo-api-user-id: %v",
				key, r.Access, documented)
		}
	}

	// Every documented operation is registered, and is well described.
	var paths []string
	for p := range doc.Paths.Map() {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	seenIDs := map[string]string{}
	for _, p := range paths {
		for method, op := range doc.Paths.Value(p).Operations() {
			key := method + " " + p
			if _, ok := want[key]; !ok {
				t.Errorf("%s: in api/openapi.yaml but not in httpapi.Routes (routes.go)", key)
			}
			if op.OperationID == "" {
				t.Errorf("%s: no operationId", key)
			} else if other, dup := seenIDs[op.OperationID]; dup {
				t.Errorf("%s: operationId %q also used by %s", key, op.OperationID, other)
			}
			seenIDs[op.OperationID] = key
			if op.Responses.Default() != nil {
				t.Errorf("%s: a default response would let undocumented statuses through", key)
			}
			for code, resp := range op.Responses.Map() {
				if code[0] >= '4' {
					if resp.Value.Content.Get("application/json") == nil {
						t.Errorf("%s %s: error response without an application/json body", key, code)
					}
				}
			}
			secured := op.Security == nil || len(*op.Security) > 0
			if secured {
				for _, code := range []string{"401", "403", "429", "500"} {
					if op.Responses.Value(code) == nil {
						t.Errorf("%s: authenticated operation does not document %s", key, code)
					}
				}
			}
		}
	}

	// Requests are routed to the operation net/http would serve them with,
	// on any host and port.
	for _, c := range []struct{ method, url, path string }{
		{"GET", "http://127.0.0.1:34567/healthz", "/healthz"},
		{"GET", "http://127.0.0.1:34567/v4/openapi.yaml", "/v4/openapi.yaml"},
		{"POST", "http://127.0.0.1:34567/v4/credentials/revoke", "/v4/credentials/revoke"},
		{"GET", "http://127.0.0.1:34567/v4/user/me", "/v4/user/me"},
		{"HEAD", "http://127.0.0.1:34567/v4/user/me", "/v4/user/me"},
		{"GET", "http://localhost:8080/v4/user?limit=5", "/v4/user"},
		{"POST", "https://api.example.com/v4/user", "/v4/user"},
		{"PATCH", "http://127.0.0.1:34567/v4/user/3f2b8c1e-6d4a-4f7b-9c2e-1a5d7e9f0b3c", "/v4/user/{id}"},
		{"PATCH", "http://127.0.0.1:34567/v4/user/me", "/v4/user/{id}"},
		{"DELETE", "http://127.0.0.1:34567/v4/user/not-a-uuid", "/v4/user/{id}"},
		{"GET", "http://127.0.0.1:34567/v4/credential/current", "/v4/credential/current"},
		// Literal segments win over {id}, as in net/http's ServeMux.
		{"GET", "http://127.0.0.1:34567/v4/appointment/paginated?page=0&pageSize=20", "/v4/appointment/paginated"},
		{"GET", "http://127.0.0.1:34567/v4/appointment/today", "/v4/appointment/today"},
		{"GET", "http://127.0.0.1:34567/v4/appointment/3f2b8c1e-6d4a-4f7b-9c2e-1a5d7e9f0b3c", "/v4/appointment/{id}"},
		{"DELETE", "http://127.0.0.1:34567/v4/appointment/paginated", "/v4/appointment/{id}"},
		{"POST", "http://127.0.0.1:34567/v4/appointment/x/cancel", "/v4/appointment/{id}/cancel"},
		{"POST", "http://127.0.0.1:34567/v4/public/appointment/x/cancel", "/v4/public/appointment/{id}/cancel"},
		{"POST", "http://127.0.0.1:34567/v4/public/appointment/x/reschedule", "/v4/public/appointment/{id}/reschedule"},
		{"GET", "http://127.0.0.1:34567/v4/public/provisional-booking/x/confirm?token=t", "/v4/public/provisional-booking/{id}/confirm"},
		{"GET", "http://127.0.0.1:34567/v4/queue/meeting-type", "/v4/queue/{id}"},
		{"GET", "http://127.0.0.1:34567/v4/queue/x/next", "/v4/queue/{id}/next"},
		{"PATCH", "http://127.0.0.1:34567/v4/queue/meeting-type/x", "/v4/queue/meeting-type/{id}"},
		{"DELETE", "http://127.0.0.1:34567/v4/availability/x/exceptions/7", "/v4/availability/{id}/exceptions/{exceptionId}"},
		{"GET", "http://127.0.0.1:34567/v4/booking-availability?meetingTypeId=x", "/v4/booking-availability"},
		{"GET", "http://127.0.0.1:34567/v4/usage", "/v4/usage"},
		{"PUT", "http://127.0.0.1:34567/v4/meeting-type/x", ""},
		{"GET", "http://127.0.0.1:34567/v4/appointment/x/cancel", ""},
		{"GET", "http://127.0.0.1:34567/v4/public/appointment/x", ""},
		{"GET", "http://127.0.0.1:34567/v4/user/3f2b8c1e-6d4a-4f7b-9c2e-1a5d7e9f0b3c", ""},
		{"PUT", "http://127.0.0.1:34567/v4/user", ""},
		{"GET", "http://127.0.0.1:34567/v4/user/me/", ""},
		{"GET", "http://127.0.0.1:34567/healthz/x", ""},
		{"GET", "http://127.0.0.1:34567/v4/healthz", ""},
	} {
		req := httptest.NewRequest(c.method, c.url, nil)
		route, _, err := findOASRoute(req)
		switch {
		case c.path == "" && err == nil:
			t.Errorf("%s %s: routed to %s %s, want no route", c.method, c.url, route.Method, route.Path)
		case c.path == "" && err != routers.ErrPathNotFound:
			t.Errorf("%s %s: %v, want ErrPathNotFound", c.method, c.url, err)
		case c.path != "" && err != nil:
			t.Errorf("%s %s: %v, want %s", c.method, c.url, err, c.path)
		case c.path != "" && route.Path != c.path:
			t.Errorf("%s %s: routed to %s, want %s", c.method, c.url, route.Path, c.path)
		}
	}
}

// oasRecorder is a testing.TB that records Errorf instead of failing, to
// test oasTransport itself.
type oasRecorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *oasRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *oasRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	errs := r.errs
	r.errs = nil
	return errs
}

// TestOASTransport checks that the validating transport passes responses
// that match the document and reports those that do not, against a stub
// server whose answers are fixed here.
func TestOASTransport(t *testing.T) {
	const uuid = "3f2b8c1e-6d4a-4f7b-9c2e-1a5d7e9f0b3c"
	user := `{"id":"` + uuid + `","email":"a@b.example","givenName":"A","familyName":"B","fullName":"A B",` +
		`"slug":"a-b","timezone":"Europe/Berlin","companyId":"` + uuid + `","userType":"standard","isAdmin":true,` +
		`"role":"owner","defaultAvailabilityId":null,"createdAt":"2024-01-15T10:30:00.000Z","updatedAt":"2024-01-15T10:30:00.000Z"}`
	answers := map[string]struct {
		status int
		ct     string
		body   string
		header map[string]string
	}{
		"GET /healthz":                {200, "application/json; charset=utf-8", `{"status":"ok"}`, nil},
		"GET /v4/openapi.yaml":        {200, "application/yaml", string(api.OpenAPI), nil},
		"GET /v4/user/me":             {200, "application/json; charset=utf-8", user, map[string]string{"RateLimit-Limit": "100", "RateLimit-Remaining": "199", "RateLimit-Reset": "0"}},
		"GET /v4/user":                {401, "application/json; charset=utf-8", `{"statusCode":401,"message":"Missing authorization header","error":"Unauthorized"}`, nil},
		"POST /v4/user":               {403, "application/json; charset=utf-8", `{"statusCode":403,"message":"Your plan does not include API access","error":"Forbidden","code":"PLAN_LIMIT_REACHED","feature":"api_keys"}`, nil},
		"PATCH /v4/user/me":           {404, "application/json; charset=utf-8", `{"statusCode":404,"message":"User not found","error":"Not Found"}`, nil},
		"POST /v4/credentials/revoke": {429, "application/json; charset=utf-8", `{"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}`, map[string]string{"Retry-After": "6", "RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "6"}},
		"GET /nowhere":                {404, "application/json; charset=utf-8", `{"statusCode":404,"message":"Cannot GET /nowhere","error":"Not Found"}`, nil},
		"POST /v4/booking": {201, "application/json; charset=utf-8", `{"bookingType":"doubleOptIn","provisionalBookingId":"` + uuid +
			`","expiresAt":"2024-01-16T10:30:00.000Z","confirmationUrl":"http://127.0.0.1:8080/v4/public/provisional-booking/` + uuid +
			`/confirm?token=q3K0xJmVb1n9W7uPzR2cT5yA8dE4fG6hL0sN2vX9kQw"}`, map[string]string{"Idempotent-Replayed": "true"}},
		"DELETE /v4/meeting-type/" + uuid:                         {200, "", "", nil},
		"GET /v4/public/provisional-booking/" + uuid + "/confirm": {200, "application/json; charset=utf-8", `{"appointmentId":"` + uuid + `","secret":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3Jh"}`, nil},
		// Mistakes the transport must catch:
		"GET /v4/credential/current":     {200, "application/json; charset=utf-8", `{"id":"` + uuid + `"}`, nil},                                                         // missing fields
		"DELETE /v4/user/" + uuid:        {204, "", "", nil},                                                                                                             // undocumented status
		"GET /v4/user/" + uuid:           {404, "application/json; charset=utf-8", `{"statusCode":404,"message":"User not found","error":"Not Found"}`, nil},             // route not documented
		"PATCH /v4/user/" + uuid:         {400, "application/json; charset=utf-8", `{"statusCode":400,"message":["email must be an email"],"error":"Bad Request"}`, nil}, // validation without errors
		"GET /v4/user/me?wrongheaders=1": {429, "application/json; charset=utf-8", `{"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}`, nil},  // no Retry-After

		// Mistakes in the scheduling routes:
		"POST /v4/booking?mixed=1":  {201, "application/json; charset=utf-8", `{"appointmentId":"` + uuid + `","secret":"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3Jh","bookingType":"doubleOptIn"}`, nil}, // neither shape
		"DELETE /v4/meeting-type/x": {204, "", "", nil},                                                                                                                                        // undocumented status
		"GET /v4/availability/x":    {200, "application/json; charset=utf-8", `{"id":"` + uuid + `","exceptions":[{"id":"7"}]}`, nil},                                                          // incomplete, string exception id
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.RequestURI()
		a, ok := answers[key]
		if !ok {
			a = answers[r.Method+" "+r.URL.Path]
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.ct != "" {
			w.Header().Set("Content-Type", a.ct)
		}
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	defer srv.Close()

	rec := &oasRecorder{TB: t}
	client := &http.Client{Transport: oasTransport(rec, nil)}
	for _, c := range []struct {
		method, path string
		wantErr      bool
	}{
		{"GET", "/healthz", false},
		{"GET", "/v4/openapi.yaml", false},
		{"GET", "/v4/user/me", false},
		{"GET", "/v4/user", false},
		{"POST", "/v4/user", false},
		{"PATCH", "/v4/user/me", false},
		{"POST", "/v4/credentials/revoke", false},
		{"GET", "/nowhere", false},
		{"GET", "/v4/credential/current", true},
		{"DELETE", "/v4/user/" + uuid, true},
		{"GET", "/v4/user/" + uuid, true},
		{"PATCH", "/v4/user/" + uuid, true},
		{"GET", "/v4/user/me?wrongheaders=1", true},
		{"POST", "/v4/booking", false},
		{"DELETE", "/v4/meeting-type/" + uuid, false},
		{"GET", "/v4/public/provisional-booking/" + uuid + "/confirm", false},
		{"POST", "/v4/booking?mixed=1", true},
		{"DELETE", "/v4/meeting-type/x", true},
		{"GET", "/v4/availability/x", true},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		a, ok := answers[c.method+" "+c.path]
		if !ok {
			a = answers[c.method+" "+strings.SplitN(c.path, "?", 2)[0]]
		}
		if string(got) != a.body {
			t.Errorf("%s %s: the caller got a body of %d bytes, want the server's %d", c.method, c.path, len(got), len(a.body))
		}
		errs := rec.take()
		switch {
		case c.wantErr && len(errs) == 0:
			t.Errorf("%s %s: mismatch not reported", c.method, c.path)
		case !c.wantErr && len(errs) > 0:
			t.Errorf("%s %s: unexpected report: %s", c.method, c.path, strings.Join(errs, "\n"))
		case c.wantErr:
			if !strings.Contains(errs[0], c.method) || !strings.Contains(errs[0], fmt.Sprint(resp.StatusCode)) {
				t.Errorf("%s %s: report lacks method or status: %s", c.method, c.path, errs[0])
			}
		}
	}
}
