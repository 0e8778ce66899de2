package admin

import (
	"context"
	"net/http"
)

// RolesService lists the roles that can be granted: GET /roles.
type RolesService service

// RoleInfo describes a role that can be granted.
type RoleInfo struct {
	Name        Role   `json:"name"`
	Description string `json:"description"`
}

// List returns every role that can be granted. GET /roles
func (s *RolesService) List(ctx context.Context) ([]RoleInfo, error) {
	var out struct {
		Data *[]RoleInfo `json:"data"`
	}
	r := static("/roles")
	if err := s.c.do(ctx, http.MethodGet, r, nil, nil, &out); err != nil {
		return nil, err
	}
	if out.Data == nil {
		return nil, &Error{Method: http.MethodGet, Path: s.c.base.Path + r.path, StatusCode: http.StatusOK,
			Message: "no data in the response", invalidResponse: true}
	}
	return *out.Data, nil
}
