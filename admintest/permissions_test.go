package admintest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// who may call a route, as CONTRACT.md and api/openapi.yaml say: written
// here from the contract, never from the server's route table.
type who int

const (
	anyRole    who = iota // any valid token: reads, the caller's own account, token-authorised admin flows
	editorRole            // editor or admin: changes to users, groups and projects
	adminRole             // admin only: changes to admins
	public                // no token at all
)

var contractRoutes = map[string]who{
	"POST /v1/oauth/token": public,

	"GET /v1/users":                 anyRole,
	"POST /v1/users":                editorRole,
	"GET /v1/users/{id}":            anyRole,
	"PATCH /v1/users/{id}":          editorRole,
	"DELETE /v1/users/{id}":         editorRole,
	"POST /v1/users/{id}/logout":    editorRole,
	"POST /v1/users/{id}/password":  editorRole,
	"GET /v1/me":                    anyRole,
	"POST /v1/me/password":          anyRole,
	"GET /v1/roles":                 anyRole,
	"GET /v1/groups":                anyRole,
	"POST /v1/groups":               editorRole,
	"GET /v1/groups/{name}":         anyRole,
	"PUT /v1/groups/{name}":         editorRole,
	"DELETE /v1/groups/{name}":      editorRole,
	"GET /v1/groups/{name}/members": anyRole,

	"PUT /v1/groups/{name}/members/{user_id}":    editorRole,
	"DELETE /v1/groups/{name}/members/{user_id}": editorRole,

	"GET /v1/projects":                           anyRole,
	"POST /v1/projects":                          editorRole,
	"GET /v1/projects/{id}":                      anyRole,
	"PATCH /v1/projects/{id}":                    editorRole,
	"DELETE /v1/projects/{id}":                   editorRole,
	"PUT /v1/projects/{id}/members/{user_id}":    editorRole,
	"DELETE /v1/projects/{id}/members/{user_id}": editorRole,
	"GET /v1/clusters":                           anyRole,
	"GET /v1/clusters/{id}":                      anyRole,
	"GET /v1/audit-logs":                         anyRole,

	"GET /v1/admins":                         anyRole,
	"POST /v1/admins":                        adminRole,
	"POST /v1/admins/register":               anyRole,
	"POST /v1/admins/password_resets":        anyRole,
	"PATCH /v1/admins/password_resets":       anyRole,
	"GET /v1/admins/{name_or_id}":            anyRole,
	"PATCH /v1/admins/{name_or_id}":          adminRole,
	"DELETE /v1/admins/{name_or_id}":         adminRole,
	"GET /v1/admins/{name_or_id}/roles":      anyRole,
	"POST /v1/admins/{name_or_id}/roles":     adminRole,
	"DELETE /v1/admins/{name_or_id}/roles":   adminRole,
	"GET /v1/admins/{name_or_id}/workspaces": anyRole,
	"/v1/":                                   anyRole, // unknown paths: 404 after authentication
}

// tokenInBody are the routes authorised by a token in the body as well.
var tokenInBody = map[string]bool{"POST /v1/admins/register": true, "PATCH /v1/admins/password_resets": true}

// allowedFor reports whether the contract lets role call a route of w.
func (w who) allowedFor(role string) bool {
	switch w {
	case editorRole:
		return role == "admin" || role == "editor"
	case adminRole:
		return role == "admin"
	}
	return true
}

// TestRouteTableIsTheContract: every route the server registers has a row
// above, and every row is registered, so a new route cannot go unchecked.
func TestRouteTableIsTheContract(t *testing.T) {
	t.Parallel()
	srv := NewServer()
	t.Cleanup(srv.Close)
	seen := map[string]bool{}
	for _, r := range srv.svc.table {
		w, ok := contractRoutes[r.pattern]
		assert.True(t, ok, "%s is registered but not in contractRoutes", r.pattern)
		assert.Equal(t, w == public, r.public, r.pattern)
		assert.False(t, seen[r.pattern], "%s registered twice", r.pattern)
		seen[r.pattern] = true
	}
	for p := range contractRoutes {
		assert.True(t, seen[p], "%s is in contractRoutes but not registered", p)
	}
}

// TestRolesAgainstRoutes calls every route with a key of every role:
// exactly the roles the contract allows get an answer other than 403. The
// targets are held by a viewer, so the rank rule (an editor may not act on
// an admin) does not come into play; TestEditorsCannotActAboveTheirRole
// covers it.
func TestRolesAgainstRoutes(t *testing.T) {
	t.Parallel()
	for pattern, w := range contractRoutes {
		if w == public {
			continue
		}
		t.Run(pattern, func(t *testing.T) {
			t.Parallel()
			srv := NewServer()
			t.Cleanup(srv.Close)
			keys := map[string]string{}
			for _, r := range roles {
				keys[r.Name] = srv.NewKey(r.Name)
			}
			targets := newTargets(t, srv)
			method, path, _ := strings.Cut(pattern, " ")
			if path == "" { // "/v1/": any method
				method, path = "GET", "/v1/no-such-thing"
			}
			path = strings.NewReplacer("{id}", targets.id(path), "{name}", "g", "{user_id}", targets.user,
				"{name_or_id}", "invited_admin").Replace(path)
			for _, r := range roles {
				status := do(t, srv, method, path, keys[r.Name], targets.body(method, pattern))
				if w.allowedFor(r.Name) {
					assert.NotEqual(t, 403, status, "%s as %s", pattern, r.Name)
					if !tokenInBody[pattern] { // those answer a wrong body token with Kong's 401
						assert.NotEqual(t, 401, status, "%s as %s", pattern, r.Name)
					}
				} else {
					assert.Equal(t, 403, status, "%s as %s", pattern, r.Name)
				}
			}
		})
	}
}

// targets are the objects the routes act on, all held by a viewer.
type targets struct {
	user, project string
}

func newTargets(t *testing.T, srv *Server) targets {
	t.Helper()
	var u struct {
		ID string `json:"id"`
	}
	status, body := roundTripAs(t, srv, "POST", "/v1/users", srv.APIKey, map[string]any{"name": "T", "email": "t@example.com", "role": "viewer"})
	require.Equal(t, 201, status, "%s", body)
	require.NoError(t, json.Unmarshal(body, &u))
	status, body = roundTripAs(t, srv, "POST", "/v1/groups", srv.APIKey, map[string]any{"name": "g", "roles": []string{"viewer"}})
	require.Equal(t, 201, status, "%s", body)
	var p struct {
		ID string `json:"id"`
	}
	status, body = roundTripAs(t, srv, "POST", "/v1/projects", srv.APIKey, map[string]any{"name": "p", "cluster_id": srv.Clusters()[0].ID})
	require.Equal(t, 201, status, "%s", body)
	require.NoError(t, json.Unmarshal(body, &p))
	return targets{user: u.ID, project: p.ID}
}

// id is what {id} stands for in path.
func (tg targets) id(path string) string {
	switch {
	case strings.HasPrefix(path, "/v1/projects/"):
		return tg.project
	case strings.HasPrefix(path, "/v1/clusters/"):
		return "cls_nope" // a 404 is an answer too
	}
	return tg.user
}

// body is a request body for the route: valid where it is easy, since any
// answer but 403 will do for an allowed role.
func (tg targets) body(method, pattern string) any {
	switch pattern {
	case "POST /v1/users":
		return map[string]any{"name": "N", "email": "n-" + randomHex(4) + "@example.com", "role": "viewer"}
	case "PATCH /v1/users/{id}":
		return map[string]any{"name": "Renamed"}
	case "POST /v1/groups":
		return map[string]any{"name": "g-" + randomHex(4), "roles": []string{"viewer"}}
	case "PUT /v1/groups/{name}":
		return map[string]any{"roles": []string{"viewer"}}
	case "POST /v1/projects":
		return map[string]any{"name": "p-" + randomHex(4), "cluster_id": "cls_nope"}
	case "PATCH /v1/projects/{id}":
		return map[string]any{"deserved_gpus": 1}
	case "POST /v1/me/password":
		return map[string]any{"current_password": DefaultAdminPassword, "new_password": "a-new-password"}
	case "POST /v1/admins":
		return map[string]any{"username": "a-" + randomHex(4)}
	case "PATCH /v1/admins/{name_or_id}":
		return map[string]any{"custom_id": "c-" + randomHex(4)}
	case "POST /v1/admins/{name_or_id}/roles", "DELETE /v1/admins/{name_or_id}/roles":
		return map[string]any{"roles": "read-only"}
	case "POST /v1/admins/register":
		return map[string]any{"token": "wrong", "username": "x", "email": "x@example.com", "password": "password-1"}
	case "POST /v1/admins/password_resets":
		return map[string]any{"email": "invited_admin@example.com"}
	case "PATCH /v1/admins/password_resets":
		return map[string]any{"email": "invited_admin@example.com", "password": "password-1", "token": "wrong"}
	}
	return nil
}

// TestEditorsCannotActAboveTheirRole: an editor may change users and
// groups, but not a user or group holding the admin role, and may not grant
// it; so it can neither take over an admin's account, lock one out, nor
// become one. An admin may do all of it.
func TestEditorsCannotActAboveTheirRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"reset an admin's password", "POST", "/v1/users/{admin}/password", nil},
		{"log an admin out", "POST", "/v1/users/{admin}/logout", nil},
		{"deactivate an admin", "PATCH", "/v1/users/{admin}", map[string]any{"status": "inactive"}},
		{"rename an admin", "PATCH", "/v1/users/{admin}", map[string]any{"name": "Mallory"}},
		{"delete an admin", "DELETE", "/v1/users/{admin}", nil},
		{"make a user an admin", "PATCH", "/v1/users/{viewer}", map[string]any{"role": "admin"}},
		{"create an admin", "POST", "/v1/users", map[string]any{"name": "M", "email": "m@example.com", "role": "admin"}},
		{"create an admin group", "POST", "/v1/groups", map[string]any{"name": "root", "roles": []string{"admin"}}},
		{"give a group the admin role", "PUT", "/v1/groups/viewers", map[string]any{"roles": []string{"admin"}}},
		{"change an admin group", "PUT", "/v1/groups/admins", map[string]any{"roles": []string{"viewer"}}},
		{"delete an admin group", "DELETE", "/v1/groups/admins", nil},
		{"join an admin group", "PUT", "/v1/groups/admins/members/{viewer}", nil},
		{"leave an admin group", "DELETE", "/v1/groups/admins/members/{admin}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer()
			t.Cleanup(srv.Close)
			viewer := srv.KeyUserID(srv.NewKey("viewer"))
			for _, g := range []map[string]any{{"name": "admins", "roles": []string{"admin"}}, {"name": "viewers", "roles": []string{"viewer"}}} {
				status, body := roundTripAs(t, srv, "POST", "/v1/groups", srv.APIKey, g)
				require.Equal(t, 201, status, "%s", body)
			}
			status, body := roundTripAs(t, srv, "PUT", "/v1/groups/admins/members/"+srv.AdminUserID, srv.APIKey, nil)
			require.Equal(t, 204, status, "%s", body)
			path := strings.NewReplacer("{admin}", srv.AdminUserID, "{viewer}", viewer).Replace(tt.path)

			editor := srv.NewKey("editor")
			status, body = roundTripAs(t, srv, tt.method, path, editor, tt.body)
			require.Equal(t, 403, status, "editor: %s", body)
			var e struct{ Error struct{ Code string } }
			require.NoError(t, json.Unmarshal(body, &e))
			assert.Equal(t, "forbidden", e.Error.Code)
			status, body = roundTripAs(t, srv, tt.method, path, srv.APIKey, tt.body)
			assert.Less(t, status, 300, "admin: %s", body)
		})
	}
}

// TestRequestsInArrivalOrder holds the first request in a middleware while
// a second one is answered: Requests lists the first one first.
func TestRequestsInArrivalOrder(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	srv := NewServer(WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Hold") != "" {
				close(entered)
				<-release
			}
			next.ServeHTTP(w, r)
		})
	}))
	t.Cleanup(srv.Close)
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", srv.URL+"/users?n=1", nil)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		req.Header.Set("X-Hold", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-entered
	status, _ := roundTripAs(t, srv, "GET", "/v1/users?n=2", srv.APIKey, nil)
	require.Equal(t, 200, status)
	require.Len(t, srv.Requests(), 1, "the held request is not answered yet")
	close(release)
	require.Equal(t, 200, <-first)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, []string{"n=1", "n=2"}, []string{reqs[0].Query, reqs[1].Query}, "in the order they arrived")
}

// roundTripAs sends one request with a bearer token and a JSON body (nil: none)
// and returns the status and body.
func roundTripAs(t *testing.T, srv *Server, method, path, key string, body any) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(srv.URL, "/v1")+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, buf.Bytes()
}

// do is roundTripAs for the status alone.
func do(t *testing.T, srv *Server, method, path, key string, body any) int {
	t.Helper()
	status, _ := roundTripAs(t, srv, method, path, key, body)
	return status
}
