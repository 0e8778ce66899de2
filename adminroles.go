package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AdminRole is a Kong RBAC role held by an admin.
type AdminRole struct {
	ID        string
	Name      string
	Comment   string
	CreatedAt time.Time
	IsDefault bool
}

// UnmarshalJSON decodes a role in Kong's wire format.
func (r *AdminRole) UnmarshalJSON(b []byte) error {
	var w struct {
		ID        string   `json:"id"`
		Name      string   `json:"name"`
		Comment   string   `json:"comment"`
		CreatedAt unixTime `json:"created_at"`
		IsDefault bool     `json:"is_default"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = AdminRole{w.ID, w.Name, w.Comment, w.CreatedAt.Time, w.IsDefault}
	return nil
}

type adminRolesWire struct {
	Roles *[]AdminRole `json:"roles"`
}

// ListRoles returns the roles an admin holds.
// GET /admins/{name_or_id}/roles
func (s *AdminsService) ListRoles(ctx context.Context, nameOrID string) ([]AdminRole, error) {
	return s.roles(ctx, http.MethodGet, nameOrID, nil)
}

// AddRoles gives an admin the named roles and returns every role the
// admin then holds. POST /admins/{name_or_id}/roles
func (s *AdminsService) AddRoles(ctx context.Context, nameOrID string, roles ...string) ([]AdminRole, error) {
	if err := validRoleNames(roles); err != nil {
		return nil, err
	}
	return s.roles(ctx, http.MethodPost, nameOrID, roles)
}

// RemoveRoles takes the named roles from an admin. The names travel in the
// body of the DELETE request, as Kong expects.
// DELETE /admins/{name_or_id}/roles
func (s *AdminsService) RemoveRoles(ctx context.Context, nameOrID string, roles ...string) error {
	if err := validRoleNames(roles); err != nil {
		return err
	}
	_, err := s.roles(ctx, http.MethodDelete, nameOrID, roles)
	return err
}

// roles sends one call on /admins/{name_or_id}/roles; roles, when set,
// travel as Kong's comma-separated string.
func (s *AdminsService) roles(ctx context.Context, method, nameOrID string, roles []string) ([]AdminRole, error) {
	r, err := at("/admins/{name_or_id}/roles", nameOrID)
	if err != nil {
		return nil, err
	}
	var in any
	if roles != nil {
		in = struct {
			Roles string `json:"roles"`
		}{strings.Join(roles, ",")}
	}
	if method == http.MethodDelete {
		return nil, s.c.do(ctx, method, r, nil, in, nil)
	}
	var out adminRolesWire
	if err := s.c.do(ctx, method, r, nil, in, &out); err != nil {
		return nil, err
	}
	if out.Roles == nil {
		return nil, s.invalid(method, r, "no roles in the response")
	}
	for i, role := range *out.Roles {
		if role.ID == "" && role.Name == "" {
			return nil, s.invalid(method, r, "role "+strconv.Itoa(i)+" has neither id nor name")
		}
	}
	return *out.Roles, nil
}

func validRoleNames(roles []string) error {
	if len(roles) == 0 {
		return invalidParam("roles", "must provide >= 1 role")
	}
	for i, r := range roles {
		field := "roles[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(r) == "":
			return invalidParam(field, "must not be empty")
		case strings.Contains(r, ","):
			return invalidParam(field, "must not contain a comma")
		}
	}
	return nil
}

// Workspace is a Kong workspace an admin belongs to.
type Workspace struct {
	ID        string
	Name      string
	Comment   string
	CreatedAt time.Time
	Config    WorkspaceConfig
	Meta      WorkspaceMeta
}

// WorkspaceConfig is the portal configuration of a workspace.
type WorkspaceConfig struct {
	Portal            bool `json:"portal"`
	PortalAutoApprove bool `json:"portal_auto_approve"`
}

// WorkspaceMeta holds the display settings of a workspace.
type WorkspaceMeta struct {
	Color     string `json:"color"`
	Thumbnail string `json:"thumbnail"`
}

// UnmarshalJSON decodes a workspace in Kong's wire format.
func (w *Workspace) UnmarshalJSON(b []byte) error {
	var v struct {
		ID        string          `json:"id"`
		Name      string          `json:"name"`
		Comment   string          `json:"comment"`
		CreatedAt unixTime        `json:"created_at"`
		Config    WorkspaceConfig `json:"config"`
		Meta      WorkspaceMeta   `json:"meta"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*w = Workspace{v.ID, v.Name, v.Comment, v.CreatedAt.Time, v.Config, v.Meta}
	return nil
}

// ListWorkspaces returns the workspaces an admin belongs to.
// GET /admins/{name_or_id}/workspaces
func (s *AdminsService) ListWorkspaces(ctx context.Context, nameOrID string) ([]Workspace, error) {
	r, err := at("/admins/{name_or_id}/workspaces", nameOrID)
	if err != nil {
		return nil, err
	}
	var out []Workspace
	if err := s.c.do(ctx, http.MethodGet, r, nil, nil, &out); err != nil {
		return nil, err
	}
	if out == nil { // the body was null
		return nil, s.invalid(http.MethodGet, r, "no workspaces in the response")
	}
	for i := range out {
		if out[i].ID == "" && out[i].Name == "" {
			return nil, s.invalid(http.MethodGet, r, "workspace "+strconv.Itoa(i)+" has neither id nor name")
		}
	}
	return out, nil
}
