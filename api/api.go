// Package api embeds meetd's OpenAPI document, served at /v4/openapi.yaml
// and used by the tests to validate every response.
package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"net/url"
)

// OpenAPI is the OpenAPI 3 document of the v4 API. Its server list is a
// neutral default (plain HTTP on 127.0.0.1:8080, what `meetd serve` does
// without flags); WithServer names a real server instead.
//
//go:embed openapi.yaml
var OpenAPI []byte

// head and tail are OpenAPI before and after its top-level servers block.
var head, tail = splitServers(OpenAPI)

// splitServers cuts doc around its top-level "servers:" block, which ends
// at the next line that starts in the first column. head is nil when the
// document has no such block.
func splitServers(doc []byte) (head, tail []byte) {
	start := bytes.Index(doc, []byte("\nservers:\n"))
	if start < 0 {
		return nil, nil
	}
	start++
	end := start + len("servers:\n")
	for end < len(doc) {
		next := bytes.IndexByte(doc[end:], '\n')
		if next < 0 {
			end = len(doc)
			break
		}
		if c := doc[end]; c != ' ' && c != '\n' && c != '#' {
			break
		}
		end += next + 1
	}
	return doc[:start], doc[end:]
}

// WithServer returns the document with one server, baseURL (an absolute
// http or https URL such as "https://cal.example.com"), in place of the
// default. A baseURL that is not such a URL gives OpenAPI unchanged.
func WithServer(baseURL string) []byte {
	u, err := url.Parse(baseURL)
	if err != nil || head == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return OpenAPI
	}
	// A JSON string is a YAML double-quoted scalar with the same escapes,
	// so whatever a proxy put into the host cannot break out of it.
	quoted, err := json.Marshal(baseURL)
	if err != nil {
		return OpenAPI
	}
	var b bytes.Buffer
	b.Grow(len(head) + len(tail) + 128)
	b.Write(head)
	b.WriteString("servers:\n  - url: ")
	b.Write(quoted)
	b.WriteString("\n    description: The meetd server that served this document.\n")
	b.Write(tail)
	return b.Bytes()
}
