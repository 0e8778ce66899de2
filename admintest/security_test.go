package admintest_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/admin/api-go/admintest"
)

// storeState is everything a refused request must leave as it was.
type storeState struct {
	Users    []admintest.User
	Groups   []admintest.Group
	Projects []admintest.Project
	Admins   []admintest.Admin
	Audit    []admintest.AuditEvent
}

func stateOf(srv *admintest.Server) storeState {
	return storeState{srv.Users(), srv.Groups(), srv.Projects(), srv.Admins(), srv.AuditLog()}
}

// TestRefusedRequestsLeaveNoTrace sends requests the server must refuse:
// without a token or with a wrong one, with a role too weak for the
// change, with a body over 1 MiB (with and without Content-Length), with
// fields the contract does not know, and aimed at another principal's user
// by a viewer. Each gets its status and error code, and afterwards the
// users, groups, projects, admins and audit log are exactly as before.
func TestRefusedRequestsLeaveNoTrace(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(3, 1, 1))
	viewer, editor := srv.NewKey("viewer"), srv.NewKey("editor")
	before := stateOf(srv)
	uid, grp, prj := before.Users[1].ID, before.Groups[0].Name, before.Projects[0].ID
	big := `{"name": "` + strings.Repeat("x", 1<<20) + `", "email": "big@example.com", "role": "viewer"}`
	newUser := map[string]any{"name": "N", "email": "n@example.com", "role": "viewer"}
	tests := []struct {
		name   string
		req    request
		status int
		code   string // envelope code; "" for Kong-style answers
	}{
		{"no token", request{method: "POST", path: "/users", body: newUser}, 401, "invalid_api_key"},
		{"wrong token", request{method: "DELETE", path: "/users/" + uid, key: "sk_test_wrong"}, 401, "invalid_api_key"},
		{"token as Basic", request{method: "DELETE", path: "/users/" + uid,
			header: map[string]string{"Authorization": "Basic " + srv.APIKey}}, 401, "invalid_api_key"},
		{"no token on admins", request{method: "DELETE", path: "/admins/kong_admin"}, 401, ""},
		{"viewer creates", request{method: "POST", path: "/users", key: viewer, body: newUser}, 403, "forbidden"},
		{"viewer patches another's user", request{method: "PATCH", path: "/users/" + srv.AdminUserID, key: viewer,
			body: map[string]any{"role": "viewer"}}, 403, "forbidden"},
		{"viewer resets another's password", request{method: "POST", path: "/users/" + srv.AdminUserID + "/password", key: viewer}, 403, "forbidden"},
		{"viewer logs another out", request{method: "POST", path: "/users/" + srv.AdminUserID + "/logout", key: viewer}, 403, "forbidden"},
		{"viewer deletes another", request{method: "DELETE", path: "/users/" + srv.AdminUserID, key: viewer}, 403, "forbidden"},
		{"viewer adds a member", request{method: "PUT", path: "/groups/" + grp + "/members/" + uid, key: viewer}, 403, "forbidden"},
		{"viewer deletes a project", request{method: "DELETE", path: "/projects/" + prj, key: viewer}, 403, "forbidden"},
		{"editor deletes an admin", request{method: "DELETE", path: "/admins/kong_admin", key: editor}, 403, ""},
		{"editor grants admin roles", request{method: "POST", path: "/admins/kong_admin/roles", key: editor,
			body: map[string]any{"roles": "super-admin"}}, 403, ""},
		{"body over 1 MiB", request{method: "POST", path: "/users", key: srv.APIKey, body: big}, 413, "invalid_request"},
		{"chunked body over 1 MiB", request{method: "POST", path: "/users", key: srv.APIKey,
			body: io.MultiReader(strings.NewReader(big))}, 413, "invalid_request"},
		{"unknown field", request{method: "POST", path: "/users", key: srv.APIKey,
			body: map[string]any{"name": "N", "email": "u@example.com", "role": "viewer", "is_superuser": true}}, 400, "invalid_request"},
		{"unknown field on patch", request{method: "PATCH", path: "/users/" + uid, key: srv.APIKey,
			body: map[string]any{"role": "admin", "password": "x"}}, 400, "invalid_request"},
		{"unknown field on group", request{method: "PUT", path: "/groups/" + grp, key: srv.APIKey,
			body: map[string]any{"roles": []string{"admin"}, "members": []string{uid}}}, 400, "invalid_request"},
		{"unknown field on me", request{method: "POST", path: "/me/password", key: viewer,
			body: map[string]any{"current_password": admintest.DefaultAdminPassword, "new_password": "long-enough-1", "user_id": srv.AdminUserID}}, 400, "invalid_request"},
		{"trailing data", request{method: "POST", path: "/users", key: srv.APIKey,
			body: `{"name": "N", "email": "t@example.com", "role": "viewer"} {"role": "admin"}`}, 400, "invalid_request"},
	}
	for _, tt := range tests {
		r, err := roundTripAny(srv, tt.req)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.status, r.Status, "%s: %s", tt.name, r.Body)
		if tt.code != "" {
			assert.Equal(t, tt.code, r.apiError(t).Error.Code, tt.name)
		}
	}
	assert.Equal(t, before, stateOf(srv), "a refused request left a trace")
}

// roundTripAny is roundTrip with one more kind of body: an io.Reader is
// sent as it is, without Content-Length (chunked).
func roundTripAny(srv *admintest.Server, req request) (response, error) {
	rd, ok := req.body.(io.Reader)
	if !ok {
		return roundTrip(srv, req)
	}
	hr, err := http.NewRequest(req.method, srv.URL+req.path, io.NopCloser(rd)) // NopCloser hides the length
	if err != nil {
		return response{}, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+req.key)
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(hr)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b.Bytes()}, err
}

// TestIdempotencyKeysArePerPrincipal reuses another principal's
// Idempotency-Key with the same request: the server must not replay the
// other principal's stored answer (which would hand over its result), but
// run the request as the new caller.
func TestIdempotencyKeysArePerPrincipal(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	editor := srv.NewKey("editor")
	body := map[string]any{"name": "Once", "email": "once@example.com", "role": "viewer"}
	hdr := map[string]string{"Idempotency-Key": "shared-key-1"}
	first := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, body: body, header: hdr})
	require.Equal(t, 201, first.Status, "%s", first.Body)
	before := stateOf(srv)

	other := send(t, srv, request{method: "POST", path: "/users", key: editor, body: body, header: hdr})
	assert.Empty(t, other.Header.Get("Idempotent-Replayed"), "another principal's answer was replayed")
	require.Equal(t, 409, other.Status, "%s", other.Body)
	assert.Equal(t, "email_taken", other.apiError(t).Error.Code)
	assert.Equal(t, before, stateOf(srv))

	again := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, body: body, header: hdr})
	assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, first.Body, again.Body)
	assert.Equal(t, before, stateOf(srv))
}

// TestAmbiguousJSONRefused sends bodies that two JSON parsers can read
// differently: a key given twice, and a key given again in another case
// (encoding/json matches keys case-insensitively and keeps the last). A
// proxy or validator that reads the first "role" would pass a request the
// server then runs as admin; the server must refuse both with 400.
func TestAmbiguousJSONRefused(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	before := stateOf(srv)
	for _, body := range []string{
		`{"name": "N", "email": "d@example.com", "role": "viewer", "role": "admin"}`,
		`{"name": "N", "email": "c@example.com", "role": "viewer", "ROLE": "admin"}`,
	} {
		r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, body: body})
		require.Equal(t, 400, r.Status, "%s: %s", body, r.Body)
		assert.Equal(t, "invalid_request", r.apiError(t).Error.Code)
	}
	assert.Equal(t, before, stateOf(srv))
}
