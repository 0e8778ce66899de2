package admin_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

func TestRolesList(t *testing.T) {
	t.Parallel()
	r := newRig(t, []rigReply{{200, `{"data": [{"name": "admin", "description": "Everything."},
		{"name": "ml_engineer", "description": "Runs workloads.", "future_field": 1}]}`}})
	roles, err := r.client.Roles.List(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []admin.RoleInfo{
		{Name: admin.RoleAdmin, Description: "Everything."},
		{Name: admin.RoleMLEngineer, Description: "Runs workloads."},
	}, roles)
	r.expect("GET", "/v1/roles", nil, "")
	r.none()
}

func TestRolesListEmpty(t *testing.T) {
	t.Parallel()
	r := newRig(t, []rigReply{{200, `{"data": []}`}})
	roles, err := r.client.Roles.List(t.Context())
	require.NoError(t, err)
	assert.NotNil(t, roles)
	assert.Empty(t, roles)
}

func TestRolesListErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply rigReply
		want  error
	}{
		{"unauthorized", rigReply{401, `{"error": {"code": "invalid_api_key", "message": "Bad key."}}`}, admin.ErrUnauthorized},
		{"no data", rigReply{200, `{}`}, admin.ErrInvalidResponse},
		{"null data", rigReply{200, `{"data": null}`}, admin.ErrInvalidResponse},
		{"not json", rigReply{200, `<html>`}, admin.ErrInvalidResponse},
		{"empty body", rigReply{200, ""}, admin.ErrInvalidResponse},
		{"proxy page", rigReply{502, `<html>Bad Gateway</html>`}, admin.ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, []rigReply{tt.reply})
			roles, err := r.client.Roles.List(t.Context())
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
