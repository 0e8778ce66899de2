package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/admin/api-go/api"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc
}

// TestSpecLoadsAndValidates checks the document with kin-openapi, which also
// validates every example against its schema.
func TestSpecLoadsAndValidates(t *testing.T) {
	doc := loadSpec(t)
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
}

// TestSpecConventions checks the project's conventions that the linters do
// not: Idempotency-Key on mutating calls, closed request bodies, X-Request-Id
// on answers, no OpenAPI 3.0-only nullable.
func TestSpecConventions(t *testing.T) {
	doc := loadSpec(t)
	ops := 0
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/v1/") {
			t.Errorf("%s: paths carry the /v1 prefix", path)
		}
		for method, op := range item.Operations() {
			ops++
			where := method + " " + path
			mutating := method != http.MethodGet && method != http.MethodHead
			isToken := op.OperationID == "createOAuthToken"
			idem := op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "Idempotency-Key")
			if mutating && !isToken && idem == nil {
				t.Errorf("%s: mutating operation without the Idempotency-Key parameter", where)
			}
			if !mutating && idem != nil {
				t.Errorf("%s: Idempotency-Key on a safe operation", where)
			}
			if rb := op.RequestBody; rb != nil {
				for ct, mt := range rb.Value.Content {
					s := mt.Schema.Value
					if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
						t.Errorf("%s: %s request body schema lacks additionalProperties: false", where, ct)
					}
					if mt.Example == nil && len(mt.Examples) == 0 {
						t.Errorf("%s: %s request body has no example", where, ct)
					}
				}
			}
			for status, ref := range op.Responses.Map() {
				resp := ref.Value
				h := resp.Headers["X-Request-Id"]
				switch {
				case h == nil:
					t.Errorf("%s %s: no X-Request-Id header", where, status)
				case status != "502" && !h.Value.Required:
					t.Errorf("%s %s: X-Request-Id is not required", where, status)
				}
				if strings.HasPrefix(status, "2") && !isToken && resp.Headers["X-RateLimit-Limit"] == nil {
					t.Errorf("%s %s: no rate limit headers", where, status)
				}
				if status == "429" && (resp.Headers["Retry-After"] == nil || !resp.Headers["Retry-After"].Value.Required) {
					t.Errorf("%s %s: Retry-After is not required", where, status)
				}
			}
			for _, status := range []int{401, 429, 500, 502, 503} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s: no %d response", where, status)
				}
			}
		}
	}
	if ops != 41 {
		t.Errorf("%d operations, want 41 (update this count with the contract)", ops)
	}
	for name, s := range doc.Components.Schemas {
		if s.Value.Nullable {
			t.Errorf("schema %s: nullable is OpenAPI 3.0; use type: [T, 'null']", name)
		}
	}
}
