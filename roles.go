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
	err := s.c.doChecked(ctx, http.MethodGet, static("/roles"), nil, nil, &out, func() string {
		if out.Data == nil {
			return "no data in the response"
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	return *out.Data, nil
}
