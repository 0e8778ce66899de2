// Package api holds the Admin API's OpenAPI 3.1 document, the machine-readable
// wire contract that the SDK speaks and that admintest serves.
package api

import _ "embed"

// Spec is the OpenAPI 3.1 document api/openapi.yaml, embedded so that tests,
// cmd/admin-mock and other tools can use it without file paths. It is YAML;
// load it with openapi3.NewLoader().LoadFromData(api.Spec). Do not modify it:
// the slice is shared.
//
//go:embed openapi.yaml
var Spec []byte
