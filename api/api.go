// Package api embeds meetd's OpenAPI document, served at /v4/openapi.yaml
// and used by the tests to validate every response.
package api

import _ "embed"

// OpenAPI is the OpenAPI 3 document of the v4 API.
//
//go:embed openapi.yaml
var OpenAPI []byte
