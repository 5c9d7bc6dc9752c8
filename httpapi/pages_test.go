package httpapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/httpapi"
)

// TestPagesGetOnlyTheirPaths: with booking pages under the public URL's
// path, the catch-all hands them their paths and nothing else: API paths
// keep meetergo's JSON 404, and so does a path outside the public URL's.
// The access log writes a one-time link's route, never its token.
func TestPagesGetOnlyTheirPaths(t *testing.T) {
	var logs bytes.Buffer
	pages := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page "+r.URL.Path) })
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Clock: meetd.SystemClock{}, PublicURL: "https://cal.example.test/book",
		Pages: pages, Log: slog.New(slog.NewJSONHandler(&logs, nil))}).Handler())
	defer srv.Close()
	for path, want := range map[string]string{
		"/book/ada/intro":        "page /book/ada/intro",
		"/book":                  "page /book",
		"/book/1t/SECRETTOKEN42": "page /book/1t/SECRETTOKEN42",
		"/ada/intro":             `{"statusCode":404,"message":"Cannot GET /ada/intro","error":"Not Found"}`,
		"/v4/nothing":            `{"statusCode":404,"message":"Cannot GET /v4/nothing","error":"Not Found"}`,
		"/webhooks/x/y":          `{"statusCode":404,"message":"Cannot GET /webhooks/x/y","error":"Not Found"}`,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != want {
			t.Errorf("GET %s = %s, want %s", path, body, want)
		}
	}
	if strings.Contains(logs.String(), "SECRETTOKEN42") || !strings.Contains(logs.String(), `"path":"/book/1t/{token}"`) {
		t.Fatalf("access log:\n%s", logs.String())
	}
}
