package admin_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	admin "github.com/admin/api-go"
	"github.com/admin/api-go/admintest"
)

// wireCase is one call checked against the exact request it sends and the
// value it decodes from a representative response.
type wireCase struct {
	name     string
	call     func(context.Context, *admin.Client) (any, error)
	method   string
	path     string
	query    string
	body     string // JSON; "" means no body
	status   int
	response string
	check    func(t *testing.T, got any)
}

// runWireCases runs each case against its own server.
func runWireCases(t *testing.T, cases []wireCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fixed(t, tc.status, tc.response)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			got, err := tc.call(t.Context(), c)
			require.NoError(t, err)
			reqs := s.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, tc.path, r.Path)
			assert.Equal(t, tc.query, r.RawQuery)
			if tc.body == "" {
				assert.Empty(t, r.Body)
			} else {
				assert.JSONEq(t, tc.body, r.Body)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// paramCase is a call that must fail validation without sending anything.
type paramCase struct {
	name  string
	call  func(context.Context, *admin.Client) error
	field string
}

// runParamCases checks each call returns a *admin.ParamError naming field
// and sends no request.
func runParamCases(t *testing.T, cases []paramCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fixed(t, http.StatusOK, `{}`)
			_, c := serve(t, s.ServeHTTP, oneShot()...)
			err := tc.call(t.Context(), c)
			require.ErrorIs(t, err, admin.ErrInvalidParams)
			var pe *admin.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.Empty(t, s.requests())
		})
	}
}

// seqErr drains an iteration that must fail validation.
func seqErr[T any](seq func(func(T, error) bool)) error {
	var err error
	for _, e := range seq {
		err = e
	}
	return err
}

const groupJSON = `{"name":"ml team","roles":["researcher","ml_engineer"],"members":["usr_1"],
	"created_by":"usr_9","created_at":"2025-01-15T09:30:00Z","updated_at":"2025-01-16T10:00:00.5Z","etag":"ignored"}`

func checkGroup(t *testing.T, got any) {
	g, ok := got.(*admin.Group)
	require.True(t, ok, "got %T", got)
	assert.Equal(t, admin.Group{
		Name: "ml team", Roles: []admin.Role{admin.RoleResearcher, admin.RoleMLEngineer}, Members: []string{"usr_1"},
		CreatedBy: "usr_9", CreatedAt: time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC),
		UpdatedAt: time.Date(2025, 1, 16, 10, 0, 0, 5e8, time.UTC),
	}, *g)
}

func TestGroupsWire(t *testing.T) {
	t.Parallel()
	none := func(*testing.T, any) {}
	runWireCases(t, []wireCase{
		{
			name:   "list",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Groups.List(ctx, nil) },
			method: "GET", path: "/v1/groups", status: 200,
			response: `{"data":[` + groupJSON + `],"meta":{"next_cursor":"cur_2","has_more":true}}`,
			check: func(t *testing.T, got any) {
				pg := got.(*admin.Page[admin.Group])
				require.Len(t, pg.Data, 1)
				checkGroup(t, &pg.Data[0])
				assert.Equal(t, "cur_2", pg.NextCursor)
				assert.True(t, pg.HasMore)
			},
		},
		{
			name: "list filtered",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Groups.List(ctx, &admin.ListGroupsParams{Limit: 5, Cursor: "a/b c", Role: admin.RoleViewer})
			},
			method: "GET", path: "/v1/groups", query: "limit=5&role=viewer&cursor=a%2Fb+c", status: 200,
			response: `{"data":[],"meta":{"next_cursor":null,"has_more":false}}`,
			check: func(t *testing.T, got any) {
				pg := got.(*admin.Page[admin.Group])
				assert.Empty(t, pg.Data)
				assert.False(t, pg.HasMore)
			},
		},
		{
			name: "create",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ml team",
					Roles: []admin.Role{admin.RoleResearcher, admin.RoleMLEngineer}})
			},
			method: "POST", path: "/v1/groups", body: `{"name":"ml team","roles":["researcher","ml_engineer"]}`,
			status: 201, response: groupJSON, check: checkGroup,
		},
		{
			name: "create without roles sends an empty list",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ml team"})
			},
			method: "POST", path: "/v1/groups", body: `{"name":"ml team","roles":[]}`,
			status: 201, response: groupJSON, check: none,
		},
		{
			name:   "get escapes the name",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return c.Groups.Get(ctx, "ml team/a?b") },
			method: "GET", path: "/v1/groups/ml%20team%2Fa%3Fb", status: 200, response: groupJSON, check: checkGroup,
		},
		{
			name: "update replaces roles",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Groups.Update(ctx, "ml team", &admin.UpdateGroupParams{Roles: []admin.Role{admin.RoleViewer}})
			},
			method: "PUT", path: "/v1/groups/ml%20team", body: `{"roles":["viewer"]}`,
			status: 200, response: groupJSON, check: checkGroup,
		},
		{
			name: "update to no roles",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Groups.Update(ctx, "ops", &admin.UpdateGroupParams{})
			},
			method: "PUT", path: "/v1/groups/ops", body: `{"roles":[]}`, status: 200, response: groupJSON, check: none,
		},
		{
			name:   "delete",
			call:   func(ctx context.Context, c *admin.Client) (any, error) { return nil, c.Groups.Delete(ctx, "ops") },
			method: "DELETE", path: "/v1/groups/ops", status: 204,
		},
		{
			name: "list members",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return c.Groups.ListMembers(ctx, "a/b", &admin.ListGroupMembersParams{Limit: 100, Cursor: "c1"})
			},
			method: "GET", path: "/v1/groups/a%2Fb/members", query: "limit=100&cursor=c1", status: 200,
			response: `{"data":[
				{"id":"usr_1","name":"Ada","email":"ada@example.com","role":"editor","status":"active","groups":["a/b"],
				 "created_at":"2025-01-15T09:30:00Z","updated_at":"2025-01-15T09:30:00Z","last_login_at":null,"extra":{"x":1}},
				{"id":"usr_2","name":"Bob","email":"bob@example.com","role":"viewer","status":"invited","groups":[],
				 "created_at":"2025-01-15T09:30:00Z","updated_at":"2025-01-15T09:30:00Z","last_login_at":"2025-02-01T08:00:00+01:00"}],
				"meta":{"next_cursor":null,"has_more":false}}`,
			check: func(t *testing.T, got any) {
				pg := got.(*admin.Page[admin.User])
				require.Len(t, pg.Data, 2)
				assert.Equal(t, "usr_1", pg.Data[0].ID)
				assert.Equal(t, admin.RoleEditor, pg.Data[0].Role)
				assert.Nil(t, pg.Data[0].LastLoginAt)
				require.NotNil(t, pg.Data[1].LastLoginAt)
				assert.True(t, pg.Data[1].LastLoginAt.Equal(time.Date(2025, 2, 1, 7, 0, 0, 0, time.UTC)))
				assert.Equal(t, admin.UserInvited, pg.Data[1].Status)
				assert.False(t, pg.HasMore)
			},
		},
		{
			name: "add member",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Groups.AddMember(ctx, "ml team", "usr_1/2")
			},
			method: "PUT", path: "/v1/groups/ml%20team/members/usr_1%2F2", status: 204,
		},
		{
			name: "remove member",
			call: func(ctx context.Context, c *admin.Client) (any, error) {
				return nil, c.Groups.RemoveMember(ctx, "ops", "usr_1")
			},
			method: "DELETE", path: "/v1/groups/ops/members/usr_1", status: 204,
		},
	})
}

func TestGroupsInvalidParams(t *testing.T) {
	t.Parallel()
	runParamCases(t, []paramCase{
		{"list limit too big", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.List(ctx, &admin.ListGroupsParams{Limit: 101})
			return err
		}, "Limit"},
		{"list limit negative", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.List(ctx, &admin.ListGroupsParams{Limit: -1})
			return err
		}, "Limit"},
		{"create nil", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Create(ctx, nil)
			return err
		}, "params"},
		{"create empty name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Roles: []admin.Role{admin.RoleViewer}})
			return err
		}, "Name"},
		{"create dot name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: ".."})
			return err
		}, "Name"},
		{"create empty role", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "a", Roles: []admin.Role{admin.RoleViewer, ""}})
			return err
		}, "Roles"},
		{"get empty name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Get(ctx, " ")
			return err
		}, "name"},
		{"update nil", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Update(ctx, "a", nil)
			return err
		}, "params"},
		{"update empty role", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Update(ctx, "a", &admin.UpdateGroupParams{Roles: []admin.Role{""}})
			return err
		}, "Roles"},
		{"update empty name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.Update(ctx, "", &admin.UpdateGroupParams{})
			return err
		}, "name"},
		{"delete control char", func(ctx context.Context, c *admin.Client) error {
			return c.Groups.Delete(ctx, "a\nb")
		}, "name"},
		{"list members empty name", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.ListMembers(ctx, "", nil)
			return err
		}, "name"},
		{"list members limit", func(ctx context.Context, c *admin.Client) error {
			_, err := c.Groups.ListMembers(ctx, "a", &admin.ListGroupMembersParams{Limit: 1000})
			return err
		}, "Limit"},
		{"all members dot name", func(ctx context.Context, c *admin.Client) error {
			return seqErr(c.Groups.AllMembers(ctx, ".", nil))
		}, "name"},
		{"add member empty user", func(ctx context.Context, c *admin.Client) error {
			return c.Groups.AddMember(ctx, "a", "")
		}, "userID"},
		{"add member empty group", func(ctx context.Context, c *admin.Client) error {
			return c.Groups.AddMember(ctx, "", "usr_1")
		}, "name"},
		{"remove member dot user", func(ctx context.Context, c *admin.Client) error {
			return c.Groups.RemoveMember(ctx, "a", "..")
		}, "userID"},
	})
}

// memberPages serves the members of group "ops" as three pages:
// usr_1 usr_2 | usr_3 usr_4 | usr_5.
func memberPages(r wireRequest) reply {
	user := func(id string) string {
		return `{"id":"` + id + `","name":"n","email":"e@example.com","role":"viewer","status":"active","groups":["ops"],` +
			`"created_at":"2025-01-15T09:30:00Z","updated_at":"2025-01-15T09:30:00Z","last_login_at":null}`
	}
	switch r.RawQuery {
	case "limit=2":
		return reply{200, `{"data":[` + user("usr_1") + `,` + user("usr_2") + `],"meta":{"next_cursor":"c2","has_more":true}}`}
	case "limit=2&cursor=c2":
		return reply{200, `{"data":[` + user("usr_3") + `,` + user("usr_4") + `],"meta":{"next_cursor":"c3","has_more":true}}`}
	case "limit=2&cursor=c3":
		return reply{200, `{"data":[` + user("usr_5") + `],"meta":{"next_cursor":null,"has_more":false}}`}
	}
	return reply{400, `{"error":{"code":"invalid_request","message":"unexpected query","status":400}}`}
}

func collectIDs(t *testing.T, seq func(func(admin.User, error) bool)) []string {
	t.Helper()
	var ids []string
	for u, err := range seq {
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	return ids
}

func TestGroupsAllMembers(t *testing.T) {
	t.Parallel()
	t.Run("every page in order", func(t *testing.T) {
		t.Parallel()
		s := respond(t, memberPages)
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		ids := collectIDs(t, c.Groups.AllMembers(t.Context(), "ops", &admin.ListGroupMembersParams{Limit: 2}))
		assert.Equal(t, []string{"usr_1", "usr_2", "usr_3", "usr_4", "usr_5"}, ids)
		reqs := s.requests()
		require.Len(t, reqs, 3)
		for _, r := range reqs {
			assert.Equal(t, "/v1/groups/ops/members", r.Path)
		}
	})
	t.Run("resume from a cursor", func(t *testing.T) {
		t.Parallel()
		s := respond(t, memberPages)
		_, c := serve(t, s.ServeHTTP, oneShot()...)
		pg, err := c.Groups.ListMembers(t.Context(), "ops", &admin.ListGroupMembersParams{Limit: 2})
		require.NoError(t, err)
		require.Equal(t, "c2", pg.NextCursor)
		ids := collectIDs(t, c.Groups.AllMembers(t.Context(), "ops", &admin.ListGroupMembersParams{Limit: 2, Cursor: pg.NextCursor}))
		assert.Equal(t, []string{"usr_3", "usr_4", "usr_5"}, ids)
		reqs := s.requests()
		require.Len(t, reqs, 3)
		assert.Equal(t, "limit=2&cursor=c2", reqs[1].RawQuery)
	})
	t.Run("stop early", func(t *testing.T) {
		t.Parallel()
		_, c := serve(t, respond(t, memberPages).ServeHTTP, oneShot()...)
		var ids []string
		for u, err := range c.Groups.AllMembers(t.Context(), "ops", &admin.ListGroupMembersParams{Limit: 2}) {
			require.NoError(t, err)
			ids = append(ids, u.ID)
			if len(ids) == 3 {
				break
			}
		}
		assert.Equal(t, []string{"usr_1", "usr_2", "usr_3"}, ids)
	})
	t.Run("error on a later page", func(t *testing.T) {
		t.Parallel()
		_, c := serve(t, respond(t, func(r wireRequest) reply {
			if r.RawQuery == "limit=2&cursor=c2" {
				return reply{404, `{"error":{"code":"not_found","message":"No such group.","status":404}}`}
			}
			return memberPages(r)
		}).ServeHTTP, oneShot()...)
		var ids []string
		var errs []error
		for u, err := range c.Groups.AllMembers(t.Context(), "ops", &admin.ListGroupMembersParams{Limit: 2}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			ids = append(ids, u.ID)
		}
		assert.Equal(t, []string{"usr_1", "usr_2"}, ids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], admin.ErrNotFound)
	})
}

func TestGroupsErrors(t *testing.T) {
	t.Parallel()
	_, c := serve(t, fixed(t, 409, `{"error":{"code":"conflict","message":"A group with this name exists.","status":409,"param":"name"}}`).ServeHTTP, oneShot()...)
	_, err := c.Groups.Create(t.Context(), &admin.CreateGroupParams{Name: "ops"})
	require.ErrorIs(t, err, admin.ErrConflict)
	var ae *admin.Error
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, "name", ae.Param)
	assert.Equal(t, "conflict", ae.Code)
}

// newFlowUser creates a user through the API for a flow test.
func newFlowUser(t *testing.T, c *admin.Client, name string) *admin.User {
	t.Helper()
	u, err := c.Users.Create(t.Context(), &admin.CreateUserParams{Name: name, Email: name + "@example.com",
		Role: admin.RoleViewer, SendInvitation: admin.Ptr(false)})
	require.NoError(t, err)
	return u
}

func TestGroupsFlow(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	ctx := t.Context()
	ada, bob, cy := newFlowUser(t, c, "ada"), newFlowUser(t, c, "bob"), newFlowUser(t, c, "cy")

	g, err := c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ml team", Roles: []admin.Role{admin.RoleResearcher}})
	require.NoError(t, err)
	assert.Equal(t, "ml team", g.Name)
	assert.Equal(t, []admin.Role{admin.RoleResearcher}, g.Roles)
	assert.Empty(t, g.Members)
	assert.Equal(t, srv.AdminUserID, g.CreatedBy)
	assert.False(t, g.CreatedAt.IsZero())

	_, err = c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ml team"})
	require.ErrorIs(t, err, admin.ErrConflict)

	g, err = c.Groups.Update(ctx, "ml team", &admin.UpdateGroupParams{Roles: []admin.Role{admin.RoleViewer, admin.RoleEditor}})
	require.NoError(t, err)
	assert.Equal(t, []admin.Role{admin.RoleViewer, admin.RoleEditor}, g.Roles)

	for _, u := range []*admin.User{ada, bob, cy, ada} { // adding twice is no error
		require.NoError(t, c.Groups.AddMember(ctx, "ml team", u.ID))
	}
	pg, err := c.Groups.ListMembers(ctx, "ml team", &admin.ListGroupMembersParams{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, pg.Data, 2)
	assert.True(t, pg.HasMore)
	ids := collectIDs(t, c.Groups.AllMembers(ctx, "ml team", &admin.ListGroupMembersParams{Limit: 2}))
	assert.ElementsMatch(t, []string{ada.ID, bob.ID, cy.ID}, ids)
	got, err := c.Users.Get(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"ml team"}, got.Groups)

	require.NoError(t, c.Groups.RemoveMember(ctx, "ml team", bob.ID))
	ids = collectIDs(t, c.Groups.AllMembers(ctx, "ml team", nil))
	assert.ElementsMatch(t, []string{ada.ID, cy.ID}, ids)
	g, err = c.Groups.Get(ctx, "ml team")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{ada.ID, cy.ID}, g.Members)

	_, err = c.Groups.Create(ctx, &admin.CreateGroupParams{Name: "ops", Roles: []admin.Role{admin.RoleAdmin}})
	require.NoError(t, err)
	var names []string
	for g, err := range c.Groups.All(ctx, &admin.ListGroupsParams{Role: admin.RoleEditor, Limit: 1}) {
		require.NoError(t, err)
		names = append(names, g.Name)
	}
	assert.Equal(t, []string{"ml team"}, names)

	require.NoError(t, c.Groups.Delete(ctx, "ml team"))
	_, err = c.Groups.Get(ctx, "ml team")
	require.ErrorIs(t, err, admin.ErrNotFound)
	err = c.Groups.AddMember(ctx, "ml team", ada.ID)
	require.ErrorIs(t, err, admin.ErrNotFound)
	_, err = c.Groups.ListMembers(ctx, "ml team", nil)
	require.ErrorIs(t, err, admin.ErrNotFound)
}

func TestGroupsFlowSeeded(t *testing.T) {
	t.Parallel()
	srv, c := setup(t, admintest.WithSeedData(0, 25, 0))
	var names []string
	for g, err := range c.Groups.All(t.Context(), &admin.ListGroupsParams{Limit: 7}) {
		require.NoError(t, err)
		names = append(names, g.Name)
	}
	want := make([]string, 0, 25)
	for _, g := range srv.Groups() {
		want = append(want, g.Name)
	}
	assert.Len(t, names, 25)
	assert.ElementsMatch(t, want, names)
}
