package admintest_test

import (
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type group struct {
	Name      string   `json:"name"`
	Roles     []string `json:"roles"`
	Members   []string `json:"members"`
	CreatedBy string   `json:"created_by"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

func TestGroupsLifecycle(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	editor := srv.NewKey("editor")
	u := createUser(t, srv, "Ann", "ann@example.com")

	r := send(t, srv, request{method: "POST", path: "/groups", key: editor, body: map[string]any{"name": "ml team", "roles": []string{"researcher", "viewer"}}})
	require.Equal(t, 201, r.Status, "body: %s", r.Body)
	var g group
	r.decode(t, &g)
	assert.Equal(t, "ml team", g.Name)
	assert.Equal(t, []string{"researcher", "viewer"}, g.Roles)
	assert.Equal(t, []string{}, g.Members)
	assert.Equal(t, srv.KeyUserID(editor), g.CreatedBy)

	steps := []struct {
		name       string
		method     string
		path       string
		body       any
		wantStatus int
		wantCode   string
		wantParam  string
	}{
		{"duplicate name", "POST", "/groups", map[string]any{"name": "ml team", "roles": []string{"viewer"}}, 409, "conflict", "name"},
		{"missing roles", "POST", "/groups", map[string]any{"name": "x"}, 400, "invalid_request", "roles"},
		{"unknown role", "POST", "/groups", map[string]any{"name": "x", "roles": []string{"boss"}}, 400, "invalid_request", "roles"},
		{"slash in name", "POST", "/groups", map[string]any{"name": "a/b", "roles": []string{"viewer"}}, 400, "invalid_request", "name"},
		{"get", "GET", "/groups/ml%20team", nil, 200, "", ""},
		{"get missing", "GET", "/groups/nope", nil, 404, "not_found", ""},
		{"replace roles", "PUT", "/groups/ml%20team", map[string]any{"roles": []string{"editor"}}, 200, "", ""},
		{"replace roles of missing", "PUT", "/groups/nope", map[string]any{"roles": []string{"editor"}}, 404, "not_found", ""},
		{"add member", "PUT", "/groups/ml%20team/members/" + u.ID, nil, 204, "", ""},
		{"add member twice", "PUT", "/groups/ml%20team/members/" + u.ID, nil, 204, "", ""},
		{"add unknown user", "PUT", "/groups/ml%20team/members/usr_nope", nil, 404, "not_found", ""},
		{"add to unknown group", "PUT", "/groups/nope/members/" + u.ID, nil, 404, "not_found", ""},
		{"list members", "GET", "/groups/ml%20team/members", nil, 200, "", ""},
		{"members of missing", "GET", "/groups/nope/members", nil, 404, "not_found", ""},
	}
	for _, s := range steps {
		r := send(t, srv, request{method: s.method, path: s.path, key: editor, body: s.body})
		require.Equal(t, s.wantStatus, r.Status, "%s: %s", s.name, r.Body)
		if s.wantCode != "" {
			e := r.apiError(t)
			assert.Equal(t, s.wantCode, e.Error.Code, s.name)
			assert.Equal(t, s.wantParam, e.Error.Param, s.name)
		}
	}
	got, _ := srv.User(u.ID)
	assert.Equal(t, []string{"ml team"}, got.Groups)
	r = send(t, srv, request{method: "GET", path: "/groups/ml%20team/members", key: editor})
	var members page[user]
	r.decode(t, &members)
	require.Len(t, members.Data, 1)
	assert.Equal(t, u.ID, members.Data[0].ID)

	require.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/groups/ml%20team/members/" + u.ID, key: editor}).Status)
	require.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/groups/ml%20team", key: editor}).Status)
	require.Equal(t, 404, send(t, srv, request{method: "DELETE", path: "/groups/ml%20team", key: editor}).Status)
	require.Equal(t, 403, send(t, srv, request{method: "DELETE", path: "/groups/x", key: srv.NewKey("viewer")}).Status)

	var actions []string
	for _, ev := range srv.AuditLog() {
		if ev.TargetType == "group" {
			actions = append(actions, ev.Action)
			assert.Equal(t, srv.KeyUserID(editor), ev.UserID)
		}
	}
	assert.Equal(t, []string{"group.create", "group.update", "group.member_add", "group.member_remove", "group.delete"}, actions,
		"a second add changes nothing and writes no event")
}

func TestGroupsListAndMembersPagination(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(10, 12, 0))
	r := send(t, srv, request{method: "GET", path: "/groups?limit=5&role=admin", key: srv.APIKey})
	require.Equal(t, 200, r.Status)
	var gp page[group]
	r.decode(t, &gp)
	for _, g := range gp.Data {
		assert.Contains(t, g.Roles, "admin")
	}
	var names []string
	cursor := ""
	for {
		r := send(t, srv, request{method: "GET", path: "/groups?limit=5&cursor=" + cursor, key: srv.APIKey})
		require.Equal(t, 200, r.Status)
		var p page[group]
		r.decode(t, &p)
		for _, g := range p.Data {
			names = append(names, g.Name)
		}
		if !p.Meta.HasMore {
			break
		}
		cursor = *p.Meta.NextCursor
	}
	assert.Len(t, names, 12)
	assert.IsIncreasing(t, names)

	users := srv.Users()
	for _, u := range users[1:] {
		require.Equal(t, 204, send(t, srv, request{method: "PUT", path: "/groups/group-1/members/" + u.ID, key: srv.APIKey}).Status)
	}
	var ids []string
	cursor = ""
	for {
		r := send(t, srv, request{method: "GET", path: "/groups/group-1/members?limit=3&cursor=" + cursor, key: srv.APIKey})
		require.Equal(t, 200, r.Status, "body: %s", r.Body)
		var p page[user]
		r.decode(t, &p)
		for _, u := range p.Data {
			ids = append(ids, u.ID)
		}
		if !p.Meta.HasMore {
			break
		}
		cursor = *p.Meta.NextCursor
	}
	assert.Len(t, ids, 10)
	assert.IsIncreasing(t, ids)
}
