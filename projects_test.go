package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

const projectJSON = `{"id":"prj_4f5g","name":"vision","description":"Image models","cluster_id":"cls_1q2w",
	"deserved_gpus":8,"members":["usr_1","usr_2"],"created_at":"2025-01-15T09:30:00Z",
	"updated_at":"2025-01-15T10:30:00+01:00","quota":{"cpu":4}}`

func checkProject(t *testing.T, got any) {
	p, ok := got.(*admin.Project)
	require.True(t, ok, "got %T", got)
	assert.Equal(t, "prj_4f5g", p.ID)
	assert.Equal(t, "vision", p.Name)
	assert.Equal(t, "Image models", p.Description)
	assert.Equal(t, "cls_1q2w", p.ClusterID)
	assert.Equal(t, 8, p.DeservedGPUs)
	assert.Equal(t, []string{"usr_1", "usr_2"}, p.Members)
	assert.True(t, p.CreatedAt.Equal(time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)))
	assert.True(t, p.UpdatedAt.Equal(p.CreatedAt), "updated_at %v", p.UpdatedAt)
}

func TestProjectsWire(t *testing.T) {
	t.Parallel()
	runWireCases(t, []wireCase{
		{
			name:   "list",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Projects.List(ctx, nil) },
			method: "GET", path: "/v1/projects", status: 200,
			response: `{"data":[` + projectJSON + `],"meta":{"next_cursor":"cur_x","has_more":true}}`,
			check: func(t *testing.T, got any) {
				pg := got.(*admin.Page[admin.Project])
				require.Len(t, pg.Data, 1)
				checkProject(t, &pg.Data[0])
				assert.Equal(t, "cur_x", pg.NextCursor)
			},
		},
		{
			name: "list by cluster",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Projects.List(ctx, &admin.ListProjectsParams{Limit: 1, Cursor: "cur_x", ClusterID: "cls_1q2w"})
			},
			method: "GET", path: "/v1/projects", query: "cluster_id=cls_1q2w&limit=1&cursor=cur_x", status: 200,
			response: `{"data":[],"meta":{"next_cursor":null,"has_more":false}}`,
		},
		{
			name: "create with every field",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "vision", ClusterID: "cls_1q2w",
					Description: "Image models", DeservedGPUs: 8, Members: []string{"usr_1", "usr_2"}})
			},
			method: "POST", path: "/v1/projects",
			body: `{"name":"vision","cluster_id":"cls_1q2w","description":"Image models","deserved_gpus":8,
				"members":["usr_1","usr_2"]}`,
			status: 201, response: projectJSON, check: checkProject,
		},
		{
			name: "create with required fields only",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "vision", ClusterID: "cls_1q2w"})
			},
			method: "POST", path: "/v1/projects", body: `{"name":"vision","cluster_id":"cls_1q2w","deserved_gpus":0}`,
			status: 201, response: projectJSON, check: checkProject,
		},
		{
			name:   "get",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Projects.Get(ctx, "prj_4f5g") },
			method: "GET", path: "/v1/projects/prj_4f5g", status: 200, response: projectJSON, check: checkProject,
		},
		{
			name: "update sends only the fields given",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Projects.Update(ctx, "prj 4f5g", &admin.UpdateProjectParams{DeservedGPUs: admin.Ptr(0), Description: admin.Ptr("")})
			},
			method: "PATCH", path: "/v1/projects/prj%204f5g", body: `{"description":"","deserved_gpus":0}`,
			status: 200, response: projectJSON, check: checkProject,
		},
		{
			name: "update name",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Projects.Update(ctx, "prj_4f5g", &admin.UpdateProjectParams{Name: admin.Ptr("vision-2")})
			},
			method: "PATCH", path: "/v1/projects/prj_4f5g", body: `{"name":"vision-2"}`,
			status: 200, response: projectJSON, check: checkProject,
		},
		{
			name: "delete",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Projects.Delete(ctx, "prj_4f5g")
			},
			method: "DELETE", path: "/v1/projects/prj_4f5g", status: 204,
		},
		{
			name: "add member",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Projects.AddMember(ctx, "prj_4f5g", "usr_1")
			},
			method: "PUT", path: "/v1/projects/prj_4f5g/members/usr_1", status: 204,
		},
		{
			name: "remove member escapes",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Projects.RemoveMember(ctx, "prj/4f5g", "usr#1")
			},
			method: "DELETE", path: "/v1/projects/prj%2F4f5g/members/usr%231", status: 204,
		},
	})
}

func TestProjectsInvalidParams(t *testing.T) {
	t.Parallel()
	valid := func() *admin.CreateProjectParams {
		return &admin.CreateProjectParams{Name: "vision", ClusterID: "cls_1"}
	}
	create := func(mod func(*admin.CreateProjectParams)) func(context.Context, *admin.Client) error {
		return func(ctx context.Context, c *admin.Client) error {
			p := valid()
			mod(p)
			_, err := c.Projects.Create(ctx, p)
			return err
		}
	}
	runParamCases(t, []paramCase{
		{"list limit", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.List(ctx, &admin.ListProjectsParams{Limit: 101})
			return err
		}, "Limit"},
		{"all limit", func(ctx context.Context, c *admin.Client) error {
			return seqErr(c.Projects.All(ctx, &admin.ListProjectsParams{Limit: -5}))
		}, "Limit"},
		{"create nil", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.Create(ctx, nil)
			return err
		}, "params"},
		{"create no name", create(func(p *admin.CreateProjectParams) { p.Name = "" }), "Name"},
		{"create no cluster", create(func(p *admin.CreateProjectParams) { p.ClusterID = "" }), "ClusterID"},
		{"create negative gpus", create(func(p *admin.CreateProjectParams) { p.DeservedGPUs = -1 }), "DeservedGPUs"},
		{"create empty member", create(func(p *admin.CreateProjectParams) { p.Members = []string{"usr_1", ""} }), "Members"},
		{"get empty id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.Get(ctx, "")
			return err
		}, "id"},
		{"update nil", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.Update(ctx, "prj_1", nil)
			return err
		}, "params"},
		{"update empty name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.Update(ctx, "prj_1", &admin.UpdateProjectParams{Name: admin.Ptr("")})
			return err
		}, "Name"},
		{"update negative gpus", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.Update(ctx, "prj_1", &admin.UpdateProjectParams{DeservedGPUs: admin.Ptr(-2)})
			return err
		}, "DeservedGPUs"},
		{"update dot id", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Projects.Update(ctx, ".", &admin.UpdateProjectParams{})
			return err
		}, "id"},
		{"delete empty id", func(ctx context.Context, c *admin.Client) error {
			return c.Projects.Delete(ctx, "\t")
		}, "id"},
		{"add member empty project", func(ctx context.Context, c *admin.Client) error {
			return c.Projects.AddMember(ctx, "", "usr_1")
		}, "id"},
		{"add member empty user", func(ctx context.Context, c *admin.Client) error {
			return c.Projects.AddMember(ctx, "prj_1", "")
		}, "userID"},
		{"remove member control char", func(ctx context.Context, c *admin.Client) error {
			return c.Projects.RemoveMember(ctx, "prj_1", "usr\x00")
		}, "userID"},
	})
}

func TestProjectsAll(t *testing.T) {
	t.Parallel()
	s := respond(t, func(r wireRequest) reply {
		switch r.RawQuery {
		case "cluster_id=cls_1":
			return reply{200, `{"data":[{"id":"prj_1","name":"a","cluster_id":"cls_1"},{"id":"prj_2","name":"b","cluster_id":"cls_1"}],
				"meta":{"next_cursor":"n1","has_more":true}}`}
		case "cluster_id=cls_1&cursor=n1":
			return reply{200, `{"data":[{"id":"prj_3","name":"c","cluster_id":"cls_1"}],"meta":{"next_cursor":null,"has_more":false}}`}
		}
		return reply{400, `{"error":{"code":"invalid_request","message":"unexpected query","status":400}}`}
	})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	var ids []string
	for p, err := range c.Projects.All(t.Context(), &admin.ListProjectsParams{ClusterID: "cls_1"}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"prj_1", "prj_2", "prj_3"}, ids)
	assert.Len(t, s.requests(), 2)
}

func TestProjectsCreateUnknownMember(t *testing.T) {
	t.Parallel()
	_, c := serve(t, fixed(t, http.StatusBadRequest,
		`{"error":{"code":"invalid_request","message":"No such user: usr_x.","status":400,"param":"members","request_id":"req_1"}}`).ServeHTTP, oneShot()...)
	_, err := c.Projects.Create(t.Context(), &admin.CreateProjectParams{Name: "v", ClusterID: "cls_1", Members: []string{"usr_x"}})
	require.ErrorIs(t, err, admin.ErrBadRequest)
	var ae *admin.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "members", ae.Param)
	assert.Equal(t, "req_1", ae.RequestID)
}

func TestProjectsFlow(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := t.Context()
	ada, bob, cy := newFlowUser(t, c, "ada"), newFlowUser(t, c, "bob"), newFlowUser(t, c, "cy")
	cpg, err := c.Clusters.List(ctx, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cpg.Data), 2, "the server seeds clusters")
	east, west := cpg.Data[0], cpg.Data[1]

	p, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "vision", ClusterID: east.ID,
		Description: "Image models", DeservedGPUs: 4, Members: []string{ada.ID, bob.ID}})
	require.NoError(t, err)
	assert.Regexp(t, `^prj_`, p.ID)
	assert.Equal(t, "vision", p.Name)
	assert.Equal(t, "Image models", p.Description)
	assert.Equal(t, east.ID, p.ClusterID)
	assert.Equal(t, 4, p.DeservedGPUs)
	assert.ElementsMatch(t, []string{ada.ID, bob.ID}, p.Members)

	got, err := c.Projects.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, got)

	_, err = c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "vision", ClusterID: west.ID})
	require.ErrorIs(t, err, admin.ErrConflict)
	_, err = c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "audio", ClusterID: "cls_nope"})
	require.ErrorIs(t, err, admin.ErrBadRequest)
	var ae *admin.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "cluster_id", ae.Param)
	_, err = c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "audio", ClusterID: west.ID, Members: []string{"usr_nope"}})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "members", ae.Param)

	audio, err := c.Projects.Create(ctx, &admin.CreateProjectParams{Name: "audio", ClusterID: west.ID})
	require.NoError(t, err)
	assert.Equal(t, 0, audio.DeservedGPUs)
	assert.Empty(t, audio.Members)

	for _, tc := range []struct {
		cluster string
		want    []string
	}{{east.ID, []string{p.ID}}, {west.ID, []string{audio.ID}}, {"", []string{p.ID, audio.ID}}} {
		var ids []string
		for pr, err := range c.Projects.All(ctx, &admin.ListProjectsParams{ClusterID: tc.cluster, Limit: 1}) {
			require.NoError(t, err)
			ids = append(ids, pr.ID)
		}
		assert.ElementsMatch(t, tc.want, ids, "cluster %q", tc.cluster)
	}

	p, err = c.Projects.Update(ctx, p.ID, &admin.UpdateProjectParams{DeservedGPUs: admin.Ptr(0), Description: admin.Ptr("")})
	require.NoError(t, err)
	assert.Equal(t, 0, p.DeservedGPUs)
	assert.Empty(t, p.Description)
	assert.Equal(t, "vision", p.Name)

	require.NoError(t, c.Projects.AddMember(ctx, p.ID, cy.ID))
	require.NoError(t, c.Projects.AddMember(ctx, p.ID, cy.ID))
	require.NoError(t, c.Projects.RemoveMember(ctx, p.ID, ada.ID))
	got, err = c.Projects.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{bob.ID, cy.ID}, got.Members)

	require.NoError(t, c.Projects.Delete(ctx, p.ID))
	_, err = c.Projects.Get(ctx, p.ID)
	require.ErrorIs(t, err, admin.ErrNotFound)
	require.ErrorIs(t, c.Projects.Delete(ctx, p.ID), admin.ErrNotFound)
}
