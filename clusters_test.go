package admin_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

const clusterJSON = `{"id":"cls_1q2w","name":"gpu-east","description":"A100 nodes","created_at":"2024-11-01T00:00:00Z","nodes":12}`

func checkCluster(t *testing.T, got any) {
	c, ok := got.(*admin.Cluster)
	require.True(t, ok, "got %T", got)
	assert.Equal(t, admin.Cluster{ID: "cls_1q2w", Name: "gpu-east", Description: "A100 nodes",
		CreatedAt: time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)}, *c)
}

func TestClustersWire(t *testing.T) {
	t.Parallel()
	runWireCases(t, []wireCase{
		{
			name:   "list",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Clusters.List(ctx, nil) },
			method: "GET", path: "/v1/clusters", status: 200,
			response: `{"data":[` + clusterJSON + `],"meta":{"next_cursor":null,"has_more":false}}`,
			check: func(t *testing.T, got any) {
				pg := got.(*admin.Page[admin.Cluster])
				require.Len(t, pg.Data, 1)
				checkCluster(t, &pg.Data[0])
				assert.False(t, pg.HasMore)
				assert.Empty(t, pg.NextCursor)
			},
		},
		{
			name: "list with limit and cursor",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Clusters.List(ctx, &admin.ListClustersParams{Limit: 1, Cursor: "c+1"})
			},
			method: "GET", path: "/v1/clusters", query: "limit=1&cursor=c%2B1", status: 200,
			response: `{"data":[` + clusterJSON + `],"meta":{"next_cursor":"c2","has_more":true}}`,
			check: func(t *testing.T, got any) {
				assert.Equal(t, "c2", got.(*admin.Page[admin.Cluster]).NextCursor)
			},
		},
		{
			name:   "get",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Clusters.Get(ctx, "cls_1q2w") },
			method: "GET", path: "/v1/clusters/cls_1q2w", status: 200, response: clusterJSON, check: checkCluster,
		},
		{
			name:   "get escapes",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Clusters.Get(ctx, "cls/../x") },
			method: "GET", path: "/v1/clusters/cls%2F..%2Fx", status: 200, response: clusterJSON, check: checkCluster,
		},
	})
}

func TestClustersInvalidParams(t *testing.T) {
	t.Parallel()
	runParamCases(t, []paramCase{
		{"list limit", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Clusters.List(ctx, &admin.ListClustersParams{Limit: 101})
			return err
		}, "Limit"},
		{"all limit", func(ctx context.Context, c *admin.Client) error {
			return seqErr(c.Clusters.All(ctx, &admin.ListClustersParams{Limit: -1}))
		}, "Limit"},
		{"get empty", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Clusters.Get(ctx, "")
			return err
		}, "id"},
		{"get dot dot", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Clusters.Get(ctx, "..")
			return err
		}, "id"},
	})
}

func TestClustersAllRejectsARepeatedItem(t *testing.T) {
	t.Parallel()
	_, c := serve(t, respond(t, func(r wireRequest) reply {
		if r.RawQuery == "cursor=c2" {
			return reply{200, `{"data":[` + clusterJSON + `],"meta":{"next_cursor":null,"has_more":false}}`}
		}
		return reply{200, `{"data":[` + clusterJSON + `],"meta":{"next_cursor":"c2","has_more":true}}`}
	}).ServeHTTP, oneShot()...)
	var n int
	var errs []error
	for _, err := range c.Clusters.All(t.Context(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 1, n, "the cluster is yielded once")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], admin.ErrInvalidResponse)
}

func TestClustersFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	var got []admin.Cluster
	for cl, err := range c.Clusters.All(t.Context(), &admin.ListClustersParams{Limit: 1}) {
		require.NoError(t, err)
		got = append(got, cl)
	}
	seeded := srv.Clusters()
	require.Len(t, got, len(seeded))
	for _, s := range seeded {
		one, err := c.Clusters.Get(t.Context(), s.ID)
		require.NoError(t, err)
		assert.Equal(t, s.Name, one.Name)
		assert.Equal(t, s.Description, one.Description)
		assert.True(t, s.CreatedAt.Equal(one.CreatedAt))
		assert.Contains(t, got, *one)
	}
	_, err := c.Clusters.Get(t.Context(), "cls_missing")
	require.ErrorIs(t, err, admin.ErrNotFound)
}
