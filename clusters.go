package admin

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// ClustersService reads the clusters projects run on: GET /clusters. The
// API offers no way to change them.
type ClustersService service

// Cluster is a compute cluster that projects run on.
type Cluster struct {
	ID          string    `json:"id"` // "cls_…"
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

func clusterID(c *Cluster) string { return c.ID }

// ListClustersParams pages a list of clusters. The zero value lists every
// cluster, 20 to a page.
type ListClustersParams struct {
	Limit  int    // 1 to 100; 0 means the server's default (20)
	Cursor string // resume after the page that gave this cursor
}

func (p *ListClustersParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Limit", "limit", p.Limit, 100); err != nil {
		return nil, "", err
	}
	return q, p.Cursor, nil
}

// List returns one page of clusters. GET /clusters
func (s *ClustersService) List(ctx context.Context, p *ListClustersParams) (*Page[Cluster], error) {
	q, cursor, err := p.query()
	if err != nil {
		return nil, err
	}
	return newPager(s.c, static("/clusters"), q, cursorStyle, clusterID).page(ctx, cursor)
}

// All iterates over every cluster, page by page, starting at p.Cursor.
// GET /clusters
func (s *ClustersService) All(ctx context.Context, p *ListClustersParams) iter.Seq2[Cluster, error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[Cluster](err)
	}
	return newPager(s.c, static("/clusters"), q, cursorStyle, clusterID).all(ctx, cursor)
}

// Get returns the cluster with the given id. GET /clusters/{id}
func (s *ClustersService) Get(ctx context.Context, id string) (*Cluster, error) {
	r, err := at("/clusters/{id}", id)
	if err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodGet, r, nil, nil, clusterID)
}
