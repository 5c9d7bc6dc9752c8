package api_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meetd/meetd/api"
)

func load(t *testing.T, doc []byte) *openapi3.T {
	t.Helper()
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEmbeddedDocumentDefaultsToPlainHTTPOnLoopback(t *testing.T) {
	d := load(t, api.OpenAPI)
	if len(d.Servers) != 1 {
		t.Fatalf("servers = %d, want 1", len(d.Servers))
	}
	if u, err := d.Servers[0].BasePath(); err != nil || u != "/" {
		t.Fatalf("base path = %q, %v", u, err)
	}
	v := d.Servers[0].Variables
	if v["scheme"].Default != "http" || v["host"].Default != "127.0.0.1:8080" {
		t.Fatalf("default server = %s://%s, want http://127.0.0.1:8080", v["scheme"].Default, v["host"].Default)
	}
}

func TestWithServerNamesOneServerAndKeepsTheRest(t *testing.T) {
	orig := load(t, api.OpenAPI)
	for _, base := range []string{"https://cal.example.com", "http://127.0.0.1:43117", "http://[::1]:8080",
		`http://a"b'c:8080`, // a forwarded host is quoted, not read as YAML
	} {
		doc := api.WithServer(base)
		d := load(t, doc)
		if len(d.Servers) != 1 || d.Servers[0].URL != base || len(d.Servers[0].Variables) != 0 {
			t.Fatalf("%s: servers = %+v", base, d.Servers)
		}
		if d.Paths.Len() != orig.Paths.Len() || len(d.Components.Schemas) != len(orig.Components.Schemas) ||
			len(d.Tags) != len(orig.Tags) || d.Info.Description != orig.Info.Description {
			t.Fatalf("%s: the rest of the document changed", base)
		}
		// Only the servers block differs.
		i := bytes.Index(api.OpenAPI, []byte("\nservers:\n"))
		j := bytes.Index(api.OpenAPI, []byte("\ntags:\n"))
		if i < 0 || j < i || !bytes.HasPrefix(doc, api.OpenAPI[:i]) || !bytes.HasSuffix(doc, api.OpenAPI[j:]) {
			t.Fatalf("%s: the document changed outside its servers block", base)
		}
	}
}

func TestWithServerRefusesWhatIsNoBaseURL(t *testing.T) {
	for _, base := range []string{"", "/v4", "ftp://cal.example.com", "https://", "https://u:p@cal.example.com",
		"https://cal.example.com/?x=1", "http://a\nservers: []"} {
		if got := api.WithServer(base); !bytes.Equal(got, api.OpenAPI) {
			t.Errorf("WithServer(%q) changed the document", base)
		}
	}
}
