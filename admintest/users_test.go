package admintest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantCode   string
		wantParam  string
		wantUser   string // expected status of the created user
	}{
		{"invited by default", map[string]any{"name": "Ann", "email": "ann@example.com", "role": "viewer"}, 201, "", "", "invited"},
		{"active without invitation", map[string]any{"name": "Bob", "email": "bob@example.com", "role": "editor", "send_invitation": false}, 201, "", "", "active"},
		{"missing name", map[string]any{"email": "c@example.com", "role": "viewer"}, 400, "invalid_request", "name", ""},
		{"blank name", map[string]any{"name": "  ", "email": "c@example.com", "role": "viewer"}, 400, "invalid_request", "name", ""},
		{"missing email", map[string]any{"name": "C", "role": "viewer"}, 400, "invalid_request", "email", ""},
		{"bad email", map[string]any{"name": "C", "email": "not-an-email", "role": "viewer"}, 400, "invalid_request", "email", ""},
		{"missing role", map[string]any{"name": "C", "email": "c@example.com"}, 400, "invalid_request", "role", ""},
		{"unknown role", map[string]any{"name": "C", "email": "c@example.com", "role": "king"}, 400, "invalid_request", "role", ""},
		{"unknown field", map[string]any{"name": "C", "email": "c@example.com", "role": "viewer", "nickname": "cc"}, 400, "invalid_request", "nickname", ""},
		{"wrong type", map[string]any{"name": 7, "email": "c@example.com", "role": "viewer"}, 400, "invalid_request", "name", ""},
		{"not JSON", "{", 400, "invalid_request", "", ""},
		{"not an object", "[1]", 400, "invalid_request", "", ""},
		{"trailing data", `{"name":"C","email":"c@example.com","role":"viewer"} {}`, 400, "invalid_request", "", ""},
		{"empty body", "", 400, "invalid_request", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := setup(t)
			before := len(srv.Users())
			r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey, body: tt.body})
			require.Equal(t, tt.wantStatus, r.Status, "body: %s", r.Body)
			if tt.wantStatus != 201 {
				e := r.apiError(t)
				assert.Equal(t, tt.wantCode, e.Error.Code)
				assert.Equal(t, tt.wantParam, e.Error.Param)
				assert.Equal(t, r.Header.Get("X-Request-Id"), e.Error.RequestID)
				assert.Len(t, srv.Users(), before, "a refused request changes nothing")
				assert.Empty(t, srv.AuditLog(), "a refused request leaves no audit event")
				return
			}
			var u user
			r.decode(t, &u)
			assert.True(t, strings.HasPrefix(u.ID, "usr_"))
			assert.Equal(t, tt.wantUser, u.Status)
			assert.Nil(t, u.LastLoginAt)
			assert.Equal(t, []string{}, u.Groups)
			_, err := time.Parse(time.RFC3339, u.CreatedAt)
			assert.NoError(t, err)
			assert.True(t, strings.HasSuffix(u.CreatedAt, "Z"), "UTC timestamps")
			got, ok := srv.User(u.ID)
			require.True(t, ok)
			assert.Equal(t, u.Email, got.Email)
			log := srv.AuditLog()
			require.Len(t, log, 1)
			assert.Equal(t, "user.create", log[0].Action)
			assert.Equal(t, srv.AdminUserID, log[0].UserID)
			assert.Equal(t, u.ID, log[0].TargetID)
		})
	}
}

func TestCreateUserEmailTakenIgnoresCase(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	createUser(t, srv, "Ann", "Ann@Example.com")
	r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey,
		body: map[string]any{"name": "Ann 2", "email": "ann@example.COM", "role": "viewer"}})
	require.Equal(t, http.StatusConflict, r.Status)
	e := r.apiError(t)
	assert.Equal(t, "email_taken", e.Error.Code)
	assert.Equal(t, "email", e.Error.Param)
	_, ok := srv.UserByEmail("ANN@example.com")
	assert.True(t, ok)
}

func TestGetPatchDeleteUser(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	u := createUser(t, srv, "Ann", "ann@example.com")

	r := send(t, srv, request{method: "GET", path: "/users/" + u.ID, key: srv.APIKey})
	require.Equal(t, 200, r.Status)
	var got user
	r.decode(t, &got)
	assert.Equal(t, u, got)

	r = send(t, srv, request{method: "GET", path: "/users/usr_missing", key: srv.APIKey})
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, "not_found", r.apiError(t).Error.Code)

	patches := []struct {
		name       string
		body       any
		wantStatus int
		wantParam  string
	}{
		{"rename", map[string]any{"name": "Anne"}, 200, ""},
		{"role and status", map[string]any{"role": "editor", "status": "inactive"}, 200, ""},
		{"invited is not settable", map[string]any{"status": "invited"}, 400, "status"},
		{"unknown role", map[string]any{"role": "boss"}, 400, "role"},
		{"unknown field", map[string]any{"email": "x@example.com"}, 400, "email"},
	}
	for _, p := range patches {
		r := send(t, srv, request{method: "PATCH", path: "/users/" + u.ID, key: srv.APIKey, body: p.body})
		require.Equal(t, p.wantStatus, r.Status, "%s: %s", p.name, r.Body)
		if p.wantStatus != 200 {
			assert.Equal(t, p.wantParam, r.apiError(t).Error.Param, p.name)
		}
	}
	cur, _ := srv.User(u.ID)
	assert.Equal(t, "Anne", cur.Name)
	assert.Equal(t, "editor", cur.Role)
	assert.Equal(t, "inactive", cur.Status)

	r = send(t, srv, request{method: "PATCH", path: "/users/usr_missing", key: srv.APIKey, body: map[string]any{"name": "x"}})
	assert.Equal(t, 404, r.Status)

	r = send(t, srv, request{method: "DELETE", path: "/users/" + u.ID, key: srv.APIKey})
	assert.Equal(t, 204, r.Status)
	assert.Empty(t, r.Body)
	r = send(t, srv, request{method: "DELETE", path: "/users/" + u.ID, key: srv.APIKey})
	assert.Equal(t, 404, r.Status)

	var actions []string
	for _, ev := range srv.AuditLog() {
		actions = append(actions, ev.Action)
	}
	assert.Equal(t, []string{"user.create", "user.update", "user.update", "user.delete"}, actions)
}

func TestDeleteUserRemovesMemberships(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(3, 2, 2))
	seeded := srv.Users()[1] // member of group-1 and project-1
	require.Contains(t, seeded.Groups, "group-1")
	r := send(t, srv, request{method: "DELETE", path: "/users/" + seeded.ID, key: srv.APIKey})
	require.Equal(t, 204, r.Status)
	for _, g := range srv.Groups() {
		assert.NotContains(t, g.Members, seeded.ID)
	}
	for _, p := range srv.Projects() {
		assert.NotContains(t, p.Members, seeded.ID)
	}
}

func TestListUsersFilters(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	createUser(t, srv, "Zed Alpha", "zed@example.com")
	createUser(t, srv, "Yan", "yan.ALPHA@example.com")
	r := send(t, srv, request{method: "POST", path: "/users", key: srv.APIKey,
		body: map[string]any{"name": "Xi", "email": "xi@example.com", "role": "researcher", "send_invitation": false}})
	require.Equal(t, 201, r.Status)

	tests := []struct {
		query string
		want  []string
	}{
		{"q=alpha", []string{"Zed Alpha", "Yan"}},
		{"role=researcher", []string{"Xi"}},
		{"status=active&role=researcher", []string{"Xi"}},
		{"status=invited", []string{"Zed Alpha", "Yan"}},
		{"q=nobody", nil},
		{"email=yan.alpha@example.com", []string{"Yan"}},
		{"email=YAN.alpha%40EXAMPLE.com", []string{"Yan"}},
		{"email=alpha@example.com", nil},
		{"email=yan.ALPHA@example.co", nil},
		{"email=zed@example.com&q=yan", nil},
		{"email=zed@example.com&status=invited", []string{"Zed Alpha"}},
	}
	for _, tt := range tests {
		r := send(t, srv, request{method: "GET", path: "/users?" + tt.query, key: srv.APIKey})
		require.Equal(t, 200, r.Status, tt.query)
		var p page[user]
		r.decode(t, &p)
		var names []string
		for _, u := range p.Data {
			names = append(names, u.Name)
		}
		assert.Equal(t, tt.want, names, tt.query)
		assert.False(t, p.Meta.HasMore)
		assert.Nil(t, p.Meta.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=bogus", "role=king", "status=gone",
		"email=" + strings.Repeat("a", 243) + "@example.com"} {
		r := send(t, srv, request{method: "GET", path: "/users?" + q, key: srv.APIKey})
		assert.Equal(t, 400, r.Status, q)
		assert.Equal(t, strings.Split(q, "=")[0], r.apiError(t).Error.Param, q)
	}
}

func TestUserPasswordAndLogout(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	u := createUser(t, srv, "Ann", "ann@example.com")

	r := send(t, srv, request{method: "POST", path: "/users/" + u.ID + "/password", key: srv.APIKey})
	require.Equal(t, 200, r.Status)
	var tp struct {
		TempPassword string `json:"temp_password"`
	}
	r.decode(t, &tp)
	assert.NotEmpty(t, tp.TempPassword)
	pw, _ := srv.Password(u.ID)
	assert.Equal(t, tp.TempPassword, pw)

	r = send(t, srv, request{method: "POST", path: "/users/usr_missing/password", key: srv.APIKey})
	assert.Equal(t, 404, r.Status)
	r = send(t, srv, request{method: "POST", path: "/users/" + u.ID + "/logout", key: srv.APIKey})
	assert.Equal(t, 204, r.Status)
	r = send(t, srv, request{method: "POST", path: "/users/" + u.ID + "/logout", key: srv.APIKey, body: `{"all":true}`})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "all", r.apiError(t).Error.Param)

	var actions []string
	for _, ev := range srv.AuditLog() {
		actions = append(actions, ev.Action)
	}
	assert.Equal(t, []string{"user.create", "user.password_reset", "user.logout"}, actions)
}

func TestLogoutEndsOAuthSessions(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	client := srv.NewOAuthClient("viewer")
	tok := fetchToken(t, srv, client)
	require.Equal(t, 200, send(t, srv, request{method: "GET", path: "/users", key: tok}).Status)
	require.Equal(t, 204, send(t, srv, request{method: "POST", path: "/users/" + client.UserID + "/logout", key: srv.APIKey}).Status)
	assert.Equal(t, 401, send(t, srv, request{method: "GET", path: "/users", key: tok}).Status)
}

func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantParam  string
	}{
		{"ok", map[string]any{"current_password": admintest.DefaultAdminPassword, "new_password": "a-new-password"}, 204, ""},
		{"new too short", map[string]any{"current_password": admintest.DefaultAdminPassword, "new_password": "short"}, 400, "new_password"},
		{"current wrong", map[string]any{"current_password": "guess", "new_password": "a-new-password"}, 403, "current_password"},
		{"current missing", map[string]any{"new_password": "a-new-password"}, 400, "current_password"},
		{"new missing", map[string]any{"current_password": admintest.DefaultAdminPassword}, 400, "new_password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := setup(t)
			r := send(t, srv, request{method: "POST", path: "/me/password", key: srv.APIKey, body: tt.body})
			require.Equal(t, tt.wantStatus, r.Status, "body: %s", r.Body)
			pw, _ := srv.Password(srv.AdminUserID)
			if tt.wantStatus == 204 {
				assert.Equal(t, "a-new-password", pw)
				require.Len(t, srv.AuditLog(), 1)
				assert.Equal(t, "user.password_change", srv.AuditLog()[0].Action)
				return
			}
			assert.Equal(t, srv.AdminPassword, pw)
			assert.Equal(t, tt.wantParam, r.apiError(t).Error.Param)
			assert.Empty(t, srv.AuditLog())
		})
	}
}

func TestChangeOwnPasswordOfViewerKey(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	key := srv.NewKey("viewer")
	uid := srv.KeyUserID(key)
	require.True(t, srv.SetPassword(uid, "viewer-password"))
	r := send(t, srv, request{method: "POST", path: "/me/password", key: key,
		body: map[string]any{"current_password": "viewer-password", "new_password": "12345678"}})
	require.Equal(t, 204, r.Status, "body: %s", r.Body)
	pw, _ := srv.Password(uid)
	assert.Equal(t, "12345678", pw)
}

func TestRoles(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	r := send(t, srv, request{method: "GET", path: "/roles", key: srv.NewKey("viewer")})
	require.Equal(t, 200, r.Status)
	var body struct {
		Data []struct{ Name, Description string } `json:"data"`
	}
	r.decode(t, &body)
	var names []string
	for _, role := range body.Data {
		names = append(names, role.Name)
		assert.NotEmpty(t, role.Description)
	}
	assert.Equal(t, []string{"admin", "editor", "viewer", "department_admin", "researcher", "research_manager", "ml_engineer"}, names)
}

func TestCursorPaginationWalk(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(45, 0, 0))
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		path := "/users?limit=10"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		r := send(t, srv, request{method: "GET", path: path, key: srv.APIKey})
		require.Equal(t, 200, r.Status, "body: %s", r.Body)
		var p page[user]
		r.decode(t, &p)
		for _, u := range p.Data {
			seen = append(seen, u.ID)
		}
		if !p.Meta.HasMore {
			assert.Nil(t, p.Meta.NextCursor)
			break
		}
		require.NotNil(t, p.Meta.NextCursor)
		cursor = *p.Meta.NextCursor
	}
	var want []string
	for _, u := range srv.Users() {
		want = append(want, u.ID)
	}
	assert.Equal(t, want, seen)
	assert.Len(t, seen, 46)
	// A cursor of one resource is no cursor for another.
	r := send(t, srv, request{method: "GET", path: "/groups?cursor=" + cursor, key: srv.APIKey})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "cursor", r.apiError(t).Error.Param)
}

// me is the wire form of GET /v1/me.
type me struct {
	Type     string  `json:"type"`
	User     *user   `json:"user"`
	ClientID *string `json:"client_id"`
	Role     string  `json:"role"`
}

func TestMe(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	viewerKey := srv.NewKey("viewer")
	client := srv.NewOAuthClient("editor")
	tests := []struct {
		name     string
		key      string
		wantType string
		userID   string
		clientID string
		role     string
	}{
		{"admin key", srv.APIKey, "user", srv.AdminUserID, "", "admin"},
		{"viewer key", viewerKey, "user", srv.KeyUserID(viewerKey), "", "viewer"},
		{"OAuth client", fetchToken(t, srv, client), "client", client.UserID, client.ID, "editor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, srv, request{method: "GET", path: "/me", key: tt.key})
			require.Equal(t, 200, r.Status, "body: %s", r.Body)
			var got me
			r.decode(t, &got)
			assert.Equal(t, tt.wantType, got.Type)
			assert.Equal(t, tt.role, got.Role)
			require.NotNil(t, got.User)
			assert.Equal(t, tt.userID, got.User.ID)
			u, ok := srv.User(tt.userID)
			require.True(t, ok)
			assert.Equal(t, u.Email, got.User.Email)
			if tt.clientID == "" {
				assert.Nil(t, got.ClientID)
			} else if assert.NotNil(t, got.ClientID) {
				assert.Equal(t, tt.clientID, *got.ClientID)
			}
			assert.NotContains(t, string(r.Body), tt.key, "the answer must not repeat the credentials")
		})
	}
}

// TestInactiveUsersCredentialsStopWorking: once a user is deactivated or
// deleted, its API keys and OAuth sessions answer 401, and its client gets
// no new token; reactivating the user makes its keys work again but does
// not bring back the sessions that ended.
func TestInactiveUsersCredentialsStopWorking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		remove func(t *testing.T, srv *admintest.Server, userID string)
	}{
		{"deactivated", func(t *testing.T, srv *admintest.Server, userID string) {
			r := send(t, srv, request{method: "PATCH", path: "/users/" + userID, key: srv.APIKey,
				body: map[string]any{"status": "inactive"}})
			require.Equal(t, 200, r.Status, "body: %s", r.Body)
		}},
		{"deleted", func(t *testing.T, srv *admintest.Server, userID string) {
			r := send(t, srv, request{method: "DELETE", path: "/users/" + userID, key: srv.APIKey})
			require.Equal(t, 204, r.Status, "body: %s", r.Body)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := setup(t)
			key := srv.NewKey("editor")
			client := srv.NewOAuthClient("viewer")
			tok := fetchToken(t, srv, client)
			for _, cred := range []string{key, tok} {
				require.Equal(t, 200, send(t, srv, request{method: "GET", path: "/me", key: cred}).Status)
			}
			tt.remove(t, srv, srv.KeyUserID(key))
			tt.remove(t, srv, client.UserID)
			for _, cred := range []string{key, tok} {
				r := send(t, srv, request{method: "GET", path: "/me", key: cred})
				require.Equal(t, 401, r.Status, "body: %s", r.Body)
				assert.Equal(t, "invalid_api_key", r.apiError(t).Error.Code)
			}
			r := postForm(t, srv, url.Values{"grant_type": {"client_credentials"}, "client_id": {client.ID},
				"client_secret": {client.Secret}}, "", "")
			assert.Equal(t, 401, r.Status, "no token for an inactive user's client: %s", r.Body)
		})
	}
}

func TestReactivatedUsersKeysWorkAgain(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	key := srv.NewKey("viewer")
	client := srv.NewOAuthClient("viewer")
	tok := fetchToken(t, srv, client)
	for _, status := range []string{"inactive", "active"} {
		for _, id := range []string{srv.KeyUserID(key), client.UserID} {
			r := send(t, srv, request{method: "PATCH", path: "/users/" + id, key: srv.APIKey,
				body: map[string]any{"status": status}})
			require.Equal(t, 200, r.Status, "body: %s", r.Body)
		}
	}
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/me", key: key}).Status)
	assert.Equal(t, 401, send(t, srv, request{method: "GET", path: "/me", key: tok}).Status,
		"deactivation ended the session for good")
	assert.Equal(t, 200, send(t, srv, request{method: "GET", path: "/me", key: fetchToken(t, srv, client)}).Status)
}
