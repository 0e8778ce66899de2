package admin_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
)

// The sets of values the API defines (roles, user statuses, admin
// statuses) are open: the server may add to them, and the SDK must send
// and decode what it does not know rather than refuse it.

// TestUnknownValuesAreSent sends a role and a status the SDK does not
// know in every place a caller can put one; each reaches the server as it is.
func TestUnknownValuesAreSent(t *testing.T) {
	t.Parallel()
	const auditor, suspended = admin.Role("auditor"), admin.UserStatus("suspended")
	tests := []struct {
		name   string
		reply  reply
		call   func(context.Context, *admin.Client) error
		method string
		path   string
		query  url.Values
		body   string
	}{
		{"Users.List", reply{200, `{"data": [], "meta": {"next_cursor": null, "has_more": false}}`},
			func(ctx context.Context, c *admin.Client) error {
				_, err := c.Users.List(ctx, &admin.ListUsersParams{Role: auditor, Status: suspended})
				return err
			}, "GET", "/v1/users", url.Values{"role": {"auditor"}, "status": {"suspended"}}, ""},
		{"Users.Create", reply{201, userJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Create(ctx, &admin.CreateUserParams{Name: "Ann", Email: "ann@example.com", Role: auditor})
			return err
		}, "POST", "/v1/users", nil, `{"name": "Ann", "email": "ann@example.com", "role": "auditor"}`},
		{"Users.Update", reply{200, userJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Users.Update(ctx, "usr_1", &admin.UpdateUserParams{Role: admin.Ptr(auditor), Status: admin.Ptr(suspended)})
			return err
		}, "PATCH", "/v1/users/usr_1", nil, `{"role": "auditor", "status": "suspended"}`},
		{"Groups.List", reply{200, `{"data": [], "meta": {"next_cursor": null, "has_more": false}}`},
			func(ctx context.Context, c *admin.Client) error {
				_, err := c.Groups.List(ctx, &admin.ListGroupsParams{Role: auditor})
				return err
			}, "GET", "/v1/groups", url.Values{"role": {"auditor"}}, ""},
		{"Groups.Create", reply{201, groupJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "g", Roles: []admin.Role{admin.RoleViewer, auditor}})
			return err
		}, "POST", "/v1/groups", nil, `{"name": "g", "roles": ["viewer", "auditor"]}`},
		{"Groups.Update", reply{200, groupJSON}, func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Update(ctx, "g", &admin.UpdateGroupParams{Roles: []admin.Role{auditor}})
			return err
		}, "PUT", "/v1/groups/g", nil, `{"roles": ["auditor"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, tt.reply)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			require.NoError(t, tt.call(t.Context(), c))
			s.expect(tt.method, tt.path, tt.query, tt.body)
		})
	}
}

// TestUnknownValuesAreDecoded decodes answers carrying values the SDK
// does not know, through both the paged and the single-object paths, and
// keeps them as they came.
func TestUnknownValuesAreDecoded(t *testing.T) {
	t.Parallel()
	user := replaceOnce(replaceOnce(userJSON, `"role": "editor"`, `"role": "auditor"`), `"status": "active"`, `"status": "suspended"`)
	group := replaceOnce(groupJSON, `"roles":["researcher","ml_engineer"]`, `"roles":["researcher","auditor"]`)
	adm := replaceOnce(adminJSON, `"status": 4`, `"status": 9`)
	checkUser := func(t *testing.T, u admin.User) {
		assert.Equal(t, admin.Role("auditor"), u.Role)
		assert.Equal(t, admin.UserStatus("suspended"), u.Status)
	}
	checkGroup := func(t *testing.T, g admin.Group) {
		assert.Equal(t, []admin.Role{admin.RoleResearcher, "auditor"}, g.Roles)
	}
	checkAdmin := func(t *testing.T, a admin.Admin) {
		assert.Equal(t, admin.AdminStatus(9), a.Status)
		assert.Equal(t, "AdminStatus(9)", a.Status.String())
	}
	tests := []struct {
		name  string
		reply string
		check func(*testing.T, *admin.Client)
	}{
		{"user", user, func(t *testing.T, c *admin.Client) {
			u, err := c.Users.Get(t.Context(), "usr_1")
			require.NoError(t, err)
			checkUser(t, *u)
		}},
		{"page of users", `{"data": [` + user + `], "meta": {"next_cursor": null, "has_more": false}}`,
			func(t *testing.T, c *admin.Client) {
				pg, err := c.Users.List(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, pg.Data, 1)
				checkUser(t, pg.Data[0])
			}},
		{"group", group, func(t *testing.T, c *admin.Client) {
			g, err := c.Groups.Get(t.Context(), "g")
			require.NoError(t, err)
			checkGroup(t, *g)
		}},
		{"page of groups", `{"data": [` + group + `], "meta": {"next_cursor": null, "has_more": false}}`,
			func(t *testing.T, c *admin.Client) {
				pg, err := c.Groups.List(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, pg.Data, 1)
				checkGroup(t, pg.Data[0])
			}},
		{"role list", `{"data": [{"name": "auditor", "description": "Reads the audit log."}]}`,
			func(t *testing.T, c *admin.Client) {
				roles, err := c.Roles.List(t.Context())
				require.NoError(t, err)
				assert.Equal(t, []admin.RoleInfo{{Name: "auditor", Description: "Reads the audit log."}}, roles)
			}},
		{"admin", adm, func(t *testing.T, c *admin.Client) {
			a, err := c.Admins.Get(t.Context(), adminUUID, nil)
			require.NoError(t, err)
			checkAdmin(t, *a)
		}},
		{"page of admins", `{"data": [` + adm + `], "next": null}`, func(t *testing.T, c *admin.Client) {
			pg, err := c.Admins.List(t.Context(), nil)
			require.NoError(t, err)
			require.Len(t, pg.Data, 1)
			checkAdmin(t, pg.Data[0])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script(t, reply{200, tt.reply})
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			tt.check(t, c)
		})
	}
}
