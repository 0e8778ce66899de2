package admin

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ProjectsService manages projects, the GPU quotas of teams on a cluster:
// GET, POST, PATCH and DELETE on /projects and PUT and DELETE on
// /projects/{id}/members.
type ProjectsService service

// Project is a team's share of a cluster.
type Project struct {
	ID           string    `json:"id"` // "prj_…"
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	ClusterID    string    `json:"cluster_id"`    // "cls_…"
	DeservedGPUs int       `json:"deserved_gpus"` // GPUs guaranteed to the project
	Members      []string  `json:"members"`       // user ids
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func projectID(p *Project) string { return p.ID }

// ListProjectsParams filters and pages a list of projects. The zero value
// lists every project, 20 to a page.
type ListProjectsParams struct {
	Limit     int    // 1 to 100; 0 means the server's default (20)
	Cursor    string // resume after the page that gave this cursor
	ClusterID string // only projects on this cluster
}

func (p *ListProjectsParams) query() (url.Values, string, error) {
	q := url.Values{}
	if p == nil {
		return q, "", nil
	}
	if err := limitQuery(q, "Limit", "limit", p.Limit, 100); err != nil {
		return nil, "", err
	}
	if p.ClusterID != "" {
		q.Set("cluster_id", p.ClusterID)
	}
	return q, p.Cursor, nil
}

// List returns one page of projects. GET /projects
func (s *ProjectsService) List(ctx context.Context, p *ListProjectsParams) (*Page[Project], error) {
	q, cursor, err := p.query()
	if err != nil {
		return nil, err
	}
	return newPager(s.c, static("/projects"), q, cursorStyle, projectID).page(ctx, cursor)
}

// All iterates over every project matching p, page by page, starting at
// p.Cursor. GET /projects
func (s *ProjectsService) All(ctx context.Context, p *ListProjectsParams) iter.Seq2[Project, error] {
	q, cursor, err := p.query()
	if err != nil {
		return errSeq[Project](err)
	}
	return newPager(s.c, static("/projects"), q, cursorStyle, projectID).all(ctx, cursor)
}

// CreateProjectParams are the fields of a new project.
type CreateProjectParams struct {
	Name        string `json:"name"`                  // required; unique
	ClusterID   string `json:"cluster_id"`            // required: the cluster the project runs on
	Description string `json:"description,omitempty"` // optional
	// DeservedGPUs is the number of GPUs guaranteed to the project; it
	// must not be negative. It is always sent, so 0 means none.
	DeservedGPUs int `json:"deserved_gpus"`
	// Members are the ids of the project's first members. An unknown id
	// is ErrBadRequest with Param naming the field.
	Members []string `json:"members,omitempty"`
}

func (p *CreateProjectParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Name == "":
		return invalidParam("Name", "is required")
	case p.ClusterID == "":
		return invalidParam("ClusterID", "is required")
	case p.DeservedGPUs < 0:
		return invalidParam("DeservedGPUs", "must not be negative")
	}
	for i, m := range p.Members {
		if m == "" {
			return invalidParam("Members", "item "+strconv.Itoa(i)+" is empty")
		}
	}
	return nil
}

// Create creates a project. An unknown cluster or member is ErrBadRequest;
// a name already taken is ErrConflict. POST /projects
func (s *ProjectsService) Create(ctx context.Context, p *CreateProjectParams) (*Project, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodPost, static("/projects"), nil, p, projectID)
}

// Get returns the project with the given id. GET /projects/{id}
func (s *ProjectsService) Get(ctx context.Context, id string) (*Project, error) {
	r, err := at("/projects/{id}", id)
	if err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodGet, r, nil, nil, projectID)
}

// UpdateProjectParams are the fields of a project to change; nil fields are
// kept. Members change through AddMember and RemoveMember.
type UpdateProjectParams struct {
	Name         *string `json:"name,omitempty"`
	Description  *string `json:"description,omitempty"` // Ptr("") clears it
	DeservedGPUs *int    `json:"deserved_gpus,omitempty"`
}

func (p *UpdateProjectParams) validate() error {
	switch {
	case p == nil:
		return invalidParam("params", "must not be nil")
	case p.Name != nil && *p.Name == "":
		return invalidParam("Name", "must not be empty")
	case p.DeservedGPUs != nil && *p.DeservedGPUs < 0:
		return invalidParam("DeservedGPUs", "must not be negative")
	}
	return nil
}

// Update changes a project. PATCH /projects/{id}
func (s *ProjectsService) Update(ctx context.Context, id string, p *UpdateProjectParams) (*Project, error) {
	r, err := at("/projects/{id}", id)
	if err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return object(ctx, s.c, http.MethodPatch, r, nil, p, projectID)
}

// Delete deletes a project. DELETE /projects/{id}
func (s *ProjectsService) Delete(ctx context.Context, id string) error {
	r, err := at("/projects/{id}", id)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodDelete, r, nil, nil, nil)
}

// AddMember adds a user to a project; adding twice is no error.
// PUT /projects/{id}/members/{user_id}
func (s *ProjectsService) AddMember(ctx context.Context, id, userID string) error {
	r, err := at("/projects/{id}/members/{user_id}", id, userID)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodPut, r, nil, nil, nil)
}

// RemoveMember removes a user from a project.
// DELETE /projects/{id}/members/{user_id}
func (s *ProjectsService) RemoveMember(ctx context.Context, id, userID string) error {
	r, err := at("/projects/{id}/members/{user_id}", id, userID)
	if err != nil {
		return err
	}
	return s.c.do(ctx, http.MethodDelete, r, nil, nil, nil)
}
