package admintest_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type admin struct {
	ID               string `json:"id"`
	Username         string `json:"username"`
	Email            string `json:"email"`
	CustomID         string `json:"custom_id"`
	Status           int    `json:"status"`
	RBACTokenEnabled bool   `json:"rbac_token_enabled"`
	CreatedAt        int64  `json:"created_at"`
	UpdatedAt        int64  `json:"updated_at"`
	RegisterURL      string `json:"register_url"`
	Token            string `json:"token"`
}

type kongPage struct {
	Data   []admin `json:"data"`
	Next   *string `json:"next"`
	Offset *string `json:"offset"`
}

type kongError struct {
	Code    int               `json:"code"`
	Name    string            `json:"name"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

func kongErr(t *testing.T, r response) kongError {
	t.Helper()
	var e kongError
	r.decode(t, &e)
	require.NotEmpty(t, e.Message, "Kong errors always carry a message: %s", r.Body)
	return e
}

func TestAdminsKongPagination(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	for _, name := range []string{"a1", "a2", "a3"} {
		require.Equal(t, 200, send(t, srv, request{method: "POST", path: "/admins", key: srv.APIKey, body: map[string]any{"username": name}}).Status)
	}
	var names []string
	path := "/admins?size=2"
	for i := 0; ; i++ {
		require.Less(t, i, 5)
		r := send(t, srv, request{method: "GET", path: path, key: srv.APIKey})
		require.Equal(t, 200, r.Status, "body: %s", r.Body)
		var p kongPage
		r.decode(t, &p)
		for _, a := range p.Data {
			names = append(names, a.Username)
		}
		if p.Next == nil {
			assert.Nil(t, p.Offset, "offset is absent on the last page")
			break
		}
		require.NotNil(t, p.Offset)
		next, err := url.Parse(*p.Next)
		require.NoError(t, err)
		assert.Equal(t, "/v1/admins", next.Path)
		assert.Equal(t, *p.Offset, next.Query().Get("offset"))
		assert.Equal(t, "2", next.Query().Get("size"))
		path = "/admins?size=2&offset=" + url.QueryEscape(*p.Offset)
	}
	assert.Equal(t, []string{"kong_admin", "invited_admin", "a1", "a2", "a3"}, names)
	for _, q := range []string{"size=0", "size=1001", "offset=bogus"} {
		r := send(t, srv, request{method: "GET", path: "/admins?" + q, key: srv.APIKey})
		assert.Equal(t, 400, r.Status, q)
		kongErr(t, r)
	}
}

func TestAdminsInviteRegisterReset(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	r := send(t, srv, request{method: "POST", path: "/admins", key: srv.APIKey, body: map[string]any{"username": "neo", "email": "neo@example.com", "custom_id": "c-1"}})
	require.Equal(t, 200, r.Status, "body: %s", r.Body)
	var created struct{ Admin admin }
	r.decode(t, &created)
	a := created.Admin
	assert.Equal(t, 4, a.Status)
	assert.True(t, a.RBACTokenEnabled)
	assert.NotZero(t, a.CreatedAt)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a.ID)

	for _, body := range []map[string]any{{"username": "neo"}, {"username": "x", "email": "NEO@example.com"}, {"username": "y", "custom_id": "c-1"}} {
		r := send(t, srv, request{method: "POST", path: "/admins", key: srv.APIKey, body: body})
		assert.Equal(t, 409, r.Status)
		assert.Equal(t, "user already exists with same username, email, or custom_id", kongErr(t, r).Message)
	}
	r = send(t, srv, request{method: "POST", path: "/admins", key: srv.APIKey, body: map[string]any{"email": "z@example.com"}})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, map[string]string{"username": "required field missing"}, kongErr(t, r).Fields)
	r = send(t, srv, request{method: "POST", path: "/admins", key: srv.APIKey, body: map[string]any{"username": "z", "role": "x"}})
	assert.Equal(t, 400, r.Status)
	assert.Contains(t, kongErr(t, r).Fields, "role")

	r = send(t, srv, request{method: "GET", path: "/admins/neo?generate_register_url=true", key: srv.APIKey})
	require.Equal(t, 200, r.Status)
	var got admin
	r.decode(t, &got)
	require.NotEmpty(t, got.Token)
	assert.Contains(t, got.RegisterURL, "token="+got.Token)

	register := func(token string) response {
		return send(t, srv, request{method: "POST", path: "/admins/register", key: srv.APIKey,
			body: map[string]any{"token": token, "username": "neo", "email": "neo@example.com", "password": "pw-123456"}})
	}
	r = register("wrong")
	assert.Equal(t, 401, r.Status)
	assert.Equal(t, "Unauthorized", kongErr(t, r).Message)
	r = register(got.Token)
	assert.Equal(t, 201, r.Status)
	assert.Empty(t, r.Body)
	r = send(t, srv, request{method: "GET", path: "/admins/" + a.ID + "?generate_register_url=true", key: srv.APIKey})
	oldToken, got := got.Token, admin{}
	r.decode(t, &got)
	assert.Equal(t, 0, got.Status)
	assert.Empty(t, got.Token, "no register token once approved")
	assert.Equal(t, 401, register(oldToken).Status, "a token works once")

	r = send(t, srv, request{method: "POST", path: "/admins/password_resets", key: srv.APIKey, body: map[string]any{"email": "neo@example.com"}})
	assert.Equal(t, 201, r.Status)
	assert.Empty(t, r.Body)
	tok := srv.PasswordResetToken("neo@example.com")
	require.NotEmpty(t, tok)
	assert.Equal(t, 201, send(t, srv, request{method: "POST", path: "/admins/password_resets", key: srv.APIKey, body: map[string]any{"email": "nobody@example.com"}}).Status)
	reset := func(token string) response {
		return send(t, srv, request{method: "PATCH", path: "/admins/password_resets", key: srv.APIKey,
			body: map[string]any{"email": "neo@example.com", "password": "new-pw-1", "token": token}})
	}
	assert.Equal(t, 401, reset("wrong").Status)
	r = reset(tok)
	assert.Equal(t, 200, r.Status)
	assert.Empty(t, r.Body)
	assert.Empty(t, srv.PasswordResetToken("neo@example.com"))
	assert.Equal(t, 400, send(t, srv, request{method: "PATCH", path: "/admins/password_resets", key: srv.APIKey, body: map[string]any{"email": "neo@example.com"}}).Status)

	var actions []string
	for _, ev := range srv.AuditLog() {
		actions = append(actions, ev.Action)
	}
	assert.Equal(t, []string{"admin.create", "admin.register", "admin.password_reset_request", "admin.password_reset"}, actions)
}

func TestAdminsUpdateDeleteRolesWorkspaces(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	r := send(t, srv, request{method: "PATCH", path: "/admins/invited_admin", key: srv.APIKey, body: map[string]any{"username": "kong_admin"}})
	require.Equal(t, 409, r.Status)
	e := kongErr(t, r)
	assert.Equal(t, 5, e.Code)
	assert.Equal(t, "unique constraint violation", e.Name)
	assert.Contains(t, e.Fields, "username")

	r = send(t, srv, request{method: "PATCH", path: "/admins/invited_admin", key: srv.APIKey, body: map[string]any{"custom_id": "ops", "email": "ops@example.com"}})
	require.Equal(t, 200, r.Status, "body: %s", r.Body)
	var a admin
	r.decode(t, &a)
	assert.Equal(t, "ops", a.CustomID)
	assert.Equal(t, 403, send(t, srv, request{method: "PATCH", path: "/admins/invited_admin", key: srv.NewKey("editor"), body: map[string]any{"custom_id": "x"}}).Status)

	type role struct {
		ID, Name, Comment string
		CreatedAt         int64 `json:"created_at"`
		IsDefault         bool  `json:"is_default"`
	}
	var roles struct{ Roles []role }
	r = send(t, srv, request{method: "POST", path: "/admins/" + a.ID + "/roles", key: srv.APIKey, body: map[string]any{"roles": "admin, team-a-admin"}})
	require.Equal(t, 201, r.Status, "body: %s", r.Body)
	r.decode(t, &roles)
	var names []string
	for _, x := range roles.Roles {
		names = append(names, x.Name)
	}
	assert.Equal(t, []string{"read-only", "admin", "team-a-admin"}, names)
	for body, msg := range map[string]string{`{"roles":""}`: "must provide >= 1 role", `{}`: "must provide >= 1 role", `{"roles":"nope"}`: "role not found with name 'nope'"} {
		r := send(t, srv, request{method: "POST", path: "/admins/" + a.ID + "/roles", key: srv.APIKey, body: body})
		assert.Equal(t, 400, r.Status, body)
		assert.Equal(t, msg, kongErr(t, r).Message)
	}

	r = send(t, srv, request{method: "GET", path: "/admins/invited_admin/workspaces", key: srv.APIKey})
	require.Equal(t, 200, r.Status)
	var ws []struct {
		Name   string
		Config struct{ Portal bool }
		Meta   struct{ Color string }
	}
	r.decode(t, &ws)
	require.Len(t, ws, 2)
	assert.Equal(t, "team-a", ws[1].Name)
	assert.True(t, ws[1].Config.Portal)

	assert.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/admins/" + a.ID + "/roles", key: srv.APIKey, body: `{"roles":"team-a-admin,read-only"}`}).Status)
	r = send(t, srv, request{method: "GET", path: "/admins/" + a.ID + "/roles", key: srv.APIKey})
	r.decode(t, &roles)
	require.Len(t, roles.Roles, 1)
	assert.Equal(t, "admin", roles.Roles[0].Name)

	assert.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/admins/" + a.ID, key: srv.APIKey}).Status)
	r = send(t, srv, request{method: "GET", path: "/admins/" + a.ID, key: srv.APIKey})
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, "Not found", kongErr(t, r).Message)
	assert.Equal(t, 404, send(t, srv, request{method: "DELETE", path: "/admins/" + a.ID, key: srv.APIKey}).Status)
	assert.Len(t, srv.Admins(), 1)
}
