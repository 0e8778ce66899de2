package contracttest

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestRouteAnyHost checks that operations are found whatever the host,
// port and scheme, as the test servers listen on random ports.
func TestRouteAnyHost(t *testing.T) {
	open, _, err := load()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		"https://api.admin.com/v1/users/usr_1",
		"http://localhost:4010/v1/users/usr_1",
		"http://127.0.0.1:38123/v1/users/usr_1",
		"http://[::1]:1/v1/users/usr_1",
	} {
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, route, params, err := open.route(req, nil, Options{})
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		if route.Operation.OperationID != "getUser" || params["id"] != "usr_1" {
			t.Errorf("%s: operation %s, params %v; want getUser with id usr_1", u, route.Operation.OperationID, params)
		}
	}
	// Concrete paths win over templated ones.
	req, _ := http.NewRequest("PATCH", "http://h/v1/admins/password_resets", nil)
	if _, route, _, err := open.route(req, nil, Options{}); err != nil || route.Operation.OperationID != "resetAdminPassword" {
		t.Errorf("PATCH /v1/admins/password_resets: %v %v", route, err)
	}
}

// TestExamplesFitClosedSchemas checks every example of the document against
// the closed response schemas contract runs use: an example must not show a
// field the schema does not describe. (kin-openapi's own validation of the
// document checks them against the published, open schemas.)
func TestExamplesFitClosedSchemas(t *testing.T) {
	_, closed, err := load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(where string, mt *openapi3.MediaType) {
		if mt == nil || mt.Schema == nil {
			return
		}
		examples := map[string]any{}
		if mt.Example != nil {
			examples["example"] = mt.Example
		}
		for name, ex := range mt.Examples {
			examples[name] = ex.Value.Value
		}
		if len(examples) == 0 {
			t.Errorf("%s: no example", where)
		}
		for name, value := range examples {
			n++
			if err := mt.Schema.Value.VisitJSON(value, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse()); err != nil {
				t.Errorf("%s, %s: %v", where, name, err)
			}
		}
	}
	for path, item := range closed.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, ref := range op.Responses.Map() {
				for ct, mt := range ref.Value.Content {
					check(method+" "+path+" "+status+" "+ct, mt)
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("checked %d examples; the document has more", n)
	}
}
