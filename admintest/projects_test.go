package admintest_test

import (
	"strings"
	"testing"

	"github.com/admin/api-go/admintest"
	"github.com/admin/api-go/internal/contracttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type project struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	ClusterID    string   `json:"cluster_id"`
	DeservedGPUs int      `json:"deserved_gpus"`
	Members      []string `json:"members"`
}

type cluster struct {
	ID, Name, Description string
	CreatedAt             string `json:"created_at"`
}

func TestClusters(t *testing.T) {
	t.Parallel()
	srv := setupChecked(t, contracttest.Options{AllowUnknownRoutes: true}) // POST /clusters: 405
	r := send(t, srv, request{method: "GET", path: "/clusters?limit=2", key: srv.NewKey("viewer")})
	require.Equal(t, 200, r.Status)
	var p page[cluster]
	r.decode(t, &p)
	require.Len(t, p.Data, 2)
	assert.True(t, p.Meta.HasMore)
	assert.True(t, strings.HasPrefix(p.Data[0].ID, "cls_"))
	assert.Len(t, srv.Clusters(), 3)

	r = send(t, srv, request{method: "GET", path: "/clusters/" + p.Data[1].ID, key: srv.APIKey})
	require.Equal(t, 200, r.Status)
	var c cluster
	r.decode(t, &c)
	assert.Equal(t, p.Data[1], c)
	assert.Equal(t, 404, send(t, srv, request{method: "GET", path: "/clusters/cls_nope", key: srv.APIKey}).Status)
	assert.Equal(t, 405, send(t, srv, request{method: "POST", path: "/clusters", key: srv.APIKey, body: "{}"}).Status, "clusters are read-only")
}

func TestProjectsLifecycle(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	cls := srv.Clusters()
	u := createUser(t, srv, "Ann", "ann@example.com")
	editor := srv.NewKey("editor")

	tests := []struct {
		name       string
		body       any
		wantStatus int
		wantParam  string
	}{
		{"unknown cluster", map[string]any{"name": "p", "cluster_id": "cls_nope"}, 400, "cluster_id"},
		{"missing cluster", map[string]any{"name": "p"}, 400, "cluster_id"},
		{"missing name", map[string]any{"cluster_id": cls[0].ID}, 400, "name"},
		{"unknown member", map[string]any{"name": "p", "cluster_id": cls[0].ID, "members": []string{"usr_nope"}}, 400, "members"},
		{"negative gpus", map[string]any{"name": "p", "cluster_id": cls[0].ID, "deserved_gpus": -1}, 400, "deserved_gpus"},
		{"fractional gpus", map[string]any{"name": "p", "cluster_id": cls[0].ID, "deserved_gpus": 1.5}, 400, "deserved_gpus"},
	}
	for _, tt := range tests {
		r := send(t, srv, request{method: "POST", path: "/projects", key: editor, body: tt.body})
		require.Equal(t, tt.wantStatus, r.Status, "%s: %s", tt.name, r.Body)
		assert.Equal(t, tt.wantParam, r.apiError(t).Error.Param, tt.name)
	}
	assert.Empty(t, srv.Projects())

	r := send(t, srv, request{method: "POST", path: "/projects", key: editor, body: map[string]any{
		"name": "vision", "cluster_id": cls[0].ID, "description": "CV work", "deserved_gpus": 4, "members": []string{u.ID}}})
	require.Equal(t, 201, r.Status, "body: %s", r.Body)
	var p project
	r.decode(t, &p)
	assert.True(t, strings.HasPrefix(p.ID, "prj_"))
	assert.Equal(t, project{ID: p.ID, Name: "vision", Description: "CV work", ClusterID: cls[0].ID, DeservedGPUs: 4, Members: []string{u.ID}}, p)

	r = send(t, srv, request{method: "POST", path: "/projects", key: editor, body: map[string]any{"name": "vision", "cluster_id": cls[1].ID}})
	assert.Equal(t, 409, r.Status)

	r = send(t, srv, request{method: "PATCH", path: "/projects/" + p.ID, key: editor, body: map[string]any{"deserved_gpus": 8, "description": "more"}})
	require.Equal(t, 200, r.Status)
	r.decode(t, &p)
	assert.Equal(t, 8, p.DeservedGPUs)
	assert.Equal(t, "more", p.Description)
	assert.Equal(t, 404, send(t, srv, request{method: "PATCH", path: "/projects/prj_nope", key: editor, body: map[string]any{"name": "x"}}).Status)
	assert.Equal(t, 400, send(t, srv, request{method: "PATCH", path: "/projects/" + p.ID, key: editor, body: map[string]any{"cluster_id": "cls_nope"}}).Status)

	v := createUser(t, srv, "Bob", "bob@example.com")
	assert.Equal(t, 204, send(t, srv, request{method: "PUT", path: "/projects/" + p.ID + "/members/" + v.ID, key: editor}).Status)
	assert.Equal(t, 404, send(t, srv, request{method: "PUT", path: "/projects/" + p.ID + "/members/usr_nope", key: editor}).Status)
	assert.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/projects/" + p.ID + "/members/" + u.ID, key: editor}).Status)
	r = send(t, srv, request{method: "GET", path: "/projects/" + p.ID, key: editor})
	require.Equal(t, 200, r.Status)
	r.decode(t, &p)
	assert.Equal(t, []string{v.ID}, p.Members)

	other := send(t, srv, request{method: "POST", path: "/projects", key: editor, body: map[string]any{"name": "nlp", "cluster_id": cls[1].ID}})
	require.Equal(t, 201, other.Status)
	r = send(t, srv, request{method: "GET", path: "/projects?cluster_id=" + cls[1].ID, key: editor})
	var list page[project]
	r.decode(t, &list)
	require.Len(t, list.Data, 1)
	assert.Equal(t, "nlp", list.Data[0].Name)

	assert.Equal(t, 204, send(t, srv, request{method: "DELETE", path: "/projects/" + p.ID, key: editor}).Status)
	assert.Equal(t, 404, send(t, srv, request{method: "GET", path: "/projects/" + p.ID, key: editor}).Status)

	var actions []string
	for _, ev := range srv.AuditLog() {
		if ev.TargetType == "project" {
			actions = append(actions, ev.Action)
		}
	}
	assert.Equal(t, []string{"project.create", "project.update", "project.member_add", "project.member_remove", "project.create", "project.delete"}, actions)
}

func TestProjectsSeeded(t *testing.T) {
	t.Parallel()
	srv := setup(t, admintest.WithSeedData(4, 0, 5))
	r := send(t, srv, request{method: "GET", path: "/projects?limit=100", key: srv.APIKey})
	var list page[project]
	r.decode(t, &list)
	assert.Len(t, list.Data, 5)
	for _, p := range list.Data {
		assert.Len(t, p.Members, 1)
	}
}
