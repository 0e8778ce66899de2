package admin_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

func TestRolesList(t *testing.T) {
	t.Parallel()
	s := script(t, reply{200, `{"data": [{"name": "admin", "description": "Everything."},
		{"name": "ml_engineer", "description": "Runs workloads.", "future_field": 1}]}`})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	roles, err := c.Roles.List(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []admin.RoleInfo{
		{Name: admin.RoleAdmin, Description: "Everything."},
		{Name: admin.RoleMLEngineer, Description: "Runs workloads."},
	}, roles)
	s.expect("GET", "/v1/roles", nil, "")
	s.none()
}

func TestRolesListEmpty(t *testing.T) {
	t.Parallel()
	s := script(t, reply{200, `{"data": []}`})
	_, c := serve(t, s.ServeHTTP, oneShot()...)
	roles, err := c.Roles.List(t.Context())
	require.NoError(t, err)
	assert.NotNil(t, roles)
	assert.Empty(t, roles)
}

func TestRolesListErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply reply
		want  error
	}{
		{"unauthorized", reply{401, `{"error": {"code": "invalid_api_key", "message": "Bad key."}}`}, admin.ErrUnauthorized},
		{"no data", reply{200, `{}`}, admin.ErrInvalidResponse},
		{"null data", reply{200, `{"data": null}`}, admin.ErrInvalidResponse},
		{"not json", reply{200, `<html>`}, admin.ErrInvalidResponse},
		{"empty body", reply{200, ""}, admin.ErrInvalidResponse},
		{"proxy page", reply{502, `<html>Bad Gateway</html>`}, admin.ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, tt.reply)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			roles, err := c.Roles.List(t.Context())
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, roles)
			assert.NotErrorIs(t, err, admin.ErrPossiblyApplied, "a GET changes nothing")
		})
	}
}

func TestRolesListFlow(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	roles, err := c.Roles.List(t.Context())
	require.NoError(t, err)
	var names []admin.Role
	for _, r := range roles {
		assert.True(t, r.Name.Valid(), r.Name)
		assert.NotEmpty(t, r.Description)
		names = append(names, r.Name)
	}
	assert.ElementsMatch(t, []admin.Role{admin.RoleAdmin, admin.RoleEditor, admin.RoleViewer, admin.RoleDepartmentAdmin,
		admin.RoleResearcher, admin.RoleResearchManager, admin.RoleMLEngineer}, names)
}
